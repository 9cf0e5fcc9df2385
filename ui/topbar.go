package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

// topBar shows the organization, the Select School drop-down and the Profile menu.
type topBar struct {
	a            *App
	orgLabel     *widget.Label
	schoolPrompt *widget.Label // "Select School:", or "School:" where the Profile menu chooses it
	schoolSelect *widget.Select
	schoolPick   *fyne.Container // the drop-down at its width
	schoolLabel  *widget.Label   // the school, when the Profile menu chooses it
	schoolsBtn   *widget.Button
	profileBtn   *widget.Button
	content      fyne.CanvasObject

	// The open menu and dialog, kept for tests.
	menu   *fyne.Menu
	dialog *modal
	// form fields of the open dialog
	nameEntry    *field
	schoolChecks []*keyCheck
	schoolHint   *widget.Label
	teacherPick  *keySelect
	teachers     []core.Account
}

func newTopBar(a *App) *topBar {
	t := &topBar{a: a}
	t.orgLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.schoolSelect = widget.NewSelect(nil, t.onSchoolSelected)
	t.schoolSelect.PlaceHolder = "Select School"
	t.schoolPrompt = widget.NewLabel("Select School:")
	t.schoolPick = container.NewGridWrap(fyne.NewSize(260, t.schoolSelect.MinSize().Height), t.schoolSelect)
	t.schoolLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.schoolsBtn = widget.NewButtonWithIcon("", theme.SettingsIcon(), t.onSchoolsMenu)
	t.profileBtn = widget.NewButtonWithIcon("Profile", theme.AccountIcon(), t.onProfileMenu)
	schoolBox := container.NewHBox(t.schoolPrompt, t.schoolPick, t.schoolLabel, t.schoolsBtn)
	t.content = container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.HomeIcon()), t.orgLabel), t.profileBtn, container.NewCenter(schoolBox)),
		widget.NewSeparator(),
	)
	return t
}

// update shows the profile's role, school and name.
func (t *topBar) update() {
	a := t.a
	t.orgLabel.SetText(a.org.Name)
	choices := a.profile.schoolChoices(a.schools)
	names := make([]string, len(choices))
	selected := ""
	for i, s := range choices {
		names[i] = s.Name
		if s.ID == a.profile.SchoolID {
			selected = s.Name
		}
	}
	t.schoolSelect.SetOptions(names)
	if selected != t.schoolSelect.Selected {
		if selected == "" {
			t.schoolSelect.ClearSelected()
		} else {
			t.schoolSelect.SetSelected(selected)
		}
	}
	// Organization Administrators pick the school in the drop-down; the other roles pick
	// it in the Profile menu, as in the articles.
	if a.profile.Role == RoleOrgAdmin {
		t.schoolPrompt.SetText("Select School:")
		t.schoolPick.Show()
		t.schoolLabel.Hide()
		t.schoolsBtn.Show()
	} else {
		// A static name, beside its label: no empty drop-down's width between them.
		t.schoolPrompt.SetText("School:")
		t.schoolPick.Hide()
		if selected == "" {
			selected = "none — choose one in the Profile menu"
		}
		t.schoolLabel.SetText(selected)
		t.schoolLabel.Show()
		t.schoolsBtn.Hide()
	}
	label := a.profile.Name
	if label == "" {
		label = "Profile"
	}
	t.profileBtn.SetText(label + " · " + shortRole(a.profile.Role))
}

func shortRole(r Role) string {
	switch r {
	case RoleSchoolAdmin:
		return "School Admin"
	case RoleTeacher:
		return "Teacher"
	}
	return "Org Admin"
}

func (t *topBar) onSchoolSelected(name string) {
	for _, s := range t.a.schools {
		if s.Name == name {
			t.a.selectSchool(s.ID)
			return
		}
	}
}

// profileMenu is the Profile menu: the name, the roles, and the Organization section
// from which School Organization Administrators and teachers pick their school.
func (t *topBar) profileMenu() *fyne.Menu {
	a := t.a
	p := a.profile
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Name (Uploaded By): "+p.Name+"…", t.onEditName),
		fyne.NewMenuItemSeparator(),
	}
	role := func(label string, r Role, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		it.Checked = p.Role == r
		return it
	}
	teacherLabel := "Teacher…"
	if p.Role == RoleTeacher {
		teacherLabel = "Teacher: " + p.Teacher.FullName() + "…"
	}
	items = append(items,
		role("Organization Administrator", RoleOrgAdmin, t.onRoleOrgAdmin),
		role("School Organization Administrator…", RoleSchoolAdmin, t.onRoleSchoolAdmin),
		role(teacherLabel, RoleTeacher, t.onRoleTeacher),
	)
	if p.Role != RoleOrgAdmin {
		items = append(items, fyne.NewMenuItemSeparator())
		head := fyne.NewMenuItem("Organization: "+a.org.Name, nil)
		head.Disabled = true
		items = append(items, head)
		for _, s := range p.schoolChoices(a.schools) {
			it := fyne.NewMenuItem("    "+s.Name, func() { a.selectSchool(s.ID) })
			it.Checked = s.ID == p.SchoolID
			items = append(items, it)
		}
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("About Rosterdesk…", t.onAbout))
	return fyne.NewMenu("Profile", items...)
}

func (t *topBar) onProfileMenu() {
	t.menu = t.profileMenu()
	t.showMenuBelow(t.menu, t.profileBtn)
}

func (t *topBar) showMenuBelow(m *fyne.Menu, under fyne.CanvasObject) {
	widget.ShowPopUpMenuAtRelativePosition(m, t.a.win.Canvas(), fyne.NewPos(0, under.Size().Height), under)
}

func (t *topBar) onEditName() {
	t.askText("Your name", "Name (Uploaded By)", "Save", t.a.profile.Name, "Your name", func(name string) {
		t.a.profile.Name = name
		t.a.applyProfile()
	})
}

// askText asks for one line of text in a dialog whose field has the focus; Enter saves
// it, Escape cancels, and an empty answer keeps the dialog open.
func (t *topBar) askText(title, label, confirm, current, placeholder string, then func(string)) {
	t.nameEntry = t.a.newField(placeholder)
	t.nameEntry.SetText(current)
	hint := widget.NewLabel("")
	hint.Importance = widget.DangerImportance
	hint.Hide()
	form := widget.NewForm(widget.NewFormItem(label, t.nameEntry))
	t.dialog = t.a.showModal(modalSpec{title: title, content: container.NewVBox(form, hint), confirm: confirm,
		first: t.nameEntry, size: fyne.NewSize(440, 0), onConfirm: func() bool {
			text := strings.TrimSpace(t.nameEntry.Text)
			if text == "" {
				hint.SetText("Type the " + strings.ToLower(label) + " first.")
				hint.Show()
				return false
			}
			then(text)
			return true
		}})
	m := t.dialog
	t.nameEntry.OnSubmitted = func(string) { m.submit() }
}

func (t *topBar) onRoleOrgAdmin() {
	t.a.profile.Role = RoleOrgAdmin
	t.a.applyProfile()
}

func (t *topBar) onRoleSchoolAdmin() {
	a := t.a
	t.schoolChecks = nil
	boxes := container.NewVBox()
	t.schoolHint = widget.NewLabel("Tick at least one school that you manage.")
	ticked := func() (ids []int64) {
		for i, c := range t.schoolChecks {
			if c.Checked {
				ids = append(ids, a.schools[i].ID)
			}
		}
		return ids
	}
	for _, s := range a.schools {
		c := a.newCheck(s.Name, func(bool) {
			if len(ticked()) > 0 {
				t.schoolHint.Importance = widget.MediumImportance
			}
			t.schoolHint.Refresh()
		})
		c.Checked = slices.Contains(a.profile.Managed, s.ID)
		t.schoolChecks = append(t.schoolChecks, c)
		boxes.Add(c)
	}
	var first fyne.Focusable
	if len(t.schoolChecks) > 0 {
		first = t.schoolChecks[0]
	}
	t.dialog = a.showModal(modalSpec{title: "Schools you manage", confirm: "Use this role", first: first,
		content: container.NewBorder(t.schoolHint, nil, nil, nil, container.NewVScroll(boxes)), size: fyne.NewSize(420, 360),
		onConfirm: func() bool {
			ids := ticked()
			if len(ids) == 0 {
				// Say what is missing and keep the choice made so far.
				t.schoolHint.Importance = widget.DangerImportance
				t.schoolHint.Refresh()
				return false
			}
			a.profile.Role = RoleSchoolAdmin
			a.profile.Managed = ids
			a.profile.fixSchool(a.schools)
			a.applyProfile()
			return true
		}})
}

// onRoleTeacher asks which teacher account the operator is, among the teachers of the
// selected school, and finds that teacher's schools.
func (t *topBar) onRoleTeacher() {
	a := t.a
	school, ok := a.requireSchool()
	if !ok {
		return
	}
	var teachers []core.Account
	owner := a.owner()
	a.background("list teachers", func(ctx context.Context) error {
		var err error
		teachers, err = a.eng.Teachers(ctx, owner, school.ID)
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if len(teachers) == 0 {
			a.showMessage("No teachers", school.Name+" has no teacher accounts yet. Import teachers first, as an administrator.")
			return
		}
		t.showTeacherPicker(school, teachers)
	})
}

func (t *topBar) showTeacherPicker(school core.School, teachers []core.Account) {
	a := t.a
	t.teachers = teachers
	names := make([]string, len(teachers))
	for i, tc := range teachers {
		names[i] = teacherChoice(tc)
	}
	t.teacherPick = a.newSelect(names, nil)
	if a.profile.Role == RoleTeacher {
		t.teacherPick.SetSelected(teacherChoice(a.profile.Teacher))
	}
	hint := widget.NewLabel("")
	hint.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem("School", widget.NewLabel(school.Name)),
		widget.NewFormItem("Teacher", t.teacherPick),
	)
	t.dialog = a.showModal(modalSpec{title: "Which teacher are you?", confirm: "Use this role", first: t.teacherPick,
		content: container.NewVBox(form, hint), size: fyne.NewSize(460, 0), onConfirm: func() bool {
			i := t.teacherPick.SelectedIndex()
			if i < 0 {
				hint.SetText("Choose your name in the list first.")
				return false
			}
			t.becomeTeacher(t.teachers[i], school.ID)
			return true
		}})
}

// becomeTeacher switches to the Teacher role as account tc, after finding the schools the
// teacher belongs to (the Organization section of the Profile menu lists them).
func (t *topBar) becomeTeacher(tc core.Account, schoolID int64) {
	a := t.a
	var mine []int64
	owner := a.owner()
	a.background("find the teacher's schools", func(ctx context.Context) error {
		schools, err := a.eng.TeacherSchools(ctx, owner, tc.ID)
		for _, s := range schools {
			mine = append(mine, s.ID)
		}
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if !slices.Contains(mine, schoolID) {
			mine = append(mine, schoolID)
		}
		a.profile.Role = RoleTeacher
		a.profile.Teacher = tc
		a.profile.TeacherSchools = mine
		a.profile.SchoolID = schoolID
		a.applyProfile()
	})
}

func teacherChoice(a core.Account) string {
	return a.FullName() + " (" + a.Username + ")"
}

// schoolsMenu offers adding and renaming schools (Organization Administrators).
func (t *topBar) schoolsMenu() *fyne.Menu {
	rename := fyne.NewMenuItem("Rename This School…", t.onRenameSchool)
	_, ok := t.a.school()
	rename.Disabled = !ok
	return fyne.NewMenu("Schools", fyne.NewMenuItem("Add School…", t.onAddSchool), rename)
}

func (t *topBar) onSchoolsMenu() {
	t.menu = t.schoolsMenu()
	t.showMenuBelow(t.menu, t.schoolsBtn)
}

func (t *topBar) onAddSchool() {
	t.askSchoolName("Add School", "Add", "", func(name string) {
		a := t.a
		var s core.School
		owner := a.owner()
		a.background("add school", func(ctx context.Context) error {
			var err error
			s, err = a.eng.AddSchool(ctx, owner, name)
			return err
		}, func(err error) {
			if err != nil {
				a.showError(err)
				return
			}
			a.refreshSchools(s.ID)
		})
	})
}

func (t *topBar) onRenameSchool() {
	a := t.a
	cur, ok := a.school()
	if !ok {
		return
	}
	t.askSchoolName("Rename School", "Rename", cur.Name, func(name string) {
		owner := a.owner()
		a.background("rename school", func(ctx context.Context) error {
			return a.eng.RenameSchool(ctx, owner, cur.ID, name)
		}, func(err error) {
			if err != nil {
				a.showError(err)
				return
			}
			a.refreshSchools(cur.ID)
		})
	})
}

func (t *topBar) askSchoolName(title, confirm, current string, then func(string)) {
	t.askText(title, "School name", confirm, current, "e.g. Lincoln Elementary", then)
}
