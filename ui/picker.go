package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
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

// FallbackPicker uses Primary (the native dialogs) and, when it fails with anything other
// than ErrCancelled (no GTK, no portal), Fallback.
type FallbackPicker struct {
	Primary, Fallback FilePicker
}

// Open implements FilePicker.
func (p FallbackPicker) Open(title string, filters []FileFilter) (string, error) {
	path, err := p.Primary.Open(title, filters)
	if err == nil || errors.Is(err, ErrCancelled) || p.Fallback == nil {
		return path, err
	}
	fyne.LogError("native open dialog failed; using Fyne's", err)
	return p.Fallback.Open(title, filters)
}

// Save implements FilePicker.
func (p FallbackPicker) Save(title, defaultName string, filters []FileFilter) (string, error) {
	path, err := p.Primary.Save(title, defaultName, filters)
	if err == nil || errors.Is(err, ErrCancelled) || p.Fallback == nil {
		return path, err
	}
	fyne.LogError("native save dialog failed; using Fyne's", err)
	return p.Fallback.Save(title, defaultName, filters)
}

// fynePicker shows Fyne's own file dialogs. It blocks its (background) caller until the
// dialog closes, handing the showing to the UI goroutine through post.
type fynePicker struct {
	win  fyne.Window
	post func(func())
}

type pickResult struct {
	path string
	err  error
}

func (p fynePicker) Open(title string, filters []FileFilter) (string, error) {
	res := make(chan pickResult, 1)
	p.post(func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				res <- pickResult{err: cancelledOr(err)}
				return
			}
			r.Close()
			res <- pickResult{path: r.URI().Path()}
		}, p.win)
		d.SetTitleText(title)
		d.SetFilter(storage.NewExtensionFileFilter(dotted(filters)))
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
	r := <-res
	return r.path, r.err
}

func (p fynePicker) Save(title, defaultName string, filters []FileFilter) (string, error) {
	res := make(chan pickResult, 1)
	p.post(func() {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				res <- pickResult{err: cancelledOr(err)}
				return
			}
			// The dialog has created the file; the caller rewrites it in place.
			w.Close()
			res <- pickResult{path: w.URI().Path()}
		}, p.win)
		d.SetTitleText(title)
		d.SetFileName(defaultName)
		d.SetFilter(storage.NewExtensionFileFilter(dotted(filters)))
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
	})
	r := <-res
	return r.path, r.err
}

func cancelledOr(err error) error {
	if err == nil {
		return ErrCancelled
	}
	return fmt.Errorf("file dialog: %w", err)
}

func dotted(filters []FileFilter) []string {
	var exts []string
	for _, f := range filters {
		for _, e := range f.Extensions {
			exts = append(exts, "."+strings.TrimPrefix(e, "."))
		}
	}
	return exts
}

// FynePicker returns a FilePicker showing Fyne's own file dialogs over win: the fallback
// when the system's dialogs are unavailable.
func FynePicker(win fyne.Window) FilePicker { return fynePicker{win: win, post: fyne.Do} }
