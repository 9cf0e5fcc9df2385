package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

// topBar shows the organization, the Select School drop-down and the Profile menu.
type topBar struct {
	a            *App
	orgLabel     *widget.Label
	schoolSelect *widget.Select
	schoolLabel  *widget.Label // the school, when the Profile menu chooses it
	schoolsBtn   *widget.Button
	profileBtn   *widget.Button
	content      fyne.CanvasObject

	// The open menu and dialog, kept for tests.
	menu   *fyne.Menu
	dialog dialog.Dialog
	// form fields of the open dialog
	nameEntry    *widget.Entry
	schoolChecks *widget.CheckGroup
	teacherPick  *widget.Select
	teachers     []core.Account
}

func newTopBar(a *App) *topBar {
	t := &topBar{a: a}
	t.orgLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.schoolSelect = widget.NewSelect(nil, t.onSchoolSelected)
	t.schoolSelect.PlaceHolder = "Select School"
	t.schoolLabel = widget.NewLabel("")
	t.schoolsBtn = widget.NewButtonWithIcon("", theme.SettingsIcon(), t.onSchoolsMenu)
	t.profileBtn = widget.NewButtonWithIcon("Profile", theme.AccountIcon(), t.onProfileMenu)
	schoolBox := container.NewHBox(widget.NewLabel("Select School:"), container.NewGridWrap(fyne.NewSize(260, t.schoolSelect.MinSize().Height), t.schoolSelect), t.schoolLabel, t.schoolsBtn)
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
		t.schoolSelect.Show()
		t.schoolLabel.Hide()
		t.schoolsBtn.Show()
	} else {
		t.schoolSelect.Hide()
		t.schoolLabel.SetText(selected)
		t.schoolLabel.TextStyle = fyne.TextStyle{Bold: true}
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
		teacherLabel = "Teacher: " + fullName(p.Teacher) + "…"
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
	t.nameEntry = widget.NewEntry()
	t.nameEntry.SetText(t.a.profile.Name)
	d := dialog.NewForm("Your name", "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Name", t.nameEntry),
	}, func(ok bool) {
		name := strings.TrimSpace(t.nameEntry.Text)
		if !ok || name == "" {
			return
		}
		t.a.profile.Name = name
		t.a.applyProfile()
	}, t.a.win)
	d.Resize(fyne.NewSize(420, 160))
	t.dialog = d
	d.Show()
}

func (t *topBar) onRoleOrgAdmin() {
	t.a.profile.Role = RoleOrgAdmin
	t.a.applyProfile()
}

func (t *topBar) onRoleSchoolAdmin() {
	a := t.a
	names := make([]string, len(a.schools))
	var checked []string
	for i, s := range a.schools {
		names[i] = s.Name
		if slices.Contains(a.profile.Managed, s.ID) {
			checked = append(checked, s.Name)
		}
	}
	t.schoolChecks = widget.NewCheckGroup(names, nil)
	t.schoolChecks.SetSelected(checked)
	d := dialog.NewCustomConfirm("Schools you manage", "Use this role", "Cancel",
		container.NewVScroll(t.schoolChecks), func(ok bool) {
			if !ok {
				return
			}
			var ids []int64
			for _, s := range a.schools {
				if slices.Contains(t.schoolChecks.Selected, s.Name) {
					ids = append(ids, s.ID)
				}
			}
			if len(ids) == 0 {
				dialog.ShowInformation("No school chosen", "Tick at least one school that you manage.", a.win)
				return
			}
			a.profile.Role = RoleSchoolAdmin
			a.profile.Managed = ids
			a.profile.fixSchool(a.schools)
			a.applyProfile()
		}, a.win)
	d.Resize(fyne.NewSize(420, 360))
	t.dialog = d
	d.Show()
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
	a.background("list teachers", func(ctx context.Context) error {
		var err error
		teachers, err = a.eng.Teachers(ctx, school.ID)
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if len(teachers) == 0 {
			dialog.ShowInformation("No teachers", school.Name+" has no teacher accounts yet. Import teachers first, as an administrator.", a.win)
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
	t.teacherPick = widget.NewSelect(names, nil)
	if a.profile.Role == RoleTeacher {
		t.teacherPick.SetSelected(teacherChoice(a.profile.Teacher))
	}
	d := dialog.NewForm("Which teacher are you?", "Use this role", "Cancel", []*widget.FormItem{
		widget.NewFormItem("School", widget.NewLabel(school.Name)),
		widget.NewFormItem("Teacher", t.teacherPick),
	}, func(ok bool) {
		i := t.teacherPick.SelectedIndex()
		if !ok || i < 0 {
			return
		}
		t.becomeTeacher(t.teachers[i], school.ID)
	}, a.win)
	d.Resize(fyne.NewSize(460, 200))
	t.dialog = d
	d.Show()
}

// becomeTeacher switches to the Teacher role as account tc, after finding the schools the
// teacher belongs to (the Organization section of the Profile menu lists them).
func (t *topBar) becomeTeacher(tc core.Account, schoolID int64) {
	a := t.a
	schools := a.schools
	var mine []int64
	a.background("find the teacher's schools", func(ctx context.Context) error {
		var err error
		mine, err = teacherSchools(ctx, a.eng, schools, tc.ID)
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

func teacherSchools(ctx context.Context, eng Engine, schools []core.School, teacherID int64) ([]int64, error) {
	var ids []int64
	for _, s := range schools {
		ts, err := eng.Teachers(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		for _, tc := range ts {
			if tc.ID == teacherID {
				ids = append(ids, s.ID)
				break
			}
		}
	}
	return ids, nil
}

func teacherChoice(a core.Account) string {
	return fullName(a) + " (" + a.Username + ")"
}

func fullName(a core.Account) string {
	return strings.TrimSpace(a.FirstName + " " + a.LastName)
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
		a.background("add school", func(ctx context.Context) error {
			var err error
			s, err = a.eng.AddSchool(ctx, name)
			return err
		}, func(err error) {
			if err != nil {
				a.showError(err)
				return
			}
			t.reloadSchools(s.ID)
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
		a.background("rename school", func(ctx context.Context) error {
			return a.eng.RenameSchool(ctx, cur.ID, name)
		}, func(err error) {
			if err != nil {
				a.showError(err)
				return
			}
			t.reloadSchools(cur.ID)
		})
	})
}

func (t *topBar) askSchoolName(title, confirm, current string, then func(string)) {
	t.nameEntry = widget.NewEntry()
	t.nameEntry.SetText(current)
	t.nameEntry.SetPlaceHolder("School name")
	d := dialog.NewForm(title, confirm, "Cancel", []*widget.FormItem{
		widget.NewFormItem("School name", t.nameEntry),
	}, func(ok bool) {
		name := strings.TrimSpace(t.nameEntry.Text)
		if ok && name != "" {
			then(name)
		}
	}, t.a.win)
	d.Resize(fyne.NewSize(440, 160))
	t.dialog = d
	d.Show()
}

// reloadSchools reads the school list again and selects school id.
func (t *topBar) reloadSchools(id int64) {
	a := t.a
	var schools []core.School
	a.background("list schools", func(ctx context.Context) error {
		var err error
		schools, err = a.eng.Schools(ctx)
		return err
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		a.schools = schools
		if id != 0 {
			a.profile.SchoolID = id
		}
		a.profile.fixSchool(schools)
		a.applyProfile()
	})
}
