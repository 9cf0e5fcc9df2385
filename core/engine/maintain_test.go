package engine_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestCheckpointWaitsForReaders: a reader that holds a snapshot while an upload with
// typed passwords finishes keeps its file's copy in the WAL; the checkpoint is tried
// again until the reader lets go, and at the next start if it never did (issue 13
// item 13).
func TestCheckpointWaitsForReaders(t *testing.T) {
	const typed = "Sunflower42x"
	data := csvOf("User ID,Role,First Name,Last Name,Password", "S1,Student,Ava,Johnson,"+typed)
	walHolds := func(t *testing.T, e *env) bool {
		t.Helper()
		b, err := os.ReadFile(e.path + "-wal")
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return bytes.Contains(b, []byte(typed))
	}
	// reader opens a snapshot of the database in another connection and returns its end.
	reader := func(t *testing.T, e *env) func() {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(e.path)+"?_pragma=busy_timeout(1000)")
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return func() { tx.Rollback(); db.Close() }
	}

	t.Run("OKReaderLetsGo", func(t *testing.T) {
		e := newEnv(t)
		release := reader(t, e)
		done := make(chan struct{})
		go func() {
			defer close(done)
			// The upload reports Done once committed; the checkpoint comes after, and
			// finds the reader still there.
			_, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "pw.csv", Data: data, SchoolID: e.schoolA.ID, Actor: admin},
				func(p core.Progress) {
					if p.Phase == core.PhaseDone {
						go release()
					}
				})
			if err != nil {
				t.Error(err)
			}
		}()
		<-done
		if walHolds(t, e) {
			t.Error("the WAL still holds the typed password after the upload, though the reader let go")
		}
	})

	t.Run("OKNextStart", func(t *testing.T) {
		e := newEnv(t)
		impatient, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, CheckpointWait: 1})
		if err != nil {
			t.Fatal(err)
		}
		release := reader(t, e)
		if _, err := impatient.Import(e.ctx, engine.UploadRequest{FileName: "pw.csv", Data: data, SchoolID: e.schoolA.ID, Actor: admin}, nil); err != nil {
			t.Fatal(err)
		}
		impatient.Close()
		if !walHolds(t, e) {
			t.Skip("SQLite checkpointed despite the reader: nothing to prove here")
		}
		release()
		next := e.open("") // the next start
		if _, err := next.RunPending(e.ctx, nil); err != nil {
			t.Fatal(err)
		}
		if walHolds(t, e) {
			t.Error("the WAL still holds the typed password after the next start")
		}
	})
}

// TestScrubCompletedFiles: once every temporary password of a stored Completed File is
// used or expired, its Password cells are emptied (issue 13 item 15); before, they stay.
func TestScrubCompletedFiles(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport(append(append([]string(nil), classTeachers...), "S1,Student,Ava,Johnson,,MATH,")...)
	rows := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
	names, pws := column(t, rows, "Username"), column(t, rows, "Password")
	passwords := func() []string { return column(t, e.table(res.Upload, core.FileCompleted, core.FormatCSV), "Password") }

	// One account still has its temporary password: nothing is emptied.
	for i := range names[:len(names)-1] {
		if err := e.svc.ChangePassword(e.ctx, names[i], pws[i], "Moonlight77q"+itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.svc.ScrubCompletedFiles(e.ctx); err != nil || n != 0 || passwords()[len(names)-1] == "" {
		t.Fatalf("ScrubCompletedFiles with a password left = %d, %v, cells %q; want 0 and the cells kept", n, err, passwords())
	}
	// The last one expires.
	e.clock.Add(core.TempPasswordLifetime)
	if n, err := e.svc.ScrubCompletedFiles(e.ctx); err != nil || n != 1 {
		t.Fatalf("ScrubCompletedFiles once all are used or expired = %d, %v; want 1", n, err)
	}
	for i, pw := range passwords() {
		if pw != "" {
			t.Errorf("Completed File row %d still holds a password", i+2)
		}
	}
	if got := column(t, e.table(res.Upload, core.FileCompleted, core.FormatCSV), "Username"); strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("usernames after the scrub = %q, want %q", got, names)
	}
	if n, err := e.svc.ScrubCompletedFiles(e.ctx); err != nil || n != 0 {
		t.Errorf("ScrubCompletedFiles again = %d, %v; want 0", n, err)
	}
}

// TestScrubAfterPasswordChanges: the sign-in that uses a Completed File's last live
// temporary password, and the reset that replaces it, empty the file's Password cells
// then (SPEC §12), not at the next start or upload.
func TestScrubAfterPasswordChanges(t *testing.T) {
	e := newEnv(t)
	passwords := func(id int64) []string { return column(t, e.table(id, core.FileCompleted, core.FormatCSV), "Password") }
	empty := func(cells []string) bool { return strings.Join(cells, "") == "" }

	t.Run("FirstSignIn", func(t *testing.T) {
		res := e.mustImport("User ID,Role,First Name,Last Name", "S1,Student,Ava,Johnson", "S2,Student,Noah,Smith")
		rows := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
		names, pws := column(t, rows, "Username"), column(t, rows, "Password")
		if err := e.svc.ChangePassword(e.ctx, names[0], pws[0], "Moonlight77q"); err != nil {
			t.Fatal(err)
		}
		if got := passwords(res.Upload); got[1] != pws[1] {
			t.Fatalf("Completed File passwords after one of two sign-ins = %q, want %s's kept", got, names[1])
		}
		if err := e.svc.ChangePassword(e.ctx, names[1], pws[1], "Moonlight77r"); err != nil {
			t.Fatal(err)
		}
		if got := passwords(res.Upload); !empty(got) {
			t.Errorf("Completed File passwords once all were used = %q, want them emptied", got)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		res := e.mustImport("User ID,Role,First Name,Last Name", "S3,Student,Liam,Nguyen")
		e.clock.Add(time.Hour) // a reset comes later than the upload it follows
		if _, err := e.svc.ResetPassword(e.ctx, admin, e.user("S3").ID); err != nil {
			t.Fatal(err)
		}
		if got := passwords(res.Upload); !empty(got) {
			t.Errorf("Completed File passwords once the only one was replaced by a reset = %q, want them emptied", got)
		}
	})
}

// TestScrubOlderUploads: an upload stored before the issue time of its passwords was
// recorded is read once to learn it.
func TestScrubOlderUploads(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport("User ID,Role,First Name,Last Name", "S1,Student,Ava,Johnson")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(e.path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE uploads SET temp_passwords_at = NULL`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n, err := e.svc.ScrubCompletedFiles(e.ctx); err != nil || n != 0 {
		t.Fatalf("ScrubCompletedFiles with a live password = %d, %v; want 0", n, err)
	}
	rows := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
	if err := e.svc.ChangePassword(e.ctx, column(t, rows, "Username")[0], column(t, rows, "Password")[0], "Moonlight77q"); err != nil {
		t.Fatal(err)
	}
	// The sign-in that used it emptied the file (TestScrubAfterPasswordChanges).
	if got := column(t, e.table(res.Upload, core.FileCompleted, core.FormatCSV), "Password"); got[0] != "" {
		t.Fatalf("Completed File password once it is used = %q, want it emptied", got[0])
	}
	if n, err := e.svc.ScrubCompletedFiles(context.Background()); err != nil || n != 0 {
		t.Fatalf("ScrubCompletedFiles once it is used and emptied = %d, %v; want 0", n, err)
	}
}

// TestUploadFileTooLongForExcel: an upload file with more rows than an Excel sheet
// holds is refused as .xlsx at once, from the upload's counts, in plain words that send
// the person to the CSV (SPEC §4), before a million rows are written for nothing; the
// CSV is given as always.
func TestUploadFileTooLongForExcel(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport("User ID,Role,First Name,Last Name", "S1,Student,Ava,Johnson")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(e.path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	// The counts of a 1,048,576-row upload; its stored files keep their one row.
	if _, err := db.Exec(`UPDATE uploads SET rows_total = 1048576, rows_applied = 1048576 WHERE id = ?`, res.Upload); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, kind := range []core.FileKind{core.FileUploaded, core.FileCompleted} {
		var buf bytes.Buffer
		err := e.svc.WriteUploadFile(e.ctx, admin, &buf, res.Upload, kind, core.FormatXLSX)
		if core.ErrorKind(err) != core.KindInvalid || !strings.Contains(core.ErrorMessage(err), "CSV") || buf.Len() != 0 {
			t.Errorf("WriteUploadFile(%s, xlsx) = %v, %d bytes; want a KindInvalid refusal naming CSV and nothing written", kind, err, buf.Len())
		}
		if err := e.svc.WriteUploadFile(e.ctx, admin, &buf, res.Upload, kind, core.FormatCSV); err != nil {
			t.Errorf("WriteUploadFile(%s, csv) = %v, want it written", kind, err)
		}
	}
}
