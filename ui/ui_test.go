package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// harness runs an App on the test goroutine: the App's onMain posts to queue, and the
// test runs what was posted, so every widget is touched from one goroutine, as in the
// real app.
type harness struct {
	t      *testing.T
	app    fyne.App
	win    fyne.Window
	eng    *fakeEngine // the engine, when it is the fake (nil over a real engine)
	picker *fakePicker
	lock   *timerClock // the auto-lock's clock
	queue  chan func()
	a      *App
}

func newHarness(t *testing.T, eng *fakeEngine) *harness {
	return newHarnessFor(t, eng, eng.now)
}

// newHarnessFor runs the window over any engine: the fake, or a real one on a temporary
// database. now starts the auto-lock's clock.
func newHarnessFor(t *testing.T, eng Engine, now time.Time) *harness {
	t.Helper()
	h := &harness{t: t, queue: make(chan func(), 4096)}
	h.eng, _ = eng.(*fakeEngine)
	h.app = test.NewTempApp(t)
	h.win = test.NewTempWindow(t, widget.NewLabel(""))
	h.win.Resize(fyne.NewSize(1100, 720))
	h.picker = &fakePicker{dir: t.TempDir()}
	h.lock = &timerClock{now: now}
	h.a = New(context.Background(), Config{
		Engine:    eng,
		Window:    h.win,
		Picker:    h.picker,
		Clipboard: h.app.Clipboard(),
		Prefs:     h.app.Preferences(),
		Post:      func(f func()) { h.queue <- f },
		Lock:      h.lock,
	})
	// No timed change checks: a test that wants one calls checkChanges, so settle never
	// waits on a timer.
	h.a.watchEvery = 0
	t.Cleanup(func() {
		h.a.cancel()
		h.settle()
	})
	return h
}

// watchdog bounds a wait so a broken test fails instead of hanging (generously: -race on
// a busy machine is slow); it is never how a test synchronises.
const watchdog = 30 * time.Second

// settle runs posted UI work until no background job is left and nothing is queued.
func (h *harness) settle() {
	h.t.Helper()
	timeout := time.After(watchdog)
	for {
		idle := h.a.jobs.idle()
		select {
		case f := <-h.queue:
			f()
		case <-idle:
			if len(h.queue) == 0 {
				return
			}
		case <-timeout:
			h.t.Fatal("background work did not finish")
		}
	}
}

// runUntil runs posted UI work until cond (checked on the test goroutine) holds.
func (h *harness) runUntil(what string, cond func() bool) {
	h.t.Helper()
	timeout := time.After(watchdog)
	for !cond() {
		select {
		case f := <-h.queue:
			f()
		case <-timeout:
			h.t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// runUntilClosed runs posted UI work until ch is closed.
func (h *harness) runUntilClosed(what string, ch <-chan struct{}) {
	h.t.Helper()
	timeout := time.After(watchdog)
	for {
		select {
		case f := <-h.queue:
			f()
		case <-ch:
			return
		case <-timeout:
			h.t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// startedOn returns a harness showing page of the main window over eng, signed in as
// Pat Lee, its Organization Administrator.
func startedOn(t *testing.T, eng *fakeEngine, page Page) *harness {
	t.Helper()
	h := newHarness(t, eng)
	h.a.first = page
	h.start()
	return h
}

// started returns a harness showing the main window of a seeded engine, signed in as
// its Organization Administrator, Pat Lee.
func started(t *testing.T) *harness { return startedOn(t, seeded(), "") }

// start opens the window, signs in as Pat Lee and waits until every background job is
// done.
func (h *harness) start() {
	h.t.Helper()
	h.a.Start()
	h.settle()
	h.signInAs("pat", patPassword)
	h.settle()
}

// signInAs signs in at the sign-in screen and requires the main window to show.
func (h *harness) signInAs(username, password string) {
	h.t.Helper()
	h.submitSignIn(username, password)
	h.runUntil("the main window shows or sign-in says why not", func() bool {
		return h.a.mainShown() || h.a.shown == h.a.signIn.content && h.a.signIn.message.Visible()
	})
	if !h.a.mainShown() {
		h.t.Fatalf("signing in as %s did not show the main window (sign-in says %q)", username, h.a.signIn.message.Text)
	}
}

// open starts the window and runs it until the sign-in screen shows, without waiting for
// the uploads it runs at launch (a test may hold them).
func (h *harness) open() {
	h.t.Helper()
	h.a.Start()
	h.runUntil("the sign-in screen shows", func() bool { return h.a.signIn != nil && h.a.shown == h.a.signIn.content })
}

// submitSignIn types a username and password on the sign-in screen and presses Enter.

func (h *harness) submitSignIn(username, password string) {
	h.t.Helper()
	s := h.a.signIn
	if s == nil || h.a.shown != s.content {
		h.t.Fatal("the sign-in screen is not shown")
	}
	s.username.SetText(username)
	s.password.SetText(password)
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.runUntil("the engine answers the sign-in", func() bool { return !s.busy })
}

// typeShortcut types Ctrl+key (Cmd+key) as the driver does: to the focused widget if it
// takes shortcuts, else to the window's shortcuts.
func (h *harness) typeShortcut(key fyne.KeyName) {
	h.t.Helper()
	h.typeShortcutMod(key, fyne.KeyModifierShortcutDefault)
}

func (h *harness) typeShortcutMod(key fyne.KeyName, mod fyne.KeyModifier) {
	h.t.Helper()
	sc := &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	if f, ok := h.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return
	}
	// What the window's canvas does with a shortcut registered by addShortcuts (the
	// test canvas cannot be typed shortcuts).
	h.a.typedShortcut(sc)
}

// press types a key as the driver does: to the focused widget, else to the window.
func (h *harness) press(key fyne.KeyName) {
	h.t.Helper()
	ev := &fyne.KeyEvent{Name: key}
	if f := h.win.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	h.win.Canvas().OnTypedKey()(ev)
}

// choose makes name the chosen file, as Choose File would.
func (h *harness) choose(name string) {
	h.a.imp.file = &chosenFile{name: name, data: []byte("x")}
	h.a.imp.updateButtons()
}

func (h *harness) selectSchool(name string) {
	h.t.Helper()
	h.a.top.schoolSelect.SetSelected(name)
	h.settle()
	if s, ok := h.a.school(); !ok || s.Name != name {
		h.t.Fatalf("selected school = %q, want %q", s.Name, name)
	}
}

// menuItem finds the item of m whose label starts with label.
func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if strings.HasPrefix(it.Label, label) {
			return it
		}
	}
	t.Fatalf("menu %q has no item %q", m.Label, label)
	return nil
}

// overlayText returns the text of everything shown over the window (dialogs, menus).
func overlayText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range w.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			switch v := obj.(type) {
			case *canvas.Text:
				b.WriteString(v.Text + "\n")
			}
		}
	}
	return b.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddAndRenameSchool(t *testing.T) {
	h := started(t)
	h.a.top.onSchoolsMenu()
	menuItem(t, h.a.top.menu, "Add School").Action()
	test.Type(h.a.top.nameEntry, "Jefferson High")
	h.a.top.dialog.submit()
	h.settle()
	if got := h.a.top.schoolSelect.Selected; got != "Jefferson High" {
		t.Fatalf("after Add School the selection is %q", got)
	}
	h.a.top.onSchoolsMenu()
	menuItem(t, h.a.top.menu, "Rename").Action()
	h.a.top.nameEntry.SetText("Jefferson High School")
	h.a.top.dialog.submit()
	h.settle()
	if got := h.a.top.schoolSelect.Selected; got != "Jefferson High School" {
		t.Fatalf("after Rename the selection is %q", got)
	}
}

// TestImportFlow drives the Import page end to end: template, export, choose, check,
// upload, history, downloads.
func TestImportFlow(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	imp := h.a.imp

	// Blank Template.
	test.Tap(imp.templateCSV)
	h.settle()
	name, path := h.picker.lastSave()
	if name != "Import_Users_Rosters_Template.csv" {
		t.Errorf("template name = %q", name)
	}
	if got := readFile(t, path); got != "template csv mode=0" {
		t.Errorf("template file = %q", got)
	}

	// Exports, named after the school and the engine's date.
	test.Tap(imp.exportUsersXLSX)
	h.settle()
	if name, path = h.picker.lastSave(); name != "Export_Teachers_Students_Lincoln_Elementary_2026-09-01.xlsx" {
		t.Errorf("export name = %q", name)
	}
	if got := readFile(t, path); got != "users xlsx school=1 teacher=0" {
		t.Errorf("export file = %q", got)
	}
	test.Tap(imp.exportClassesCSV)
	h.settle()
	if name, _ = h.picker.lastSave(); name != "Export_Classes_Lincoln_Elementary_2026-09-01.csv" {
		t.Errorf("classes name = %q", name)
	}

	// Nothing chosen yet: no check, no upload.
	if !imp.checkBtn.Disabled() || !imp.uploadBtn.Disabled() {
		t.Fatal("Check File / Upload enabled before a file is chosen")
	}
	roster := filepath.Join(t.TempDir(), "fall roster.csv")
	if err := os.WriteFile(roster, []byte("User ID,Role\nS1,Student\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.picker.openPath = roster
	test.Tap(imp.pickBtn)
	h.settle()
	if imp.fileLabel.Text != "fall roster.csv" || imp.file == nil || string(imp.file.data) != "User ID,Role\nS1,Student\n" {
		t.Fatalf("chosen file = %q (%v)", imp.fileLabel.Text, imp.file)
	}

	test.Tap(imp.checkBtn)
	h.settle()
	if got := imp.result.Text; !strings.Contains(got, "3 rows: 2 would be applied, 1 has errors") || !strings.Contains(got, "create 0 classes and add 0 class enrollments") {
		t.Errorf("check result = %q", got)
	}
	if got := viewLines(imp.notes); len(got) != 3 || got[2].text != "Row 4: First Name is missing." {
		t.Errorf("check notes = %+v", got)
	}
	if h.eng.called("Enqueue") != 0 {
		t.Error("Check File enqueued an upload")
	}

	test.Tap(imp.uploadBtn)
	h.settle()
	if h.a.currentPage() != PageHistory {
		t.Error("Upload did not switch to the Upload History")
	}
	hist := h.a.history
	if len(hist.uploads) != 1 {
		t.Fatalf("history has %d uploads", len(hist.uploads))
	}
	u := hist.uploads[0]
	if u.Status != core.StatusCompletedWithError || u.UploadedBy != "Pat Lee" || u.FileName != "fall roster.csv" {
		t.Errorf("history row = %+v", u)
	}
	if imp.file != nil || imp.fileLabel.Text != "No file chosen" {
		t.Error("the uploaded file is still chosen")
	}
	if want := "fall roster.csv: Completed with Errors, 2 of 3 rows applied and 1 failed."; !strings.HasPrefix(h.a.status.Text, want) {
		t.Errorf("status line = %q, want it to start %q", h.a.status.Text, want)
	}

	// The Actions menu: every file exists for this upload.
	hist.onActions(0, h.a.tabs)
	m := hist.menu
	for _, label := range []string{"Download Uploaded File — CSV", "Download Completed File — Excel", "Download Error File — CSV"} {
		if menuItem(t, m, label).Disabled {
			t.Errorf("%s is disabled", label)
		}
	}
	menuItem(t, m, "Download Error File — CSV").Action()
	h.settle()
	name, path = h.picker.lastSave()
	if name != "fall roster_Errors.csv" {
		t.Errorf("error file name = %q", name)
	}
	if got := readFile(t, path); got != "upload 1 error csv" {
		t.Errorf("error file = %q", got)
	}
	menuItem(t, m, "Download Completed File — Excel").Action()
	h.settle()
	if name, path = h.picker.lastSave(); name != "fall roster_Completed.xlsx" || readFile(t, path) != "upload 1 completed xlsx" {
		t.Errorf("completed file %q = %q", name, readFile(t, path))
	}
}

func TestActionsMenuDisablesMissingFiles(t *testing.T) {
	h := started(t)
	failed := core.Upload{ID: 7, FileName: "bad.xlsx", Status: core.StatusFailed, Files: []core.FileKind{core.FileUploaded}}
	m := h.a.history.actionsMenu(failed)
	want := map[string]bool{
		"Download Uploaded File — CSV":    true,
		"Download Uploaded File — Excel":  true,
		"Download Completed File — CSV":   false,
		"Download Completed File — Excel": false,
		"Download Error File — CSV":       false,
		"Download Error File — Excel":     false,
	}
	for label, enabled := range want {
		if got := !menuItem(t, m, label).Disabled; got != enabled {
			t.Errorf("%s enabled = %v, want %v", label, got, enabled)
		}
	}
	menuItem(t, m, "Download Uploaded File — Excel").Action()
	h.settle()
	if name, _ := h.picker.lastSave(); name != "bad_Uploaded.xlsx" {
		t.Errorf("uploaded file name = %q", name)
	}
}

func TestHistoryRefreshAndShortcut(t *testing.T) {
	h := started(t)
	h.a.showPage(PageHistory)
	h.settle()
	if n := len(h.a.history.uploads); n != 0 {
		t.Fatalf("history has %d uploads", n)
	}
	// An upload made elsewhere (rosterctl) appears on Refresh.
	h.eng.mu.Lock()
	h.eng.uploads = append(h.eng.uploads, core.Upload{ID: 1, FileName: "a.csv", SchoolID: 1, Status: core.StatusCompleted, Counts: core.Counts{Rows: 2, Applied: 2}})
	h.eng.mu.Unlock()
	test.Tap(h.a.history.refreshBtn)
	h.settle()
	if n := len(h.a.history.uploads); n != 1 {
		t.Fatalf("after Refresh the history has %d uploads", n)
	}
	h.eng.mu.Lock()
	h.eng.uploads = append(h.eng.uploads, core.Upload{ID: 2, FileName: "b.csv", SchoolID: 1, Status: core.StatusFailed})
	h.eng.mu.Unlock()
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	h.settle()
	if n := len(h.a.history.uploads); n != 2 || h.a.history.uploads[0].FileName != "b.csv" {
		t.Fatalf("after F5 the history is %+v, want newest first", h.a.history.uploads)
	}
}

func TestHistoryPages(t *testing.T) {
	eng := seeded()
	for i := 1; i <= historyPage+5; i++ {
		eng.uploads = append(eng.uploads, core.Upload{ID: int64(i), FileName: "f.csv", SchoolID: 1, Status: core.StatusCompleted})
	}
	h := newHarness(t, eng)
	h.start()
	s := h.a.history
	if len(s.uploads) != historyPage || s.moreBtn.Hidden {
		t.Fatalf("first page: %d uploads, more hidden = %v", len(s.uploads), s.moreBtn.Hidden)
	}
	test.Tap(s.moreBtn)
	h.settle()
	if len(s.uploads) != historyPage+5 || !s.moreBtn.Hidden {
		t.Fatalf("after Show older: %d uploads, more hidden = %v", len(s.uploads), s.moreBtn.Hidden)
	}
	if s.uploads[0].ID != historyPage+5 || s.uploads[len(s.uploads)-1].ID != 1 {
		t.Error("history is not newest first")
	}
}

// TestStaysResponsiveWhileUploadRuns blocks an upload inside the engine and meanwhile
// uses the window: Refresh, switching pages and progress all keep working.
func TestStaysResponsiveWhileUploadRuns(t *testing.T) {
	eng := seeded()
	running := make(chan struct{})
	release := make(chan struct{})
	eng.runGate = func(ctx context.Context, u core.Upload) error {
		close(running)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	h := newHarness(t, eng)
	h.start()
	h.choose("big.csv")
	h.typeShortcut(fyne.KeyU)

	h.runUntilClosed("the upload runs", running) // it is now blocked inside RunPending
	hist := h.a.history
	h.runUntil("the row shows its progress", func() bool {
		return len(hist.uploads) == 1 && hist.uploads[0].Status == core.StatusInProgress && hist.live[1].p.Done == 5
	})
	if got := hist.live[1].line; got != "Saving 5 / 10" {
		t.Errorf("progress reads %q", got)
	}

	// Refresh works while the upload is blocked (it is disabled only while it reads).
	h.runUntil("the history is read", func() bool { return !hist.loading })
	h.eng.mu.Lock()
	h.eng.uploads = append(h.eng.uploads, core.Upload{ID: 99, FileName: "other.csv", SchoolID: 1, Status: core.StatusCompleted})
	h.eng.mu.Unlock()
	test.Tap(hist.refreshBtn)
	h.runUntil("Refresh shows the new upload", func() bool { return len(hist.uploads) == 2 && !hist.loading })
	if hist.live[1].p.Done != 5 {
		t.Error("rereading the history lost the live progress")
	}

	// So does switching to Accounts and searching.
	h.a.showPage(PageAccounts)
	test.Type(h.a.accounts.search, "cleo")
	h.runUntil("the search answers", func() bool {
		return len(h.a.accounts.accounts) == 1 && h.a.accounts.accounts[0].Username == "cpark"
	})

	close(release)
	h.settle()
	if got := hist.uploads[1].Status; got != core.StatusCompletedWithError {
		t.Errorf("after the upload finished its status is %q", got)
	}
}

func (h *harness) selectSchoolViaProfile(t *testing.T, name string) {
	t.Helper()
	h.a.top.onProfileMenu()
	menuItem(t, h.a.top.menu, "    "+name).Action()
	h.settle()
}

func TestPasswordReset(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	h.a.showPage(PageAccounts)
	h.settle()
	s := h.a.accounts
	if len(s.accounts) != 3 {
		t.Fatalf("accounts = %d", len(s.accounts))
	}
	// The password state reads in plain words, expired ones included.
	if got := s.accounts[2].PasswordLabel(h.eng.Now()); got != "temporary — expired" {
		t.Errorf("password label = %q", got)
	}
	if !s.resetBtn.Disabled() {
		t.Error("Reset Password enabled with nobody selected")
	}
	s.grid.Select(widget.TableCellID{Row: 1, Col: 0})
	test.Tap(s.resetBtn)
	s.confirm.submit()
	h.settle()
	if h.eng.called("ResetPassword") != 1 || s.creds == nil {
		t.Fatal("no new password shown")
	}
	if got := gridText(s.creds.grid); !strings.Contains(got, "bng") || !strings.Contains(got, "Kp7-wQ2x-Rt9m") {
		t.Errorf("credentials shown = %q", got)
	}
	test.Tap(s.creds.copyBtn)
	if got := h.app.Clipboard().Content(); !strings.Contains(got, "bng\tKp7-wQ2x-Rt9m") {
		t.Errorf("clipboard = %q", got)
	}
	test.Tap(s.creds.csvBtn)
	h.settle()
	name, path := h.picker.lastSave()
	if name != "Temporary_Passwords_Lincoln_Elementary_2026-09-01.csv" {
		t.Errorf("passwords file name = %q", name)
	}
	if got := readFile(t, path); !strings.HasPrefix(got, "\ufeffUser ID,") || !strings.Contains(got, "S200,Ben Ng,bng,Kp7-wQ2x-Rt9m,2026-11-30\r\n") {
		t.Errorf("passwords file = %q", got)
	}
	// Through the engine, whose workbooks never spill passwords into the system's
	// temporary folder.
	if h.eng.called("WriteTable") != 1 {
		t.Errorf("the passwords were written %d times through the engine's WriteTable, want 1", h.eng.called("WriteTable"))
	}

	// A whole class.
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.resetClassBtn)
	s.confirm.submit()
	h.settle()
	if got := gridText(s.creds.grid); !strings.Contains(got, "cpark") || !strings.Contains(got, "Tz4-hY8p-Lm3q") {
		t.Errorf("class credentials = %q", got)
	}
}

func TestErrorsInPlainWords(t *testing.T) {
	eng := seeded()
	eng.enqueue = func(engine.UploadRequest) error {
		return &core.Error{Kind: core.KindStorage, Op: "enqueue", Message: "The disk is full. Free some space and upload again.", Err: errors.New("sqlite: SQLITE_FULL")}
	}
	h := newHarness(t, eng)
	h.start()
	h.choose("x.csv")
	test.Tap(h.a.imp.uploadBtn)
	h.settle()
	got := overlayText(h.win)
	if !strings.Contains(got, "The disk is full. Free some space and upload again.") || strings.Contains(got, "SQLITE_FULL") {
		t.Errorf("error dialog says %q", got)
	}
	if h.a.currentPage() != PageImport || h.a.imp.uploadBtn.Disabled() {
		t.Error("a failed upload left the page")
	}
}

func TestCancelledDialogIsNotAnError(t *testing.T) {
	h := started(t)
	h.picker.err = ErrCancelled
	test.Tap(h.a.imp.pickBtn)
	h.settle()
	if got := overlayText(h.win); got != "" {
		t.Errorf("cancelling showed %q", got)
	}
	if h.a.imp.pickBtn.Disabled() {
		t.Error("Choose File stays disabled after a cancel")
	}
}

func TestShortcutChoosesFile(t *testing.T) {
	h := started(t)
	roster := filepath.Join(t.TempDir(), "r.xlsx")
	if err := os.WriteFile(roster, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.picker.openPath = roster
	h.typeShortcut(fyne.KeyO)
	h.settle()
	if h.a.imp.fileLabel.Text != "r.xlsx" {
		t.Errorf("Ctrl+O chose %q", h.a.imp.fileLabel.Text)
	}
}

func TestFileNames(t *testing.T) {
	if got := fileSafe(` Lincoln: "K/8" `); got != "Lincoln-_-K-8-" {
		t.Errorf("fileSafe = %q", got)
	}
	u := core.Upload{FileName: "Fall.Roster.xlsx"}
	if got := downloadName(u, core.FileCompleted, core.FormatCSV); got != "Fall.Roster_Completed.csv" {
		t.Errorf("downloadName = %q", got)
	}
}

// TestHistoryFollowsOtherProcesses: an upload run by rosterctl sends this window no
// progress; the change watch sees the database move and the page rereads itself.
func TestHistoryFollowsOtherProcesses(t *testing.T) {
	eng := seeded()
	eng.uploads = []core.Upload{{ID: 1, FileName: "cli.csv", SchoolID: 1, Status: core.StatusInProgress, Done: 1, Total: 4}}
	h := startedOn(t, eng, PageHistory)
	if got := h.a.history.uploads; len(got) != 1 || got[0].Status != core.StatusInProgress {
		t.Fatalf("history = %+v, want the running upload", got)
	}
	eng.mu.Lock()
	eng.uploads[0].Status = core.StatusCompleted
	eng.mu.Unlock()
	eng.touch()
	h.a.checkChanges()
	h.settle()
	if got := h.a.history.uploads[0].Status; got != core.StatusCompleted {
		t.Errorf("after the change the page shows %q, want Completed", got)
	}
}

// TestHugeFileRefused: a file too big to upload is refused by its size when it is
// chosen, in the engine's words, without reading it; the page stays usable.
func TestHugeFileRefused(t *testing.T) {
	h := started(t)
	huge := filepath.Join(t.TempDir(), "district.csv")
	if err := os.WriteFile(huge, nil, 0o600); err != nil || os.Truncate(huge, engine.MaxFileBytes+1) != nil {
		t.Skip("cannot make a sparse file here")
	}
	h.picker.openPath = huge
	test.Tap(h.a.imp.pickBtn)
	h.settle()
	if got := overlayText(h.win); !strings.Contains(got, "too large") || !strings.Contains(got, "Split it") {
		t.Errorf("choosing a %d MB file showed %q", (engine.MaxFileBytes+1)>>20, got)
	}
	if h.a.imp.file != nil || h.a.imp.pickBtn.Disabled() || !h.a.imp.uploadBtn.Disabled() {
		t.Error("after the refusal: a file is kept, or Choose File is disabled, or Upload is enabled")
	}
}

func TestFinishedNote(t *testing.T) {
	for _, tc := range []struct {
		r    engine.Result
		want string
	}{
		{engine.Result{Upload: 3, FileName: "fall.csv", Status: core.StatusCompleted, Counts: core.Counts{Rows: 1200, Applied: 1200}},
			"fall.csv: Completed, 1,200 rows applied."},
		{engine.Result{Upload: 3, FileName: "one.csv", Status: core.StatusCompleted, Counts: core.Counts{Rows: 1, Applied: 1}},
			"one.csv: Completed, 1 row applied."},
		{engine.Result{Upload: 4, FileName: "fall.xlsx", Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 3, Applied: 2, Failed: 1}},
			"fall.xlsx: Completed with Errors, 2 of 3 rows applied and 1 failed. Its Error File (Actions) says what to fix on each."},
		{engine.Result{Upload: 5, FileName: "x.csv", Status: core.StatusFailed, Message: "The column \"Role\" is missing."},
			"x.csv: Failed. The column \"Role\" is missing."},
		{engine.Result{Upload: 6, Status: core.StatusFailed}, "Upload 6: Failed."},
		{engine.Result{Upload: 7, FileName: "fall.csv", Status: core.StatusCancelled, Message: "The upload was cancelled before it was saved: nothing in the file was applied."},
			"fall.csv: Cancelled. The upload was cancelled before it was saved: nothing in the file was applied."},
	} {
		if got := finishedNote(tc.r); got != tc.want {
			t.Errorf("finishedNote(%+v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// tick ticks the check box labelled label.
func tick(t *testing.T, checks []*keyCheck, label string) {
	t.Helper()
	for _, c := range checks {
		if c.Text == label {
			c.SetChecked(true)
			return
		}
	}
	t.Fatalf("no check box %q", label)
}

// gridText returns every cell of a grid, a row a line, cells separated by tabs.
func gridText(g *grid) string {
	var b strings.Builder
	rows, cols := g.Length()
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			o := g.CreateCell()
			g.UpdateCell(widget.TableCellID{Row: r, Col: c}, o)
			switch v := o.(type) {
			case *widget.Label:
				b.WriteString(v.Text)
			case *historyCell:
				if v.text.Visible() {
					b.WriteString(v.line())
					if v.reason.Visible() {
						b.WriteString(" " + v.reason.Text)
					}
				} else {
					b.WriteString("[" + v.actions.Text + "]")
				}
			}
			b.WriteString("\t")
		}
		b.WriteString("\n")
	}
	return b.String()
}
