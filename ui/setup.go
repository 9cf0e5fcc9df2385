package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// setupScreen is the first run: it names the organization and its first school, or loads
// sample data to try the app with.
type setupScreen struct {
	a           *App
	orgEntry    *field
	schoolEntry *field
	createBtn   *widget.Button
	sampleBtn   *widget.Button
	content     fyne.CanvasObject
}

func (a *App) showSetup() {
	s := &setupScreen{a: a}
	s.orgEntry = a.newField("e.g. Riverside Unified School District")
	s.schoolEntry = a.newField("e.g. Lincoln Elementary")
	// Enter moves on to the school, and there creates both.
	s.orgEntry.OnSubmitted = func(string) { a.win.Canvas().Focus(s.schoolEntry) }
	s.schoolEntry.OnSubmitted = func(string) { s.onCreate() }
	s.createBtn = widget.NewButtonWithIcon("Create", theme.ConfirmIcon(), s.onCreate)
	s.createBtn.Importance = widget.HighImportance
	s.sampleBtn = widget.NewButton("Try with Sample Data", s.onSample)
	s.orgEntry.OnChanged = func(string) { s.updateButtons() }
	s.schoolEntry.OnChanged = func(string) { s.updateButtons() }
	s.updateButtons()
	title := widget.NewLabelWithStyle("Welcome to Rosterdesk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel("Name your organization (school district) and its first school. You can add and rename schools later.")
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Organization", s.orgEntry),
		widget.NewFormItem("First school", s.schoolEntry),
	)
	sample := widget.NewLabel("Just looking? Sample data creates a made-up district with two schools and a few uploads.")
	sample.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, intro, form, container.NewHBox(layoutSpacer(), s.createBtn),
		widget.NewSeparator(), sample, container.NewHBox(layoutSpacer(), s.sampleBtn))
	s.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height), box))
	a.setup = s
	a.win.SetContent(s.content)
	a.win.Canvas().Focus(s.orgEntry)
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

func (s *setupScreen) updateButtons() {
	setEnabled(s.createBtn, strings.TrimSpace(s.orgEntry.Text) != "" && strings.TrimSpace(s.schoolEntry.Text) != "")
}

func (s *setupScreen) busy(on bool) {
	setEnabled(s.sampleBtn, !on)
	if on {
		s.createBtn.Disable()
	} else {
		s.updateButtons()
	}
}

func (s *setupScreen) onCreate() {
	org := strings.TrimSpace(s.orgEntry.Text)
	school := strings.TrimSpace(s.schoolEntry.Text)
	if org == "" || school == "" || s.createBtn.Disabled() {
		return // not both names yet, or already creating (Enter pressed twice)
	}
	s.busy(true)
	owner := s.a.owner()
	s.a.background("create organization", func(ctx context.Context) error {
		if _, err := s.a.eng.Init(ctx, org); err != nil {
			return err
		}
		_, err := s.a.eng.AddSchool(ctx, owner, school)
		return err
	}, s.done)
}

func (s *setupScreen) onSample() {
	s.busy(true)
	s.a.background("create sample data", func(ctx context.Context) error {
		_, err := s.a.eng.InitSample(ctx)
		return err
	}, s.done)
}

func (s *setupScreen) done(err error) {
	s.busy(false)
	if err != nil {
		s.a.showError(err)
		return
	}
	s.a.openMain()
}
