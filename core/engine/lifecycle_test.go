package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// lifecycleRoster has a typed password (one: argon2id is slow under -race), a failing
// row and a class.
var lifecycleRoster = csvOf(
	"User ID,Role,First Name,Last Name,Email,Password,Class ID,Class Name",
	"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,Sunflower42x,MATH,Math 3A",
	"S1,Student,Ava,Johnson,,,MATH,",
	"S2,Student,Noah,Smith,,,MATH,",
	"S3,Student,Liam,,,,MATH,",
)

func TestStatusesAndProgress(t *testing.T) {
	e := newEnv(t)
	up, err := e.svc.Enqueue(e.ctx, engine.UploadRequest{FileName: "fall.csv", Data: lifecycleRoster, SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != core.StatusQueued || !up.UploadedAt.Equal(t0) || up.UploadedBy != "Pat Office" || up.SchoolName != "Lincoln Elementary" {
		t.Fatalf("Enqueue = %+v, want Queued at %v by Pat Office for Lincoln Elementary", up, t0)
	}

	var (
		mu       sync.Mutex
		events   []core.Progress
		inFlight []core.Upload
	)
	progress := func(p core.Progress) {
		u, err := e.svc.Upload(e.ctx, admin, up.ID) // the history reads while the upload runs
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("Upload(%d) during the run: %v", up.ID, err)
		}
		events = append(events, p)
		inFlight = append(inFlight, u)
		if p.Phase == core.PhaseApplying && p.Done == 0 {
			e.clock.Add(time.Minute) // the run takes a minute
		}
	}
	e.clock.Add(time.Minute) // it waited a minute in the queue
	results, err := e.svc.RunPending(e.ctx, progress)
	if err != nil || len(results) != 1 {
		t.Fatalf("RunPending = %v, %v, want one result", results, err)
	}
	res := results[0]
	if res.Status != core.StatusCompletedWithError || res.Rows != 4 || res.Applied != 3 || res.Failed != 1 {
		t.Errorf("RunPending result = %s %+v, want Completed with Errors, 3 of 4 rows applied", res.Status, res.Counts)
	}

	mu.Lock()
	defer mu.Unlock()
	for i, u := range inFlight {
		if events[i].Phase == core.PhaseDone {
			// Reported once the outcome is committed.
			if u.Status != core.StatusCompletedWithError {
				t.Errorf("progress %d (%+v): upload %s, want Completed with Errors", i, events[i], u.Status)
			}
			continue
		}
		if u.Status != core.StatusInProgress || !u.StartedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("progress %d (%+v): upload %s since %v, want In Progress since %v", i, events[i], u.Status, u.StartedAt, t0.Add(time.Minute))
		}
	}
	order := map[core.Phase]int{core.PhaseReading: 0, core.PhaseChecking: 1, core.PhaseHashing: 2, core.PhaseApplying: 3, core.PhaseDone: 4}
	var phases []core.Phase
	for i, p := range events {
		if p.Upload != up.ID {
			t.Errorf("progress %d: Upload = %d, want %d", i, p.Upload, up.ID)
		}
		if p.Total > 0 && (p.Done < 0 || p.Done > p.Total) {
			t.Errorf("progress %d: %+v, want 0 <= Done <= Total", i, p)
		}
		if i > 0 {
			q := events[i-1]
			if order[p.Phase] < order[q.Phase] || p.Phase == q.Phase && p.Done < q.Done {
				t.Errorf("progress went back: %+v after %+v", p, q)
			}
		}
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	want := []core.Phase{core.PhaseReading, core.PhaseChecking, core.PhaseHashing, core.PhaseApplying, core.PhaseDone}
	if !slices.Equal(phases, want) {
		t.Errorf("phases = %q, want %q", phases, want)
	}
	if last := events[len(events)-1]; last.Done != 4 || last.Total != 4 {
		t.Errorf("last progress = %+v, want 4 of 4", last)
	}

	final, err := e.svc.Upload(e.ctx, admin, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != core.StatusCompletedWithError || !final.StartedAt.Equal(t0.Add(time.Minute)) || !final.FinishedAt.Equal(t0.Add(2*time.Minute)) ||
		final.Counts != res.Counts {
		t.Errorf("final upload = %+v, want Completed with Errors, started %v, finished %v, the result's counts", final, t0.Add(time.Minute), t0.Add(2*time.Minute))
	}
	hist, err := e.svc.History(e.ctx, admin, engine.HistoryFilter{SchoolID: e.schoolA.ID})
	if err != nil || len(hist) != 1 || hist[0].ID != up.ID || hist[0].Status != final.Status {
		t.Errorf("History = %+v, %v, want the one upload", hist, err)
	}
	if h, _ := e.svc.History(e.ctx, admin, engine.HistoryFilter{SchoolID: e.schoolB.ID}); len(h) != 0 {
		t.Errorf("History of school B = %+v, want none", h)
	}
}

// snapshot is what an import leaves behind, without the random parts (GUIDs,
// temporary passwords).
type snapshot struct {
	Result   engine.Result
	Accounts []string
	Classes  []string
	Files    []core.FileKind
}

func (e *env) snapshot(res engine.Result) snapshot {
	e.t.Helper()
	s := snapshot{Result: res}
	s.Result.Upload = 0
	for _, a := range e.accounts(e.schoolA) {
		s.Accounts = append(s.Accounts, fmt.Sprintf("%s %s %s %s %s %s %q", a.UserID, a.Role, a.FirstName, a.LastName, a.Username, a.Password, a.Classes))
	}
	for _, c := range e.classes(e.schoolA) {
		s.Classes = append(s.Classes, fmt.Sprintf("%s %s %s %d/%d", c.ClassID, c.Name, c.Teacher, c.Teachers, c.Students))
	}
	sort.Strings(s.Accounts)
	sort.Strings(s.Classes)
	up, err := e.svc.Upload(e.ctx, admin, res.Upload)
	if err != nil {
		e.t.Fatal(err)
	}
	s.Files = up.Files
	return s
}

func TestCrashResume(t *testing.T) {
	// The uninterrupted run everything is compared with.
	ref := newEnv(t)
	want := ref.snapshot(ref.upload("fall.csv", lifecycleRoster, ref.schoolA, admin))

	host, err := os.Hostname()
	if err != nil {
		t.Skip("no hostname: alive() cannot tell a dead process of this machine")
	}
	for _, tt := range []struct {
		name  string
		crash func(core.Progress) bool
	}{
		{"BeforeImportTx", func(p core.Progress) bool { return p.Phase == core.PhaseApplying && p.Done == 0 }},
		{"InsideImportTx", func(p core.Progress) bool { return p.Phase == core.PhaseApplying && p.Total > 0 && p.Done == p.Total }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			// The crashing process: same machine, a pid that does not exist.
			crashed := e.open(host + "/999999/crashed")
			up, err := crashed.Enqueue(e.ctx, engine.UploadRequest{FileName: "fall.csv", Data: lifecycleRoster, SchoolID: e.schoolA.ID, Actor: admin})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(e.ctx)
			defer cancel()
			sawApply := false
			_, err = crashed.RunPending(ctx, func(p core.Progress) {
				if tt.crash(p) {
					sawApply = true
					cancel()
				}
			})
			if !sawApply || !errors.Is(err, context.Canceled) {
				t.Fatalf("RunPending with a cancel while saving = %v (saw the apply phase: %v), want context.Canceled", err, sawApply)
			}
			u, err := e.svc.Upload(e.ctx, admin, up.ID)
			if err != nil || u.Status != core.StatusInProgress {
				t.Fatalf("after the crash: upload %s, %v, want In Progress", u.Status, err)
			}
			if n := len(e.accounts(core.School{})); n != 0 || len(e.classes(e.schoolA)) != 0 {
				t.Fatalf("after the crash: %d users, %d classes, want nothing applied", n, len(e.classes(e.schoolA)))
			}

			// The next launch: a new process on the same file finishes the upload.
			next := e.open("")
			results, err := next.RunPending(e.ctx, nil)
			if err != nil || len(results) != 1 || results[0].Upload != up.ID {
				t.Fatalf("RunPending after the crash = %+v, %v, want upload %d run again", results, err, up.ID)
			}
			// The same outcome as an uninterrupted run, which says it was resumed.
			resumed := want
			resumed.Result.Resumed = true
			if got := e.snapshot(results[0]); !reflect.DeepEqual(got, resumed) {
				t.Errorf("after resuming:\n got %+v\nwant %+v (an uninterrupted run, resumed)", got, resumed)
			}
			if u, err := next.Upload(e.ctx, admin, up.ID); err != nil || !u.Resumed {
				t.Errorf("Upload(%d) after resuming = Resumed %v, %v; want true", up.ID, u.Resumed, err)
			}
			if r, err := next.Authenticate(e.ctx, e.user("T1").Username, "Sunflower42x"); err != nil || r.Status != engine.AuthOK {
				t.Errorf("typed password after resuming: Authenticate = %+v, %v, want AuthOK", r, err)
			}
			if again, err := next.RunPending(e.ctx, nil); err != nil || len(again) != 0 {
				t.Errorf("RunPending once more = %+v, %v, want nothing left", again, err)
			}
		})
	}
}

func TestAuthLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,", "S2,Student,Noah,Smith,,MATH,")...)
	rows := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
	temp := map[string]string{}
	names := map[string]string{}
	for i, id := range column(t, rows, "User ID") {
		temp[id] = column(t, rows, "Password")[i]
		names[id] = column(t, rows, "Username")[i]
	}
	auth := func(user, pw string) engine.AuthResult {
		t.Helper()
		r, err := e.svc.Authenticate(e.ctx, user, pw)
		if err != nil {
			t.Fatalf("Authenticate(%q): %v", user, err)
		}
		return r
	}

	t.Run("ErrWrongPassword", func(t *testing.T) {
		if r := auth(names["S1"], "Wrong12345"); r.Status != engine.AuthRefused || r.Expired {
			t.Errorf("Authenticate(wrong password) = %+v, want AuthRefused, not expired", r)
		}
		if r := auth("nobody", temp["S1"]); r.Status != engine.AuthRefused {
			t.Errorf("Authenticate(unknown user) = %+v, want AuthRefused", r)
		}
	})
	t.Run("OKTemporaryNeedsChange", func(t *testing.T) {
		if r := auth(strings.ToUpper(names["S1"]), temp["S1"]); r.Status != engine.AuthChangeRequired {
			t.Errorf("Authenticate(temporary) = %+v, want AuthChangeRequired", r)
		}
	})
	t.Run("ErrBadNewPassword", func(t *testing.T) {
		for _, pw := range []string{"short", "nouppercase42", "Has Space42", temp["S1"]} {
			if err := e.svc.ChangePassword(e.ctx, names["S1"], temp["S1"], pw); core.ErrorKind(err) != core.KindInvalid {
				t.Errorf("ChangePassword(new %q) = %v, want KindInvalid", pw, err)
			}
		}
		if err := e.svc.ChangePassword(e.ctx, names["S1"], "Wrong12345", "Moonlight77q"); core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("ChangePassword(wrong current) = %v, want KindInvalid", err)
		}
		if r := auth(names["S1"], temp["S1"]); r.Status != engine.AuthChangeRequired {
			t.Errorf("after refused changes: Authenticate(temporary) = %+v, want AuthChangeRequired still", r)
		}
	})
	t.Run("OKChange", func(t *testing.T) {
		if err := e.svc.ChangePassword(e.ctx, names["S1"], temp["S1"], "Moonlight77q"); err != nil {
			t.Fatalf("ChangePassword = %v", err)
		}
		if r := auth(names["S1"], "Moonlight77q"); r.Status != engine.AuthOK {
			t.Errorf("Authenticate(new password) = %+v, want AuthOK", r)
		}
		if r := auth(names["S1"], temp["S1"]); r.Status != engine.AuthRefused {
			t.Errorf("Authenticate(used temporary password) = %+v, want AuthRefused", r)
		}
		if a := e.user("S1"); a.Password != core.PasswordPermanent || a.PasswordLabel(e.clock.Now()) != "permanent" {
			t.Errorf("S1 password = %s, want permanent", a.Password)
		}
	})
	t.Run("ErrExpiredAfter90Days", func(t *testing.T) {
		e.clock.Add(core.TempPasswordLifetime - time.Second)
		if r := auth(names["S2"], temp["S2"]); r.Status != engine.AuthChangeRequired {
			t.Errorf("Authenticate(temporary) one second before 90 days = %+v, want AuthChangeRequired", r)
		}
		e.clock.Add(time.Second)
		r := auth(names["S2"], temp["S2"])
		if r.Status != engine.AuthRefused || !r.Expired {
			t.Errorf("Authenticate(temporary) after 90 days = %+v, want AuthRefused, Expired", r)
		}
		if r := auth(names["S2"], "Wrong12345"); r.Expired {
			t.Errorf("Authenticate(wrong password) on an expired account = %+v, want not Expired (no probing)", r)
		}
		if a := e.user("S2"); a.PasswordLabel(e.clock.Now()) != "temporary — expired" {
			t.Errorf("S2 label = %q, want temporary — expired", a.PasswordLabel(e.clock.Now()))
		}
		if err := e.svc.ChangePassword(e.ctx, names["S2"], temp["S2"], "Moonlight77q"); core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("ChangePassword with an expired temporary password = %v, want KindInvalid", err)
		}
		if r := auth(names["S1"], "Moonlight77q"); r.Status != engine.AuthOK {
			t.Errorf("a permanent password after 90 days = %+v, want AuthOK", r)
		}
	})
	t.Run("OKReset", func(t *testing.T) {
		cred, err := e.svc.ResetPassword(e.ctx, admin, e.user("S2").ID)
		if err != nil {
			t.Fatal(err)
		}
		if cred.Username != names["S2"] || cred.Password == temp["S2"] || !cred.ExpiresAt.Equal(e.clock.Now().Add(core.TempPasswordLifetime)) {
			t.Errorf("ResetPassword = %+v, want a new password for %s expiring in 90 days", cred, names["S2"])
		}
		if r := auth(names["S2"], cred.Password); r.Status != engine.AuthChangeRequired {
			t.Errorf("Authenticate(reset password) = %+v, want AuthChangeRequired", r)
		}
		if r := auth(names["S2"], temp["S2"]); r.Status != engine.AuthRefused {
			t.Errorf("Authenticate(old temporary password) = %+v, want AuthRefused", r)
		}
		if _, err := e.svc.ResetPassword(e.ctx, admin, 9999); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("ResetPassword(9999) = %v, want KindNotFound", err)
		}
	})
	t.Run("OKResetClass", func(t *testing.T) {
		creds, err := e.svc.ResetClassPasswords(e.ctx, admin, e.classes(e.schoolA)["MATH"].ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range creds {
			got = append(got, c.UserID)
			if r := auth(c.Username, c.Password); r.Status != engine.AuthChangeRequired {
				t.Errorf("Authenticate(%s, class reset password) = %+v, want AuthChangeRequired", c.Username, r)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"S1", "S2"}) {
			t.Errorf("ResetClassPasswords reset %q, want the students S1 and S2 only", got)
		}
		if r := auth(names["S1"], "Moonlight77q"); r.Status != engine.AuthRefused {
			t.Errorf("S1's old permanent password after a class reset = %+v, want AuthRefused", r)
		}
		if r := auth(names["T1"], temp["T1"]); r.Status != engine.AuthChangeRequired && !r.Expired {
			t.Errorf("the teacher's password changed with a class reset: %+v", r)
		}
		if _, err := e.svc.ResetClassPasswords(e.ctx, admin, e.classes(e.schoolA)["READ"].ID); core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("ResetClassPasswords(class without students) = %v, want KindNotFound", err)
		}
	})
}

// TestCancelWhileReading: the file is parsed on a goroutine of its own while the rows
// are grouped. A cancel in the middle of reading must stop both, apply nothing, and
// leave the upload to run again in full.
func TestCancelWhileReading(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, core.FormatCSV, gen.Config{Rows: 6000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	up, err := e.svc.Enqueue(e.ctx, engine.UploadRequest{FileName: "big.csv", Data: buf.Bytes(), SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	read := 0
	_, err = e.svc.RunPending(ctx, func(p core.Progress) {
		if p.Phase == core.PhaseReading && p.Done > 0 && read == 0 {
			read = p.Done
			cancel()
		}
		if p.Phase != core.PhaseReading && ctx.Err() != nil {
			t.Errorf("progress %+v after the cancel", p)
		}
	})
	if read == 0 || read >= 6000 || !errors.Is(err, context.Canceled) {
		t.Fatalf("RunPending cancelled after %d rows read = %v, want context.Canceled part way", read, err)
	}
	if n := len(e.accounts(core.School{})); n != 0 {
		t.Fatalf("after the cancel: %d users, want none", n)
	}
	results, err := e.svc.RunPending(e.ctx, nil)
	if err != nil || len(results) != 1 || results[0].Upload != up.ID || results[0].Status != core.StatusCompleted || results[0].Applied != 6000 {
		t.Fatalf("RunPending again = %+v, %v, want upload %d Completed with 6000 rows", results, err, up.ID)
	}
}
