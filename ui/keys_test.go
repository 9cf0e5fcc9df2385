package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestPageShortcuts: Ctrl+Tab and Ctrl+Page Down show the next page, Ctrl+Shift+Tab and
// Ctrl+Page Up the previous one, round, even while the search field has the focus; not
// while a dialog is open (issue 9 item 13).
func TestPageShortcuts(t *testing.T) {
	h := started(t)
	steps := []struct {
		key  fyne.KeyName
		mod  fyne.KeyModifier
		want Page
	}{
		{fyne.KeyTab, fyne.KeyModifierControl, PageHistory},
		{fyne.KeyPageDown, fyne.KeyModifierControl, PageAccounts},
		{fyne.KeyTab, fyne.KeyModifierControl, PageAdmins}, // an Organization Administrator's
		{fyne.KeyTab, fyne.KeyModifierControl, PageImport}, // round
		{fyne.KeyTab, fyne.KeyModifierControl | fyne.KeyModifierShift, PageAdmins},
		{fyne.KeyPageUp, fyne.KeyModifierControl, PageAccounts},
	}
	for _, st := range steps {
		h.typeShortcutMod(st.key, st.mod)
		h.settle()
		if got := h.a.currentPage(); got != st.want {
			t.Fatalf("after %s+%s the page is %s, want %s", modName(st.mod), st.key, got, st.want)
		}
	}
	h.a.showPage(PageAccounts)
	h.settle()
	h.win.Canvas().Focus(h.a.accounts.search)
	h.typeShortcutMod(fyne.KeyTab, fyne.KeyModifierControl)
	if got := h.a.currentPage(); got != PageAdmins {
		t.Errorf("Ctrl+Tab in the search field: page %s, want admins", got)
	}
	h.a.showMessage("Note", "A dialog is open.")
	h.typeShortcutMod(fyne.KeyTab, fyne.KeyModifierControl)
	if got := h.a.currentPage(); got != PageAdmins {
		t.Errorf("Ctrl+Tab with a dialog open switched to %s", got)
	}
}

func modName(m fyne.KeyModifier) string {
	var parts []string
	if m&fyne.KeyModifierControl != 0 {
		parts = append(parts, "Ctrl")
	}
	if m&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	return strings.Join(parts, "+")
}

// TestEscapeClosesEveryDialog: Escape closes Details, a question, an error and a form,
// whatever has the focus in it, and never confirms; each opens with its first field, or
// else its default button, focused (item 13).
func TestEscapeClosesEveryDialog(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	open := []struct {
		name  string
		show  func() *modal
		focus func(m *modal) fyne.Focusable
	}{
		{"Details", func() *modal {
			h.a.history.onDetails(core.Upload{FileName: "a.csv", Status: core.StatusCompleted})
			return h.a.history.details
		}, func(m *modal) fyne.Focusable { return m.dismissBtn }},
		{"error", func() *modal {
			h.a.showError(core.Errorf(core.KindInvalid, "Something is wrong with the file."))
			return h.a.topModal()
		}, func(m *modal) fyne.Focusable { return m.dismissBtn }},
		{"Add School", func() *modal {
			h.a.top.onSchoolsMenu()
			menuItem(t, h.a.top.menu, "Add School").Action()
			return h.a.top.dialog
		}, func(*modal) fyne.Focusable { return h.a.top.nameEntry }},
		{"Reset Password", func() *modal {
			h.a.showPage(PageAccounts)
			h.settle()
			h.a.accounts.grid.Select(widget.TableCellID{Row: 1})
			test.Tap(h.a.accounts.resetBtn)
			return h.a.accounts.confirm
		}, func(m *modal) fyne.Focusable { return m.confirmBtn }},
	}
	for _, o := range open {
		m := o.show()
		if m == nil || h.a.topModal() != m {
			t.Fatalf("%s: no dialog open", o.name)
		}
		if got, want := h.win.Canvas().Focused(), o.focus(m); got != want {
			t.Errorf("%s opened with %T focused, want %T", o.name, got, want)
		}
		h.press(fyne.KeyEscape)
		h.settle()
		if !m.closed || h.a.topModal() != nil {
			t.Errorf("%s is still open after Escape", o.name)
		}
	}
	// Escape with nothing focused also closes the dialog on top.
	m := h.a.showMessage("Note", "Something.")
	h.win.Canvas().Unfocus()
	h.press(fyne.KeyEscape)
	if !m.closed {
		t.Error("Escape with nothing focused left the dialog open")
	}
	if n := h.eng.called("ResetPassword") + h.eng.called("AddSchool"); n != 0 {
		t.Errorf("Escape confirmed %d dialogs", n)
	}
}

// TestEnterSubmitsForms: Enter in Add School adds the school typed; in the first-run
// setup it moves from field to field, then creates everything (item 13).
func TestEnterSubmitsForms(t *testing.T) {
	h := started(t)
	h.a.top.onSchoolsMenu()
	menuItem(t, h.a.top.menu, "Add School").Action()
	test.Type(h.a.top.nameEntry, "Jefferson High")
	h.press(fyne.KeyReturn)
	h.settle()
	if got := h.a.top.schoolSelect.Selected; got != "Jefferson High" || h.a.topModal() != nil {
		t.Errorf("after Enter the school is %q and a dialog is open: %v", got, h.a.topModal() != nil)
	}

	h = newHarness(t, newFakeEngine())
	h.a.Start()
	h.settle()
	s := h.a.setup
	if h.win.Canvas().Focused() != s.orgEntry {
		t.Error("setup opens without the organization field focused")
	}
	s.nameEntry.SetText("")
	for _, step := range []struct {
		entry *widget.Entry
		text  string
		next  fyne.Focusable
	}{
		{s.orgEntry, "Riverside USD", s.schoolEntry},
		{s.schoolEntry, "Lincoln Elementary", s.nameEntry},
		{s.nameEntry, "Pat Lee", s.usernameEntry},
		{s.usernameEntry, "plee", s.emailEntry},
		{s.emailEntry, "", s.password.newPw},
		{s.password.newPw, "Riverside2026", s.password.confirm},
	} {
		test.Type(step.entry, step.text)
		h.press(fyne.KeyReturn)
		if h.win.Canvas().Focused() != step.next {
			t.Fatalf("Enter after %q did not move to the next field", step.text)
		}
	}
	test.Type(s.password.confirm, "Riverside2026")
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn) // a second Enter while creating does nothing more
	h.settle()
	if h.eng.called("Setup") != 1 || !h.a.mainShown() {
		t.Errorf("Enter in setup: Setup %d, main shown %v", h.eng.called("Setup"), h.a.mainShown())
	}
}

// TestF5RefreshesWhateverIsFocused: F5 reads the page again with the focus in the
// search field, on a button or in the grid (item 8).
func TestF5RefreshesWhateverIsFocused(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	h.a.showPage(PageAccounts)
	h.settle()
	for _, f := range []fyne.Focusable{h.a.accounts.search, h.a.accounts.resetClassBtn, h.a.accounts.grid, nil} {
		before := h.eng.called("AccountsPage")
		if f == nil {
			h.win.Canvas().Unfocus()
		} else {
			h.win.Canvas().Focus(f)
		}
		h.press(fyne.KeyF5)
		h.settle()
		if h.eng.called("AccountsPage") != before+1 {
			t.Errorf("F5 with %T focused did not read the accounts again", f)
		}
	}
}

// TestSchoolInProfileRoles: a School Organization Administrator sees "School:" and the
// school's name, not "Select School:" beside an empty drop-down's width (item 15).
func TestSchoolInProfileRoles(t *testing.T) {
	h := started(t)
	top := h.a.top
	if top.schoolPrompt.Text != "Select School:" || !top.schoolPick.Visible() {
		t.Fatalf("administrator: prompt %q, drop-down shown %v", top.schoolPrompt.Text, top.schoolPick.Visible())
	}
	eng := seeded()
	eng.operators = append(eng.operators, core.Operator{ID: 2, Username: "sam", Name: "Sam Ortiz", Role: core.OperatorSchoolAdmin,
		Schools: []core.School{{ID: 2, Name: "Washington Middle"}}})
	eng.passwords["sam"] = fakePassword{password: "Principal2026"}
	h = newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.signInAs("sam", "Principal2026")
	h.settle()
	top = h.a.top
	if top.schoolPrompt.Text != "School:" || top.schoolPick.Visible() || top.schoolLabel.Text != "Washington Middle" {
		t.Errorf("school administrator: prompt %q, drop-down shown %v, school %q", top.schoolPrompt.Text, top.schoolPick.Visible(), top.schoolLabel.Text)
	}
}

// TestQuitDuringUpload: closing the window while this window runs an upload asks first
// and says the upload will start again; Keep Running keeps the window; Quit Anyway
// closes it. With no upload running, closing closes at once (item 6).
func TestQuitDuringUpload(t *testing.T) {
	eng := seeded()
	running := make(chan struct{})
	eng.runGate = func(ctx context.Context, u core.Upload) error {
		close(running)
		<-ctx.Done()
		return ctx.Err()
	}
	h := newHarness(t, eng)
	closed := false
	h.a.closeWindow = func() { closed = true }
	h.start()
	h.choose("district.csv")
	h.typeShortcut(fyne.KeyU)
	h.runUntilClosed("the upload runs", running)
	h.runUntil("the progress shows", func() bool { return h.a.running != 0 })

	h.a.onCloseRequest()
	m := h.a.topModal()
	if m == nil || closed {
		t.Fatalf("closing during an upload: dialog %v, window closed %v", m != nil, closed)
	}
	if got := overlayText(h.win); !strings.Contains(got, "district.csv") || !strings.Contains(got, "start again from the beginning") {
		t.Errorf("the question says %q", got)
	}
	if h.win.Canvas().Focused() != m.dismissBtn {
		t.Error("Keep Running is not the default (focused) answer")
	}
	h.press(fyne.KeyReturn) // Keep Running
	if !m.closed || closed {
		t.Fatalf("Enter: dialog closed %v, window closed %v; want the window kept", m.closed, closed)
	}
	h.a.onCloseRequest()
	h.a.topModal().confirmBtn.Tapped(nil)
	if !closed {
		t.Error("Quit Anyway did not close the window")
	}
}

func TestQuitWhenIdle(t *testing.T) {
	h := started(t)
	closed := false
	h.a.closeWindow = func() { closed = true }
	h.a.onCloseRequest()
	if !closed || h.a.topModal() != nil {
		t.Errorf("closing with no upload: closed %v, asked %v", closed, h.a.topModal() != nil)
	}
}

// TestResumedUploadIsNamed: an upload left In Progress by a quit runs again when the
// window opens, and the status line says which file it is and that it starts again
// from the beginning, while it runs and when it ends (item 6).
func TestResumedUploadIsNamed(t *testing.T) {
	eng, running, release := interruptedUpload()
	h := newHarness(t, eng)
	h.open()
	h.submitSignIn("pat", patPassword)
	h.runUntilClosed("the interrupted upload runs", running)
	// The engine's marker is read as the upload starts.
	h.runUntil("the status line follows it", func() bool { return h.a.status != nil && strings.Contains(h.a.status.Text, "(resumed") })
	if got := h.a.status.Text; !strings.HasPrefix(got, "district.csv (resumed") || !strings.Contains(got, "starts again from the beginning") {
		t.Errorf("while it runs the status line says %q", got)
	}
	close(release)
	h.settle()
	if got := h.a.status.Text; !strings.HasPrefix(got, "Resumed after Rosterdesk was closed — district.csv: Completed with Errors") {
		t.Errorf("when it ends the status line says %q", got)
	}
}

// TestInterruptedUploadRunsBeforeSignIn: an upload a quit or a crash interrupted runs
// again as the window opens (SPEC: on the next launch), before anyone signs in, and is
// named once someone does.
func TestInterruptedUploadRunsBeforeSignIn(t *testing.T) {
	eng, running, release := interruptedUpload()
	h := newHarness(t, eng)
	h.open()
	h.runUntilClosed("the interrupted upload runs with nobody signed in", running)
	if h.a.profile.signedIn() {
		t.Fatal("somebody is signed in before the sign-in screen was used")
	}
	h.submitSignIn("pat", patPassword)
	h.runUntil("the status line names the resumed upload", func() bool {
		return h.a.status != nil && strings.Contains(h.a.status.Text, "district.csv")
	})
	close(release)
	h.settle()
	if got := h.a.status.Text; !strings.HasPrefix(got, "Resumed after Rosterdesk was closed — district.csv: Completed with Errors") {
		t.Errorf("when it ends the status line says %q", got)
	}
}

// TestQuitBeforeSignInWhileResuming: closing the window at the sign-in screen while an
// interrupted upload runs again asks first, as after sign-in; with no history page yet
// there is no progress line to quote (it used to crash looking for one), and the upload
// is not named by its number ("Upload 1") but as one Rosterdesk was closed on.
func TestQuitBeforeSignInWhileResuming(t *testing.T) {
	eng, running, _ := interruptedUpload()
	h := newHarness(t, eng)
	closed := false
	h.a.closeWindow = func() { closed = true }
	h.open()
	h.runUntilClosed("the interrupted upload runs", running)
	h.runUntil("the runner follows it", func() bool { return h.a.running != 0 })
	h.a.onCloseRequest()
	if m := h.a.topModal(); m == nil || closed {
		t.Fatalf("closing at the sign-in screen during an upload: dialog %v, window closed %v", m != nil, closed)
	}
	// Nobody has signed in: the upload is neither named nor numbered, yet said to be
	// one Rosterdesk was closed on.
	if got := strings.Join(strings.Fields(overlayText(h.win)), " "); !strings.Contains(got, "start again from the beginning") ||
		!strings.Contains(got, "An upload that had not finished when Rosterdesk was last closed") ||
		strings.Contains(got, "district.csv") || strings.Contains(got, "Upload 1") {
		t.Errorf("the question says %q", got)
	}
	h.a.topModal().confirmBtn.Tapped(nil)
	if !closed {
		t.Error("Quit Anyway did not close the window")
	}
}

// interruptedUpload returns a seeded engine holding district.csv In Progress, as a quit
// or a crash leaves it, whose run again blocks: running closes once it has started,
// release lets it finish.
func interruptedUpload() (eng *fakeEngine, running, release chan struct{}) {
	eng = seeded()
	eng.resume = true
	eng.uploads = []core.Upload{{ID: 1, FileName: "district.csv", SchoolID: 1, Status: core.StatusInProgress, Done: 900, Total: 1000}}
	running, release = eng.blockRuns()
	return eng, running, release
}
