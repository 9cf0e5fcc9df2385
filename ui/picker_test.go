package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFakeDialogHelper is not a test: it is the helper process the HelperPicker tests
// run (this test binary again), answering as $FAKE_DIALOG says.
func TestFakeDialogHelper(t *testing.T) {
	mode := os.Getenv("FAKE_DIALOG")
	if mode == "" {
		t.Skip("only the helper of the HelperPicker tests")
	}
	var req DialogRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		os.Exit(3)
	}
	switch mode {
	case "choose":
		name := "roster.csv"
		if req.Save {
			name = req.DefaultName
		}
		json.NewEncoder(os.Stdout).Encode(DialogReply{Path: "/chosen/" + name + "|" + req.Title + "|" + req.Filters[0].Extensions[0]})
	case "cancel":
		json.NewEncoder(os.Stdout).Encode(DialogReply{Cancelled: true})
	case "fail":
		json.NewEncoder(os.Stdout).Encode(DialogReply{Error: "gtk: cannot open display :9"})
	case "crash":
		fmt.Fprintln(os.Stderr, "libgtk-3.so.0: cannot open shared object file")
		os.Exit(127)
	}
	os.Exit(0)
}

func fakeHelper(mode string) *HelperPicker {
	return &HelperPicker{Command: func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFakeDialogHelper$")
		cmd.Env = append(os.Environ(), "FAKE_DIALOG="+mode)
		return cmd
	}}
}

// TestHelperPicker: the dialogs run in another process, which answers with a path, a
// cancel or why it could not show one; a helper that dies says so.
func TestHelperPicker(t *testing.T) {
	csv := []FileFilter{{Desc: "CSV", Extensions: []string{"csv"}}}
	if got, err := fakeHelper("choose").Open("Choose a roster", csv); err != nil || got != "/chosen/roster.csv|Choose a roster|csv" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if got, err := fakeHelper("choose").Save("Save the export", "users.csv", csv); err != nil || got != "/chosen/users.csv|Save the export|csv" {
		t.Errorf("Save = %q, %v", got, err)
	}
	if _, err := fakeHelper("cancel").Open("t", csv); !errors.Is(err, ErrCancelled) {
		t.Errorf("Open cancelled = %v, want ErrCancelled", err)
	}
	for _, mode := range []string{"fail", "crash"} {
		_, err := fakeHelper(mode).Open("t", csv)
		if err == nil || errors.Is(err, ErrCancelled) || !strings.Contains(err.Error(), map[string]string{"fail": "cannot open display", "crash": "libgtk"}[mode]) {
			t.Errorf("Open with a helper that does %s = %v, want its reason", mode, err)
		}
	}
}

// TestDatabaseGuard: the window never reads, nor saves over, its own database or the
// files SQLite keeps beside it, whatever name leads there.
func TestDatabaseGuard(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "roster.db")
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		os.WriteFile(p, nil, 0o600)
	}
	link := filepath.Join(t.TempDir(), "link.csv")
	if err := os.Symlink(db, link); err != nil {
		t.Skip(err)
	}
	for _, chosen := range []string{db, db + "-wal", db + "-shm", link, filepath.Join(dir, ".", "roster.db")} {
		g := DatabaseGuard{Picker: &fakePicker{dir: dir, openPath: chosen}, Database: db}
		if _, err := g.Open("t", nil); err == nil || !strings.Contains(err.Error(), "Rosterdesk's own database") {
			t.Errorf("Open(%s) = %v, want it refused", chosen, err)
		}
	}
	g := DatabaseGuard{Picker: &fakePicker{dir: dir}, Database: db}
	if _, err := g.Save("t", "roster.db", nil); err == nil {
		t.Error("Save over the database was not refused")
	}
	if got, err := g.Save("t", "users.csv", nil); err != nil || got != filepath.Join(dir, "users.csv") {
		t.Errorf("Save(users.csv) = %q, %v", got, err)
	}
	g.Picker = &fakePicker{openPath: filepath.Join(dir, "roster.csv")}
	if _, err := g.Open("t", nil); err != nil {
		t.Errorf("Open(another file of the folder) = %v", err)
	}
}
