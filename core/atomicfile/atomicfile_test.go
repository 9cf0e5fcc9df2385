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
		assertNamesTarget(t, err, path, ".users.csv.tmp-")
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
