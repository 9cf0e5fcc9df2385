package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// ErrCancelled is what a FilePicker returns when the person closed the dialog without
// choosing a file. It is not shown as an error.
var ErrCancelled = errors.New("cancelled")

// FileFilter narrows a file dialog to some extensions (without dots).
type FileFilter struct {
	Desc       string
	Extensions []string
}

// FilePicker asks the person for a file to open or a place to save one. Its methods block
// until the dialog closes, so they are called from a background job, never from a Fyne
// callback.
type FilePicker interface {
	Open(title string, filters []FileFilter) (string, error)
	Save(title, defaultName string, filters []FileFilter) (string, error)
}

// DialogRequest is what the window asks of a file dialog shown by another process
// (HelperPicker), as JSON on the helper's stdin.
type DialogRequest struct {
	Save        bool         `json:"save"` // a Save dialog; else an Open one
	Title       string       `json:"title"`
	DefaultName string       `json:"default_name,omitempty"` // Save only
	Filters     []FileFilter `json:"filters,omitempty"`
}

// DialogReply is the helper's answer, as JSON on its stdout: the chosen path, or that
// the person cancelled, or why no dialog could be shown.
type DialogReply struct {
	Path      string `json:"path,omitempty"`
	Cancelled bool   `json:"cancelled,omitempty"`
	Error     string `json:"error,omitempty"`
}

// HelperPicker shows every file dialog in a separate process. A file dialog looks at the
// files of the folder it shows (GTK opens them to guess their type, Fyne's reads the
// first line of those it does not know), and when a process closes any descriptor of a
// file, the kernel drops every POSIX lock that process holds on it: a dialog in the
// window's own process on the database's folder silently took SQLite's locks away, and
// the next rosterctl deleted the WAL under the running window (issue 13 item 1). The
// helper holds no database, so whatever it opens cannot hurt one.
type HelperPicker struct {
	// Command returns the helper to run: it reads one DialogRequest on stdin and writes
	// one DialogReply on stdout.
	Command func() *exec.Cmd
	// mu keeps dialogs one at a time: two quick taps would otherwise stack two dialogs.
	mu sync.Mutex
}

// Open implements FilePicker.
func (p *HelperPicker) Open(title string, filters []FileFilter) (string, error) {
	return p.ask(DialogRequest{Title: title, Filters: filters})
}

// Save implements FilePicker.
func (p *HelperPicker) Save(title, defaultName string, filters []FileFilter) (string, error) {
	return p.ask(DialogRequest{Save: true, Title: title, DefaultName: defaultName, Filters: filters})
}

func (p *HelperPicker) ask(req DialogRequest) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("file dialog: %w", err)
	}
	cmd := p.Command()
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, &errOut
	runErr := cmd.Run()
	var reply DialogReply
	if err := json.Unmarshal(out.Bytes(), &reply); err != nil {
		// The helper died before answering (a crash, a missing library).
		if runErr == nil {
			runErr = err
		}
		return "", dialogError(fmt.Errorf("file dialog helper: %w: %s", runErr, strings.TrimSpace(errOut.String())))
	}
	switch {
	case reply.Error != "":
		return "", dialogError(errors.New(reply.Error))
	case reply.Cancelled || reply.Path == "":
		return "", ErrCancelled
	}
	return reply.Path, nil
}

// dialogError says in plain words that no file dialog could be shown.
func dialogError(err error) error {
	return &core.Error{Kind: core.KindInternal, Op: "file dialog",
		Message: "Rosterdesk could not show a file dialog (" + err.Error() + "). Try again; if it keeps happening, send this message to your IT coordinator.", Err: err}
}

// DatabaseGuard refuses a chosen file that is the database itself or one of SQLite's
// files beside it. Reading it would open and close the database file in the window's
// process (dropping its locks, as above), and saving over it would replace the
// database with an export.
type DatabaseGuard struct {
	Picker   FilePicker
	Database string // the database file's path
}

// Open implements FilePicker.
func (g DatabaseGuard) Open(title string, filters []FileFilter) (string, error) {
	path, err := g.Picker.Open(title, filters)
	if err != nil {
		return "", err
	}
	return path, g.check(path, "open")
}

// Save implements FilePicker.
func (g DatabaseGuard) Save(title, defaultName string, filters []FileFilter) (string, error) {
	path, err := g.Picker.Save(title, defaultName, filters)
	if err != nil {
		return "", err
	}
	return path, g.check(path, "save over")
}

// check compares names, then files (a link, another spelling of the folder, another
// case where the file system ignores case), by their information alone: it never
// opens either.
func (g DatabaseGuard) check(path, verb string) error {
	if engine.IsDatabaseFile(path, g.Database) {
		return core.Errorf(core.KindInvalid, "%s is Rosterdesk's own database, so Rosterdesk will not %s it. Choose another file.", filepath.Base(path), verb)
	}
	return nil
}

// noPicker is the FilePicker of an App given none: it says so instead of showing a
// dialog in the window's own process.
type noPicker struct{}

func (noPicker) Open(string, []FileFilter) (string, error) { return "", errNoPicker }
func (noPicker) Save(string, string, []FileFilter) (string, error) {
	return "", errNoPicker
}

var errNoPicker = dialogError(errors.New("no file dialog was set up"))
