// Package nativedialog is the operating system's file dialog (GTK, Cocoa or Win32 through
// github.com/sqweek/dialog) behind ui.FilePicker.
//
// It lives outside package ui because it needs cgo and, on Linux, GTK: the ui tests stay
// pure Go and run without a display.
package nativedialog

import (
	"errors"
	"fmt"
	"sync"

	"github.com/sqweek/dialog"

	"github.com/rosterdesk/rosterdesk/ui"
)

// Picker shows native file dialogs. Its methods block; call them from a background
// goroutine, never from a Fyne callback.
type Picker struct {
	// mu keeps dialogs one at a time: GTK is not thread-safe, and two Fyne buttons
	// tapped quickly would otherwise run two dialogs on two goroutines.
	mu sync.Mutex
}

// Open implements ui.FilePicker.
func (p *Picker) Open(title string, filters []ui.FileFilter) (path string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer recoverInto(&err)
	b := dialog.File().Title(title)
	for _, f := range filters {
		b = b.Filter(f.Desc, f.Extensions...)
	}
	return mapErr(b.Load())
}

// Save implements ui.FilePicker.
func (p *Picker) Save(title, defaultName string, filters []ui.FileFilter) (path string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer recoverInto(&err)
	b := dialog.File().Title(title).SetStartFile(defaultName)
	for _, f := range filters {
		b = b.Filter(f.Desc, f.Extensions...)
	}
	return mapErr(b.Save())
}

func mapErr(path string, err error) (string, error) {
	if errors.Is(err, dialog.ErrCancelled) {
		return "", ui.ErrCancelled
	}
	if err != nil {
		return "", fmt.Errorf("native file dialog: %w", err)
	}
	return path, nil
}

// recoverInto turns sqweek's panic when GTK could not start (no X server, Wayland-only
// session without XWayland) into an error, so the caller falls back to Fyne's dialog.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("native file dialog unavailable: %v", r)
	}
}
