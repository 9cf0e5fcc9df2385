package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/ui"
	"github.com/rosterdesk/rosterdesk/ui/nativedialog"
)

// fileDialogFlag makes rosterdesk the file dialog helper of a running window: it reads
// one ui.DialogRequest on stdin, shows the dialog and writes the ui.DialogReply on
// stdout. Every file dialog of the window runs so, in a process that holds no database
// (SPEC §12, "No lock is ever lost"; ui.HelperPicker says why).
const fileDialogFlag = "file-dialog"

// fileDialogCommand returns the command that runs this program as the file dialog
// helper.
func fileDialogCommand() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exec.Command(exe, "--"+fileDialogFlag)
}

// serveFileDialog is the helper: the system's dialog, else Fyne's, in this process.
func serveFileDialog(r io.Reader, w io.Writer) error {
	return nativedialog.Serve(r, w, nativedialog.Native, fyneDialog)
}

// fyneDialog shows Fyne's file dialog in a window of its own, for a system whose own
// dialog cannot start. A Save asks for a folder and a name and creates nothing: Fyne's
// own Save dialog creates (empties) the file it is given, and that could be the
// database; the window checks the name before it writes anything.
func fyneDialog(req ui.DialogRequest) (string, error) {
	a := app.NewWithID("org.rosterdesk.app.dialog")
	w := a.NewWindow(req.Title)
	w.Resize(fyne.NewSize(820, 580))
	path, err := "", error(ui.ErrCancelled)
	finish := func(p string) {
		if p != "" {
			path, err = p, nil
		}
		a.Quit()
	}
	if req.Save {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, e error) {
			if e != nil || dir == nil {
				finish("")
				return
			}
			name := widget.NewEntry()
			name.SetText(req.DefaultName)
			dialog.ShowForm(req.Title, "Save", "Cancel", []*widget.FormItem{widget.NewFormItem("File name", name)}, func(ok bool) {
				if n := strings.TrimSpace(name.Text); ok && n != "" {
					finish(filepath.Join(dir.Path(), filepath.Base(n)))
					return
				}
				finish("")
			}, w)
		}, w)
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	} else {
		d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, e error) {
			if e != nil || rc == nil {
				finish("")
				return
			}
			rc.Close()
			finish(rc.URI().Path())
		}, w)
		var exts []string
		for _, f := range req.Filters {
			for _, e := range f.Extensions {
				exts = append(exts, "."+strings.TrimPrefix(e, "."))
			}
		}
		d.SetFilter(storage.NewExtensionFileFilter(exts))
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	}
	w.ShowAndRun()
	return path, err
}
