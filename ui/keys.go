package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keyboard handling. Fyne gives a key to the focused widget, and only when nothing has
// the focus to the window; an entry also takes every shortcut. So F5, Escape and the
// page shortcuts would die in whichever widget has the focus. The window's widgets that
// take the focus are therefore the small types below, which offer the window's keys to
// App.typedKey and App.typedShortcut first, and every dialog is a modal, which Escape
// closes and Enter confirms.

// windowShortcuts are the window's keyboard shortcuts: Ctrl+O (Cmd+O) chooses a file,
// Ctrl+U (Cmd+U) uploads it, Ctrl+Tab or Ctrl+Page Down shows the next page and
// Ctrl+Shift+Tab or Ctrl+Page Up the previous one (Control on every system, as in
// browsers). F5 refreshes (in typedKey: it takes no modifier, so it is no shortcut).
var windowShortcuts []windowShortcut

type windowShortcut struct {
	key    desktop.CustomShortcut
	action func(a *App)
}

// The shortcuts are set in init, not in their declaration: their actions reach, through
// the sign-in and sign-out that errors can lead to, the code that registers them, which
// Go calls an initialization cycle in a declaration.
func init() {
	windowShortcuts = []windowShortcut{
		{desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}, func(a *App) { a.imp.onPick() }},
		{desktop.CustomShortcut{KeyName: fyne.KeyU, Modifier: fyne.KeyModifierShortcutDefault}, func(a *App) { a.imp.onUpload() }},
		{desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}, func(a *App) { a.stepPage(1) }},
		{desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl}, func(a *App) { a.stepPage(1) }},
		{desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}, func(a *App) { a.stepPage(-1) }},
		{desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl}, func(a *App) { a.stepPage(-1) }},
	}
}

// addShortcuts makes the main window's shortcuts work wherever the focus is.
func (a *App) addShortcuts() {
	c := a.win.Canvas()
	for _, sc := range windowShortcuts {
		c.AddShortcut(&sc.key, func(s fyne.Shortcut) { a.typedShortcut(s) })
	}
}

// typedShortcut runs the window shortcut s, if it is one and no dialog is open; it
// reports whether it did.
func (a *App) typedShortcut(s fyne.Shortcut) bool {
	a.touch()
	if !a.mainShown() || a.topModal() != nil {
		return false
	}
	for _, sc := range windowShortcuts {
		if sc.key.ShortcutName() == s.ShortcutName() {
			sc.action(a)
			return true
		}
	}
	return false
}

// typedKey handles the window's own keys, whatever has the focus: Escape closes the
// open dialog, Enter confirms it when no field or button has the focus, F5 refreshes.
// It reports whether it used the key.
func (a *App) typedKey(ev *fyne.KeyEvent) bool {
	a.touch()
	m := a.topModal()
	switch ev.Name {
	case fyne.KeyEscape:
		if m != nil {
			m.dismiss()
			return true
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if m != nil {
			m.submit()
			return true
		}
	case fyne.KeyF5:
		if m == nil && a.mainShown() {
			a.onRefresh()
			return true
		}
	}
	return false
}

// stepPage shows the page after (by 1) or before (by -1) the current one, round, among
// the pages the role has (the first tabs of pages).
func (a *App) stepPage(by int) {
	n := len(a.tabs.Items)
	i := slices.Index(pages, a.currentPage())
	a.showPage(pages[(i+by+n)%n])
}

// field is an entry that passes the window's keys on: Escape closes its dialog, F5 and
// the page shortcuts work while it has the focus. Enter runs OnSubmitted, as in any
// entry.
type field struct {
	widget.Entry
	a *App
}

func (a *App) newField(placeholder string) *field {
	f := &field{a: a}
	f.ExtendBaseWidget(f)
	f.PlaceHolder = placeholder
	return f
}

func (f *field) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyF5:
		if f.a.typedKey(ev) {
			return
		}
	}
	f.Entry.TypedKey(ev)
}

func (f *field) TypedShortcut(s fyne.Shortcut) {
	if !f.a.typedShortcut(s) {
		f.Entry.TypedShortcut(s)
	}
}

// keyButton is a button that Enter presses as well as Space, and that passes the
// window's other keys on.
type keyButton struct {
	widget.Button
	a *App
}

func (a *App) newButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{a: a}
	b.ExtendBaseWidget(b)
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
		return
	}
	if !b.a.typedKey(ev) {
		b.Button.TypedKey(ev)
	}
}

// keyCheck is a check box that passes the window's keys on.
type keyCheck struct {
	widget.Check
	a *App
}

func (a *App) newCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{a: a}
	c.ExtendBaseWidget(c)
	c.Text, c.OnChanged = label, changed
	return c
}

func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	if !c.a.typedKey(ev) {
		c.Check.TypedKey(ev)
	}
}

// keySelect is a drop-down that passes the window's keys on.
type keySelect struct {
	widget.Select
	a *App
}

func (a *App) newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{a: a}
	s.ExtendBaseWidget(s)
	s.Options, s.OnChanged = options, changed
	return s
}

func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyF5, fyne.KeyReturn, fyne.KeyEnter:
		if s.a.typedKey(ev) {
			return
		}
	}
	s.Select.TypedKey(ev)
}

// modal is a dialog of the window. Escape (or Cancel, or Close) dismisses it; Enter, or
// its confirm button, confirms it, unless onConfirm says no (a form with a missing
// answer stays open, saying what is missing). Its first field, or its default button,
// has the focus when it opens.
type modal struct {
	a          *App
	d          *dialog.CustomDialog
	confirmBtn *keyButton // nil for a message
	dismissBtn *keyButton
	onConfirm  func() bool
	closed     bool
	confirmed  bool
	quit       bool // the question asked before quitting during an upload
}

// modalSpec describes a modal.
type modalSpec struct {
	title   string
	content fyne.CanvasObject
	// confirm labels the confirm button; "" makes a message with one dismiss button.
	confirm string
	// dismiss labels the dismiss button: "Cancel" by default, "Close" for a message.
	dismiss string
	// first gets the focus when the modal opens; nil: the confirm (or dismiss) button.
	first fyne.Focusable
	// onConfirm runs when the modal is confirmed; returning false keeps it open.
	onConfirm func() bool
	// onDismiss runs when the modal is dismissed without confirming.
	onDismiss func()
	size      fyne.Size
}

// showModal shows a modal over the window.
func (a *App) showModal(spec modalSpec) *modal {
	m := &modal{a: a, onConfirm: spec.onConfirm}
	m.d = dialog.NewCustomWithoutButtons(spec.title, spec.content, a.win)
	dismiss := spec.dismiss
	if dismiss == "" {
		dismiss = "Cancel"
		if spec.confirm == "" {
			dismiss = "Close"
		}
	}
	m.dismissBtn = a.newButton(dismiss, theme.CancelIcon(), m.dismiss)
	buttons := []fyne.CanvasObject{m.dismissBtn}
	if spec.confirm != "" {
		m.confirmBtn = a.newButton(spec.confirm, theme.ConfirmIcon(), m.submit)
		m.confirmBtn.Importance = widget.HighImportance
		buttons = append(buttons, m.confirmBtn)
	}
	m.d.SetButtons(buttons)
	m.d.SetOnClosed(func() {
		m.closed = true
		a.modals = slices.DeleteFunc(a.modals, func(x *modal) bool { return x == m })
		if !m.confirmed && spec.onDismiss != nil {
			spec.onDismiss()
		}
	})
	if !spec.size.IsZero() {
		m.d.Resize(spec.size)
	}
	a.modals = append(a.modals, m)
	m.d.Show()
	first := spec.first
	if first == nil {
		first = m.dismissBtn
		if m.confirmBtn != nil {
			first = m.confirmBtn
		}
	}
	a.win.Canvas().Focus(first)
	return m
}

// topModal returns the modal on top, or nil when none is open.
func (a *App) topModal() *modal {
	if len(a.modals) == 0 {
		return nil
	}
	return a.modals[len(a.modals)-1]
}

// submit confirms the modal (a message has nothing to confirm: it closes).
func (m *modal) submit() {
	if m.closed {
		return
	}
	if m.confirmBtn == nil {
		m.dismiss()
		return
	}
	if m.confirmBtn.Disabled() {
		return
	}
	if m.onConfirm != nil && !m.onConfirm() {
		return
	}
	m.confirmed = true
	m.d.Hide()
}

// dismiss closes the modal without confirming it.
func (m *modal) dismiss() {
	if !m.closed {
		m.d.Hide()
	}
}

// showMessage shows a short message with one Close button.
func (a *App) showMessage(title, message string) *modal {
	l := widget.NewLabel(message)
	l.Wrapping = fyne.TextWrapWord
	return a.showModal(modalSpec{title: title, content: l, dismiss: "OK", size: messageSize(a.win, message)})
}

// messageSize is wide enough for a short message on one line, and no wider than 600
// points or 90% of the window, where a longer one wraps.
func messageSize(win fyne.Window, message string) fyne.Size {
	w := widget.NewLabel(message).MinSize().Width + 4*theme.Padding() + 32
	w = fyne.Min(w, fyne.Min(600, win.Canvas().Size().Width*0.9))
	return fyne.NewSize(fyne.Max(w, 320), 0)
}
