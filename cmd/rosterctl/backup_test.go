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
