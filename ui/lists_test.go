package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestWholeClassAfterUpload: the class an upload creates is in "Whole class" as soon as
// the upload has finished, with its students, without switching schools (issue 9 item 8).
func TestWholeClassAfterUpload(t *testing.T) {
	eng := seeded()
	eng.finished = func(u *core.Upload) {
		eng.classes[u.SchoolID] = append(eng.classes[u.SchoolID], core.Class{ID: 6, ClassID: "4A", Name: "Class 4A", Students: 26})
	}
	h := startedOn(t, eng, PageAccounts)
	if got := h.a.accounts.classSelect.Options; len(got) != 1 {
		t.Fatalf("classes before the upload = %q", got)
	}
	h.choose("4a.csv")
	test.Tap(h.a.imp.uploadBtn) // shows the history, where the upload runs
	h.settle()
	h.a.showPage(PageAccounts)
	h.settle()
	if got := h.a.accounts.classSelect.Options; !slices.Contains(got, "4A — Class 4A") {
		t.Errorf("after the upload Whole class offers %q, want the new class", got)
	}
}

// TestEveryListReloads: F5 and Refresh read the schools, the classes and the accounts
// (or the history) again, with what another process added in the meantime (items 8, 9).
func TestEveryListReloads(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	h.a.showPage(PageAccounts)
	h.settle()
	addBehindTheBack(h.eng)
	h.press(fyne.KeyF5)
	h.settle()
	if got := h.a.top.schoolSelect.Options; !slices.Contains(got, "Jefferson High") {
		t.Errorf("after F5 the schools are %q", got)
	}
	if got := h.a.accounts.classSelect.Options; !slices.Contains(got, "4A — Class 4A") {
		t.Errorf("after F5 the classes are %q", got)
	}
	if got := gridText(h.a.accounts.grid); !strings.Contains(got, "newkid") {
		t.Errorf("after F5 the accounts are\n%s", got)
	}
	h.a.showPage(PageHistory)
	h.settle()
	h.eng.mu.Lock()
	h.eng.uploads = append(h.eng.uploads, core.Upload{ID: 9, FileName: "cli.csv", SchoolID: 1, Status: core.StatusCompleted})
	h.eng.mu.Unlock()
	test.Tap(h.a.history.refreshBtn)
	h.settle()
	if len(h.a.history.uploads) != 1 {
		t.Errorf("after Refresh the history has %d uploads", len(h.a.history.uploads))
	}
}

// addBehindTheBack adds a school, a class and an account as rosterctl would.
func addBehindTheBack(f *fakeEngine) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.schools = append(f.schools, core.School{ID: 3, Name: "Jefferson High"})
	f.classes[1] = append(f.classes[1], core.Class{ID: 6, ClassID: "4A", Name: "Class 4A", Students: 1})
	f.accounts[1] = append(f.accounts[1], core.Account{ID: 20, UserID: "S300", Role: core.RoleStudent, FirstName: "New", LastName: "Kid", Username: "newkid"})
	f.version++
}

// TestChangeWatch: when another process changes the database, the next check (while
// the window has the focus) reads the schools and the page shown again; when nothing
// changed it reads nothing; without the focus it does not check (items 8, 9).
func TestChangeWatch(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	h.a.showPage(PageAccounts)
	h.settle()
	if h.a.watcher == nil {
		t.Fatal("the window does not watch the database")
	}
	reads := func() int { return h.eng.called("Schools") + h.eng.called("AccountsPage") + h.eng.called("Classes") }
	before := reads()
	h.a.checkChanges()
	h.settle()
	if n := reads() - before; n != 0 {
		t.Errorf("a check with no change read %d lists", n)
	}
	addBehindTheBack(h.eng)
	h.a.checkChanges()
	h.settle()
	if got := h.a.top.schoolSelect.Options; !slices.Equal(got, []string{"Jefferson High", "Lincoln Elementary", "Washington Middle"}) {
		t.Errorf("after a change by another process the schools are %q", got)
	}
	if got := gridText(h.a.accounts.grid); !strings.Contains(got, "newkid") {
		t.Errorf("after a change by another process the accounts are\n%s", got)
	}

	// Out of focus: no timed checks; back in focus: one at once.
	h.a.watchEvery = time.Hour
	h.a.setFocused(false)
	h.a.scheduleWatch()
	if h.a.watching {
		t.Error("a check was scheduled while the window is out of focus")
	}
	checks := h.eng.called("Changed")
	h.a.setFocused(true)
	h.runUntil("a check runs on focus, and the next is scheduled", func() bool { return h.eng.called("Changed") == checks+1 && h.a.watching })
	h.a.cancel() // ends the hour-long wait
	h.settle()
}

// TestSchoolsSortNaturally: School 2 comes before School 10 in Select School (item 11).
func TestSchoolsSortNaturally(t *testing.T) {
	eng := seeded()
	eng.schools = nil
	for _, n := range []int{10, 2, 1, 11, 3} {
		eng.schools = append(eng.schools, core.School{ID: int64(n), Name: fmt.Sprintf("School %d", n)})
	}
	h := newHarness(t, eng)
	h.start()
	want := []string{"School 1", "School 2", "School 3", "School 10", "School 11"}
	if got := h.a.top.schoolSelect.Options; !slices.Equal(got, want) {
		t.Errorf("Select School lists %q, want %q", got, want)
	}
}

// TestSearchIgnoresAccents: "zoe" finds "Zoë Nguyễn"; a search that finds nothing
// says so (item 10). The folding itself is core.SearchKey's (tested in core).
func TestSearchIgnoresAccents(t *testing.T) {
	eng := seeded()
	eng.accounts[1] = append(eng.accounts[1], core.Account{ID: 13, UserID: "S202", Role: core.RoleStudent, FirstName: "Zoë", LastName: "Nguyễn", Username: "znguyen"})
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	test.Type(s.search, "zoe")
	h.settle()
	if len(s.accounts) != 1 || s.accounts[0].Username != "znguyen" || s.summary.Text != "1 account matches “zoe”" {
		t.Errorf("search zoe: %d accounts, summary %q", len(s.accounts), s.summary.Text)
	}
	s.search.SetText("nobody")
	h.settle()
	if len(s.accounts) != 0 || !s.empty.Visible() || !strings.HasPrefix(s.empty.Text, "No account matches “nobody”.") {
		t.Errorf("search nobody: %d accounts, empty note %v %q", len(s.accounts), s.empty.Visible(), s.empty.Text)
	}
	s.search.SetText("")
	h.settle()
	if s.empty.Visible() || s.summary.Text != "4 accounts" {
		t.Errorf("no search: empty note shown %v, summary %q", s.empty.Visible(), s.summary.Text)
	}
}

// TestSearchStopsTheOldQuery: each keystroke's query stops the one before, so a slow
// search of a big school does not hold up the next.
func TestSearchStopsTheOldQuery(t *testing.T) {
	eng := seeded()
	started := make(chan struct{})
	stopped := make(chan struct{})
	eng.accountsPage = func(ctx context.Context, q string) error {
		if q != "z" {
			return nil
		}
		close(started)
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	}
	h := startedOn(t, eng, PageAccounts)
	h.a.accounts.search.SetText("z")
	h.runUntilClosed("the slow search starts", started)
	h.a.accounts.search.SetText("zo")
	h.runUntilClosed("the slow search is stopped", stopped)
	h.settle()
	if got := overlayText(h.win); got != "" {
		t.Errorf("a stopped search showed %q", got)
	}
}

// TestAccountsPages: a big school is read a page at a time, with its count, and the
// pager steps through it; a new search starts at the first page (item 19).
func TestAccountsPages(t *testing.T) {
	eng := seeded()
	eng.accounts[1] = nil
	for i := range 450 {
		eng.accounts[1] = append(eng.accounts[1], core.Account{ID: int64(100 + i), UserID: fmt.Sprintf("S%03d", i), Role: core.RoleStudent, FirstName: "Kid", LastName: fmt.Sprintf("Lee%03d", i), Username: fmt.Sprintf("klee%03d", i)})
	}
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	page := func(label string, rows int, first string, prev, next bool) {
		t.Helper()
		if s.pageLabel.Text != label || len(s.accounts) != rows || s.accounts[0].Username != first ||
			s.prevBtn.Disabled() == prev || s.nextBtn.Disabled() == next || s.summary.Text != "450 accounts" {
			t.Errorf("page %q: %d rows from %q, previous %v, next %v, summary %q; want %q, %d from %q, %v, %v",
				s.pageLabel.Text, len(s.accounts), s.accounts[0].Username, !s.prevBtn.Disabled(), !s.nextBtn.Disabled(), s.summary.Text, label, rows, first, prev, next)
		}
	}
	page("1–200 of 450", 200, "klee000", false, true)
	test.Tap(s.nextBtn)
	h.settle()
	page("201–400 of 450", 200, "klee200", true, true)
	test.Tap(s.nextBtn)
	h.settle()
	page("401–450 of 450", 50, "klee400", true, false)
	test.Tap(s.prevBtn)
	h.settle()
	page("201–400 of 450", 200, "klee200", true, true)
	s.search.SetText("klee4")
	h.settle()
	if s.offset != 0 || len(s.accounts) != 50 || s.pager.Visible() {
		t.Errorf("a search after paging: offset %d, %d rows, pager shown %v", s.offset, len(s.accounts), s.pager.Visible())
	}
}

// TestResetClassSaysHowMany: the question before a class reset says how many students
// it resets, and in which class (item 18).
func TestResetClassSaysHowMany(t *testing.T) {
	eng := seeded()
	eng.classes[1] = []core.Class{{ID: 5, ClassID: "4A", Name: "4A", Students: 26}, {ID: 6, ClassID: "SCI4", Name: "Science 4", Students: 1}}
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.resetClassBtn)
	if got := strings.Join(strings.Fields(overlayText(h.win)), " "); !strings.Contains(got, "Reset the passwords of 26 students in 4A? Their current passwords stop working.") {
		t.Errorf("the question says %q", got)
	}
	h.press(fyne.KeyEscape)
	if h.eng.called("ResetClassPasswords") != 0 {
		t.Error("Escape reset the class")
	}
	if got := resetClassQuestion(eng.classes[1][1]); got != "Reset the passwords of 1 student in Science 4 (SCI4)? Their current passwords stop working." {
		t.Errorf("resetClassQuestion = %q", got)
	}
}

// TestNewPasswordsTable: after a reset the new passwords are a grid (name, username,
// password) that scrolls however many there are, copied as a table and saved through
// the report writer as CSV or Excel (item 17).
func TestNewPasswordsTable(t *testing.T) {
	eng := seeded()
	for i := range 30 {
		eng.classCreds = append(eng.classCreds, core.Credential{UserID: fmt.Sprintf("S%d", i), Name: fmt.Sprintf("Student Number %d With A Rather Long Name", i),
			Username: fmt.Sprintf("s%d", i), Password: fmt.Sprintf("Pw%d-=x", i), ExpiresAt: eng.now.Add(core.TempPasswordLifetime)})
	}
	h := newHarness(t, eng)
	h.app.Settings().SetTheme(Theme())
	h.a.first = PageAccounts
	h.start()
	s := h.a.accounts
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.resetClassBtn)
	s.confirm.submit()
	h.settle()
	v := s.creds
	if v == nil {
		t.Fatal("no passwords shown")
	}
	rows, cols := v.grid.Length()
	if rows != 30 || cols != 3 || v.grid.cols[2].title != "Password" {
		t.Fatalf("passwords grid is %d×%d", rows, cols)
	}
	// The password column is never cut, whatever the names' length.
	pw := v.grid.widths[2]
	if need := textWidth("Pw29-=x", false); pw < need {
		t.Errorf("the password column is %.0f wide, its passwords need %.0f", pw, need)
	}
	if got := gridText(v.grid); !strings.Contains(got, "s29\tPw29-=x\t") {
		t.Errorf("passwords grid lacks the last row:\n%s", got)
	}

	test.Tap(v.xlsxBtn)
	h.settle()
	name, path := h.picker.lastSave()
	if !strings.HasSuffix(name, ".xlsx") {
		t.Fatalf("Save as Excel suggested %q", name)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the saved .xlsx is not a workbook: %v", err)
	}
	defer f.Close()
	got, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(got) != 31 || got[0][3] != "Temporary Password" || got[30][3] != "Pw29-=x" {
		t.Errorf("saved workbook rows = %d (%v), header %q", len(got), err, got[0])
	}

	test.Tap(v.csvBtn)
	h.settle()
	_, path = h.picker.lastSave()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if csv := string(b); !strings.HasPrefix(csv, "\ufeffUser ID,Name,") || !strings.Contains(csv, "\r\nS29,Student Number 29 With A Rather Long Name,s29,Pw29-=x,") {
		t.Errorf("saved CSV = %q", csv)
	}
	h.press(fyne.KeyEscape)
	if !v.modal.closed {
		t.Error("Escape left the passwords open")
	}
}

// TestNumbersReadAlike: counts carry thousands separators and the right plural on
// every page (item 16).
func TestNumbersReadAlike(t *testing.T) {
	eng := seeded()
	eng.checkFn = func(engine.UploadRequest) (engine.Result, error) {
		return engine.Result{Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 20000, Applied: 19999, Failed: 1, Warnings: 1, UsersCreated: 1}}, nil
	}
	eng.uploads = []core.Upload{{ID: 1, FileName: "big.csv", SchoolID: 1, Status: core.StatusCompleted, Counts: core.Counts{Rows: 20000, Applied: 20000}}}
	h := newHarness(t, eng)
	h.start()
	h.choose("big.csv")
	test.Tap(h.a.imp.checkBtn)
	h.settle()
	if got := h.a.imp.result.Text; !strings.Contains(got, "20,000 rows: 19,999 would be applied, 1 has errors, 1 warning.") || !strings.Contains(got, "create 1 user,") {
		t.Errorf("check summary = %q", got)
	}
	h.a.showPage(PageHistory)
	h.settle()
	if got := h.a.history.summary.Text; got != "1 upload, newest first." {
		t.Errorf("history summary = %q", got)
	}
	if got := detailsText(h.a.history.uploads[0]); !strings.Contains(got, "20,000 rows: 20,000 applied, 0 failed, 0 warnings.") {
		t.Errorf("details = %q", got)
	}
}

// TestErrorsAreNotCut: an error or a note in the status line wraps instead of being cut
// (item 3).
func TestErrorsAreNotCut(t *testing.T) {
	h := started(t)
	h.win.Resize(fyne.NewSize(800, 600))
	msg := "Row 12: The Password is not accepted: it needs an upper-case letter. Use 9 to 20 characters with an upper-case letter, a lower-case letter and a digit, and no spaces."
	h.a.setStatus("fall.csv: Failed. " + msg)
	if h.a.status.Truncation != fyne.TextTruncateOff || h.a.status.Wrapping != fyne.TextWrapWord {
		t.Errorf("status line: truncation %v, wrapping %v", h.a.status.Truncation, h.a.status.Wrapping)
	}
	h.a.showError(errors.New(msg))
	if got := strings.Join(strings.Fields(overlayText(h.win)), " "); !strings.Contains(got, msg) {
		t.Errorf("the error dialog shows %q, want the whole message", got)
	}
	for _, o := range test.LaidOutObjects(h.win.Canvas().Content()) {
		if l, ok := o.(*widget.Label); ok && l.Truncation != fyne.TextTruncateOff && !insideGrid(h.a, l) {
			t.Errorf("label %q outside a grid cuts its text", l.Text)
		}
	}
}

// insideGrid reports whether label l is a cell or header of one of the window's grids,
// which show cut text whole on hover.
func insideGrid(a *App, l *widget.Label) bool {
	for _, g := range []*grid{a.history.grid, a.accounts.grid} {
		for _, o := range test.LaidOutObjects(g) {
			if o == l {
				return true
			}
		}
	}
	return false
}

// TestProgressShowsTimeLeft: while an upload runs, its row and the status line say its
// phase, its rows and the time left, worked out from the reports as they come (the
// clock is the test's); the status line follows the run instead of saying "queued"
// (items 5, 7).
func TestProgressShowsTimeLeft(t *testing.T) {
	eng := seeded()
	eng.uploads = []core.Upload{{ID: 7, FileName: "district.csv", SchoolID: 1, Status: core.StatusQueued}}
	h := newHarness(t, eng)
	clock := newFakeClock()
	h.a.clock = clock.now
	h.a.first = PageHistory
	eng.runGate = func(ctx context.Context, u core.Upload) error { <-ctx.Done(); return ctx.Err() }
	h.open()
	h.submitSignIn("pat", patPassword)
	h.runUntil("the upload runs", func() bool { return h.a.running == 7 && h.a.history != nil && len(h.a.history.uploads) == 1 })
	for _, st := range []struct {
		after time.Duration
		p     core.Progress
	}{
		{0, hashing(0, 19229)},
		{time.Second, hashing(50, 19229)},
		{4750 * time.Millisecond, hashing(450, 19229)},
	} {
		st.p.Upload = 7
		clock.add(st.after)
		h.a.onRunProgress(st.p)
	}
	want := "Securing passwords 450 / 19,229 — about 4 min left"
	if got := h.a.status.Text; got != "district.csv: "+want {
		t.Errorf("status line = %q", got)
	}
	if got := gridText(h.a.history.grid); !strings.Contains(got, want) {
		t.Errorf("history grid = %q", got)
	}
	h.a.cancel()
	h.settle()
}
