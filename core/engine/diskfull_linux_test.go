//go:build linux

package engine_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// mountTmpfs mounts a tmpfs of size (mount's size=) on dir until the test ends. It
// skips where mounting is not allowed.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); run as root on Linux to test a full disk", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// tmpfsEnv is an env whose database is on a tmpfs of size, so a test can fill its disk.
// With a stage size, the engine's private folder is a tmpfs of its own: filling the
// database's disk then leaves the stage room, and removing the stage gives the database
// none.
func tmpfsEnv(t *testing.T, size, stage string) *env {
	t.Helper()
	dir := t.TempDir()
	mountTmpfs(t, dir, size)
	if stage != "" {
		private := filepath.Join(dir, ".rosterdesk-tmp")
		if err := os.Mkdir(private, 0o700); err != nil {
			t.Fatal(err)
		}
		mountTmpfs(t, private, stage)
	}
	e := &env{t: t, ctx: t.Context(), clock: &clock{t: t0}, path: filepath.Join(dir, "rosterdesk.db")}
	e.svc = e.open("")
	if _, err := e.svc.Init(e.ctx, "Springfield School District"); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.schoolA, err = e.svc.AddSchool(e.ctx, admin, "Lincoln Elementary"); err != nil {
		t.Fatal(err)
	}
	return e
}

// fill fills the disk of the folder dir with one file and returns its removal.
func fill(t *testing.T, dir string) func() {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	return func() { os.Remove(p) }
}

// TestDiskFullAfterCommit: when the disk fills after the upload's transaction committed
// (the checkpoint then fails), the upload is Completed and says so, not "nothing was
// saved"; the checkpoint is owed and paid at the next start (issue 13 item 6).
func TestDiskFullAfterCommit(t *testing.T) {
	e := tmpfsEnv(t, "16m", "")
	data := csvOf(append([]string{"User ID,Role,First Name,Last Name"}, rosterLines(2000)...)...)
	var free func()
	res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "r.csv", Data: data, SchoolID: e.schoolA.ID, Actor: admin},
		func(p core.Progress) {
			if p.Phase == core.PhaseDone && free == nil {
				free = fill(t, filepath.Dir(e.path))
			}
		})
	if free == nil {
		t.Fatal("the upload never reported Done")
	}
	if err != nil || res.Status != core.StatusCompleted || res.Applied != 2000 {
		t.Fatalf("Import with the disk full after its commit = %s %+v, %v; want Completed, 2,000 applied", res.Status, res.Counts, err)
	}
	if up, _ := e.svc.Upload(e.ctx, admin, res.Upload); up.Status != core.StatusCompleted {
		t.Errorf("history says %s, want Completed", up.Status)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "was saved, but the database could not be tidied up") {
		t.Errorf("notes %q do not say the upload was saved and the tidying failed", res.Notes)
	}
	free()
	if _, err := e.open("").RunPending(e.ctx, nil); err != nil {
		t.Errorf("RunPending at the next start = %v", err)
	}
}

// TestDiskFullLeavesUploadWaiting: when the disk is so full that even the failure
// cannot be recorded, the upload stays In Progress and the error says it will run again
// once uploads resume; after room is made, it does (issue 13 item 6).
func TestDiskFullLeavesUploadWaiting(t *testing.T) {
	e := tmpfsEnv(t, "16m", "16m")
	data := csvOf(append([]string{"User ID,Role,First Name,Last Name"}, rosterLines(2000)...)...)
	var free func()
	_, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "r.csv", Data: data, SchoolID: e.schoolA.ID, Actor: admin},
		func(p core.Progress) {
			if p.Phase == core.PhaseChecking && free == nil {
				free = fill(t, filepath.Dir(e.path))
			}
		})
	if free == nil {
		t.Fatal("the upload never reported Checking")
	}
	defer free()
	if !errors.Is(err, engine.ErrUploadWaiting) || core.ErrorKind(err) != core.KindStorage ||
		!strings.Contains(core.ErrorMessage(err), "disk is full") || !strings.Contains(core.ErrorMessage(err), "resume") {
		t.Fatalf("Import on a full disk = %v; want a storage error that says the disk is full and the upload waits to be resumed", err)
	}
	h, _ := e.svc.History(e.ctx, admin, engine.HistoryFilter{})
	if len(h) != 1 || h[0].Status != core.StatusInProgress {
		t.Fatalf("history = %+v, want the upload In Progress", h)
	}
	free()
	// The same service resumes its own upload (a new process would take over a dead one).
	res, err := e.svc.RunPending(e.ctx, nil)
	if err != nil || len(res) != 1 || res[0].Status != core.StatusCompleted || res[0].Applied != 2000 || !res[0].Resumed {
		t.Errorf("RunPending once there is room = %+v, %v; want it Completed, resumed", res, err)
	}
}

// rosterLines returns n rows of new students.
func rosterLines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "S" + itoa(i+1) + ",Student,Ann,Lee"
	}
	return out
}
