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
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	// Clock times the auto-lock. Nil means the real clock; tests pass one they move.
	Clock Clock
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
	clock  Clock
	// sample is the sample administrator to show on the sign-in screen, once.
	sample core.Credential

	ctx    context.Context
	cancel context.CancelFunc
	jobs   jobTracker

	org     core.Org
	schools []core.School
	profile Profile

	setup    *setupScreen
	signIn   *signInScreen
	change   *changeScreen
	top      *topBar
	imp      *importScreen
	history  *historyScreen
	accounts *accountsScreen
	admins   *adminsScreen
	tabs     *container.AppTabs
	pages    map[Page]*container.TabItem
	status   *widget.Label
	main     fyne.CanvasObject
	// shown is the content the window shows now (inside the activity watch).
	shown fyne.CanvasObject
	lock  lockState
	// lastInput is when input was last seen (Unix nanoseconds of clock); lockGen numbers
	// the auto-lock's checks so a stale one does nothing.
	lastInput atomic.Int64
	lockGen   int

	runnerBusy, runnerAgain bool
	// pollEvery is how often the history rereads itself while it shows an unfinished
	// upload.
	pollEvery time.Duration
	closed    atomic.Bool
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

		pollEvery: 2 * time.Second,
	}
	a.clock, a.sample = cfg.Clock, cfg.Sample
	if a.post == nil {
		a.post = fyne.Do
	}
	if a.clock == nil {
		a.clock = realClock{}
	}
	a.picker = cfg.Picker
	if a.picker == nil {
		a.picker = fynePicker{win: a.win, post: a.post}
	}
	a.ctx, a.cancel = context.WithCancel(ctx)
	a.forgetObsoletePrefs()
	return a
}

// Start checks the database and shows what it needs: the first-run setup (a new
// database, or one without an administrator) or the sign-in screen. Call it on the UI
// goroutine (before ShowAndRun, or from a callback).
func (a *App) Start() {
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
			dialog.ShowError(errors.New(core.ErrorMessage(err)), a.win)
			return
		}
		a.org = org
		if state == engine.SetupReady {
			a.showSignIn()
		} else {
			a.showSetup(state)
		}
	})
}

// show makes content the window's content, inside the watch that notices input.
func (a *App) show(content fyne.CanvasObject) {
	a.shown = content
	a.win.SetContent(newActivityWatch(content, a.touch))
}

// Shutdown stops the background jobs (an upload in progress resumes on the next launch)
// and waits until they have returned, so the database can be closed.
func (a *App) Shutdown() {
	a.closed.Store(true)
	a.cancel()
	<-a.jobs.idle()
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
	var (
		mu      sync.Mutex
		latest  core.Progress
		pending bool
	)
	return func(p core.Progress) {
		mu.Lock()
		latest = p
		if pending {
			mu.Unlock()
			return
		}
		pending = true
		mu.Unlock()
		a.onMain(func() {
			mu.Lock()
			p := latest
			pending = false
			mu.Unlock()
			apply(p)
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
	dialog.ShowError(errors.New(core.ErrorMessage(err)), a.win)
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
		dialog.ShowInformation("Select a school", "Choose a school in Select School (or in the Profile menu) first.", a.win)
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
	a.loadSchools(func(schools []core.School) {
		a.buildMain()
		a.show(a.main)
		a.addShortcuts()
		a.profile.SchoolID = a.rememberedSchool()
		a.profile.fixSchool(schools)
		a.applyProfile()
		a.touch()
		a.armLock()
		// Uploads a crash or quit interrupted, and any still queued, run now.
		a.kickRunner()
	})
}

// loadSchools reads the organization and the schools of the current role, keeps them,
// and then runs then.
func (a *App) loadSchools(then func(schools []core.School)) {
	var (
		org     core.Org
		schools []core.School
	)
	actor := a.actor()
	a.background("list schools", func(ctx context.Context) error {
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
		a.schools = schools
		then(schools)
	})
}

// discardMain forgets the main window of the account that was signed in, so the next
// one starts fresh: its page, chosen file, search and open dialogs are gone. Uploads
// keep running; they belong to the database, not to the window.
func (a *App) discardMain() {
	a.main = nil
	a.lock = lockState{}
	for _, o := range a.win.Canvas().Overlays().List() {
		a.win.Canvas().Overlays().Remove(o)
	}
}

// switchRole makes the window act in role, one the account holds, with that role's
// schools.
func (a *App) switchRole(role core.OperatorRole) {
	if !a.profile.Session.Holds(role) || role == a.profile.Role {
		return
	}
	a.rememberSchool()
	a.profile.Role = role
	a.profile.SchoolID = a.rememberedSchool()
	a.reloadSchools(0)
}

// reloadSchools reads the role's schools again and selects school id (0: keep the
// selection when it is still one of them).
func (a *App) reloadSchools(id int64) {
	a.loadSchools(func(schools []core.School) {
		if id != 0 {
			a.profile.SchoolID = id
		}
		a.profile.fixSchool(schools)
		a.applyProfile()
	})
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
		if err != nil || !sameAccount(a.profile.Session, sess) {
			a.showError(err)
			return
		}
		a.profile.Session = fresh
		if !fresh.Holds(a.profile.Role) && len(fresh.Roles) > 0 {
			a.profile.Role = fresh.Roles[0].Role
		}
		a.reloadSchools(0)
	})
}

// signOut ends the session and shows the sign-in screen. Uploads keep running.
func (a *App) signOut() {
	a.rememberSchool()
	a.stopLockTimer()
	a.discardMain()
	a.profile = Profile{}
	a.removeShortcuts()
	a.showSignIn()
}

func (a *App) buildMain() {
	if a.main != nil {
		return
	}
	a.top = newTopBar(a)
	a.imp = newImportScreen(a)
	a.history = newHistoryScreen(a)
	a.accounts = newAccountsScreen(a)
	a.admins = newAdminsScreen(a)
	a.status = widget.NewLabel("")
	a.status.Truncation = fyne.TextTruncateEllipsis
	a.pages = map[Page]*container.TabItem{
		PageImport:   container.NewTabItemWithIcon("Import Users/Rosters", nil, a.imp.content),
		PageHistory:  container.NewTabItem("Upload History", a.history.content),
		PageAccounts: container.NewTabItem("Accounts", a.accounts.content),
		PageAdmins:   container.NewTabItem("Administrators", a.admins.content),
	}
	// The Administrators tab is added by applyProfile, for Organization Administrators.
	a.tabs = container.NewAppTabs(a.pages[PageImport], a.pages[PageHistory], a.pages[PageAccounts])
	a.tabs.OnSelected = func(*container.TabItem) { a.onTab() }
	a.main = container.NewBorder(a.top.content, a.status, nil, nil, a.tabs)
}

// keyShortcuts are the window's keyboard shortcuts: Ctrl+O (Cmd+O) chooses a file and
// Ctrl+U (Cmd+U) uploads it; F5 refreshes (handled in addShortcuts).
func (a *App) keyShortcuts() map[string]func() {
	key := func(k fyne.KeyName) string {
		return (&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}).ShortcutName()
	}
	return map[string]func(){
		key(fyne.KeyO): func() { a.imp.onPick() },
		key(fyne.KeyU): func() { a.imp.onUpload() },
	}
}

// shortcutKeys are the keys of keyShortcuts.
var shortcutKeys = []fyne.KeyName{fyne.KeyO, fyne.KeyU}

// addShortcuts registers the main window's keys; removeShortcuts takes them away again
// while nobody is signed in or the window is locked.
func (a *App) addShortcuts() {
	c := a.win.Canvas()
	keys := a.keyShortcuts()
	for _, k := range shortcutKeys {
		sc := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
		run := keys[sc.ShortcutName()]
		c.AddShortcut(sc, func(fyne.Shortcut) { a.touch(); run() })
	}
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		a.touch()
		if e.Name == fyne.KeyF5 {
			a.onRefresh()
		}
	})
}

func (a *App) removeShortcuts() {
	c := a.win.Canvas()
	for _, k := range shortcutKeys {
		c.RemoveShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	c.SetOnTypedKey(nil)
}

// onRefresh reloads whatever page is showing.
func (a *App) onRefresh() {
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
	sel := a.tabs.Selected()
	for p, it := range a.pages {
		if it == sel {
			return p
		}
	}
	return PageImport
}

func (a *App) onTab() { a.onRefresh() }

// showPage switches to page p, or to Import when p is not one the role has.
func (a *App) showPage(p Page) {
	it := a.pages[p]
	if !slices.Contains(a.tabs.Items, it) {
		it = a.pages[PageImport]
	}
	a.tabs.Select(it)
}

// applyProfile brings every screen in line with the profile (role, school, name).
func (a *App) applyProfile() {
	a.rememberSchool()
	title := "Import Users/Rosters"
	if a.mode() == core.ModeTeacher {
		title = "Import Students/Rosters"
	}
	a.pages[PageImport].Text = title
	// Only an Organization Administrator manages administrators: the engine refuses
	// anyone else, so the page is not offered to them.
	admins := a.pages[PageAdmins]
	has := slices.Contains(a.tabs.Items, admins)
	switch orgAdmin := a.profile.Role == core.OperatorOrgAdmin; {
	case orgAdmin && !has:
		a.tabs.Append(admins)
	case !orgAdmin && has:
		if a.tabs.Selected() == admins {
			a.tabs.Select(a.pages[PageImport])
		}
		a.tabs.Remove(admins)
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
	if a.currentPage() == PageAdmins {
		a.admins.onRefresh()
	}
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
	// The history screen is looked up when progress arrives: a sign-in of another
	// account at a locked window replaces it while the upload runs.
	progress := a.progressSink(func(p core.Progress) { a.history.onProgress(p) })
	var results []engine.Result
	a.background("run uploads", func(ctx context.Context) error {
		var err error
		results, err = a.eng.RunPending(ctx, progress)
		return err
	}, func(err error) {
		a.runnerBusy = false
		a.showError(err)
		if n := len(results); n > 0 {
			a.setStatus(finishedNote(results[n-1]))
		}
		a.history.onRefresh()
		a.accounts.onRefresh()
		if a.runnerAgain {
			a.runnerAgain = false
			a.kickRunner()
		}
	})
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
		rows := " rows"
		if r.Applied == 1 {
			rows = " row"
		}
		return name + ": Completed, " + core.Thousands(r.Applied) + rows + " applied."
	case core.StatusCompletedWithError:
		return name + ": Completed with Errors, " + core.Thousands(r.Applied) + " of " + core.Thousands(r.Rows) + " rows applied and " +
			core.Thousands(r.Failed) + " failed. Its Error File (Actions) says what to fix on each."
	case core.StatusFailed:
		if r.Message != "" {
			return name + ": Failed. " + r.Message
		}
		return name + ": Failed."
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
	if name, _, _ := strings.Cut(u.Name, ","); strings.TrimSpace(name) != "" {
		return strings.TrimSpace(name)
	}
	return u.Username
}
