package ui

import (
	"context"
	"slices"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Lists that never go stale. The window reads every list again on F5 and Refresh and
// after each upload it runs; and every few seconds, while it has the focus, it asks the
// engine whether the database changed (another window, rosterctl, an import this
// window runs) — a counter, not a read of any table — and reads again what it shows
// when it did. A hidden page is read whenever it is shown.

// startWatch opens the change watch and starts the checks.
func (a *App) startWatch() {
	if a.watcher != nil {
		return
	}
	var w engine.Watcher
	a.background("watch the database", func(ctx context.Context) error {
		var err error
		w, err = a.eng.Watch(ctx)
		if err == nil {
			_, err = w.Changed(ctx) // the starting point
		}
		return err
	}, func(err error) {
		if err != nil {
			// The lists still refresh on F5, on Refresh and after uploads.
			return
		}
		a.watcher = w
		a.scheduleWatch()
	})
}

// scheduleWatch waits watchEvery, then checks for changes, while the window has the
// focus.
func (a *App) scheduleWatch() {
	if a.watchEvery <= 0 || a.watching || !a.focused || a.watcher == nil {
		return
	}
	a.watching = true
	every := a.watchEvery
	a.background("wait to check for changes", func(ctx context.Context) error {
		t := time.NewTimer(every)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, func(err error) {
		a.watching = false
		if err == nil {
			a.checkChanges()
		}
	})
}

// checkChanges asks whether the database changed and, if so, reads the lists again;
// then it waits for the next check.
func (a *App) checkChanges() {
	w := a.watcher
	if w == nil {
		return
	}
	var changed bool
	a.background("check for changes", func(ctx context.Context) error {
		var err error
		changed, err = w.Changed(ctx)
		return err
	}, func(err error) {
		if err == nil && changed {
			a.onChanged()
		}
		a.scheduleWatch()
	})
}

// onChanged reads again what the database change may have made stale: the schools and
// the page shown. While this window runs an upload, its own progress changes the
// database every few moments: the history follows it anyway, and the accounts are read
// once the upload has finished rather than every few seconds.
func (a *App) onChanged() {
	if a.main == nil {
		return
	}
	a.refreshSchools(0)
	if a.currentPage() == PageAccounts && a.runnerBusy {
		return
	}
	a.refreshPage()
}

// setFocused follows the window's focus: checks run only while it has it, and gaining
// it checks at once.
func (a *App) setFocused(on bool) {
	a.focused = on
	if on {
		a.checkChanges()
	}
}

// refreshSchools reads the schools again (added or renamed here, by rosterctl or by
// another window) and, when they changed, brings the top bar and the pages in line.
// selectID, when not 0, is the school to select (one just added).
func (a *App) refreshSchools(selectID int64) {
	var schools []core.School
	actor := a.actor()
	a.background("list schools", func(ctx context.Context) error {
		var err error
		schools, err = a.eng.Schools(ctx, actor)
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		old, before := a.schools, a.profile.SchoolID
		a.setSchools(schools)
		if selectID != 0 {
			a.profile.SchoolID = selectID
		}
		a.profile.fixSchool(a.schools)
		if slices.Equal(old, a.schools) && a.profile.SchoolID == before {
			return
		}
		a.applyProfile()
	})
}
