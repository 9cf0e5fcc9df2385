// Package ui is Rosterdesk's window: the first-run setup, the sign-in screen, the top bar
// with the Select School drop-down and the Profile menu, and the Import, Upload History,
// Accounts and Administrators pages. The window acts only as the account signed in, in
// one of the roles that account holds (SPEC §8).
//
// Threading: every Fyne callback runs on the UI goroutine. Anything slow (engine calls,
// file dialogs, file I/O) goes through App.background, and its result comes back through
// App.onMain; nothing else in this package starts goroutines or calls fyne.Do (the
// auto-lock's timer, Clock.AfterFunc, only posts its check through App.onMain).
package ui

import (
	"context"
	"errors"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Page names a page of the main window.
type Page string

// The pages.
const (
	PageImport   Page = "import"
	PageHistory  Page = "history"
	PageAccounts Page = "accounts"
	// PageAdmins is the Administrators page, shown to Organization Administrators only.
	PageAdmins Page = "admins"
)

// Config is what New needs.
type Config struct {
	Engine Engine
	Window fyne.Window
	// Picker shows file dialogs. Nil means Fyne's own dialogs.
	Picker FilePicker
	// Clipboard receives copied passwords. Nil disables copying.
	Clipboard fyne.Clipboard
	// Prefs remembers settings between runs (the auto-lock's delay, each account's last
	// school). Nil remembers nothing.
	Prefs fyne.Preferences
	// Page is the page shown first after signing in (default: Import).
	Page Page
	// Sample is the sample administrator rosterdesk --sample has just made; the sign-in
	// screen shows its username and temporary password.
	Sample core.Credential
	// Post runs a function on the UI goroutine. Nil means fyne.Do; tests pass a queue
	// they drain themselves, so widget updates stay on the test goroutine.
	Post func(func())
	// App, when given, gets Rosterdesk's theme, and tells when the window gains or loses
	// the focus: the lists are checked for changes only while it has it. Nil keeps the
	// app's theme and checks all the time.
	App fyne.App
	// Lock times the auto-lock. Nil means the real clock; tests pass one they move.
	Lock Clock
}

// Clock is the time the auto-lock goes by.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f, on a goroutine of its own, once d has passed; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// App is the window's controller: it owns the screens, the profile and the background
// jobs.
type App struct {
	eng    Engine
	win    fyne.Window
	picker FilePicker
	clip   fyne.Clipboard
	prefs  fyne.Preferences
	post   func(func())
	first  Page
	// sample is the sample administrator to show on the sign-in screen, once.
	sample core.Credential

	ctx    context.Context
	cancel context.CancelFunc
	jobs   jobTracker

	org     core.Org
	schools []core.School
	profile Profile

	setup   *setupScreen
	signIn  *signInScreen
	change  *changeScreen
	top     *topBar
	imp     *importScreen
	history *historyScreen
	// early is the runner's latest progress from before the first sign-in, when no
	// history page existed to show it.
	early    core.Progress
	accounts *accountsScreen
	admins   *adminsScreen
	tabs     *container.AppTabs
	// adminsTab is the Administrators page's tab, in tabs only for Organization
	// Administrators.
	adminsTab *container.TabItem
	status    *widget.Label
	main      fyne.CanvasObject
	modals    []*modal // the open dialogs, the top one last
	// shown is the content the window shows now (inside the activity watch).
	shown fyne.CanvasObject

	// The auto-lock: lockClock times it, lastInput is when input was last seen (Unix
	// nanoseconds of lockClock), and lockGen numbers its checks so a stale one does
	// nothing.
	lock      lockState
	lockClock Clock
	lastInput atomic.Int64
	lockGen   int

	// clock is the wall clock, for time estimates; the engine's Now may be a fixed
	// stand-in.
	clock func() time.Time

	runnerBusy, runnerAgain bool
	// running is the upload the runner reports progress for, 0 between uploads.
	running int64
	// resumed holds the uploads the runner runs again from the start after a quit or a
	// crash interrupted them, as the engine marks them (core.Upload.Resumed), read when
	// each starts to run.
	resumed map[int64]bool
	// names holds the file names of the uploads this window has queued or listed, by id,
	// for the status line.
	names map[int64]string
	// waits shows the engine's wait notices (ShowWait); waiting is true while the status
	// line shows one.
	waits   func(engine.Wait)
	waiting bool
	wait    engine.Wait // the latest notice while waiting, shown again after sign-in
	// lockNote says the database is busy (a Wait with Locked) on the screens that have
	// no status line: sign-in, the first password, the first run, whose writes wait for
	// the lock too. It is visible while a busy notice stands, so the notice of its end
	// replaces it.
	lockNote *widget.Label
	// closeWindow closes the window (the quit question's Quit Anyway).
	closeWindow func()

	// The change watch: every watchEvery, while the window has the focus, ask whether
	// the database changed and reread what is shown if so. watchEvery 0 stops the timer
	// (tests call checkChanges themselves).
	watcher    engine.Watcher
	watchEvery time.Duration
	watching   bool // a wait for the next check is under way
	focused    bool

	closed atomic.Bool
}

// New builds the window's controller. Call Start to show something.
func New(ctx context.Context, cfg Config) *App {
	a := &App{
		eng:   cfg.Engine,
		win:   cfg.Window,
		clip:  cfg.Clipboard,
		prefs: cfg.Prefs,
		post:  cfg.Post,
		first: cfg.Page,

		clock:      time.Now,
		watchEvery: 3 * time.Second,
		focused:    true,
		resumed:    map[int64]bool{},
		names:      map[int64]string{},
	}
	a.closeWindow = a.win.Close
	a.sample, a.lockClock = cfg.Sample, cfg.Lock
	if a.lockClock == nil {
		a.lockClock = realClock{}
	}
	if a.post == nil {
		a.post = fyne.Do
	}
	a.picker = cfg.Picker
	if a.picker == nil {
		a.picker = noPicker{}
	}
	a.ctx, a.cancel = context.WithCancel(ctx)
	a.lockNote = wrapped("")
	a.lockNote.Importance = widget.WarningImportance
	a.lockNote.Hide()
	a.waits = latestOnly(a, func(w engine.Wait) {
		switch {
		case w.Locked && w.Freed:
			if a.lockNote.Visible() {
				a.lockNote.Hide()
				a.setStatus(w.Message())
			}
		case w.Locked:
			// Any write of this window may wait for the lock (signing in, queueing an
			// upload, saving an account), not only the runner's: each says why it is not
			// done yet, in the status line or, before sign-in, on the screen.
			a.lockNote.SetText(w.Message())
			a.lockNote.Show()
			a.setStatus(w.Message())
		case a.runnerBusy:
			a.waiting = true
			a.wait = w
			a.setStatus(w.Message())
		}
	})
	a.forgetObsoletePrefs()
	if cfg.App != nil {
		cfg.App.Settings().SetTheme(Theme())
		lc := cfg.App.Lifecycle()
		lc.SetOnEnteredForeground(func() { a.setFocused(true) })
		lc.SetOnExitedForeground(func() { a.setFocused(false) })
	}
	return a
}

// Start checks the database and shows what it needs: the first-run setup (a new
// database, or one without an administrator) or the sign-in screen. Call it on the UI
// goroutine (before ShowAndRun, or from a callback).
func (a *App) Start() {
	a.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { a.typedKey(ev) })
	a.win.SetCloseIntercept(a.onCloseRequest)
	a.show(container.NewCenter(widget.NewLabel("Opening the database…")))
	var (
		org   core.Org
		state engine.SetupState
	)
	a.background("open database", func(ctx context.Context) error {
		var err error
		if state, err = a.eng.SetupState(ctx); err != nil || state == engine.SetupNewDatabase {
			return err
		}
		org, err = a.eng.Org(ctx)
		return err
	}, func(err error) {
		if err != nil {
			a.show(container.NewCenter(widget.NewLabel("Rosterdesk could not open its database.")))
			a.showMessage("Something went wrong", core.ErrorMessage(err))
			return
		}
		a.org = org
		if state == engine.SetupReady {
			a.showSignIn()
		} else {
			a.showSetup(state)
		}
		// Uploads a crash or a quit interrupted, and any still queued, run again now
		// (SPEC: on the next launch), not only once someone signs in: running them
		// needs nobody's rights, and the office may not sign in for hours. Who sees
		// them is decided when someone does. A new database has none.
		if state != engine.SetupNewDatabase {
			a.kickRunner()
		}
	})
}

// show makes content the window's content, inside the watch that notices input.
func (a *App) show(content fyne.CanvasObject) {
	a.shown = content
	a.win.SetContent(newActivityWatch(content, a.touch))
}

// mainShown reports whether the main window is what the window shows: signed in and
// not locked.
func (a *App) mainShown() bool { return a.main != nil && a.shown == a.main }

// Shutdown stops the background jobs (an upload in progress resumes on the next launch)
// and waits until they have returned, so the database can be closed.
func (a *App) Shutdown() {
	a.closed.Store(true)
	a.cancel()
	<-a.jobs.idle()
	if a.watcher != nil {
		a.watcher.Close()
	}
}

// onMain runs f on the UI goroutine. It is the package's only door back from a
// background goroutine. After Shutdown nothing runs: the UI loop has ended, and a job
// finishing late must not wait on it.
func (a *App) onMain(f func()) {
	if a.closed.Load() {
		return
	}
	a.post(f)
}

// background runs work off the UI goroutine and then done(err) on it. Errors are logged
// with their whole chain here; done decides what the person sees.
func (a *App) background(name string, work func(ctx context.Context) error, done func(error)) {
	a.jobs.add()
	go func() {
		defer a.jobs.done()
		err := work(a.ctx)
		if err != nil && !errors.Is(err, ErrCancelled) && !errors.Is(err, context.Canceled) {
			fyne.LogError(name, err)
		}
		if done != nil {
			a.onMain(func() { done(err) })
		}
	}()
}

// progressSink adapts the engine's progress callback (called on the engine's goroutine,
// possibly once per row) to apply on the UI goroutine, dropping intermediate reports
// while one is still waiting to be shown so a fast import cannot flood the UI.
func (a *App) progressSink(apply func(core.Progress)) func(core.Progress) {
	return latestOnly(a, apply)
}

// latestOnly returns a function, safe to call from any goroutine and returning at once,
// that applies its argument on the UI goroutine; values that arrive while one is still
// waiting to be applied replace it, so only the latest is shown.
func latestOnly[T any](a *App, apply func(T)) func(T) {
	var (
		mu      sync.Mutex
		latest  T
		pending bool
	)
	return func(v T) {
		mu.Lock()
		latest = v
		if pending {
			mu.Unlock()
			return
		}
		pending = true
		mu.Unlock()
		a.onMain(func() {
			mu.Lock()
			v := latest
			pending = false
			mu.Unlock()
			apply(v)
		})
	}
}

// showError shows err in plain words. Cancelled dialogs and a closing window are not
// errors to the person. While the window is locked the message waits for the same
// person to sign in again; once nobody is signed in it concerns nobody. An account
// removed since it signed in is signed out, and a role it no longer holds is dropped.
func (a *App) showError(err error) {
	if err == nil || errors.Is(err, ErrCancelled) || errors.Is(err, context.Canceled) {
		return
	}
	switch {
	case !a.profile.signedIn():
		return
	case a.lock.locked:
		a.lock.errors = append(a.lock.errors, err)
		return
	case core.ErrorCode(err) == core.AccessSignedOut:
		a.signOut()
		a.signIn.message.SetText(core.ErrorMessage(err))
		a.signIn.message.Show()
		return
	case core.ErrorCode(err) == core.AccessRoleNotHeld:
		a.refreshSession()
	}
	a.showModal(modalSpec{title: "Something went wrong", content: wrapped(core.ErrorMessage(err)), dismiss: "OK",
		size: messageSize(a.win, core.ErrorMessage(err))})
}

// wrapped is a label that wraps text at word boundaries, never cutting it.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setStatus shows a short note in the status line at the bottom of the window.
func (a *App) setStatus(msg string) {
	if a.status != nil {
		a.status.SetText(msg)
	}
}

// actor is who the window acts as for every engine call: the signed-in account in its
// current role (Session.Actor). Signed out, it is the zero Actor, which the engine
// refuses.
func (a *App) actor() engine.Actor { return a.profile.actor() }

func (a *App) mode() core.Mode {
	if a.profile.Role == core.OperatorTeacher {
		return core.ModeTeacher
	}
	return core.ModeAdmin
}

// school returns the selected school, or false when there is none.
func (a *App) school() (core.School, bool) {
	for _, s := range a.schools {
		if s.ID == a.profile.SchoolID {
			return s, true
		}
	}
	return core.School{}, false
}

// requireSchool reports whether a school is selected, and tells the person to pick one
// when it is not.
func (a *App) requireSchool() (core.School, bool) {
	s, ok := a.school()
	if !ok {
		a.showMessage("Select a school", "Choose a school in Select School (or in the Profile menu) first.")
	}
	return s, ok
}

// signedIn takes over after a sign-in (or first run) of sess. At a locked window the same
// account returns to where it was; anyone else starts fresh.
func (a *App) signedIn(sess engine.Session) {
	if len(sess.Roles) == 0 {
		a.showSignIn()
		a.signIn.fail("This account holds no role in Rosterdesk. Ask an Organization Administrator.")
		return
	}
	if a.lock.locked && sameAccount(a.profile.Session, sess) {
		a.unlock(sess)
		return
	}
	a.discardMain()
	a.profile = Profile{Session: sess, Role: sess.Roles[0].Role}
	a.openMain()
}

// openMain loads the organization and the role's schools and shows the main window.
func (a *App) openMain() {
	var (
		org     core.Org
		schools []core.School
	)
	actor := a.actor()
	a.background("load schools", func(ctx context.Context) error {
		var err error
		if org, err = a.eng.Org(ctx); err != nil {
			return err
		}
		schools, err = a.eng.Schools(ctx, actor)
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		a.org = org
		a.setSchools(schools)
		a.buildMain()
		a.show(a.main)
		a.profile.SchoolID = a.rememberedSchool()
		a.profile.fixSchool(a.schools)
		a.applyProfile()
		a.touch()
		a.armLock()
		// The runner started at launch; anything queued since runs now. Which
		// uploads run again is the engine's word (core.Upload.Resumed), read as each
		// starts (onRunProgress), and for the one already running now that someone
		// may read it.
		a.kickRunner()
		if a.running != 0 && a.early.Upload == a.running {
			a.history.onProgress(a.early)
			a.lookUpRun(a.running)
		} else if a.waiting {
			a.setStatus(a.wait.Message())
		}
		a.startWatch()
	})
}

// discardMain forgets the main window of the account that was signed in, so the next
// one starts fresh: its page, chosen file, search and open dialogs are gone. Uploads
// keep running; they belong to the database, not to the window.
func (a *App) discardMain() {
	a.main = nil
	a.lock = lockState{}
	a.modals = nil
	for _, o := range a.win.Canvas().Overlays().List() {
		a.win.Canvas().Overlays().Remove(o)
	}
}

// useRole makes the window act in role, one the account holds, with that role's schools
// as the session gives them; refreshSchools then reads them again from the engine.
func (a *App) useRole(role core.OperatorRole) {
	g, ok := a.profile.Session.Grant(role)
	if !ok {
		return
	}
	a.rememberSchool()
	a.profile.Role = role
	a.setSchools(slices.Clone(g.Schools))
	a.profile.SchoolID = a.rememberedSchool()
	a.profile.fixSchool(a.schools)
	a.applyProfile()
	a.refreshSchools(0)
}

// switchRole is the Profile menu's choice of another role the account holds.
func (a *App) switchRole(role core.OperatorRole) {
	if role != a.profile.Role {
		a.useRole(role)
	}
}

// refreshSession reads the signed-in account again (its roles and schools may have
// changed) and keeps the current role if the account still holds it.
func (a *App) refreshSession() {
	sess := a.profile.Session
	var fresh engine.Session
	a.background("refresh the session", func(ctx context.Context) error {
		var err error
		fresh, err = a.eng.RefreshSession(ctx, sess)
		return err
	}, func(err error) {
		if err != nil || !sameAccount(a.profile.Session, sess) || a.main == nil {
			a.showError(err)
			return
		}
		a.profile.Session = fresh
		role := a.profile.Role
		if !fresh.Holds(role) && len(fresh.Roles) > 0 {
			role = fresh.Roles[0].Role
		}
		a.useRole(role)
	})
}

// signOut ends the session and shows the sign-in screen. Uploads keep running.
func (a *App) signOut() {
	a.rememberSchool()
	a.stopLockTimer()
	a.discardMain()
	a.profile = Profile{}
	a.showSignIn()
}

// setSchools keeps the schools in the order people count: School 2 before School 10.
func (a *App) setSchools(schools []core.School) {
	slices.SortStableFunc(schools, func(x, y core.School) int { return naturalCompare(x.Name, y.Name) })
	a.schools = schools
}

// pages lists the main window's pages in the order of its tabs: the one place that
// knows which tab is which page.
var pages = []Page{PageImport, PageHistory, PageAccounts, PageAdmins}

func (a *App) buildMain() {
	if a.main != nil {
		return
	}
	a.top = newTopBar(a)
	a.imp = newImportScreen(a)
	a.history = newHistoryScreen(a)
	a.accounts = newAccountsScreen(a)
	a.admins = newAdminsScreen(a)
	// The status line wraps: a message is never cut short.
	a.status = wrapped("")
	contents := map[Page]fyne.CanvasObject{PageImport: a.imp.content, PageHistory: a.history.content, PageAccounts: a.accounts.content,
		PageAdmins: a.admins.content}
	titles := map[Page]string{PageImport: "Import Users/Rosters", PageHistory: "Upload History", PageAccounts: "Accounts",
		PageAdmins: "Administrators"}
	a.tabs = container.NewAppTabs()
	for _, p := range pages {
		it := container.NewTabItem(titles[p], contents[p])
		if p == PageAdmins {
			a.adminsTab = it // applyProfile adds it, last, for Organization Administrators
			continue
		}
		a.tabs.Append(it)
	}
	a.tabs.OnSelected = func(*container.TabItem) { a.onTab() }
	a.main = container.NewBorder(a.top.content, a.status, nil, nil, a.tabs)
	a.addShortcuts()
}

// onRefresh reads every list again: the schools, and the page shown (the others are
// read when they are shown).
func (a *App) onRefresh() {
	a.refreshSchools(0)
	a.refreshPage()
}

// refreshPage reads the page shown again.
func (a *App) refreshPage() {
	switch a.currentPage() {
	case PageHistory:
		a.history.onRefresh()
	case PageAccounts:
		a.accounts.onRefresh()
	case PageAdmins:
		a.admins.onRefresh()
	}
}

func (a *App) currentPage() Page {
	if i := a.tabs.SelectedIndex(); i >= 0 && i < len(pages) && i < len(a.tabs.Items) {
		return pages[i]
	}
	return PageImport
}

// onTab reads a page when it is shown, so it is never older than the last change.
func (a *App) onTab() { a.refreshPage() }

// showPage switches to page p, or to Import when p is not one the role has.
func (a *App) showPage(p Page) {
	if i := slices.Index(pages, p); i >= 0 && i < len(a.tabs.Items) {
		a.tabs.SelectIndex(i)
	} else {
		a.tabs.SelectIndex(0)
	}
}

// applyProfile brings every screen in line with the profile (role, school, name).
func (a *App) applyProfile() {
	a.rememberSchool()
	title := "Import Users/Rosters"
	if a.mode() == core.ModeTeacher {
		title = "Import Students/Rosters"
	}
	a.tabs.Items[slices.Index(pages, PageImport)].Text = title
	// Only an Organization Administrator manages administrators: the engine refuses
	// anyone else, so the page is not offered to them. Its tab is the last, so the
	// others keep the order of pages.
	has := slices.Contains(a.tabs.Items, a.adminsTab)
	switch orgAdmin := a.profile.Role == core.OperatorOrgAdmin; {
	case orgAdmin && !has:
		a.tabs.Append(a.adminsTab)
	case !orgAdmin && has:
		if a.tabs.Selected() == a.adminsTab {
			a.showPage(PageImport)
		}
		a.tabs.Remove(a.adminsTab)
	}
	if a.first != "" {
		a.showPage(a.first)
		a.first = ""
	}
	a.tabs.Refresh()
	a.top.update()
	a.imp.update()
	a.history.onRefresh()
	a.accounts.onSchoolChanged()
}

// selectSchool makes school id the selected one.
func (a *App) selectSchool(id int64) {
	if a.profile.SchoolID == id {
		return
	}
	a.profile.SchoolID = id
	a.applyProfile()
}

// kickRunner runs queued and interrupted uploads in the background, one run at a time;
// a kick while a run is going makes it run once more when it ends, so an upload queued
// just as the runner finished is not left waiting.
func (a *App) kickRunner() {
	if a.runnerBusy {
		a.runnerAgain = true
		return
	}
	a.runnerBusy = true
	progress := a.progressSink(a.onRunProgress) // looks a.history up when progress arrives
	var results []engine.Result
	a.background("run uploads", func(ctx context.Context) error {
		var err error
		results, err = a.eng.RunPending(ctx, progress)
		return err
	}, func(err error) {
		a.runnerBusy = false
		a.running = 0
		a.showError(err)
		if a.waiting && len(results) == 0 && err == nil {
			a.setStatus("The upload the other Rosterdesk was running has ended; nothing here waits to run.")
		}
		a.waiting = false
		if n := len(results); n > 0 {
			r := results[n-1]
			note := finishedNote(r)
			if r.Resumed {
				note = "Resumed after Rosterdesk was closed — " + note
			}
			a.setStatus(note)
			for _, r := range results {
				delete(a.resumed, r.Upload)
			}
		}
		// Every list may have changed: new accounts, classes, schools' uploads.
		if a.mainShown() {
			a.onRefresh()
		}
		if a.runnerAgain {
			a.runnerAgain = false
			a.kickRunner()
		}
	})
}

// onRunProgress follows the upload the runner is running: its row in the history and
// the status line, which says which file it is, whether it runs again after a quit or
// a crash, and how far it has come.
func (a *App) onRunProgress(p core.Progress) {
	if a.history == nil {
		// Nobody has signed in yet: there is no page to show it on. Keep the
		// latest, for the history and the status line once someone signs in.
		a.early = p
		if p.Phase == core.PhaseDone {
			a.running = 0
		} else {
			a.running = p.Upload
		}
		return
	}
	a.history.onProgress(p)
	if p.Phase == core.PhaseDone {
		a.running = 0
		return
	}
	if p.Upload != a.running {
		if a.running != 0 {
			// The one before ended without finishing (cancelled, failed): its row
			// says so once read again.
			a.history.onRefresh()
		}
		a.running = p.Upload
		a.waiting = false
		a.lookUpRun(p.Upload)
	}
	a.showRunStatus()
}

// lookUpRun reads the upload the runner has started: its file name, and whether the
// engine runs it again after a quit or a crash.
func (a *App) lookUpRun(id int64) {
	if !a.profile.signedIn() {
		return // uploads run for nobody too; the engine tells nobody anything
	}
	actor := a.actor()
	var u core.Upload
	a.background("read upload", func(ctx context.Context) error {
		var err error
		u, err = a.eng.Upload(ctx, actor, id)
		return err
	}, func(err error) {
		if err != nil {
			// Another's upload the role may not see: it is named by its number.
			return
		}
		a.names[id] = u.FileName
		a.resumed[id] = u.Resumed
		if a.running == id {
			a.showRunStatus()
		}
	})
}

// showRunStatus says in the status line how far the running upload has come.
func (a *App) showRunStatus() {
	line, ok := a.runLine()
	if a.running == 0 || !ok {
		return
	}
	name := a.uploadName(a.running)
	if a.resumed[a.running] {
		name += " (resumed: Rosterdesk was closed while it ran, so it starts again from the beginning)"
	}
	a.setStatus(name + ": " + line)
}

// runLine returns the progress line of the upload the runner runs, once a history page
// exists to have followed it.
func (a *App) runLine() (string, bool) {
	if a.history == nil {
		return "", false
	}
	return a.history.liveLine(a.running)
}

// ShowWait says in the status line why the uploads this window runs wait for another
// Rosterdesk's (rosterctl, another window) or that it takes one over, and why any write
// of the window waits for the database (another program has it open): give it to
// engine.Options.OnWait. It is safe to call from any goroutine and returns at once; of
// notices that come faster than the window shows them, the latest is shown.
func (a *App) ShowWait(w engine.Wait) { a.waits(w) }

// uploadName returns the file name of upload id, as the history shows it.
func (a *App) uploadName(id int64) string {
	if n, ok := a.names[id]; ok {
		return n
	}
	return "Upload " + strconv.FormatInt(id, 10)
}

// finishedNote is the status line once an upload has run: which file, how it ended,
// and what to do next, so nobody has to open the history to know.
func finishedNote(r engine.Result) string {
	name := r.FileName
	if name == "" {
		name = "Upload " + strconv.FormatInt(r.Upload, 10)
	}
	switch r.Status {
	case core.StatusCompleted:
		return name + ": Completed, " + count(r.Applied, "row") + " applied."
	case core.StatusCompletedWithError:
		return name + ": Completed with Errors, " + core.Thousands(r.Applied) + " of " + count(r.Rows, "row") + " applied and " +
			core.Thousands(r.Failed) + " failed. Its Error File (Actions) says what to fix on each."
	case core.StatusFailed, core.StatusCancelled:
		if r.Message != "" {
			return name + ": " + string(r.Status) + ". " + r.Message
		}
	}
	return name + ": " + string(r.Status) + "."
}

// jobTracker counts the background jobs, so Shutdown (and the tests) can wait until
// none is left.
type jobTracker struct {
	mu   sync.Mutex
	n    int
	none chan struct{}
}

func (j *jobTracker) add() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.n == 0 {
		j.none = make(chan struct{})
	}
	j.n++
}

func (j *jobTracker) done() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.n--
	if j.n == 0 {
		close(j.none)
	}
}

// idle returns a channel closed once no job is running.
func (j *jobTracker) idle() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.n == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	return j.none
}

func osUser() string {
	u, err := user.Current()
	if err != nil {
		return "Office"
	}
	// On Linux the full name is the first GECOS field ("Pat Lee,Room 4,,").
	// Windows gives DOMAIN\name as the full name of an account that has none.
	if name, _, _ := strings.Cut(u.Name, ","); core.OperatorName(name) != "" {
		return core.OperatorName(name)
	}
	return core.OperatorName(u.Username)
}
