package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// onCloseRequest runs when the person closes the window. While this window runs an
// upload, quitting stops it: it is not lost (nothing of it is kept half-done, and it
// runs again from the beginning the next time Rosterdesk opens), but a long one starts
// over, so the window asks first.
func (a *App) onCloseRequest() {
	if !a.runnerBusy || a.topModal() != nil && a.topModal().quit {
		a.closeWindow()
		return
	}
	msg := "Uploads are waiting to run. If you quit now, they run the next time Rosterdesk opens."
	if a.running != 0 {
		msg = a.runningSubject()
		// Before anyone has signed in there is no history page to ask (the runner starts
		// at launch).
		if line, ok := a.runLine(); ok {
			msg += " (" + line + ")"
		}
		msg += ". If you quit now, it stops, and the upload will start again from the beginning the next time Rosterdesk opens. Nothing of it is saved until then."
	}
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	m := a.showModal(modalSpec{title: "Quit while uploading?", content: l, confirm: "Quit Anyway", dismiss: "Keep Running",
		size: fyne.NewSize(480, 0), first: nil, onConfirm: func() bool {
			a.closeWindow()
			return true
		}})
	m.quit = true
	// Keep Running, not Quit, is what Enter does here.
	a.win.Canvas().Focus(m.dismissBtn)
}

// runningSubject names the upload this window runs for the quit question. Before
// sign-in the engine tells nobody which file it is (the window may be showing its
// sign-in screen to whoever sits at a shared computer), and after it an upload the role
// may not see keeps its name too: neither is named, nor numbered ("Upload 7" means
// nothing to the person and tells a passer-by how many uploads the office made).
func (a *App) runningSubject() string {
	if n, ok := a.names[a.running]; ok {
		return n + " is still being uploaded"
	}
	if !a.profile.signedIn() {
		// Uploads run at launch only when a quit or a crash left them unfinished, or
		// queued and not yet run.
		return "An upload that had not finished when Rosterdesk was last closed is running now"
	}
	return "An upload is still being uploaded"
}
