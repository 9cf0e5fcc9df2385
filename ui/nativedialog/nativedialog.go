// Package nativedialog is the file dialog helper: the operating system's dialog (GTK,
// Cocoa or Win32 through github.com/sqweek/dialog), shown in a process of its own that
// holds no database. The window asks it through ui.HelperPicker; rosterdesk re-runs
// itself with a hidden flag to be that process and calls Serve.
//
// It lives outside package ui because it needs cgo and, on Linux, GTK: the ui tests stay
// pure Go and run without a display.
package nativedialog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sqweek/dialog"

	"github.com/rosterdesk/rosterdesk/ui"
)

// Show shows one file dialog and returns the chosen path, ui.ErrCancelled, or why no
// dialog could be shown.
type Show func(req ui.DialogRequest) (string, error)

// Serve reads one ui.DialogRequest from r, shows it with show (or, when show cannot
// show a dialog at all, with fallback, if not nil), and writes the ui.DialogReply to w.
// Only a broken r or w is an error: the outcome of the dialog, failures included, is
// the reply.
func Serve(r io.Reader, w io.Writer, show, fallback Show) error {
	var req ui.DialogRequest
	if err := json.NewDecoder(r).Decode(&req); err != nil {
		return fmt.Errorf("read the dialog request: %w", err)
	}
	path, err := show(req)
	if err != nil && !errors.Is(err, ui.ErrCancelled) && fallback != nil {
		path, err = fallback(req)
	}
	var reply ui.DialogReply
	switch {
	case errors.Is(err, ui.ErrCancelled):
		reply.Cancelled = true
	case err != nil:
		reply.Error = err.Error()
	default:
		reply.Path = path
	}
	if err := json.NewEncoder(w).Encode(reply); err != nil {
		return fmt.Errorf("write the dialog reply: %w", err)
	}
	return nil
}

// Native shows the operating system's file dialog.
func Native(req ui.DialogRequest) (path string, err error) {
	defer recoverInto(&err)
	b := dialog.File().Title(req.Title)
	for _, f := range req.Filters {
		b = b.Filter(f.Desc, f.Extensions...)
	}
	if req.Save {
		path, err = b.SetStartFile(req.DefaultName).Save()
	} else {
		path, err = b.Load()
	}
	if errors.Is(err, dialog.ErrCancelled) {
		return "", ui.ErrCancelled
	}
	if err != nil {
		return "", fmt.Errorf("native file dialog: %w", err)
	}
	return path, nil
}

// recoverInto turns sqweek's panic when GTK could not start (no X server, Wayland-only
// session without XWayland) into an error, so Serve tries its fallback.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("native file dialog unavailable: %v", r)
	}
}
