package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// profileItem opens the Profile menu and returns its item whose label starts with label.
func (h *harness) profileItem(label string) *fyne.MenuItem {
	h.t.Helper()
	h.a.top.onProfileMenu()
	return menuItem(h.t, h.a.top.menu, label)
}

// labels lists the labels of a menu's items, separators left out.
func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if !it.IsSeparator {
			out = append(out, it.Label)
		}
	}
	return out
}

func (h *harness) focused() fyne.Focusable { return h.win.Canvas().Focused() }

// TestFirstRunThenSignOutAndSignIn: first run creates the organization, its first
// school and the first Organization Administrator, whose password is checked rule by rule
// as it is typed; the administrator is signed in, signs out, and signs in again.
func TestFirstRunThenSignOutAndSignIn(t *testing.T) {
	h := newHarness(t, newFakeEngine())
	h.a.Start()
	h.settle()
	s := h.a.setup
	if s == nil || h.a.shown != s.content {
		t.Fatal("an empty database did not show the first run")
	}
	if h.focused() != s.orgEntry {
		t.Error("the first run does not start in the Organization field")
	}
	test.Type(s.orgEntry, "Riverside USD")
	test.Type(s.schoolEntry, "Lincoln Elementary")
	s.nameEntry.SetText("")
	test.Type(s.nameEntry, "Pat Lee")
	test.Type(s.usernameEntry, "plee")

	// The policy is shown as the password is typed, each rule ticked once met.
	met := func() []bool { return slices.Clone(s.password.rules.met) }
	test.Type(s.password.newPw, "riverside")
	// 9 to 20, upper, lower, digit, no spaces, no long run, not username/email, match
	if got, want := met(), []bool{true, false, true, false, true, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("after typing %q the rules met are %v, want %v", "riverside", got, want)
	}
	if !s.createBtn.Disabled() {
		t.Error("Create is enabled with a password that breaks the policy")
	}
	s.password.newPw.SetText("")
	test.Type(s.password.newPw, "Riverside2026")
	test.Type(s.password.confirm, "Riverside2026")
	if got := met(); slices.Contains(got, false) {
		t.Errorf("a good password typed twice leaves rules unmet: %v", got)
	}
	if s.createBtn.Disabled() {
		t.Fatal("Create stays disabled with everything filled in")
	}
	test.Tap(s.createBtn)
	h.settle()

	if h.a.main == nil || h.a.shown != h.a.main {
		t.Fatal("the main window is not shown after the first run")
	}
	if h.eng.called("Setup") != 1 {
		t.Errorf("Setup called %d times", h.eng.called("Setup"))
	}
	if got := h.a.top.orgLabel.Text; got != "Riverside USD" {
		t.Errorf("organization = %q", got)
	}
	if got := h.a.top.schoolSelect.Selected; got != "Lincoln Elementary" {
		t.Errorf("selected school = %q, want the first school", got)
	}
	if got := h.a.top.profileBtn.Text; got != "Pat Lee · Org Admin" {
		t.Errorf("Profile button = %q", got)
	}
	if a := h.a.actor(); a.Role != core.OperatorOrgAdmin || a.OperatorID == 0 || a.Name != "Pat Lee" {
		t.Errorf("the window acts as %+v, want the new administrator", a)
	}
	if h.eng.called("RunPending") != 1 {
		t.Error("interrupted uploads were not resumed on opening")
	}

	h.profileItem("Sign Out").Action()
	h.settle()
	si := h.a.signIn
	if si == nil || h.a.shown != si.content {
		t.Fatal("Sign Out did not show the sign-in screen")
	}
	if h.focused() != si.username {
		t.Error("the sign-in screen does not start in the username field")
	}
	if h.a.profile.signedIn() || h.a.actor() != (engine.Actor{}) {
		t.Errorf("after Sign Out the window still acts as %+v", h.a.actor())
	}
	// Enter in the username field moves on to the password; Enter there signs in.
	test.Type(si.username, "plee")
	si.username.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.focused() != si.password {
		t.Fatal("Enter in the username field did not move to the password")
	}
	test.Type(si.password, "Riverside2026")
	si.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if h.a.shown != h.a.main || h.a.profile.Session.Username != "plee" {
		t.Fatalf("signing in again: shown main = %v, session %+v", h.a.shown == h.a.main, h.a.profile.Session)
	}
}

// TestFirstRunAfterRosterctlInit: a database rosterctl init made has an organization
// but no administrator; the window asks only for the administrator.
func TestFirstRunAfterRosterctlInit(t *testing.T) {
	eng := newFakeEngine()
	eng.org = &core.Org{Name: "Riverside USD"}
	eng.schools = []core.School{{ID: 1, Name: "Lincoln Elementary"}}
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	s := h.a.setup
	if s == nil || s.state != engine.SetupNeedsAdmin {
		t.Fatal("a database without an administrator did not ask for one")
	}
	if h.focused() != s.nameEntry {
		t.Error("the screen does not start in the name field")
	}
	s.nameEntry.SetText("Pat Lee")
	s.usernameEntry.SetText("plee")
	s.password.newPw.SetText("Riverside2026")
	s.password.confirm.SetText("Riverside2026")
	test.Tap(s.createBtn)
	h.settle()
	if h.a.shown != h.a.main || h.a.top.orgLabel.Text != "Riverside USD" || len(h.a.schools) != 1 {
		t.Fatalf("after creating the administrator: main shown %v, org %q, schools %v", h.a.shown == h.a.main, h.a.top.orgLabel.Text, h.a.schools)
	}
}

// TestSampleDataSignsInAsItsAdministrator: sample data shows its administrator's
// credentials on the sign-in screen, whose first sign-in asks for a password of one's
// own.
func TestSampleDataSignsInAsItsAdministrator(t *testing.T) {
	h := newHarness(t, newFakeEngine())
	h.a.Start()
	h.settle()
	test.Tap(h.a.setup.sampleBtn)
	h.settle()
	si := h.a.signIn
	if si == nil || h.a.shown != si.content {
		t.Fatal("sample data did not lead to the sign-in screen")
	}
	if got := si.note.Text; !si.note.Visible() || !strings.Contains(got, "admin") || !strings.Contains(got, "Qw3rTy7uPk9mZx") {
		t.Errorf("the sign-in screen says %q, want the sample administrator's username and password", got)
	}
	si.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	c := h.a.change
	if c == nil || h.a.shown != c.content {
		t.Fatal("the sample administrator's temporary password did not ask for a new one")
	}
	c.form.newPw.SetText("Sampler2026x")
	c.form.confirm.SetText("Sampler2026x")
	c.form.confirm.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if h.a.shown != h.a.main || h.a.profile.Session.Name != "Sample Administrator" || h.a.top.orgLabel.Text != "Sample District" {
		t.Fatalf("after the change: main shown %v as %+v", h.a.shown == h.a.main, h.a.profile.Session)
	}
	// The credentials are shown once: signing out does not show them again.
	h.profileItem("Sign Out").Action()
	h.settle()
	if h.a.signIn.note.Visible() || h.a.signIn.password.Text != "" {
		t.Error("the sample password is still offered after it was replaced")
	}
}

// teacherWithTemporary gives Ana Diaz's account a temporary password issued daysAgo.
func teacherWithTemporary(eng *fakeEngine, daysAgo int) string {
	pw := "Tmp-Kx7-Qw9z"
	eng.passwords["adiaz"] = fakePassword{password: pw, temporary: true, issued: eng.now.Add(-time.Duration(daysAgo) * 24 * time.Hour)}
	return pw
}

// TestTeacherFirstSignInForcesChange: a teacher signing in with the temporary password
// an import gave them must choose their own first, inside the window.
func TestTeacherFirstSignInForcesChange(t *testing.T) {
	eng := seeded()
	temp := teacherWithTemporary(eng, 3)
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.submitSignIn("adiaz", temp)
	h.settle()
	c := h.a.change
	if c == nil || h.a.shown != c.content {
		t.Fatal("a temporary password signed in without a change")
	}
	if h.focused() != c.form.newPw {
		t.Error("the change screen does not start in the new password field")
	}
	// The engine's own words say why.
	if want := (core.Issue{Code: core.SignInChangeRequired}).Text(); !strings.Contains(c.intro.Text, want) {
		t.Errorf("the change screen does not say %q", want)
	}
	if !c.saveBtn.Disabled() {
		t.Error("Save is enabled before a new password is typed")
	}
	// A password that meets every rule but is the temporary one: the engine refuses,
	// in its words, and the screen stays.
	c.form.newPw.SetText(temp)
	c.form.confirm.SetText(temp)
	if c.saveBtn.Disabled() {
		t.Fatal("Save disabled for a password that meets the listed rules")
	}
	test.Tap(c.saveBtn)
	h.settle()
	if h.a.change != c || !c.message.Visible() || !strings.Contains(c.message.Text, "the same as the current password") {
		t.Fatalf("reusing the temporary password: message %q", c.message.Text)
	}
	c.form.newPw.SetText("Geography42x")
	c.form.confirm.SetText("Geography42")
	if !c.saveBtn.Disabled() {
		t.Error("Save enabled while the two passwords differ")
	}
	c.form.confirm.SetText("Geography42x")
	test.Tap(c.saveBtn)
	h.settle()
	if h.a.shown != h.a.main {
		t.Fatal("the teacher is not signed in after choosing a password")
	}
	if a := h.a.actor(); a.Role != core.OperatorTeacher || a.TeacherID != 10 || a.OperatorID != 0 || a.Name != "Ana Diaz" {
		t.Errorf("the teacher acts as %+v", a)
	}
	if got := h.a.tabs.Items[0].Text; got != "Import Students/Rosters" {
		t.Errorf("page title = %q", got)
	}
	// The old temporary password no longer signs in; the new one does.
	h.profileItem("Sign Out").Action()
	h.settle()
	h.submitSignIn("adiaz", temp)
	if got := h.a.signIn.message.Text; got != (core.Issue{Code: core.SignInWrong}).Text() {
		t.Errorf("the used temporary password: %q", got)
	}
	h.signInAs("adiaz", "Geography42x")
}

// TestExpiredTemporaryPassword: unused for 90 days, a temporary password is refused
// with "ask an administrator to reset it".
func TestExpiredTemporaryPassword(t *testing.T) {
	eng := seeded()
	temp := teacherWithTemporary(eng, 91)
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.submitSignIn("adiaz", temp)
	s := h.a.signIn
	if h.a.shown != s.content || !strings.Contains(s.message.Text, "Ask an administrator to reset it") {
		t.Errorf("an expired temporary password: shown sign-in %v, message %q", h.a.shown == s.content, s.message.Text)
	}
	if s.password.Text != "" || h.focused() != s.password {
		t.Error("after a refusal the password is kept, or the password field has not the focus")
	}
}

// TestFiveWrongPasswordsPause: the fifth wrong password in a row pauses the username's
// sign-in, said with when the pause ends; an unknown username gets the same words; the
// pause ends on time.
func TestFiveWrongPasswordsPause(t *testing.T) {
	h := newHarness(t, seeded())
	h.a.Start()
	h.settle()
	wrong := (core.Issue{Code: core.SignInWrong}).Text()
	until := h.eng.now.Add(5 * time.Minute).Local().Format("15:04")
	for _, user := range []string{"pat", "nobody"} {
		for i := 1; i <= 5; i++ {
			h.submitSignIn(user, "Wrong12345")
			got := h.a.signIn.message.Text
			if i < 5 && got != wrong {
				t.Errorf("%s, wrong password %d: %q, want %q", user, i, got, wrong)
			}
			if i == 5 && (!strings.HasPrefix(got, (core.Issue{Code: core.SignInWrong}).Problem()) || !strings.Contains(got, "paused until "+until)) {
				t.Errorf("%s, wrong password 5: %q, want the pause until %s", user, got, until)
			}
		}
	}
	// The right password waits too.
	h.submitSignIn("pat", patPassword)
	if got := h.a.signIn.message.Text; !strings.Contains(got, "paused until "+until) || h.a.main != nil {
		t.Errorf("the right password during the pause: %q", got)
	}
	h.eng.mu.Lock()
	h.eng.now = h.eng.now.Add(5 * time.Minute)
	h.eng.mu.Unlock()
	h.signInAs("pat", patPassword)
}

// TestAutoLockReturnsToSamePage: after 15 minutes without input the window locks
// itself; the upload running meanwhile goes on; the same account signing in again finds
// the same page, the chosen file and the open dialog as they were.
func TestAutoLockReturnsToSamePage(t *testing.T) {
	eng := seeded()
	running, release := eng.blockRuns()
	h := startedOn(t, eng, "")
	h.a.imp.file = &chosenFile{name: "big.csv", data: []byte("x")}
	h.a.imp.updateButtons()
	test.Tap(h.a.imp.uploadBtn)
	h.runUntilClosed("the upload runs", running)
	h.a.imp.file = &chosenFile{name: "next.csv", data: []byte("y")}
	h.a.showPage(PageAccounts)
	h.runUntil("the accounts are read", func() bool { return len(h.a.accounts.accounts) == 3 })
	h.a.accounts.grid.Select(widget.TableCellID{Row: 1})
	test.Tap(h.a.accounts.resetBtn) // a confirmation dialog is open when the lock comes

	// Input at 14 minutes puts the lock off; 15 minutes without any locks.
	h.lock.Advance(14 * time.Minute)
	h.runUntil("the check ran", func() bool { return len(h.queue) == 0 })
	newActivityWatch(nil, h.a.touch).Cursor() // the pointer moves over the window
	h.lock.Advance(2 * time.Minute)
	h.runUntil("the check ran", func() bool { return len(h.queue) == 0 })
	if h.a.lock.locked {
		t.Fatal("the window locked 2 minutes after input")
	}
	h.lock.Advance(13 * time.Minute)
	h.runUntil("the window locks", func() bool { return h.a.lock.locked })
	s := h.a.signIn
	if h.a.shown != s.content || s.title.Text != "Rosterdesk is locked" || s.username.Text != "pat" || h.focused() != s.password {
		t.Fatalf("locked: shown %v, title %q, username %q", h.a.shown == s.content, s.title.Text, s.username.Text)
	}
	if n := len(h.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs stay over the locked window", n)
	}
	// Neither F5 nor Ctrl+U does anything behind the lock: each would start a
	// background job at once.
	jobs := h.a.jobs.running()
	h.press(fyne.KeyF5)
	h.choose("locked.csv")
	h.typeShortcut(fyne.KeyU)
	if h.a.jobs.running() != jobs || h.a.imp.busy {
		t.Error("the main window's keys still work on the locked window")
	}
	h.a.imp.file = &chosenFile{name: "next.csv", data: []byte("y")}

	// The upload goes on while the window is locked.
	close(release)
	h.runUntil("the upload finishes", func() bool {
		h.eng.mu.Lock()
		defer h.eng.mu.Unlock()
		return h.eng.uploads[0].Status == core.StatusCompletedWithError
	})

	h.signInAs("pat", patPassword)
	if h.a.currentPage() != PageAccounts {
		t.Errorf("after signing in again the page is %s, want accounts", h.a.currentPage())
	}
	if h.a.imp.file == nil || h.a.imp.file.name != "next.csv" {
		t.Error("the chosen file was lost")
	}
	if len(h.win.Canvas().Overlays().List()) != 1 || h.a.accounts.confirm == nil {
		t.Error("the open dialog did not come back")
	}
	h.settle()
	if got := h.a.history.uploads[0].Status; got != core.StatusCompletedWithError {
		t.Errorf("the history shows the upload %s after signing in again", got)
	}
}

// TestLockedWindowOtherAccountStartsFresh: another account signing in at a locked
// window gets a window of its own; nothing of the first person's stays open.
func TestLockedWindowOtherAccountStartsFresh(t *testing.T) {
	h := started(t)
	h.a.showPage(PageHistory)
	h.a.imp.file = &chosenFile{name: "pat.csv", data: []byte("x")}
	old := h.a.main
	h.profileItem("Lock Now").Action()
	h.settle()
	if !h.a.lock.locked {
		t.Fatal("Lock Now did not lock")
	}
	test.Tap(h.a.signIn.otherBtn)
	if h.a.signIn.username.Text != "" || h.focused() != h.a.signIn.username {
		t.Error("Sign in as someone else keeps the username, or the focus is not in it")
	}
	h.signInAs("adiaz", anaPassword)
	h.settle()
	if h.a.main == old || h.a.lock.locked {
		t.Fatal("another account got the locked window")
	}
	if h.a.currentPage() != PageImport || h.a.imp.file != nil {
		t.Errorf("the teacher starts on %s with %v chosen, want a fresh Import page", h.a.currentPage(), h.a.imp.file)
	}
	if a := h.a.actor(); a.Role != core.OperatorTeacher || a.TeacherID != 10 {
		t.Errorf("the window acts as %+v, want Ana Diaz the teacher", a)
	}
}

// TestLockSetting: the auto-lock's delay is a setting kept in the preferences.
func TestLockSetting(t *testing.T) {
	h := started(t)
	if got := h.profileItem("Lock After").Label; got != "Lock After 15 Minutes Without Input…" {
		t.Errorf("menu item = %q", got)
	}
	h.profileItem("Lock After").Action()
	h.a.top.lockSelect.SetSelected("5 minutes")
	h.a.top.dialog.submit()
	if got := h.app.Preferences().Int(prefLockMinutes); got != 5 {
		t.Fatalf("preference %s = %d, want 5", prefLockMinutes, got)
	}
	h.lock.Advance(4 * time.Minute)
	h.runUntil("the check ran", func() bool { return len(h.queue) == 0 })
	if h.a.lock.locked {
		t.Fatal("locked after 4 minutes of a 5-minute setting")
	}
	h.lock.Advance(time.Minute)
	h.runUntil("the window locks after 5 minutes", func() bool { return h.a.lock.locked })
}

// TestObsoletePrefsRemoved: the preferences that remembered a role and a teacher
// anyone could pick are gone.
func TestObsoletePrefsRemoved(t *testing.T) {
	app := test.NewTempApp(t)
	for _, k := range obsoletePrefs {
		app.Preferences().SetString(k, "3")
	}
	New(context.Background(), Config{Engine: seeded(), Window: test.NewTempWindow(t, widget.NewLabel("")), Prefs: app.Preferences()})
	for _, k := range obsoletePrefs {
		if v := app.Preferences().String(k); v != "" {
			t.Errorf("preference %s = %q is still there", k, v)
		}
	}
}

// TestSchoolAdminSchools: a School Organization Administrator's school choices hold only
// their schools, in the Profile menu's Organization section (as in the articles), and
// the Administrators page is not theirs.
func TestSchoolAdminSchools(t *testing.T) {
	eng := seeded()
	eng.schools = append(eng.schools, core.School{ID: 3, Name: "Adams High"})
	eng.operators = append(eng.operators, core.Operator{ID: 2, Username: "sam", Name: "Sam Ortiz", Role: core.OperatorSchoolAdmin,
		Schools: []core.School{{ID: 2, Name: "Washington Middle"}, {ID: 3, Name: "Adams High"}}})
	eng.passwords["sam"] = fakePassword{password: "Principal2026"}
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.signInAs("sam", "Principal2026")
	h.settle()
	top := h.a.top
	if got := top.schoolSelect.Options; !slices.Equal(got, []string{"Adams High", "Washington Middle"}) {
		t.Errorf("school choices = %q, want only Sam's schools", got)
	}
	if top.schoolPick.Visible() || !top.schoolLabel.Visible() || top.schoolsBtn.Visible() {
		t.Error("a School Organization Administrator sees Select School or the Add School button")
	}
	menu := labels(top.profileMenu())
	want := []string{"Sam Ortiz (sam)", "School Organization Administrator", "Organization: Riverside USD", "    Adams High", "    Washington Middle"}
	if !slices.Equal(menu[:len(want)], want) {
		t.Errorf("Profile menu = %q, want it to start %q", menu, want)
	}
	if slices.ContainsFunc(menu, func(l string) bool {
		return strings.Contains(l, "Lincoln") || l == "Teacher" || l == "Organization Administrator"
	}) {
		t.Errorf("the Profile menu offers a school or role Sam does not hold: %q", menu)
	}
	h.selectSchoolViaProfile(t, "Washington Middle")
	if s, _ := h.a.school(); s.Name != "Washington Middle" || top.schoolLabel.Text != "Washington Middle" {
		t.Errorf("school after choosing it in the Profile menu = %q", s.Name)
	}
	if slices.Contains(h.a.tabs.Items, h.a.adminsTab) {
		t.Error("a School Organization Administrator has the Administrators page")
	}
	if a := h.eng.actor(); a.Role != core.OperatorSchoolAdmin || a.OperatorID != 2 {
		t.Errorf("the engine was asked as %+v", a)
	}
}

// TestRolesFromAccount: a person who is both an administrator and a teacher switches
// between the two roles their account holds, and only those; each acts as itself.
func TestRolesFromAccount(t *testing.T) {
	eng := seeded()
	ana, _ := eng.user("adiaz")
	eng.operators = append(eng.operators, core.Operator{ID: 2, Username: "ana.admin", Name: "Ana Diaz", Role: core.OperatorSchoolAdmin,
		Schools: []core.School{{ID: 1, Name: "Lincoln Elementary"}}, Teacher: ana})
	eng.passwords["ana.admin"] = fakePassword{password: "Principal2026"}
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.signInAs("ana.admin", "Principal2026")
	h.settle()
	menu := h.a.top.profileMenu()
	roles := []string{}
	for _, it := range menu.Items {
		if it.Label == string(core.OperatorOrgAdmin) || it.Label == string(core.OperatorSchoolAdmin) || it.Label == string(core.OperatorTeacher) {
			roles = append(roles, it.Label)
			if it.Disabled {
				t.Errorf("role %q cannot be chosen", it.Label)
			}
		}
	}
	if !slices.Equal(roles, []string{"School Organization Administrator", "Teacher"}) {
		t.Fatalf("roles offered = %q, want the two the account holds", roles)
	}
	if a := h.a.actor(); a.Role != core.OperatorSchoolAdmin || a.TeacherID != 0 {
		t.Errorf("first role acts as %+v, want the administrator", a)
	}
	h.profileItem("Teacher").Action()
	h.settle()
	if a := h.a.actor(); a.Role != core.OperatorTeacher || a.TeacherID != 10 || a.OperatorID != 2 {
		t.Errorf("Teacher role acts as %+v, want Ana's teacher account", a)
	}
	if got := h.a.tabs.Items[0].Text; got != "Import Students/Rosters" {
		t.Errorf("page title = %q", got)
	}
	// The teacher's schools are where she teaches: both.
	if got := h.a.top.schoolSelect.Options; !slices.Equal(got, []string{"Lincoln Elementary", "Washington Middle"}) {
		t.Errorf("teacher's schools = %q", got)
	}
	// Uploaded By is the account's name, in either role.
	h.a.imp.file = &chosenFile{name: "class.csv", data: []byte("x")}
	h.a.imp.updateButtons()
	test.Tap(h.a.imp.uploadBtn)
	h.settle()
	if u := h.a.history.uploads; len(u) != 1 || u[0].UploadedBy != "Ana Diaz" || u[0].TeacherID != 10 {
		t.Errorf("history = %+v, want Ana's upload as a teacher", u)
	}
	h.profileItem("School Organization Administrator").Action()
	h.settle()
	if got := h.a.tabs.Items[0].Text; got != "Import Users/Rosters" || h.a.actor().TeacherID != 0 {
		t.Errorf("back as administrator: title %q, actor %+v", got, h.a.actor())
	}
}

// TestSignedOutWhenAccountRemoved: an account removed while signed in is refused by
// the engine at the next click, and the window signs out with the engine's words.
func TestSignedOutWhenAccountRemoved(t *testing.T) {
	h := started(t)
	h.eng.mu.Lock()
	h.eng.operators = nil
	h.eng.mu.Unlock()
	test.Tap(h.a.history.refreshBtn)
	h.settle()
	s := h.a.signIn
	if s == nil || h.a.shown != s.content || h.a.profile.signedIn() {
		t.Fatal("the window stays signed in as a removed account")
	}
	if got, want := s.message.Text, (core.Issue{Code: core.AccessSignedOut}).Text(); got != want {
		t.Errorf("sign-in says %q, want %q", got, want)
	}
}

// TestRefusalInEngineWords: what the window does not hide, the engine refuses, and the
// window shows the engine's words.
func TestRefusalInEngineWords(t *testing.T) {
	h := started(t)
	h.eng.mu.Lock()
	h.eng.enqueue = func(engine.UploadRequest) error {
		return core.Refusal(core.KindDenied, core.AccessSchool, "Lincoln Elementary", "")
	}
	h.eng.mu.Unlock()
	h.a.imp.file = &chosenFile{name: "x.csv", data: []byte("x")}
	h.a.imp.updateButtons()
	test.Tap(h.a.imp.uploadBtn)
	h.settle()
	if got, want := overlayText(h.win), (core.Issue{Code: core.AccessSchool, Value: "Lincoln Elementary"}).Problem(); !strings.Contains(got, want) {
		t.Errorf("error shown = %q, want %q", got, want)
	}
}

// TestChangeMyPassword: the Profile menu changes the signed-in person's own password.
func TestChangeMyPassword(t *testing.T) {
	h := started(t)
	h.profileItem("Change My Password").Action()
	v := h.a.top.own
	if h.focused() != v.current || !v.modal.confirmBtn.Disabled() {
		t.Fatal("the dialog does not start in Current password, or Change is enabled")
	}
	test.Type(v.current, "Wrong12345")
	v.form.newPw.SetText("Riverside2027")
	v.form.confirm.SetText("Riverside2027")
	v.modal.submit()
	h.settle()
	if got := v.message.Text; got != (core.Issue{Code: core.SignInWrong}).Text() {
		t.Errorf("a wrong current password says %q", got)
	}
	v.current.SetText(patPassword)
	v.modal.submit()
	h.settle()
	if !strings.Contains(h.a.status.Text, "Your password is changed") {
		t.Errorf("status = %q", h.a.status.Text)
	}
	h.profileItem("Sign Out").Action()
	h.settle()
	h.signInAs("pat", "Riverside2027")
}

// TestTopBarFitsNarrowWindow: at 800 points a long organization name gives way (it is
// truncated) so the school picker and the Profile button neither overlap it nor each
// other; at 1280 a short name shows whole and the picker sits in the middle.
func TestTopBarFitsNarrowWindow(t *testing.T) {
	h := started(t)
	top := h.a.top
	for _, tc := range []struct {
		width  float32
		org    string
		whole  bool // the name shows whole
		middle bool // the picker is in the middle
	}{
		{800, "Riverside Unified School District of the Northern Valley", false, false},
		{1280, "Riverside USD", true, true},
	} {
		h.a.org.Name = tc.org
		top.update()
		top.bar.Resize(fyne.NewSize(tc.width, top.bar.MinSize().Height))
		left, middle, right := top.orgBox, top.schoolBox, top.profileBtn
		l, m, r := left.Position().X+left.Size().Width, middle.Position().X, right.Position().X
		if l > m || m+middle.Size().Width > r || r+right.Size().Width > tc.width+0.5 {
			t.Errorf("at %.0f points: organization ends at %.0f, picker %.0f–%.0f, Profile from %.0f", tc.width, l, m, m+middle.Size().Width, r)
		}
		if got := (m == (tc.width-middle.Size().Width)/2); got != tc.middle {
			t.Errorf("at %.0f points the picker starts at %.0f: in the middle = %v, want %v", tc.width, m, got, tc.middle)
		}
		shown := ""
		for _, o := range test.LaidOutObjects(top.orgLabel) {
			if txt, ok := o.(*canvas.Text); ok {
				shown += txt.Text
			}
		}
		if got := shown == tc.org; got != tc.whole {
			t.Errorf("at %.0f points the organization shows as %q", tc.width, shown)
		}
	}
}

// running is how many background jobs are running.
func (j *jobTracker) running() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}
