package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// setupScreen is the first run: it names the organization and its first school and
// creates the first Organization Administrator, who is then signed in; or it loads
// sample data to try the app with. A database made by rosterctl init without an
// administrator asks only for the administrator (and a first school if it has none).
type setupScreen struct {
	a     *App
	state engine.SetupState

	orgEntry      *widget.Entry
	schoolEntry   *widget.Entry
	nameEntry     *widget.Entry
	usernameEntry *widget.Entry
	emailEntry    *widget.Entry
	password      *passwordForm
	createBtn     *widget.Button
	sampleBtn     *widget.Button
	message       *widget.Label
	content       fyne.CanvasObject

	busy bool
}

func (a *App) showSetup(state engine.SetupState) {
	s := &setupScreen{a: a, state: state}
	s.orgEntry = widget.NewEntry()
	s.orgEntry.SetPlaceHolder("e.g. Riverside Unified School District")
	s.schoolEntry = widget.NewEntry()
	s.schoolEntry.SetPlaceHolder("e.g. Lincoln Elementary")
	s.nameEntry = widget.NewEntry()
	s.nameEntry.SetPlaceHolder("e.g. Pat Lee")
	s.nameEntry.SetText(osUser())
	s.usernameEntry = widget.NewEntry()
	s.usernameEntry.SetPlaceHolder("e.g. plee — what you will sign in with")
	s.emailEntry = widget.NewEntry()
	s.emailEntry.SetPlaceHolder("Optional")
	s.password = newPasswordForm(func() (string, string) {
		return strings.TrimSpace(s.usernameEntry.Text), strings.TrimSpace(s.emailEntry.Text)
	}, s.updateButtons)
	for _, e := range []*widget.Entry{s.orgEntry, s.schoolEntry, s.nameEntry, s.usernameEntry, s.emailEntry} {
		e.OnChanged = func(string) { s.password.update(); s.updateButtons() }
	}
	// Enter moves on to the next field, and in the last one creates everything.
	next := []fyne.Focusable{s.orgEntry, s.schoolEntry, s.nameEntry, s.usernameEntry, s.emailEntry, s.password.newPw, s.password.confirm}
	for i, e := range []*widget.Entry{s.orgEntry, s.schoolEntry, s.nameEntry, s.usernameEntry, s.emailEntry, s.password.newPw} {
		e.OnSubmitted = func(string) { a.win.Canvas().Focus(next[i+1]) }
	}
	s.password.confirm.OnSubmitted = func(string) { s.onCreate() }
	s.createBtn = widget.NewButtonWithIcon("Create and Sign In", theme.ConfirmIcon(), s.onCreate)
	s.createBtn.Importance = widget.HighImportance
	s.sampleBtn = widget.NewButton("Try with Sample Data", s.onSample)
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.message.Hide()

	// One form, so every label lines up; the sections are headings inside it.
	section := func(text string) *widget.FormItem {
		return widget.NewFormItem("", widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	intro := widget.NewLabel("")
	intro.Wrapping = fyne.TextWrapWord
	box := container.NewVBox()
	form := widget.NewForm()
	first := fyne.Focusable(s.orgEntry)
	if state == engine.SetupNewDatabase {
		intro.SetText("Name your organization (school district) and its first school, and create your own account: " +
			"you will be its first Organization Administrator, and can add schools and administrators later.")
		box.Add(heading("Welcome to Rosterdesk"))
		form.AppendItem(section("Organization"))
		form.Append("Name", s.orgEntry)
	} else {
		intro.SetText(a.org.Name + " has no administrator account yet, so nobody can sign in. Create yours: " +
			"you will be its first Organization Administrator.")
		s.schoolEntry.SetPlaceHolder("Only if the organization has no school yet")
		box.Add(heading("Create the first administrator"))
		form.AppendItem(section(a.org.Name))
		first = s.nameEntry
	}
	box.Add(intro)
	form.Append("First school", s.schoolEntry)
	form.AppendItem(section("Your administrator account"))
	form.Append("Your name", s.nameEntry)
	form.Append("Username", s.usernameEntry)
	form.Append("Email", s.emailEntry)
	pw := s.password.items()
	pw[0].Text = "Password"
	for _, it := range pw {
		form.AppendItem(it)
	}
	box.Add(form)
	box.Add(s.password.rules.content)
	box.Add(s.message)
	box.Add(a.lockNote)
	box.Add(container.NewHBox(layout.NewSpacer(), s.createBtn))
	if state == engine.SetupNewDatabase {
		sample := widget.NewLabel("Just looking? Sample data creates a made-up district with two schools, a few uploads and an administrator to sign in as.")
		sample.Wrapping = fyne.TextWrapWord
		box.Add(widget.NewSeparator())
		box.Add(sample)
		box.Add(container.NewHBox(layout.NewSpacer(), s.sampleBtn))
	}
	s.content = centered(box, 580)
	s.updateButtons()
	a.setup = s
	a.show(s.content)
	a.win.Canvas().Focus(first)
}

func (s *setupScreen) ready() bool {
	filled := func(e *widget.Entry) bool { return strings.TrimSpace(e.Text) != "" }
	if s.state == engine.SetupNewDatabase && (!filled(s.orgEntry) || !filled(s.schoolEntry)) {
		return false
	}
	return filled(s.nameEntry) && filled(s.usernameEntry) && s.password.ok()
}

func (s *setupScreen) updateButtons() {
	setEnabled(s.createBtn, !s.busy && s.ready())
	setEnabled(s.sampleBtn, !s.busy)
}

func (s *setupScreen) setBusy(on bool) {
	s.busy = on
	s.updateButtons()
}

func (s *setupScreen) fail(err error) {
	s.message.SetText(core.ErrorMessage(err))
	s.message.Show()
}

// onCreate creates the organization, its first school and the first Organization
// Administrator in one go, and signs that administrator in.
func (s *setupScreen) onCreate() {
	if s.busy || !s.ready() {
		return
	}
	req := engine.SetupRequest{
		Org:    strings.TrimSpace(s.orgEntry.Text),
		School: strings.TrimSpace(s.schoolEntry.Text),
		Admin: engine.NewOperator{
			Username: strings.TrimSpace(s.usernameEntry.Text),
			Name:     strings.TrimSpace(s.nameEntry.Text),
			Email:    strings.TrimSpace(s.emailEntry.Text),
			Role:     core.OperatorOrgAdmin,
		},
		Password: s.password.newPw.Text,
	}
	s.setBusy(true)
	var sess engine.Session
	s.a.background("first run", func(ctx context.Context) error {
		var err error
		sess, err = s.a.eng.Setup(ctx, req)
		return err
	}, func(err error) {
		s.setBusy(false)
		if err != nil {
			s.fail(err)
			return
		}
		s.a.setup = nil
		s.a.signedIn(sess)
	})
}

// onSample makes the sample district and shows the sign-in screen with its
// administrator's username and temporary password.
func (s *setupScreen) onSample() {
	if s.busy {
		return
	}
	s.setBusy(true)
	var res engine.SampleResult
	s.a.background("create sample data", func(ctx context.Context) error {
		var err error
		res, err = s.a.eng.InitSample(ctx)
		return err
	}, func(err error) {
		s.setBusy(false)
		if err != nil {
			s.fail(err)
			return
		}
		s.a.setup = nil
		s.a.org = res.Org
		s.a.sample = res.Admin
		s.a.showSignIn()
	})
}
