package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestVersion: rosterctl --version prints FyneApp.toml's version, the one the window's
// About box shows (ui's TestAboutVersion checks that side).
func TestVersion(t *testing.T) {
	code, stdout, stderr := runInProcess(t, "", "--version")
	want := " " + rosterdesk.Version() + ","
	if code != 0 || !strings.Contains(stdout, want) || stderr != "" {
		t.Errorf("rosterctl --version = %d %q %q, want 0 and a line with %q", code, stdout, stderr, want)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)
	out := filepath.Join(dir, "backup #1.db")
	// An older backup of the same name is replaced.
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runInProcess(t, "", "backup", "-o", out, "--db", db)
	if code != 0 || !strings.Contains(stdout, "Backed up Test District to "+out+": 1 school, 0 users") {
		t.Fatalf("rosterctl backup = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600: it holds personal data", st.Mode().Perm())
	}
	info, err := engine.InspectBackup(context.Background(), out)
	if err != nil || info.Schools != 1 || info.Org != "Test District" {
		t.Errorf("InspectBackup = %+v, %v", info, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".backup") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoOutput", []string{"backup", "--db", db}, "-o FILE is required"},
		{"ErrItself", []string{"backup", "-o", db, "--db", db}, "is the database itself"},
		// Found by the red-team round: a backup written over the database's write-ahead log
		// was reported done, then deleted with the log when the database closed.
		{"ErrItsLog", []string{"backup", "-o", db + "-wal", "--db", db}, "is the database itself"},
		{"ErrItsSharedMemory", []string{"backup", "-o", db + "-shm", "--db", db}, "is the database itself"},
		{"ErrItsJournal", []string{"backup", "-o", db + "-journal", "--db", db}, "is the database itself"},
		{"ErrNoDatabase", []string{"backup", "-o", out, "--db", filepath.Join(dir, "missing.db")}, "There is no Rosterdesk database"},
		{"ErrFolder", []string{"backup", "-o", filepath.Join(dir, "no", "such", "b.db"), "--db", db}, "its folder does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runInProcess(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("rosterctl %q = %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
			}
		})
	}
}

// TestOutputIsNeverTheDatabase: no command writes its file over the database, whatever
// the database is named. Found by the red-team round: with the database named
// roster.csv, "rosterctl export users -o roster.csv" replaced every school, user and
// upload with a CSV of one school's users.
func TestOutputIsNeverTheDatabase(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"roster.csv", "roster.xlsx", "roster.zip", "template.csv", "cards.pdf"} {
		db := filepath.Join(dir, name)
		mustRun(t, db, oakSchool...)
	}
	teacher := filepath.Join(dir, "teacher.csv")
	if err := os.WriteFile(teacher, []byte("User ID,Role,First Name,Last Name,Email,Username\nT1,Teacher,Tia,Ode,tode@oak.example.org,tode\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, filepath.Join(dir, "cards.pdf"), []string{"import", "--school", "Oak School", teacher})
	for _, args := range [][]string{
		{"export", "users", "--school", "Oak School", "-o", "roster.csv"},
		{"export", "classes", "--school", "Oak School", "-o", "roster.xlsx"},
		{"export", "oneroster", "-o", "roster.zip"},
		{"template", "-o", "template.csv"},
		{"cards", "--teacher", "tode", "-o", "cards.pdf"},
	} {
		t.Run(args[0]+"-"+args[len(args)-1], func(t *testing.T) {
			db := filepath.Join(dir, args[len(args)-1])
			args[len(args)-1] = db
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runInProcess(t, "", append(args, "--db", db)...)
			after, _ := os.ReadFile(db)
			if code == 0 || !bytes.Equal(before, after) {
				t.Errorf("rosterctl %q = %d, %q; want it refused and the database untouched", args, code, stderr)
			}
			if !strings.Contains(stderr, "is the database itself") {
				t.Errorf("rosterctl %q: stderr %q, want it to say the file is the database itself", args, stderr)
			}
		})
	}
}

// TestImportIsNeverTheDatabase: the database is never uploaded into itself. Found by the
// red-team round: rosterctl import of a link to the database, named roster.csv, recorded
// an upload of the whole database that failed as "binary data" and told the office to
// open it in Excel.
func TestImportIsNeverTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, db, oakSchool...)
	link := filepath.Join(dir, "roster.csv")
	if err := os.Symlink(db, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	code, _, stderr := runInProcess(t, "", "import", "--school", "Oak School", link, "--db", db)
	if code != exitUsage || !strings.Contains(stderr, "is the database itself") {
		t.Errorf("rosterctl import %s = %d, %q; want 2 and a message that it is the database itself", link, code, stderr)
	}
	if _, stdout, _ := runInProcess(t, "", "history", "--db", db); !strings.Contains(stdout, "No uploads") {
		t.Errorf("history = %q, want no upload recorded", stdout)
	}
}

// TestBackupRemovesDeadLeftovers: the half-written copy a backup leaves when its process
// is killed (kill -9, a closed console, a power cut) is removed by the next backup to the
// same file; nothing else is. Found by the red-team round: each interrupted backup left
// a hidden full copy of the database (.b.db.144006890, 20 MB) beside the backup, forever.
func TestBackupRemovesDeadLeftovers(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "r.db"), filepath.Join(dir, "b.db")
	mustRun(t, db, oakSchool...)
	dead := filepath.Join(dir, ".b.db.2147483646.partial123456") // no process has that id
	other := filepath.Join(dir, ".b.db.2147483646.old")          // not a backup's leftover
	// Named with this process's id, but left by an earlier process that had the same id.
	reused := filepath.Join(dir, fmt.Sprintf(".b.db.%d.partial42", os.Getpid()))
	for _, f := range []string{dead, other, reused} {
		if err := os.WriteFile(f, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	live, err := atomicfile.CreateTemp(out, partial) // this process's own, still being written
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(live.Name())
	defer live.Close()
	mine := live.Name()
	mustRun(t, db, []string{"backup", "-o", out})
	for _, f := range []string{dead, reused} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("the dead backup's leftover %s is still there (%v)", f, err)
		}
	}
	for _, f := range []string{other, mine} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed (%v): it is not a dead backup's", f, err)
		}
	}
}
