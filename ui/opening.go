package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Opening is the window's screen while its database is still opening, before there is
// an engine for the App. Opening a database an older Rosterdesk left brings it up to
// date, which needs the database's write lock; while another program (a database
// browser with unsaved changes) or another Rosterdesk holds it, the open waits, and the
// window, which would otherwise not appear at all, shows this screen with the engine's
// notices, the same words the status line and the sign-in screen show: who holds the
// lock, what to do, and that it is free again. If the open then fails, it says why.
type Opening struct {
	note    *widget.Label
	message *widget.Label
	content fyne.CanvasObject
}

// NewOpening builds the screen for the database at path, showing first, the notice
// that the open waits.
func NewOpening(path string, first engine.Wait) *Opening {
	o := &Opening{note: wrapped(""), message: wrapped("")}
	o.note.Importance = widget.WarningImportance
	o.message.Importance = widget.DangerImportance
	o.message.Hide()
	intro := wrapped("Rosterdesk is bringing its database up to date for this version before it opens:\n" + path)
	o.setWait(first)
	o.content = centered(container.NewVBox(heading("Opening the database…"), intro, o.note, o.message), 560)
	return o
}

// Content returns the screen, for the window's SetContent.
func (o *Opening) Content() fyne.CanvasObject { return o.content }

// ShowWait shows the engine's notice w (give it engine.Options.OnWait until the App
// exists). It is safe to call from any goroutine.
func (o *Opening) ShowWait(w engine.Wait) { fyne.Do(func() { o.setWait(w) }) }

func (o *Opening) setWait(w engine.Wait) {
	if !w.Locked {
		return // an upload's wait: the runner's, which starts with the App
	}
	o.note.SetText(w.Message())
}

// ShowError says why the database could not be opened, in msg's plain words; the
// window stays until it is closed. Call it on the UI goroutine.
func (o *Opening) ShowError(msg string) {
	o.note.Hide()
	o.message.SetText("Rosterdesk could not open its database. " + msg + "\nClose this window.")
	o.message.Show()
}
