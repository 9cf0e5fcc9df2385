package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite/sqlitetest"
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

// waitRecorder is an OnWait that keeps every notice and hands the Locked ones to a
// channel the test reads.
type waitRecorder struct {
	mu     sync.Mutex
	all    []engine.Wait
	locked chan engine.Wait
}

func newWaitRecorder() *waitRecorder { return &waitRecorder{locked: make(chan engine.Wait, 1)} }

func (r *waitRecorder) onWait(w engine.Wait) {
	r.mu.Lock()
	r.all = append(r.all, w)
	r.mu.Unlock()
	if w.Locked && !w.Freed {
		select {
		case r.locked <- w:
		default: // the test has one to read already
		}
	}
}

func (r *waitRecorder) freed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.ContainsFunc(r.all, func(w engine.Wait) bool { return w.Locked && w.Freed })
}

// next returns the next Locked notice, failing the test if none comes in a minute.
func (r *waitRecorder) next(t *testing.T) engine.Wait {
	t.Helper()
	select {
	case w := <-r.locked:
		return w
	case <-time.After(time.Minute):
		t.Fatal("no notice that the database is busy")
		return engine.Wait{}
	}
}

// TestImportWaitsForAnotherProgram: while another program holds the database's write
// lock (DB Browser for SQLite with unsaved changes), an import says soon, in plain
// words, that the database is busy because another program has it open for writing
// and should be closed, keeps waiting, and runs once the lock is let go. It used to
// wait in silence, and blame another Rosterdesk window or rosterctl.
func TestImportWaitsForAnotherProgram(t *testing.T) {
	e := newEnv(t)
	rec := newWaitRecorder()
	here, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, BusyNoticeAfter: time.Millisecond, OnWait: rec.onWait})
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	lock := sqlitetest.HoldWriteLock(t, e.path)

	type outcome struct {
		res engine.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := here.Import(e.ctx, engine.UploadRequest{FileName: "roster.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin}, nil)
		done <- outcome{res, err}
	}()
	w := rec.next(t)
	msg := w.Message()
	if w.Owner != "" || !strings.Contains(msg, "The database is busy") || !strings.Contains(msg, "another program has it open for writing") || !strings.Contains(msg, "Close that program") {
		t.Errorf("notice = %+v, %q; want the database busy, another program's, and to close it", w, msg)
	}
	if strings.Contains(msg, "Rosterdesk window") {
		t.Errorf("notice %q blames Rosterdesk", msg)
	}
	w = rec.next(t) // it goes on waiting, and saying so
	lock.Release()
	o := <-done
	if o.err != nil || o.res.Status != core.StatusCompleted {
		t.Fatalf("Import after the lock was let go = %+v, %v; want Completed", o.res, o.err)
	}
	if !rec.freed() {
		t.Error("no notice that the database was free again")
	}
	if w.Waited <= 0 {
		t.Errorf("second notice waited %v, want how long so far", w.Waited)
	}
}

// TestImportGivesUpOnAnotherProgram: a lock another program keeps past BusyWait ends the
// import with words that name the other program and what to do; nothing is recorded.
func TestImportGivesUpOnAnotherProgram(t *testing.T) {
	e := newEnv(t)
	rec := newWaitRecorder()
	here, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, BusyWait: 500 * time.Millisecond, BusyNoticeAfter: time.Millisecond, OnWait: rec.onWait})
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	sqlitetest.HoldWriteLock(t, e.path)
	_, err = here.Import(e.ctx, engine.UploadRequest{FileName: "roster.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin}, nil)
	msg := core.ErrorMessage(err)
	if core.ErrorKind(err) != core.KindBusy || !strings.Contains(msg, "Another program kept the database open for writing") || !strings.Contains(msg, "Close that program") {
		t.Errorf("Import with the lock kept = %v (%q); want KindBusy naming another program and what to do", err, msg)
	}
	if rec.freed() {
		t.Error("a give-up was told as the database free again")
	}
}

// TestImportGivesUpWhileApplying: when another program takes the lock after the upload
// was recorded, and keeps it past BusyWait, the upload is not marked Failed (that needs
// the lock too, and the file is not at fault): it stays waiting, the error says so, and
// it runs once uploads resume.
func TestImportGivesUpWhileApplying(t *testing.T) {
	e := newEnv(t)
	here, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, BusyWait: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	var lock *sqlitetest.Holder
	_, err = here.Import(e.ctx, engine.UploadRequest{FileName: "roster.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin}, func(p core.Progress) {
		if p.Phase == core.PhaseApplying && lock == nil {
			lock = sqlitetest.HoldWriteLock(t, e.path)
		}
	})
	if lock == nil {
		t.Fatal("the import never reached its write transaction")
	}
	msg := core.ErrorMessage(err)
	if !errors.Is(err, engine.ErrUploadWaiting) || !strings.Contains(msg, "Another program kept the database open") || !strings.Contains(msg, "still waiting") {
		t.Errorf("Import with the lock taken while applying = %v (%q); want the upload still waiting and the other program named", err, msg)
	}
	lock.Release()
	results, err := here.RunPending(e.ctx, nil)
	if err != nil || len(results) != 1 || results[0].Status != core.StatusCompleted {
		t.Errorf("RunPending once the lock is let go = %+v, %v; want the upload Completed", results, err)
	}
}

// TestWaitNamesRosterdeskHolder: when a live Rosterdesk process runs an upload while the
// lock is held, the notice names that process, not another program; and the caller
// can stop waiting (ctx).
func TestWaitNamesRosterdeskHolder(t *testing.T) {
	e := newEnv(t)
	e.liveClaim(t)
	rec := newWaitRecorder()
	sqlitetest.HoldWriteLock(t, e.path)
	stop := e.importWaiting(t, rec)
	w := rec.next(t)
	want := fmt.Sprintf("The database is busy: Rosterdesk process %d on this computer is saving an upload", os.Getpid())
	if !w.ThisComputer || w.PID != os.Getpid() || !strings.Contains(w.Message(), want) {
		t.Errorf("notice = %+v, %q; want %q", w, w.Message(), want)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Import cancelled while it waits = %v, want context.Canceled", err)
	}
	if rec.freed() {
		t.Error("a cancelled wait was told as the database free again")
	}
}

// importWaiting opens another service on the env's database, whose notices rec hears
// at once, and starts an import on it that waits (for the lock, or for another upload).
// stop cancels the import and returns its error.
func (e *env) importWaiting(t *testing.T, rec *waitRecorder) (stop func() error) {
	t.Helper()
	here, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, BusyNoticeAfter: time.Millisecond, OnWait: rec.onWait})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { here.Close() })
	ctx, cancel := context.WithCancel(e.ctx)
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() {
		_, err := here.Import(ctx, engine.UploadRequest{FileName: "roster.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin}, nil)
		done <- err
	}()
	return func() error {
		cancel()
		return <-done
	}
}

// liveClaim leaves an upload In Progress, claimed by another live Rosterdesk process
// (this very process, under another owner), and returns that process's service.
func (e *env) liveClaim(t *testing.T) *engine.Service {
	t.Helper()
	host, _ := os.Hostname()
	other := e.open(fmt.Sprintf("%s/%d/otherone", host, os.Getpid()))
	up, err := other.Enqueue(e.ctx, engine.UploadRequest{FileName: "big.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	claimUpload(t, other, up.ID)
	return other
}

// TestOpenUpgradeSaysWhoHoldsTheLock: opening a database an older Rosterdesk left (it
// needs an upgrade, which writes) while another program holds its write lock tells
// OnWait, as any write does: the database is busy, another program has it open, close
// it; and, once the lock is let go, that it is free again. Open then succeeds, for the
// read-write and the read-only open alike. The open used to wait in silence: the
// notices were set up only once the upgrade was done.
func TestOpenUpgradeSaysWhoHoldsTheLock(t *testing.T) {
	for _, tt := range []struct {
		name string
		open func(context.Context, string, engine.Options) (*engine.Service, error)
	}{{"Open", engine.Open}, {"OpenReadOnly", engine.OpenReadOnly}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if _, err := e.svc.Schools(e.ctx, admin); err != nil {
				t.Fatal(err)
			}
			sqlitetest.ForgetLastMigration(t, e.path)
			lock := sqlitetest.HoldWriteLock(t, e.path)
			rec := newWaitRecorder()
			done := make(chan error, 1)
			go func() {
				svc, err := tt.open(e.ctx, e.path, engine.Options{Now: e.clock.Now, BusyNoticeAfter: time.Millisecond, OnWait: rec.onWait})
				if err == nil {
					err = svc.Close()
				}
				done <- err
			}()
			w := rec.next(t)
			if msg := w.Message(); w.Owner != "" || !strings.Contains(msg, "another program has it open for writing") || !strings.Contains(msg, "Close that program") {
				t.Errorf("notice while opening = %+v, %q; want another program named and what to do", w, msg)
			}
			lock.Release()
			if err := <-done; err != nil {
				t.Fatalf("%s once the lock is let go = %v", tt.name, err)
			}
			if !rec.freed() {
				t.Error("no notice that the database was free again")
			}
		})
	}
}

// TestWaitingRosterdeskIsNotTheHolder: a Rosterdesk process whose upload is itself
// waiting for the lock, behind another program (DB Browser for SQLite with unsaved
// changes), is not named as the holder: the notice names another program, says the
// waiting upload waits too, and never "is saving an upload". It used to blame that
// process, whose upload claim was all the uploads told.
func TestWaitingRosterdeskIsNotTheHolder(t *testing.T) {
	e := newEnv(t)
	host, _ := os.Hostname()
	otherRec := newWaitRecorder()
	other, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, Owner: fmt.Sprintf("%s/%d/otherone", host, os.Getpid()),
		BusyNoticeAfter: time.Millisecond, OnWait: otherRec.onWait})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	up, err := other.Enqueue(e.ctx, engine.UploadRequest{FileName: "big.csv", Data: cancelRoster, SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	claimUpload(t, other, up.ID) // In Progress, owned by other
	lock := sqlitetest.HoldWriteLock(t, e.path)

	// The other process runs its upload again, and waits for the lock.
	otherCtx, stopOther := context.WithCancel(e.ctx)
	defer stopOther()
	otherDone := make(chan error, 1)
	go func() {
		_, err := other.RunPending(otherCtx, nil)
		otherDone <- err
	}()
	otherRec.next(t)

	rec := newWaitRecorder()
	stop := e.importWaiting(t, rec)
	w := rec.next(t)
	msg := w.Message()
	behind := fmt.Sprintf("The upload that Rosterdesk process %d on this computer runs is waiting for it too.", os.Getpid())
	if w.Owner != "" || !strings.Contains(msg, "another program has it open for writing") || !strings.Contains(msg, behind) || strings.Contains(msg, "saving an upload") {
		t.Errorf("notice = %+v, %q; want another program named, and %q", w, msg, behind)
	}
	stop()
	stopOther()
	<-otherDone
	lock.Release()
}
