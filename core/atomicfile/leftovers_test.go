package atomicfile

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// tmpPrefix is how the names of this process's temporary files for base begin.
func tmpPrefix(base string) string { return "." + base + "." + strconv.Itoa(os.Getpid()) + tmpMarker }

// deadPID returns the id of a process that ran and is gone: this test binary, run to do
// nothing and waited for.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run a process to end: %v", err)
	}
	pid := cmd.Process.Pid
	if pid <= 0 {
		t.Fatalf("the ended process has id %d", pid)
	}
	return pid
}

// TestCreateRemovesDeadLeftovers: the temporary file an export, a download or a save left
// when its process was killed (it may hold half a Completed File, temporary passwords in
// plain text) is removed by the next Write to the same file; the temporary files of
// running processes, and every name not of the exact pattern, are kept. Found by the
// attack round: each killed download left a .NAME.tmp-N file beside the output forever.
func TestCreateRemovesDeadLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Completed Lincoln #1.csv")
	base := filepath.Base(path)
	name := func(pid int, rest string) string { return "." + base + "." + strconv.Itoa(pid) + rest }
	dead, never := deadPID(t), 2147483646 // no process has the second id, on Linux or Windows
	removed := []string{
		name(dead, ".tmp123456"),
		name(never, ".tmp1"),
		// Named with this process's id but not made by it: an earlier process that had the
		// same id left it (in a container every run may be process 1).
		name(os.Getpid(), ".tmp42"),
	}
	// This process's own, being written meanwhile (another window, another goroutine).
	live, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	kept := []string{
		filepath.Base(live.tmp.Name()),
		name(os.Getppid(), ".tmp42"), // another running process's
		"." + base + ".tmp-3187561",  // the names of older versions: whose, nobody can tell
		name(dead, ".partial77"),     // another kind of file (a backup's)
		name(dead, ".tmp77x"),
		name(dead, ".tmp"),
		name(dead, ".tmp77.csv"),
		"." + base + ".+" + strconv.Itoa(dead) + ".tmp77",
		"." + base + ".0.tmp77",
		base + "." + strconv.Itoa(dead) + ".tmp77",                   // not hidden: someone's own file
		".Completed Lincoln #2.csv." + strconv.Itoa(dead) + ".tmp77", // another file's
		"." + base + ".2024." + strconv.Itoa(dead) + ".tmp77",
	}
	for _, n := range append(append([]string(nil), removed...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("User GUID,Password\r\nx,Temp-Pass-1"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	folder := name(dead, ".tmp99") // a folder of that name is nobody's temporary file
	if err := os.Mkdir(filepath.Join(dir, folder), 0o700); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, folder)

	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, n := range removed {
		if _, err := os.Lstat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("the dead writer's leftover %q is still there (%v)", n, err)
		}
	}
	for _, n := range append(kept, base) {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%q was removed (%v): it is not a dead writer's temporary file", n, err)
		}
	}
}

// TestCreateNamesTheProcess: the temporary file of a File being written carries this
// process's id, so that it is recognised if the process is killed, and the File's
// Close removes it.
func TestCreateNamesTheProcess(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "users.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Base(f.tmp.Name())
	if !strings.HasPrefix(tmp, tmpPrefix("users.xlsx")) {
		t.Errorf("temporary file %q, want it named %s…", tmp, tmpPrefix("users.xlsx"))
	}
	if pid, ok := leftoverPID(tmp, ".users.xlsx.", tmpMarker); !ok || pid != os.Getpid() {
		t.Errorf("leftoverPID(%q) = %d, %v, want this process's id %d", tmp, pid, ok, os.Getpid())
	}
	f.Close()
	assertOnly(t, dir)
}

func TestLeftoverPID(t *testing.T) {
	for _, tt := range []struct {
		name string
		pid  int
		ok   bool
	}{
		{".a.csv.4242.tmp1839201", 4242, true},
		{".a.csv.1.tmp0", 1, true},
		{".a.csv.4242.tmp", 0, false},
		{".a.csv..tmp12", 0, false},
		{".a.csv.0.tmp12", 0, false},
		{".a.csv.-5.tmp12", 0, false},
		{".a.csv.+5.tmp12", 0, false},
		{".a.csv.4242.tmp12.bak", 0, false},
		{".a.csv.4242.tmp-12", 0, false},
		{".a.csv.4242.tmp12-journal", 4242, true}, // a backup's copy's rollback journal
		{".a.csv.4242.tmp12-journal-journal", 0, false},
		{".a.csv.4242.tmp12-wal", 0, false},
		{".a.csv.tmp-12", 0, false},
		{".a.csv.99999999999999999999.tmp1", 0, false},
		{"a.csv.4242.tmp1", 0, false},
		{".b.csv.4242.tmp1", 0, false},
		{".a.csv.4242.partial1", 0, false},
		{".a.csv.٤٢.tmp1", 0, false}, // Arabic-Indic digits are not a process id
	} {
		pid, ok := leftoverPID(tt.name, ".a.csv.", tmpMarker)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("leftoverPID(%q) = %d, %v, want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}

// TestWriteLongName: a file whose name is as long as the file system allows (255 bytes:
// 85 Japanese or 127 Cyrillic characters) is written, and a killed writer's leftover of
// it is removed. The temporary name adds about 25 bytes to the name it stands for, so an
// export to such a name failed with "file name too long" although the name was valid.
func TestWriteLongName(t *testing.T) {
	for _, base := range []string{
		strings.Repeat("a", 251) + ".csv",
		strings.Repeat("名", 83) + ".xlsx", // 249 bytes
		strings.Repeat("я", 125) + ".csv", // 254 bytes
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, base)
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Skipf("the file system takes no %d-byte name: %v", len(base), err)
		}
		f, err := Create(path)
		if err != nil {
			t.Fatalf("Create(%d-byte name): %v", len(base), err)
		}
		tmp := filepath.Base(f.tmp.Name())
		f.Close()
		if !utf8.ValidString(tmp) {
			t.Errorf("temporary name %q is not UTF-8: a character was cut in two", tmp)
		}
		// What a killed writer of the same file would have left.
		left := strings.Replace(tmp, "."+strconv.Itoa(os.Getpid())+tmpMarker, "."+strconv.Itoa(deadPID(t))+tmpMarker, 1)
		if err := os.WriteFile(filepath.Join(dir, left), []byte("x,Temp-Pass-1"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
			t.Fatalf("Write(%d-byte name): %v", len(base), err)
		}
		if got, _ := os.ReadFile(path); string(got) != "new" {
			t.Errorf("%d-byte name holds %q, want the new content", len(base), got)
		}
		assertOnly(t, dir, base)
	}
}
