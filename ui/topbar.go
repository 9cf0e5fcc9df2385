package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

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
	// bar holds orgBox, schoolBox and profileBtn in a barLayout.
	bar               *fyne.Container
	orgBox, schoolBox fyne.CanvasObject
	content           fyne.CanvasObject

	// The open menu and dialog, kept for tests.
	menu   *fyne.Menu
	dialog *modal
	// form fields of the open dialog
	nameEntry  *field
	lockSelect *keySelect
	own        *changeOwnPassword
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
	t.schoolBox = container.NewHBox(t.schoolPrompt, t.schoolPick, t.schoolLabel, t.schoolsBtn)
	home := widget.NewIcon(theme.HomeIcon())
	t.orgBox = container.NewBorder(nil, nil, home, nil, t.orgLabel)
	// The name's whole width, measured on a label that never truncates; a label given
	// exactly its text's width may still truncate it (float rounding), hence the padding.
	whole := widget.NewLabelWithStyle("", fyne.TextAlignLeading, t.orgLabel.TextStyle)
	orgWidth := func() float32 {
		whole.SetText(t.orgLabel.Text)
		return home.MinSize().Width + 2*theme.Padding() + whole.MinSize().Width
	}
	t.bar = container.New(barLayout{leftWidth: orgWidth, name: t.orgLabel}, t.orgBox, t.schoolBox, t.profileBtn)
	t.content = container.NewVBox(t.bar, widget.NewSeparator())
	return t
}

// barLayout lays the top bar out: the organization on the left, the Profile button on
// the right, and the school picker in the middle of the window when there is room, else
// just after the organization, whose name then gives up width (it is cut short, the
// one label outside a grid that ever is: only when a long name meets a narrow window)
// before the picker or the Profile button does.
type barLayout struct {
	leftWidth func() float32 // the organization's whole width
	name      *widget.Label  // the organization's name, cut when it must be
}

// Layout places the left, middle and right objects.
func (l barLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	left, middle, right := objects[0], objects[1], objects[2]
	pad := theme.Padding()
	place := func(o fyne.CanvasObject, x, w float32) {
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
	}
	rw, mw := right.MinSize().Width, middle.MinSize().Width
	place(right, size.Width-rw, rw)
	whole := l.leftWidth()
	lw := max(0, min(whole, size.Width-rw-mw-2*pad))
	cut := fyne.TextTruncateOff
	if lw < whole {
		cut = fyne.TextTruncateEllipsis
	}
	if l.name.Truncation != cut {
		l.name.Truncation = cut
		l.name.Refresh()
	}
	place(left, 0, lw)
	x := max((size.Width-mw)/2, lw+pad)
	place(middle, min(x, size.Width-rw-pad-mw), mw)
}

// MinSize is the picker and the Profile button whole, and the organization's icon.
func (l barLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objects {
		m := o.MinSize()
		s.Height = max(s.Height, m.Height)
		if i > 0 {
			s.Width += m.Width + theme.Padding()
		}
	}
	s.Width += theme.IconInlineSize() + 2*theme.Padding()
	return s
}

// update shows the profile's role, school and name. The schools offered are the role's,
// as the engine lists them.
func (t *topBar) update() {
	a := t.a
	t.orgLabel.SetText(a.org.Name)
	defer t.bar.Refresh() // the name's width, and the picker's, decide the bar's layout
	names := make([]string, len(a.schools))
	selected := ""
	for i, s := range a.schools {
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
	if a.profile.Role == core.OperatorOrgAdmin {
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
	t.profileBtn.SetText(a.profile.Session.Name + " · " + shortRole(a.profile.Role))
}

func (t *topBar) onSchoolSelected(name string) {
	for _, s := range t.a.schools {
		if s.Name == name {
			t.a.selectSchool(s.ID)
			return
		}
	}
}

// profileMenu is the Profile menu: who is signed in, the roles their account holds, the
// Organization section from which School Organization Administrators and teachers pick
// their school, and the account's own settings.
func (t *topBar) profileMenu() *fyne.Menu {
	a := t.a
	p := a.profile
	who := fyne.NewMenuItem(p.Session.Name+" ("+p.Session.Username+")", nil)
	who.Disabled = true
	items := []*fyne.MenuItem{who, fyne.NewMenuItemSeparator()}
	// Only the roles the account holds; with one role there is nothing to switch to.
	for _, g := range p.Session.Roles {
		it := fyne.NewMenuItem(string(g.Role), func() { a.switchRole(g.Role) })
		it.Checked = g.Role == p.Role
		it.Disabled = len(p.Session.Roles) == 1
		items = append(items, it)
	}
	if p.Role != core.OperatorOrgAdmin {
		items = append(items, fyne.NewMenuItemSeparator())
		head := fyne.NewMenuItem("Organization: "+a.org.Name, nil)
		head.Disabled = true
		items = append(items, head)
		for _, s := range a.schools {
			it := fyne.NewMenuItem("    "+s.Name, func() { a.selectSchool(s.ID) })
			it.Checked = s.ID == p.SchoolID
			items = append(items, it)
		}
	}
	items = append(items,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Change My Password…", t.onChangePassword),
		fyne.NewMenuItem("Lock After "+minutes(a.lockAfter())+" Without Input…", t.onLockSetting),
		fyne.NewMenuItem("Lock Now", a.lockNow),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About Rosterdesk…", t.onAbout),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Sign Out", a.signOut),
	)
	return fyne.NewMenu("Profile", items...)
}

func (t *topBar) onProfileMenu() {
	t.menu = t.profileMenu()
	t.showMenuBelow(t.menu, t.profileBtn)
}

func (t *topBar) showMenuBelow(m *fyne.Menu, under fyne.CanvasObject) {
	widget.ShowPopUpMenuAtRelativePosition(m, t.a.win.Canvas(), fyne.NewPos(0, under.Size().Height), under)
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

// minutes says a duration of whole minutes in words.
func minutes(d time.Duration) string {
	switch m := int(d / time.Minute); {
	case m == 1:
		return "1 Minute"
	case m == 60:
		return "1 Hour"
	default:
		return strconv.Itoa(m) + " Minutes"
	}
}

// onLockSetting asks how long the window waits without input before locking itself.
func (t *topBar) onLockSetting() {
	a := t.a
	names := make([]string, len(lockChoices))
	for i, m := range lockChoices {
		names[i] = strings.ToLower(minutes(time.Duration(m) * time.Minute))
	}
	t.lockSelect = a.newSelect(names, nil)
	t.lockSelect.SetSelected(strings.ToLower(minutes(a.lockAfter())))
	note := wrapped("On a shared computer, the window locks itself when nobody has used it for this long. Signing in again returns to the same page; running uploads go on meanwhile.")
	form := widget.NewForm(widget.NewFormItem("Lock after", t.lockSelect))
	t.dialog = a.showModal(modalSpec{title: "Lock the window", content: container.NewVBox(form, note), confirm: "Save",
		first: t.lockSelect, size: fyne.NewSize(480, 0), onConfirm: func() bool {
			if i := t.lockSelect.SelectedIndex(); i >= 0 {
				a.setLockAfter(lockChoices[i])
			}
			return true
		}})
}

// onChangePassword lets the signed-in person replace their own password. The dialog
// stays open until the engine has answered: a refusal is shown in it, in the engine's
// words.
func (t *topBar) onChangePassword() {
	a := t.a
	username := a.profile.Session.Username
	v := &changeOwnPassword{}
	v.current = widget.NewPasswordEntry()
	v.form = newPasswordForm(func() (string, string) { return username, "" }, v.updateButtons)
	v.current.OnChanged = func(string) { v.updateButtons() }
	v.current.OnSubmitted = func(string) { a.win.Canvas().Focus(v.form.newPw) }
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	form := widget.NewForm(widget.NewFormItem("Current password", v.current))
	for _, it := range v.form.items() {
		form.AppendItem(it)
	}
	v.modal = a.showSaveModal(modalSpec{title: "Change My Password", content: container.NewVBox(form, v.form.rules.content, v.message),
		confirm: "Change", first: v.current, size: fyne.NewSize(560, 0)},
		func() func(context.Context) error {
			if !v.ready() {
				return nil
			}
			v.message.Hide()
			current, newPw := v.current.Text, v.form.newPw.Text
			return func(ctx context.Context) error { return a.eng.ChangePassword(ctx, username, current, newPw) }
		},
		func() { a.setStatus("Your password is changed. Use the new one from now on.") },
		func(err error) {
			// The engine's words: a wrong current password, or a new one it refuses.
			v.message.SetText(core.ErrorMessage(err))
			v.message.Show()
		})
	v.form.confirm.OnSubmitted = func(string) { v.modal.submit() }
	v.updateButtons()
	t.own = v
	t.dialog = v.modal
}

// changeOwnPassword is the Change My Password dialog.
type changeOwnPassword struct {
	current *widget.Entry
	form    *passwordForm
	message *widget.Label
	modal   *modal
}

func (v *changeOwnPassword) ready() bool { return v.current.Text != "" && v.form.ok() }

func (v *changeOwnPassword) updateButtons() {
	if v.modal != nil {
		setEnabled(v.modal.confirmBtn, v.ready())
	}
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
		actor := a.actor()
		a.background("add school", func(ctx context.Context) error {
			var err error
			s, err = a.eng.AddSchool(ctx, actor, name)
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
		actor := a.actor()
		a.background("rename school", func(ctx context.Context) error {
			return a.eng.RenameSchool(ctx, actor, cur.ID, name)
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
