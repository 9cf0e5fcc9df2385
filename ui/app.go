// Package ui is Rosterdesk's window: the first-run setup, the top bar with the Select
// School drop-down and the Profile menu, and the Import, Upload History and Accounts pages.
//
// Threading: every Fyne callback runs on the UI goroutine. Anything slow (engine calls,
// file dialogs, file I/O) goes through App.background, and its result comes back through
// App.onMain; nothing else in this package starts goroutines or calls fyne.Do.
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
)

// Config is what New needs.
type Config struct {
	Engine Engine
	Window fyne.Window
	// Picker shows file dialogs. Nil means Fyne's own dialogs.
	Picker FilePicker
	// Clipboard receives copied passwords. Nil disables copying.
	Clipboard fyne.Clipboard
	// Prefs remembers the profile between runs. Nil remembers nothing.
	Prefs fyne.Preferences
	// Operator is the default "Uploaded By" name. Empty means the OS user.
	Operator string
	// Page is the page shown first (default: Import).
	Page Page
	// Post runs a function on the UI goroutine. Nil means fyne.Do; tests pass a queue
	// they drain themselves, so widget updates stay on the test goroutine.
	Post func(func())
	// App, when given, gets Rosterdesk's theme, and tells when the window gains or loses
	// the focus: the lists are checked for changes only while it has it. Nil keeps the
	// app's theme and checks all the time.
	App fyne.App
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

	ctx    context.Context
	cancel context.CancelFunc
	jobs   jobTracker

	org     core.Org
	schools []core.School
	profile Profile

	setup    *setupScreen
	top      *topBar
	imp      *importScreen
	history  *historyScreen
	accounts *accountsScreen
	tabs     *container.AppTabs
	status   *widget.Label
	main     fyne.CanvasObject
	modals   []*modal // the open dialogs, the top one last

	// clock is the wall clock, for time estimates; the engine's Now may be a fixed
	// stand-in.
	clock func() time.Time

	runnerBusy, runnerAgain bool
	// running is the upload the runner reports progress for, 0 between uploads;
	// interrupted holds the uploads left In Progress when the window opened (a quit or
	// a crash), which the runner resumes.
	running     int64
	interrupted map[int64]bool
	// names holds the file names of the uploads this window has queued or listed, by id,
	// for the status line.
	names map[int64]string
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

		clock:       time.Now,
		watchEvery:  3 * time.Second,
		focused:     true,
		interrupted: map[int64]bool{},
		names:       map[int64]string{},
	}
	a.closeWindow = a.win.Close
	if a.post == nil {
		a.post = fyne.Do
	}
	a.picker = cfg.Picker
	if a.picker == nil {
		a.picker = noPicker{}
	}
	a.ctx, a.cancel = context.WithCancel(ctx)
	a.profile = Profile{Name: cfg.Operator, Role: RoleOrgAdmin}
	if a.profile.Name == "" {
		a.profile.Name = osUser()
	}
	a.loadProfile()
	if cfg.App != nil {
		cfg.App.Settings().SetTheme(Theme())
		lc := cfg.App.Lifecycle()
		lc.SetOnEnteredForeground(func() { a.setFocused(true) })
		lc.SetOnExitedForeground(func() { a.setFocused(false) })
	}
	return a
}

// Start checks the database and shows the first-run setup or the main window. Call it on
// the UI goroutine (before ShowAndRun, or from a callback).
func (a *App) Start() {
	a.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { a.typedKey(ev) })
	a.win.SetCloseIntercept(a.onCloseRequest)
	a.win.SetContent(container.NewCenter(widget.NewLabel("Opening the database…")))
	var (
		org   core.Org
		empty bool
	)
	a.background("open database", func(ctx context.Context) error {
		var err error
		org, err = a.eng.Org(ctx)
		if core.ErrorKind(err) == core.KindNotInitialized {
			empty, err = true, nil
		}
		return err
	}, func(err error) {
		switch {
		case empty:
			a.showSetup()
		case err != nil:
			a.win.SetContent(container.NewCenter(widget.NewLabel("Rosterdesk could not open its database.")))
			a.showError(err)
		default:
			a.org = org
			a.openMain()
		}
	})
}

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
// errors to the person.
func (a *App) showError(err error) {
	if err == nil || errors.Is(err, ErrCancelled) || errors.Is(err, context.Canceled) {
		return
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

// actor is who the operator is for the engine. Until the window has its sign-in
// screens, it acts as the database's owner, or as the teacher picked in the Profile
// menu.
func (a *App) actor() engine.Actor {
	if a.profile.Role == RoleTeacher {
		return engine.Actor{Name: a.profile.Name, Role: core.OperatorTeacher, TeacherID: a.profile.Teacher.ID}
	}
	return engine.Owner(a.profile.Name)
}

// owner is the actor for what the Profile menu and the school list do today whatever
// the role: the database's owner, until the window has its sign-in screens.
func (a *App) owner() engine.Actor { return engine.Owner(a.profile.Name) }

func (a *App) mode() core.Mode { return a.actor().Mode() }

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

// openMain loads the schools and shows the main window.
func (a *App) openMain() {
	var (
		org     core.Org
		schools []core.School
		pending []core.Upload
	)
	// A teacher profile is remembered by username: look the account up again.
	teacher := a.profile.Teacher
	restoreTeacher := a.profile.Role == RoleTeacher && teacher.ID == 0
	owner := a.owner()
	a.background("load schools", func(ctx context.Context) error {
		var err error
		if org, err = a.eng.Org(ctx); err != nil {
			return err
		}
		if schools, err = a.eng.Schools(ctx, owner); err != nil {
			return err
		}
		// An upload left In Progress by a quit or a crash is resumed from the start by
		// the runner: note which, to say so. They are among the newest uploads.
		if pending, err = a.eng.History(ctx, owner, engine.HistoryFilter{Limit: historyPage}); err != nil {
			return err
		}
		if restoreTeacher {
			if teacher, err = a.eng.UserByUsername(ctx, owner, teacher.Username); err != nil || teacher.Role != core.RoleTeacher {
				restoreTeacher = false
			}
		}
		return nil
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		a.org = org
		a.setSchools(schools)
		for _, u := range pending {
			a.names[u.ID] = u.FileName
			if u.Status == core.StatusInProgress {
				a.interrupted[u.ID] = true
			}
		}
		if a.profile.Role == RoleTeacher {
			if restoreTeacher {
				a.profile.Teacher = teacher
			} else if a.profile.Teacher.ID == 0 {
				a.profile.Role = RoleOrgAdmin
			}
		}
		a.buildMain()
		a.win.SetContent(a.main)
		a.profile.fixSchool(a.schools)
		a.applyProfile()
		// Uploads a crash or quit interrupted, and any still queued, run now.
		a.kickRunner()
		a.startWatch()
	})
}

// setSchools keeps the schools in the order people count: School 2 before School 10.
func (a *App) setSchools(schools []core.School) {
	slices.SortStableFunc(schools, func(x, y core.School) int { return naturalCompare(x.Name, y.Name) })
	a.schools = schools
}

// pages lists the main window's pages in the order of its tabs: the one place that
// knows which tab is which page.
var pages = []Page{PageImport, PageHistory, PageAccounts}

func (a *App) buildMain() {
	if a.main != nil {
		return
	}
	a.top = newTopBar(a)
	a.imp = newImportScreen(a)
	a.history = newHistoryScreen(a)
	a.accounts = newAccountsScreen(a)
	// The status line wraps: a message is never cut short.
	a.status = wrapped("")
	contents := map[Page]fyne.CanvasObject{PageImport: a.imp.content, PageHistory: a.history.content, PageAccounts: a.accounts.content}
	titles := map[Page]string{PageImport: "Import Users/Rosters", PageHistory: "Upload History", PageAccounts: "Accounts"}
	a.tabs = container.NewAppTabs()
	for _, p := range pages {
		a.tabs.Append(container.NewTabItem(titles[p], contents[p]))
	}
	a.tabs.OnSelected = func(*container.TabItem) { a.onTab() }
	a.showPage(a.first)
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
	}
}

func (a *App) currentPage() Page {
	if i := a.tabs.SelectedIndex(); i >= 0 && i < len(pages) {
		return pages[i]
	}
	return PageImport
}

// onTab reads a page when it is shown, so it is never older than the last change.
func (a *App) onTab() { a.refreshPage() }

// showPage switches to page p.
func (a *App) showPage(p Page) {
	if i := slices.Index(pages, p); i >= 0 {
		a.tabs.SelectIndex(i)
	} else {
		a.tabs.SelectIndex(0)
	}
}

// applyProfile brings every screen in line with the profile (role, school, name).
func (a *App) applyProfile() {
	a.saveProfile()
	title := "Import Users/Rosters"
	if a.mode() == core.ModeTeacher {
		title = "Import Students/Rosters"
	}
	a.tabs.Items[slices.Index(pages, PageImport)].Text = title
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
	progress := a.progressSink(a.onRunProgress)
	var results []engine.Result
	a.background("run uploads", func(ctx context.Context) error {
		var err error
		results, err = a.eng.RunPending(ctx, progress)
		return err
	}, func(err error) {
		a.runnerBusy = false
		a.running = 0
		a.showError(err)
		if n := len(results); n > 0 {
			r := results[n-1]
			note := finishedNote(r)
			if a.interrupted[r.Upload] {
				note = "Resumed after Rosterdesk was closed — " + note
			}
			a.setStatus(note)
			for _, r := range results {
				delete(a.interrupted, r.Upload)
			}
		}
		// Every list may have changed: new accounts, classes, schools' uploads.
		a.onRefresh()
		if a.runnerAgain {
			a.runnerAgain = false
			a.kickRunner()
		}
	})
}

// onRunProgress follows the upload the runner is running: its row in the history and
// the status line, which says which file it is and how far it has come.
func (a *App) onRunProgress(p core.Progress) {
	a.history.onProgress(p)
	if p.Phase == core.PhaseDone {
		a.running = 0
		return
	}
	a.running = p.Upload
	line, _ := a.history.liveLine(p.Upload)
	name := a.uploadName(p.Upload)
	if a.interrupted[p.Upload] {
		name += " (resumed: Rosterdesk was closed while it ran, so it starts again from the beginning)"
	}
	a.setStatus(name + ": " + line)
}

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
	// Windows gives DOMAIN\name as the full name of an account that has none.
	if name, _, _ := strings.Cut(u.Name, ","); core.OperatorName(name) != "" {
		return core.OperatorName(name)
	}
	return core.OperatorName(u.Username)
}
