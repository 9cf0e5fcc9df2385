package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/internal/tmpfs"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Export Lincoln #1.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "User ID\r\n00123\r\n")
		return err
	}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "User ID\r\n00123\r\n" {
		t.Errorf("after Write the file holds %q, %v", got, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != Perm {
			t.Errorf("mode %v, want %v (the file it replaced was 0644)", fi.Mode().Perm(), Perm)
		}
	}
	assertOnly(t, dir, "Export Lincoln #1.csv")
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "classes.xlsx")
	os.WriteFile(path, []byte("good"), 0o600)
	boom := errors.New("the engine failed")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("half", 100000)) // past the buffer: on disk already
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Write = %v, want the writer's own error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "good" {
		t.Errorf("after a failed Write the file holds %.20q…, want the old content", got)
	}
	assertOnly(t, dir, "classes.xlsx")
}

func TestWriteIntoFolder(t *testing.T) {
	dir := t.TempDir()
	err := Write(dir, func(w io.Writer) error { return nil })
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != dir {
		t.Errorf("Write(a folder) = %v, want a *fs.PathError naming %s", err, dir)
	}
}

func TestWriteErrorNamesTarget(t *testing.T) {
	t.Run("Closed", func(t *testing.T) {
		// The failing file, whatever the platform: the temporary file closed under write.
		f, err := os.CreateTemp(t.TempDir(), ".x.tmp-*")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = (&target{f: f, path: "/exports/users.csv"}).Write([]byte("x"))
		assertNamesTarget(t, err, "/exports/users.csv", f.Name())
	})
	t.Run("DiskFull", func(t *testing.T) {
		dir := tmpfs.Mount(t, "64k")
		path := filepath.Join(dir, "users.csv")
		err := Write(path, func(w io.Writer) error {
			_, err := w.Write(bytes.Repeat([]byte("x"), 1<<20))
			return err
		})
		assertNamesTarget(t, err, path, tmpPrefix("users.csv"))
		assertOnly(t, dir)
	})
}

func assertNamesTarget(t *testing.T, err error, path, tmp string) {
	t.Helper()
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("error %v, want a *fs.PathError naming %s", err, path)
	}
	if err != nil && strings.Contains(err.Error(), tmp) {
		t.Errorf("error %q names the temporary file", err)
	}
}

// assertOnly fails unless dir holds exactly the files named: no temporary file is left.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, "|") != strings.Join(names, "|") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// TestFileSteps: a File is not at its path until Publish, even once synced; Remove after
// Publish deletes it, and no temporary file is ever left.
func TestFileSteps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cards.pdf")
	os.WriteFile(path, []byte("old"), 0o600)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, "%PDF-new"); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Sync the file holds %q, want the old one until Publish", got)
	}
	if _, err := f.Write([]byte("late")); err == nil {
		t.Error("Write after Sync succeeded")
	}
	if err := f.Publish(); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "%PDF-new" {
		t.Errorf("after Publish the file holds %q", got)
	}
	assertOnly(t, dir, "cards.pdf")
	if err := f.Close(); err != nil {
		t.Errorf("Close after Publish: %v", err)
	}
	assertOnly(t, dir, "cards.pdf")
	if err := f.Remove(); err != nil {
		t.Fatalf("Remove after Publish: %v", err)
	}
	assertOnly(t, dir)
}

// TestFileRemoveBeforePublish: Remove (or Close) before Publish throws the temporary
// file away and leaves the old file, synced or not.
func TestFileRemoveBeforePublish(t *testing.T) {
	for _, sync := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "cards.pdf")
		os.WriteFile(path, []byte("old"), 0o600)
		f := createWith(t, path, "%PDF-new")
		if sync {
			f.Sync()
		}
		if err := f.Remove(); err != nil {
			t.Errorf("Remove (synced %v): %v", sync, err)
		}
		if got, _ := os.ReadFile(path); string(got) != "old" {
			t.Errorf("after Remove (synced %v) the file holds %q, want the old one", sync, got)
		}
		assertOnly(t, dir, "cards.pdf")
	}
}

// TestFilePublishFails: when the rename fails (here a folder took the name meanwhile),
// Publish says so naming the path, and Remove leaves nothing behind.
func TestFilePublishFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cards.pdf")
	f := createWith(t, path, "%PDF-new")
	if err := os.MkdirAll(filepath.Join(path, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := f.Publish()
	assertNamesTarget(t, err, path, tmpPrefix("cards.pdf"))
	if err == nil {
		t.Fatal("Publish over a folder succeeded")
	}
	if err := f.Remove(); err != nil {
		t.Errorf("Remove: %v", err)
	}
	assertOnly(t, dir, "cards.pdf")
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Errorf("the folder in the way: %v, %v", fi, err)
	}
}

// createWith creates a File at path, closed when the test ends, and writes content.
func createWith(t *testing.T, path, content string) *File {
	t.Helper()
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := io.WriteString(f, content); err != nil {
		t.Fatal(err)
	}
	return f
}
