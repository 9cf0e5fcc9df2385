package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk"
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
	for _, args := range [][]string{{"init", "--org", "Test District"}, {"school", "add", "Oak School"}} {
		if code, _, stderr := runInProcess(t, "", append(args, "--db", db)...); code != 0 {
			t.Fatalf("rosterctl %q = %d: %s", args, code, stderr)
		}
	}
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
		{"ErrNoOutput", []string{"backup", "--db", db}, "-o is required"},
		{"ErrItself", []string{"backup", "-o", db, "--db", db}, "is the database itself"},
		{"ErrNoDatabase", []string{"backup", "-o", out, "--db", filepath.Join(dir, "missing.db")}, "There is no Rosterdesk database"},
		{"ErrFolder", []string{"backup", "-o", filepath.Join(dir, "no", "such", "b.db"), "--db", db}, "cannot be written"},
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

// TestBackupWhileImporting backs up from one process while rosterctl imports a big roster
// in another, as an IT person would while the office's window runs an upload: the backup
// must not wait for the import and must hold the database of one moment.
func TestBackupWhileImporting(t *testing.T) {
	s := newStress(t, t.TempDir())
	s.setUp()
	data, _ := genRoster(rosterSpec{rows: 50000, prefix: "B"})
	file := s.path("big.csv")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b := s.start("import", "--school", stressSchool, file)
	db := s.openRO()
	during := s.waitFor(db, b, "the import to start saving", func(us []upload) bool {
		return len(us) == 1 && us[0].Status == "In Progress"
	})
	if !during {
		t.Fatalf("the import ended before the backup could start: %+v", b.wait())
	}
	out := s.path("backup.db")
	code, stdout, stderr := runInProcess(t, "", "backup", "-o", out, "--db", s.db)
	running := !b.finished()
	if code != 0 {
		t.Fatalf("rosterctl backup = %d: %s", code, stderr)
	}
	imp := b.wait()
	if imp.code != 0 && imp.code != exitCompletedErrs {
		t.Fatalf("import = exit %d\n%s", imp.code, imp.stderr)
	}
	info, err := engine.InspectBackup(context.Background(), out)
	if err != nil {
		t.Fatalf("InspectBackup: %v (backup said %s)", err, stdout)
	}
	t.Logf("the import was still running when the backup ended: %v; the backup holds %d users", running, info.Users)
	// The import applies in one transaction: the copy has none of its users, or all.
	final, err := engine.InspectBackup(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	if info.Users != 0 && info.Users != final.Users {
		t.Errorf("backup holds %d users, want 0 (before the import) or %d (after)", info.Users, final.Users)
	}
	if info.Uploads != 1 || info.Schools != 1 {
		t.Errorf("backup = %+v, want 1 school and the upload", info)
	}
}
