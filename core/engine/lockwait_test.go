package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestFileInTheWayOfPrivateFolder: a file named .rosterdesk-tmp beside the database
// (where the engine makes its private folder) fails an import with words that name the
// file and say to move or delete it, not "check that you may write to the folder"; a
// cancel that needs the folder says the same. Once the file is gone, imports work.
func TestFileInTheWayOfPrivateFolder(t *testing.T) {
	e := newEnv(t)
	inTheWay := filepath.Join(filepath.Dir(e.path), ".rosterdesk-tmp")
	if err := os.WriteFile(inTheWay, []byte("notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantWords := func(t *testing.T, what, msg string) {
		t.Helper()
		for _, w := range []string{".rosterdesk-tmp", "in the way", "Move or delete", filepath.Dir(e.path)} {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q, want it to contain %q", what, msg, w)
			}
		}
		if strings.Contains(msg, "may write") {
			t.Errorf("%s: message %q, want no advice about rights", what, msg)
		}
	}
	res := e.upload("roster.csv", cancelRoster, e.schoolA, admin)
	if res.Status != core.StatusFailed {
		t.Fatalf("import with a file in the way: status %s, want Failed", res.Status)
	}
	wantWords(t, "import", res.Message)

	if err := os.Remove(inTheWay); err != nil {
		t.Fatal(err)
	}
	if res := e.upload("roster.csv", cancelRoster, e.schoolA, admin); res.Status != core.StatusCompleted {
		t.Errorf("import once the file is gone: status %s (%s), want Completed", res.Status, res.Message)
	}
}

// TestFileInTheWayOfPrivateFolderCancel: asking another process's running upload to
// cancel leaves a marker in the private folder; a file in the folder's way is named.
func TestFileInTheWayOfPrivateFolderCancel(t *testing.T) {
	e := newEnv(t)
	other := e.open("elsewhere/1/aaaaaaaa") // a process of another computer runs it
	up, err := other.Enqueue(e.ctx, engine.UploadRequest{FileName: "roster.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	claimUpload(t, other, up.ID)
	if err := os.RemoveAll(filepath.Join(filepath.Dir(e.path), ".rosterdesk-tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(e.path), ".rosterdesk-tmp"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err = e.svc.Cancel(e.ctx, admin, up.ID)
	if msg := core.ErrorMessage(err); err == nil || !strings.Contains(msg, "Move or delete") || !strings.Contains(msg, ".rosterdesk-tmp") {
		t.Errorf("Cancel with a file in the way = %v, want the file named and what to do", err)
	}
}

// claimUpload leaves upload id In Progress, owned by svc, as a process does that stops
// in the middle of it (its computer switched off).
func claimUpload(t *testing.T, svc *engine.Service, id int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := svc.RunPending(ctx, func(p core.Progress) {
		if p.Upload == id && p.Phase == core.PhaseChecking {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunPending stopped in the middle = %v, want context.Canceled", err)
	}
}
