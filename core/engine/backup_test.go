package engine_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestBackupDuringUpload takes a backup from inside an import's progress report while the
// import's write transaction is open: the backup must neither wait for the writer (it
// would deadlock, so it runs under a timeout) nor show the upload half-applied, and the
// copy must open, pass integrity_check and hold the counts of one moment.
func TestBackupDuringUpload(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name,Email", "T0,Teacher,Grace,Hopper,grace@example.org")
	before := len(e.accounts(e.schoolA))

	const students = 3000
	lines := []string{"User ID,Role,First Name,Last Name,Grade Level,Email,Class ID,Class Name",
		"T1,Teacher,Ada,Lovelace,,ada@example.org,C1,Algebra"}
	for i := range students {
		lines = append(lines, fmt.Sprintf("S%05d,Student,Stu,Dent%c,5,,C1,Algebra", i, 'a'+rune(i%26)))
	}
	dir := t.TempDir()
	var (
		taken   []string
		errs    []error
		infos   []engine.BackupInfo
		applied bool
	)
	progress := func(p core.Progress) {
		// The last "Saving" report comes after every row is written and before the commit.
		if p.Phase != core.PhaseApplying || p.Done != p.Total || p.Total == 0 || applied {
			return
		}
		applied = true
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		dst := filepath.Join(dir, "during.db")
		info, err := e.svc.Backup(ctx, dst)
		taken, errs, infos = append(taken, dst), append(errs, err), append(infos, info)
	}
	done := make(chan engine.Result)
	go func() {
		res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "big.csv", Data: csvOf(lines...), SchoolID: e.schoolA.ID, Actor: admin}, progress)
		if err != nil {
			t.Errorf("Import: %v", err)
		}
		done <- res
	}()
	res := <-done
	const rows = students + 1
	if res.Status != core.StatusCompleted || res.Applied != rows {
		t.Fatalf("Import = %s, %d applied (%s %q), want Completed, %d", res.Status, res.Applied, res.Message, res.Notes, rows)
	}
	if len(taken) != 1 {
		t.Fatalf("no backup was taken: the import sent no Saving report with Done == Total")
	}
	if errs[0] != nil {
		t.Fatalf("Backup during the upload: %v", errs[0])
	}
	info := infos[0]
	t.Logf("backup during the upload: %+v (before: %d users)", info, before)
	// The copy holds the database of one moment: before the import or after it, never
	// part of it.
	if info.Users != before && info.Users != before+rows {
		t.Errorf("backup has %d users, want %d (before the import) or %d (after)", info.Users, before, before+rows)
	}
	if info.Schools != 2 || info.Classes > 1 || info.Org != "Springfield School District" || info.SchemaVersion < 1 {
		t.Errorf("backup = %+v, want 2 schools, 1 class, the organization and a schema version", info)
	}

	// The copy is a working database: integrity_check passes and the engine opens it.
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(taken[0])+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	db.Close()
	svc, err := engine.Open(e.ctx, taken[0], engine.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatalf("Open(backup): %v", err)
	}
	defer svc.Close()
	got, err := svc.Accounts(e.ctx, admin, e.schoolA.ID, "")
	if err != nil || len(got) != info.Users {
		t.Errorf("Accounts(backup) = %d, %v; want %d", len(got), err, info.Users)
	}
	hist, err := svc.History(e.ctx, admin, engine.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range hist {
		if u.FileName == "big.csv" && (u.Status == core.StatusCompleted) != (info.Users == before+rows) {
			t.Errorf("backup: big.csv is %s with %d users: the upload and its rows disagree", u.Status, info.Users)
		}
	}
}

func TestBackup(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name,Email", "T1,Teacher,Ada,Lovelace,ada@example.org")
	dir := filepath.Join(t.TempDir(), "a #b?c%d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		dst := filepath.Join(dir, "copy #1.db")
		info, err := e.svc.Backup(e.ctx, dst)
		if err != nil {
			t.Fatalf("Backup(%q): %v", dst, err)
		}
		if info.Users != 1 || info.Schools != 2 || info.Uploads != 1 || info.Bytes == 0 {
			t.Errorf("Backup = %+v, want 1 user, 2 schools, 1 upload", info)
		}
		v, err := e.svc.SchemaVersion(e.ctx)
		if err != nil || v != info.SchemaVersion {
			t.Errorf("SchemaVersion = %d, %v; the backup says %d", v, err, info.SchemaVersion)
		}
		// Nothing but the copy: no journal or WAL left beside it.
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("the backup folder holds %d files, want only the copy", len(entries))
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		dst := filepath.Join(dir, "full.db")
		if err := os.WriteFile(dst, []byte("not empty"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Backup(e.ctx, dst); err == nil {
			t.Errorf("Backup over a non-empty file = nil, want an error")
		}
		if b, _ := os.ReadFile(dst); string(b) != "not empty" {
			t.Errorf("Backup changed the file it refused: %q", b)
		}
	})
	t.Run("ErrNotRosterdesk", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.db")
		if err := os.WriteFile(bad, []byte(strings.Repeat("x", 4096)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := engine.InspectBackup(e.ctx, bad)
		if core.ErrorKind(err) != core.KindStorage || !strings.Contains(core.ErrorMessage(err), "is not a Rosterdesk database") {
			t.Errorf("InspectBackup(garbage) = %v, want a storage error saying it is not a Rosterdesk database", err)
		}
	})
}
