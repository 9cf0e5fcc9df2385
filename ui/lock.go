package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// The window locks itself after a while without input (SPEC §8: 15 minutes by
// default, a setting in the Profile menu). Locking hides the page but keeps it: the
// selected page, the chosen file, open dialogs and running uploads all stay, and the same
// account signing in again finds them as they were. Another account signing in at the
// locked window starts fresh (signedIn): what the first person had open is theirs.
//
// Input is what the window sees: the pointer moving over it (activityWatch), and the
// keys and shortcuts that reach App.typedKey and App.typedShortcut (the window's widgets
// pass theirs on; plain typing into a field is not seen, Fyne gives it to the field
// alone). Working in another program counts as no input, so a
// window left open while someone spends a quarter of an hour in Excel locks too; the
// person signs in again and finds everything as they left it.

// lockState is the window's lock.
type lockState struct {
	locked bool
	stop   func() bool // cancels the pending check
	// What the lock hid, given back to the same account: the dialogs and menus over the
	// page, the field that had the keyboard, and errors that arrived while locked.
	overlays []fyne.CanvasObject
	modals   []*modal
	focused  fyne.Focusable
	errors   []error
}

// touch notes input now. Any goroutine may call it.
func (a *App) touch() { a.lastInput.Store(a.lockClock.Now().UnixNano()) }

func (a *App) idleFor() time.Duration {
	return a.lockClock.Now().Sub(time.Unix(0, a.lastInput.Load()))
}

// armLock checks how long the window has been without input: it locks the window when
// that is the auto-lock's delay, and otherwise checks again when the delay would be up
// if no input came meanwhile.
func (a *App) armLock() {
	a.stopLockTimer()
	if !a.profile.signedIn() || a.lock.locked || a.main == nil {
		return
	}
	left := a.lockAfter() - a.idleFor()
	if left <= 0 {
		a.lockNow()
		return
	}
	a.lockGen++
	gen := a.lockGen
	a.lock.stop = a.lockClock.AfterFunc(left, func() {
		a.onMain(func() {
			// A check rearmed or stopped since is stale.
			if gen == a.lockGen {
				a.armLock()
			}
		})
	})
}

func (a *App) stopLockTimer() {
	a.lockGen++
	if a.lock.stop != nil {
		a.lock.stop()
		a.lock.stop = nil
	}
}

// lockNow hides the page behind the sign-in screen, keeping everything for the same
// account's return.
func (a *App) lockNow() {
	if a.lock.locked || !a.profile.signedIn() || a.main == nil {
		return
	}
	a.stopLockTimer()
	a.lock.locked = true
	c := a.win.Canvas()
	a.lock.focused = c.Focused()
	a.lock.overlays = slices.Clone(c.Overlays().List())
	for _, o := range a.lock.overlays {
		c.Overlays().Remove(o)
	}
	a.lock.modals, a.modals = a.modals, nil
	a.showSignIn()
}

// unlock gives the main window back to the account that locked it, now signed in again
// as sess.
func (a *App) unlock(sess engine.Session) {
	kept := a.lock
	a.lock = lockState{}
	old := a.profile.Session
	a.profile.Session = sess
	if !sess.Holds(a.profile.Role) {
		a.profile.Role = sess.Roles[0].Role
	}
	a.show(a.main)
	c := a.win.Canvas()
	for _, o := range kept.overlays {
		c.Overlays().Add(o)
	}
	a.modals = append(kept.modals, a.modals...) // any asked while locked (Quit?) stay on top
	if kept.focused != nil {
		c.Focus(kept.focused)
	}
	a.touch()
	a.armLock()
	// Roles and schools may have changed while the window was locked; when they have
	// not, the page stays exactly as it was.
	if !sameGrants(old, sess) {
		a.useRole(a.profile.Role)
	}
	for _, err := range kept.errors {
		a.showError(err)
	}
}

// sameGrants reports whether two sessions hold the same roles with the same schools.
func sameGrants(a, b engine.Session) bool {
	return slices.EqualFunc(a.Roles, b.Roles, func(x, y engine.RoleGrant) bool {
		return x.Role == y.Role && slices.EqualFunc(x.Schools, y.Schools, func(s, t core.School) bool { return s.ID == t.ID && s.Name == t.Name })
	})
}

// activityWatch wraps the window's content to notice the pointer moving over it. Fyne
// has no event for "any input", but its desktop driver asks every Cursorable object under
// the pointer for its cursor each time the pointer moves; the watch covers the whole
// window, so it is asked on every move, and answers the default cursor, which anything
// beneath it overrides.
type activityWatch struct {
	widget.BaseWidget
	content fyne.CanvasObject
	touch   func()
}

func newActivityWatch(content fyne.CanvasObject, touch func()) *activityWatch {
	w := &activityWatch{content: content, touch: touch}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer shows the content.
func (w *activityWatch) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

// Cursor notes the pointer's move and keeps the default cursor.
func (w *activityWatch) Cursor() desktop.Cursor {
	w.touch()
	return desktop.DefaultCursor
}
