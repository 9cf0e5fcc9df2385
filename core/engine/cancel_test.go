package engine_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// cancelRoster has a typed password, so its run goes through every phase.
var cancelRoster = csvOf(
	"User ID,Role,First Name,Last Name,Email,Password,Class ID,Class Name",
	"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,Sunflower42x,MATH,Math 3A",
	"S1,Student,Ava,Johnson,,,MATH,",
)

// TestCancel: a queued upload is cancelled at once; a running one is stopped before its
// commit, whichever process runs it; nothing of either is applied (issue 9 item 4).
func TestCancel(t *testing.T) {
	enqueue := func(t *testing.T, e *env, svc *engine.Service) core.Upload {
		t.Helper()
		up, err := svc.Enqueue(e.ctx, engine.UploadRequest{FileName: "fall.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin})
		if err != nil {
			t.Fatal(err)
		}
		return up
	}
	nothingApplied := func(t *testing.T, e *env, id int64) {
		t.Helper()
		up, err := e.svc.Upload(e.ctx, admin, id)
		if err != nil || up.Status != core.StatusCancelled || up.Message == "" || len(up.Files) != 0 {
			t.Errorf("Upload(%d) = %s %q files %q, %v; want Cancelled with a reason and no file", id, up.Status, up.Message, up.Files, err)
		}
		if n := len(e.accounts(core.School{})); n != 0 {
			t.Errorf("%d users after a cancel, want none", n)
		}
	}

	t.Run("OKQueued", func(t *testing.T) {
		e := newEnv(t)
		up := enqueue(t, e, e.svc)
		if err := e.svc.Cancel(e.ctx, admin, up.ID); err != nil {
			t.Fatal(err)
		}
		nothingApplied(t, e, up.ID)
		if res, err := e.svc.RunPending(e.ctx, nil); err != nil || len(res) != 0 {
			t.Errorf("RunPending after the cancel = %+v, %v; want nothing to run", res, err)
		}
		if err := e.svc.Cancel(e.ctx, admin, up.ID); core.ErrorKind(err) != core.KindConflict {
			t.Errorf("Cancel of a cancelled upload = %v, want KindConflict", err)
		}
	})

	t.Run("OKRunningHere", func(t *testing.T) {
		e := newEnv(t)
		up := enqueue(t, e, e.svc)
		cancelled := false
		res, err := e.svc.RunPending(e.ctx, func(p core.Progress) {
			if p.Phase == core.PhaseChecking && !cancelled {
				cancelled = true
				if err := e.svc.Cancel(e.ctx, admin, up.ID); err != nil {
					t.Errorf("Cancel while running = %v", err)
				}
			}
		})
		if err != nil || len(res) != 1 || res[0].Status != core.StatusCancelled {
			t.Fatalf("RunPending with a cancel = %+v, %v; want one Cancelled result", res, err)
		}
		nothingApplied(t, e, up.ID)
	})

	t.Run("OKRunningInAnotherProcess", func(t *testing.T) {
		e := newEnv(t)
		other := e.open("") // the window, say, while rosterctl runs the upload
		up := enqueue(t, e, e.svc)
		asked := false
		res, err := e.svc.RunPending(e.ctx, func(p core.Progress) {
			if p.Phase == core.PhaseHashing && !asked {
				asked = true
				if err := other.Cancel(e.ctx, admin, up.ID); err != nil {
					t.Errorf("Cancel from another process = %v", err)
				}
			}
		})
		if err != nil || len(res) != 1 || res[0].Status != core.StatusCancelled {
			t.Fatalf("RunPending with a cancel from another process = %+v, %v; want one Cancelled result", res, err)
		}
		nothingApplied(t, e, up.ID)
	})

	t.Run("OKOwnerGone", func(t *testing.T) {
		e := newEnv(t)
		host, err := os.Hostname()
		if err != nil {
			t.Skip("no hostname")
		}
		crashed := e.open(host + "/999999/crashed")
		up := enqueue(t, e, crashed)
		ctx, stop := context.WithCancel(e.ctx)
		defer stop()
		if _, err := crashed.RunPending(ctx, func(p core.Progress) { stop() }); !errors.Is(err, context.Canceled) {
			t.Fatalf("RunPending stopped at once = %v", err)
		}
		if err := e.svc.Cancel(e.ctx, admin, up.ID); err != nil {
			t.Fatal(err)
		}
		nothingApplied(t, e, up.ID)
	})

	t.Run("ErrNotYours", func(t *testing.T) {
		e := newEnv(t)
		e.mustImport(classTeachers...)
		up := enqueue(t, e, e.svc)
		if err := e.svc.Cancel(e.ctx, e.teacher("T1"), up.ID); core.ErrorCode(err) != core.AccessUpload {
			t.Errorf("a teacher cancelling an administrator's upload = %v, want %s", err, core.AccessUpload)
		}
		if err := e.svc.Cancel(e.ctx, admin, 999); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("Cancel(999) = %v, want KindNotFound", err)
		}
	})
}
