//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// privateDevNull makes a copy of /dev/null (device 1,3) in dir where the test may (as
// root), so that a broken rosterctl cannot harm the real one; "" where it may not.
func privateDevNull(t *testing.T, dir string) string {
	t.Helper()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		return ""
	}
	os.Chmod(null, 0o666)
	return null
}

// TestOutputFilesArePrivate: every file rosterctl writes holds children's names and
// emails (and the Completed File their temporary passwords), so each one is readable by
// its owner only, whatever the umask and whatever file it replaces.
func TestOutputFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	fixture := filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv")
	for _, args := range [][]string{
		{"init", "--org", "Test District"},
		{"school", "add", "Oak School"},
		{"import", "--school", "Oak School", "--as", "Tester", fixture},
	} {
		if code, _, stderr := runInProcess(t, "", append(args, "--db", db)...); code > 3 {
			t.Fatalf("rosterctl %q = %d: %s", args, code, stderr)
		}
	}
	outputs := map[string][]string{
		"template.csv":   {"template", "-o"},
		"template.xlsx":  {"template", "--teacher", "-o"},
		"users.csv":      {"export", "users", "--school", "Oak School", "-o"},
		"classes.xlsx":   {"export", "classes", "--school", "Oak School", "-o"},
		"uploaded.csv":   {"download", "--upload", "1", "--file", "uploaded", "-o"},
		"completed.xlsx": {"download", "--upload", "1", "--file", "completed", "-o"},
		"errors.csv":     {"download", "--upload", "1", "--file", "error", "-o"},
	}
	for name, args := range outputs {
		path := filepath.Join(dir, name)
		// An older file of the same name, readable by everyone, is replaced.
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := runInProcess(t, "", append(args, path, "--db", db)...); code != 0 {
			t.Errorf("rosterctl %q = %d: %s", args, code, stderr)
			continue
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want -rw------- (umask 022)", name, fi.Mode().Perm(), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == ".rosterdesk-tmp" && e.IsDir() {
			// The engine's private folder beside the database (SPEC §12): it stays, for
			// the owner only, with nothing left in it once the import is done.
			left, _ := os.ReadDir(filepath.Join(dir, e.Name()))
			if fi, err := e.Info(); err != nil || fi.Mode().Perm() != 0o700 || len(left) != 0 {
				t.Errorf("the private folder: %v, %d files left; want drwx------ and empty", fi, len(left))
			}
			continue
		}
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
}

// TestWriteErrorNamesTheFile: when a file cannot be written, the message names the file
// asked for, never the hidden temporary file it was being written through.
func TestWriteErrorNamesTheFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	mustRun(t, db, oakSchool...)
	export := func(t *testing.T, out string) string {
		t.Helper()
		code, _, stderr := runInProcess(t, "", "export", "users", "--school", "Oak School", "-o", out, "--db", db)
		base := filepath.Base(out)
		if code != 2 || !strings.Contains(stderr, base) || strings.Contains(stderr, "."+base+".") {
			t.Errorf("export -o %s = %d, %q; want 2 and a message naming %s, not its temporary file", out, code, stderr, base)
		}
		return stderr
	}
	t.Run("Folder", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "users.csv")
		if err := os.Mkdir(out, 0o700); err != nil {
			t.Fatal(err)
		}
		export(t, out)
	})
	t.Run("DiskFull", func(t *testing.T) {
		if testing.Short() {
			t.Skip("mounts a tmpfs")
		}
		full := mountTmpfs(t, "4k")
		// Fill the disk, so the export's first block has nowhere to go.
		f, _ := os.Create(filepath.Join(full, "filler"))
		f.Write(make([]byte, 64<<10))
		f.Close()
		if stderr := export(t, filepath.Join(full, "users.xlsx")); !strings.Contains(stderr, "disk is full") {
			t.Errorf("export onto a full disk: %q does not say the disk is full", stderr)
		}
	})
}
