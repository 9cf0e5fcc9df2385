//go:build linux

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyDatabaseIsViewed: the commands that only show what is there work on a
// database that cannot be written (it used to say "cannot be written… nothing was
// saved"), and the ones that write say so.
func TestReadOnlyDatabaseIsViewed(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	mnt := mountTmpfs(t, "16m")
	db := filepath.Join(mnt, "r.db")
	fixture := filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv")
	for _, args := range [][]string{{"init", "--org", "District"}, {"school", "add", "Oak School"}, {"import", "--school", "Oak School", fixture}} {
		if code, _, stderr := runInProcess(t, "", append(args, "--db", db)...); code > 3 {
			t.Fatalf("rosterctl %q = %d: %s", args, code, stderr)
		}
	}
	remount(t, mnt, "ro")
	defer remount(t, mnt, "rw")
	out := t.TempDir()
	for _, args := range [][]string{
		{"history"},
		{"history", "--json"},
		{"school", "list"},
		{"export", "users", "--school", "Oak School", "-o", filepath.Join(out, "u.csv")},
		{"export", "classes", "--school", "Oak School", "-o", filepath.Join(out, "c.xlsx")},
		{"download", "--upload", "1", "--file", "completed", "-o", filepath.Join(out, "done.csv")},
	} {
		if code, stdout, stderr := runInProcess(t, "", append(args, "--db", db)...); code != 0 {
			t.Errorf("rosterctl %q on a read-only database = %d\nstdout %s\nstderr %s", args, code, stdout, stderr)
		}
	}
	code, _, stderr := runInProcess(t, "", "school", "add", "Elm School", "--db", db)
	if code != 2 || !strings.Contains(stderr, "cannot be written") {
		t.Errorf("school add on a read-only database = %d, %q; want 2 and \"cannot be written\"", code, stderr)
	}
}
