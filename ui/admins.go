package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// adminColumns are the Administrators grid's columns: the name, email and schools take
// the width to spare.
func adminColumns() []gridColumn {
	return []gridColumn{
		{title: "Name", sample: "Maria Garcia", least: 90, grow: 2},
		{title: "Username", sample: "mgarcia.admin", least: 80},
		{title: "Email", sample: "mgarcia@lincoln.example.org", least: 90, grow: 2},
		{title: "Role", sample: "School Admin"},
		{title: "Schools", sample: "Washington Middle School", least: 90, grow: 3},
		{title: "Teacher Account", sample: "mgarcia", least: 80},
		{title: "Password", sample: "temporary — expires in 90 days", least: 120, grow: 1},
	}
}

// adminsScreen is the Administrators page, for Organization Administrators: the
// administrator accounts, and adding, editing, resetting and removing them. The engine
// checks every change (it refuses to remove or demote the last Organization
// Administrator); the page explains before anyone tries.
type adminsScreen struct {
	a         *App
	grid      *grid
	summary   *widget.Label
	hint      *widget.Label
	addBtn    *keyButton
	editBtn   *keyButton
	resetBtn  *keyButton
	removeBtn *keyButton
	content   fyne.CanvasObject

	ops      []core.Operator
	selected int // row of the selected administrator, -1 for none
	seq      int // number of the newest read, so stale answers are dropped

	// The open dialogs, kept for tests.
	form    *adminForm
	confirm *modal
	shown   *oneTimePassword
}

func newAdminsScreen(a *App) *adminsScreen {
	s := &adminsScreen{a: a, selected: -1}
	s.summary = widget.NewLabel("")
	s.hint = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	s.hint.Wrapping = fyne.TextWrapWord
	s.addBtn = a.newButton("Add Administrator…", theme.ContentAddIcon(), s.onAdd)
	s.addBtn.Importance = widget.HighImportance
	s.editBtn = a.newButton("Edit…", theme.DocumentCreateIcon(), s.onEdit)
	s.resetBtn = a.newButton("Reset Password", theme.ViewRefreshIcon(), s.onReset)
	s.removeBtn = a.newButton("Remove", theme.DeleteIcon(), s.onRemove)
	cols := adminColumns()
	s.grid = a.newGrid(cols, func() (int, int) { return len(s.ops), len(cols) }, textCell,
		func(id widget.TableCellID, o fyne.CanvasObject) { s.updateCell(id, o.(*widget.Label)) })
	s.grid.cellText = func(id widget.TableCellID) (string, bool) { return s.cellText(id), false }
	s.grid.OnSelected = func(id widget.TableCellID) {
		s.selected = id.Row
		s.updateButtons()
	}
	title := widget.NewLabelWithStyle("Administrators", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel("Organization Administrators manage every school and the administrators; School Organization Administrators manage only their schools. Teachers sign in with the teacher account their school's import created.")
	intro.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(
		container.NewBorder(nil, nil, title, s.summary),
		intro,
		container.NewHBox(s.addBtn, widget.NewSeparator(), s.editBtn, s.resetBtn, s.removeBtn),
		s.hint,
	)
	s.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.grid.content)
	s.updateButtons()
	return s
}

// cellText is what cell id shows, whole.
func (s *adminsScreen) cellText(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(s.ops) {
		return ""
	}
	op := s.ops[id.Row]
	var text string
	switch id.Col {
	case 0:
		text = op.Name
	case 1:
		text = op.Username
	case 2:
		text = op.Email
	case 3:
		text = shortRole(op.Role)
	case 4:
		text = schoolNames(op)
	case 5:
		text = op.Teacher.Username
	case 6:
		text = s.passwordText(op)
	}
	if text == "" {
		text = "—"
	}
	return text
}

func (s *adminsScreen) updateCell(id widget.TableCellID, l *widget.Label) {
	text := s.cellText(id)
	l.Importance = widget.MediumImportance
	if id.Col == 6 && (strings.Contains(text, "expired") || strings.Contains(text, "paused")) {
		l.Importance = widget.DangerImportance
	}
	l.SetText(text)
}

func schoolNames(op core.Operator) string {
	if op.Role == core.OperatorOrgAdmin {
		return "every school"
	}
	names := make([]string, len(op.Schools))
	for i, sc := range op.Schools {
		names[i] = sc.Name
	}
	return strings.Join(names, ", ")
}

// passwordText is the password state in words, with a pause of sign-in and when it ends.
func (s *adminsScreen) passwordText(op core.Operator) string {
	text := op.PasswordLabel(s.a.eng.Now())
	if !op.LockedUntil.IsZero() {
		text += " · sign-in paused until " + op.LockedUntil.Local().Format("15:04")
	}
	return text
}

func (s *adminsScreen) current() (core.Operator, bool) {
	if s.selected < 0 || s.selected >= len(s.ops) {
		return core.Operator{}, false
	}
	return s.ops[s.selected], true
}

// lastOrgAdmin reports whether op is the only Organization Administrator.
func (s *adminsScreen) lastOrgAdmin(op core.Operator) bool {
	if op.Role != core.OperatorOrgAdmin {
		return false
	}
	n := 0
	for _, o := range s.ops {
		if o.Role == core.OperatorOrgAdmin {
			n++
		}
	}
	return n == 1
}

func (s *adminsScreen) updateButtons() {
	op, ok := s.current()
	setEnabled(s.editBtn, ok)
	setEnabled(s.resetBtn, ok)
	last := ok && s.lastOrgAdmin(op)
	setEnabled(s.removeBtn, ok && !last)
	if last {
		s.hint.SetText(op.Name + " is the only Organization Administrator, so the account cannot be removed or made a School Organization Administrator. Add another Organization Administrator first.")
		s.hint.Show()
	} else {
		s.hint.Hide()
	}
}

// onRefresh reads the administrators again.
func (s *adminsScreen) onRefresh() {
	s.seq++
	seq := s.seq
	actor := s.a.actor()
	var ops []core.Operator
	s.summary.SetText("Loading…")
	s.a.background("list administrators", func(ctx context.Context) error {
		var err error
		ops, err = s.a.eng.Operators(ctx, actor)
		return err
	}, func(err error) {
		if seq != s.seq {
			return
		}
		if err != nil {
			s.summary.SetText("")
			s.a.showError(err)
			return
		}
		s.ops = ops
		s.selected = -1
		s.grid.UnselectAll()
		s.grid.Refresh()
		if len(ops) == 1 {
			s.summary.SetText("1 administrator")
		} else {
			s.summary.SetText(fmt.Sprintf("%d administrators", len(ops)))
		}
		s.updateButtons()
	})
}

// adminForm is the Add Administrator and Edit dialogs' content.
type adminForm struct {
	name, username, email *field
	role                  *widget.RadioGroup
	schools               *widget.CheckGroup
	teacher               *field
	message               *widget.Label
	modal                 *modal
}

const (
	roleOrgChoice    = "Organization Administrator — every school"
	roleSchoolChoice = "School Organization Administrator — the schools ticked below"
)

// newAdminForm shows the dialog for op (the zero Operator to add one). save is called
// when it is confirmed with everything needed filled in: it returns the work to do in
// the background, and the dialog closes once that work has succeeded (then saved runs)
// or shows the engine's refusal and stays open.
func (s *adminsScreen) newAdminForm(title, confirm string, op core.Operator, save func(f *adminForm) func(context.Context) error, saved func()) *adminForm {
	a := s.a
	f := &adminForm{}
	f.name = a.newField("Full name, as Uploaded By shows it")
	f.username = a.newField("What they sign in with, e.g. jdoe")
	f.email = a.newField("Optional")
	f.teacher = a.newField("Optional: the username of their own teacher account")
	names := make([]string, len(a.schools))
	for i, sc := range a.schools {
		names[i] = sc.Name
	}
	f.schools = widget.NewCheckGroup(names, func([]string) { f.update() })
	// A district may have dozens of schools: a few rows show, the rest scroll.
	schoolList := container.NewVScroll(f.schools)
	schoolList.SetMinSize(fyne.NewSize(0, float32(min(len(names), 4))*widget.NewCheck("", nil).MinSize().Height))
	f.role = widget.NewRadioGroup([]string{roleOrgChoice, roleSchoolChoice}, func(string) { f.update() })
	f.role.Required = true
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Importance = widget.DangerImportance
	f.message.Hide()
	for _, e := range []*field{f.name, f.username} {
		e.OnChanged = func(string) { f.update() }
	}

	f.name.SetText(op.Name)
	f.username.SetText(op.Username)
	f.email.SetText(op.Email)
	f.teacher.SetText(op.Teacher.Username)
	var ticked []string
	for _, sc := range op.Schools {
		ticked = append(ticked, sc.Name)
	}
	f.schools.SetSelected(ticked)
	if op.Role == core.OperatorSchoolAdmin {
		f.role.SetSelected(roleSchoolChoice)
	} else {
		f.role.SetSelected(roleOrgChoice)
	}
	first := fyne.Focusable(f.name)
	if op.ID != 0 {
		// Name, username and email are the account's own; the engine has no way to
		// change them, so the dialog shows them without offering to.
		for _, e := range []*field{f.name, f.username, f.email} {
			e.Disable()
		}
		first = f.teacher
	}
	form := widget.NewForm(
		widget.NewFormItem("Name", f.name),
		widget.NewFormItem("Username", f.username),
		widget.NewFormItem("Email", f.email),
		widget.NewFormItem("Role", f.role),
		widget.NewFormItem("Schools", schoolList),
		widget.NewFormItem("Also a teacher", f.teacher),
	)
	note := widget.NewLabelWithStyle("A person who also teaches can switch to the Teacher role after signing in, as their own teacher account.",
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	note.Wrapping = fyne.TextWrapWord
	f.modal = a.showSaveModal(modalSpec{title: title, content: container.NewVBox(form, note, f.message), confirm: confirm,
		first: first, size: fyne.NewSize(640, 0)},
		func() func(context.Context) error {
			if !f.ready() {
				return nil
			}
			f.message.Hide()
			return save(f)
		}, saved, f.fail)
	for _, e := range []*field{f.name, f.username, f.email, f.teacher} {
		e.OnSubmitted = func(string) { f.modal.submit() }
	}
	f.update()
	s.form = f
	return f
}

func (f *adminForm) roleChosen() core.OperatorRole {
	if f.role.Selected == roleSchoolChoice {
		return core.OperatorSchoolAdmin
	}
	return core.OperatorOrgAdmin
}

// ready reports whether the form has what the engine needs: a name, a username, and a
// school for a School Organization Administrator.
func (f *adminForm) ready() bool {
	return strings.TrimSpace(f.name.Text) != "" && strings.TrimSpace(f.username.Text) != "" &&
		(f.roleChosen() != core.OperatorSchoolAdmin || len(f.schools.Selected) > 0)
}

func (f *adminForm) update() {
	if f.role == nil || f.schools == nil {
		return
	}
	if f.roleChosen() == core.OperatorSchoolAdmin {
		f.schools.Enable()
	} else {
		f.schools.Disable()
	}
	if f.modal != nil {
		setEnabled(f.modal.confirmBtn, f.ready())
	}
}

func (f *adminForm) fail(err error) {
	f.message.SetText(core.ErrorMessage(err))
	f.message.Show()
}

// schoolIDs are the ticked schools.
func (s *adminsScreen) schoolIDs(f *adminForm) []int64 {
	var ids []int64
	for _, sc := range s.a.schools {
		if slices.Contains(f.schools.Selected, sc.Name) {
			ids = append(ids, sc.ID)
		}
	}
	return ids
}

// teacherID finds the teacher account named in the form; 0 when none is named.
func (s *adminsScreen) teacherID(ctx context.Context, actor engine.Actor, username string) (int64, error) {
	if username == "" {
		return 0, nil
	}
	t, err := s.a.eng.UserByUsername(ctx, actor, username)
	if err != nil {
		return 0, err
	}
	if t.Role != core.RoleTeacher {
		return 0, core.Refusal(core.KindInvalid, core.AdminNotTeacher, t.Username, "")
	}
	return t.ID, nil
}

func (s *adminsScreen) onAdd() {
	a := s.a
	var cred core.Credential
	s.newAdminForm("Add Administrator", "Add", core.Operator{}, func(f *adminForm) func(context.Context) error {
		actor := a.actor()
		o := engine.NewOperator{
			Username:  strings.TrimSpace(f.username.Text),
			Name:      strings.TrimSpace(f.name.Text),
			Email:     strings.TrimSpace(f.email.Text),
			Role:      f.roleChosen(),
			SchoolIDs: s.schoolIDs(f),
		}
		if o.Role == core.OperatorOrgAdmin {
			o.SchoolIDs = nil
		}
		teacher := strings.TrimSpace(f.teacher.Text)
		return func(ctx context.Context) error {
			var err error
			if o.TeacherID, err = s.teacherID(ctx, actor, teacher); err != nil {
				return err
			}
			_, cred, err = a.eng.AddOperator(ctx, actor, o)
			return err
		}
	}, func() {
		s.showPassword("New administrator", cred)
		s.onRefresh()
	})
}

func (s *adminsScreen) onEdit() {
	op, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	s.newAdminForm("Edit "+op.Name, "Save", op, func(f *adminForm) func(context.Context) error {
		actor := a.actor()
		role, schools := f.roleChosen(), s.schoolIDs(f)
		teacher := strings.TrimSpace(f.teacher.Text)
		return func(ctx context.Context) error {
			// The list shows what was saved, even when a later step is refused.
			defer a.onMain(s.onRefresh)
			// Schools before the role: a School Organization Administrator needs one.
			if role == core.OperatorSchoolAdmin && !slices.Equal(schools, schoolIDsOf(op)) {
				if err := a.eng.SetOperatorSchools(ctx, actor, op.ID, schools); err != nil {
					return err
				}
			}
			if role != op.Role {
				if err := a.eng.SetOperatorRole(ctx, actor, op.ID, role); err != nil {
					return err
				}
			}
			if !strings.EqualFold(teacher, op.Teacher.Username) {
				id, err := s.teacherID(ctx, actor, teacher)
				if err != nil {
					return err
				}
				return a.eng.SetOperatorTeacher(ctx, actor, op.ID, id)
			}
			return nil
		}
	}, func() {
		if op.ID == a.profile.Session.OperatorID {
			// Your own roles changed: the Profile menu offers what you hold now.
			a.refreshSession()
		}
	})
}

func schoolIDsOf(op core.Operator) []int64 {
	ids := make([]int64, len(op.Schools))
	for i, sc := range op.Schools {
		ids[i] = sc.ID
	}
	return ids
}

func (s *adminsScreen) onReset() {
	op, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	msg := fmt.Sprintf("Give %s (%s) a new temporary password? Their current password stops working, and any pause of their sign-in ends.", op.Name, op.Username)
	s.confirm = a.showModal(modalSpec{title: "Reset Password", content: wrapped(msg), confirm: "Reset", size: messageSize(a.win, msg), onConfirm: func() bool {
		actor := a.actor()
		var cred core.Credential
		a.background("reset administrator password", func(ctx context.Context) error {
			var err error
			cred, err = a.eng.ResetOperatorPassword(ctx, actor, op.ID)
			return err
		}, func(err error) {
			if err != nil {
				a.showError(err)
				return
			}
			s.showPassword("New temporary password", cred)
			s.onRefresh()
		})
		return true
	}})
}

func (s *adminsScreen) onRemove() {
	op, ok := s.current()
	if !ok {
		return
	}
	a := s.a
	self := op.ID == a.profile.Session.OperatorID
	msg := fmt.Sprintf("Remove the administrator %s (%s)? They can no longer sign in; their uploads keep their name.", op.Name, op.Username)
	if self {
		msg += " This is your own account: you will be signed out."
	}
	s.confirm = a.showModal(modalSpec{title: "Remove Administrator", content: wrapped(msg), confirm: "Remove", size: messageSize(a.win, msg), onConfirm: func() bool {
		actor := a.actor()
		a.background("remove administrator", func(ctx context.Context) error {
			return a.eng.RemoveOperator(ctx, actor, op.ID)
		}, func(err error) {
			switch {
			case err != nil:
				a.showError(err) // the last Organization Administrator: the engine's words
			case self:
				a.signOut()
			default:
				a.setStatus(op.Name + " is no longer an administrator.")
			}
			s.onRefresh()
		})
		return true
	}})
}

// oneTimePassword shows a new temporary password once, with Copy.
type oneTimePassword struct {
	cred    core.Credential
	text    *widget.Label
	copyBtn *keyButton
	modal   *modal
}

func (s *adminsScreen) showPassword(title string, cred core.Credential) {
	a := s.a
	v := &oneTimePassword{cred: cred}
	v.text = widget.NewLabelWithStyle(fmt.Sprintf("Name:                %s\nUsername:            %s\nTemporary password:  %s\nExpires:             %s",
		cred.Name, cred.Username, cred.Password, cred.ExpiresAt.Local().Format("2006-01-02")), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.text.Selectable = true
	v.copyBtn = a.newButton("Copy", theme.ContentCopyIcon(), func() {
		a.clip.SetContent("Username: " + cred.Username + "\nTemporary password: " + cred.Password + "\n")
		a.setStatus("Copied — give it to " + cred.Name + " in person.")
	})
	if a.clip == nil {
		v.copyBtn.Disable()
	}
	note := wrapped("Shown only now: copy it or write it down before closing. They choose their own password when they first sign in; unused, it expires after 90 days.")
	v.modal = a.showModal(modalSpec{title: title, content: container.NewVBox(note, v.text, container.NewHBox(v.copyBtn)),
		first: v.copyBtn, size: fyne.NewSize(560, 0)})
	s.shown = v
}

// showSaveModal shows a modal whose confirm saves in the background. save runs when it is
// confirmed and returns the work to do (nil: not ready, the modal stays as it is); the
// modal stays open, its confirm button off, until the work has returned, then closes
// and runs saved when it succeeded, or stays open and runs failed (which shows why) when
// it did not.
func (a *App) showSaveModal(spec modalSpec, save func() func(context.Context) error, saved func(), failed func(error)) *modal {
	var m *modal
	busy, done := false, false
	spec.onConfirm = func() bool {
		if done {
			return true
		}
		work := save()
		if busy || work == nil {
			return false
		}
		busy = true
		enabled := !m.confirmBtn.Disabled()
		m.confirmBtn.Disable()
		a.background(spec.title, work, func(err error) {
			busy = false
			setEnabled(m.confirmBtn, enabled)
			if err != nil {
				failed(err)
				return
			}
			done = true
			m.submit()
			if saved != nil {
				saved()
			}
		})
		return false
	}
	m = a.showModal(spec)
	return m
}
