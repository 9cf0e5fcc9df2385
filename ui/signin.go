package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/assets"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// signInScreen is where everyone starts: username and password, Enter to sign in. At a
// locked window it names the account that locked it and offers it to sign in again.
type signInScreen struct {
	a         *App
	title     *widget.Label
	note      *widget.Label // sample credentials, or who locked the window
	username  *widget.Entry
	password  *widget.Entry
	signInBtn *widget.Button
	otherBtn  *widget.Button // at a locked window: sign in as someone else
	message   *widget.Label  // the engine's answer, in its words
	content   fyne.CanvasObject

	busy bool
}

// showSignIn shows the sign-in screen: the plain one, or the locked window's.
func (a *App) showSignIn() {
	s := &signInScreen{a: a}
	s.title = heading("Sign in to Rosterdesk")
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder("Username")
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("Password")
	s.username.OnSubmitted = func(string) {
		if s.password.Text == "" {
			a.win.Canvas().Focus(s.password)
			return
		}
		s.onSubmit()
	}
	s.password.OnSubmitted = func(string) { s.onSubmit() }
	s.signInBtn = widget.NewButtonWithIcon("Sign In", theme.LoginIcon(), s.onSubmit)
	s.signInBtn.Importance = widget.HighImportance
	s.otherBtn = widget.NewButton("Sign in as someone else", s.onSomeoneElse)
	s.otherBtn.Importance = widget.LowImportance
	s.otherBtn.Hide()
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.message.Hide()

	org := widget.NewLabelWithStyle(a.org.Name, fyne.TextAlignCenter, fyne.TextStyle{})
	if a.org.Name == "" {
		org.Hide()
	}
	help := widget.NewLabelWithStyle("Forgot your password? An administrator can reset it.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	help.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Username", s.username),
		widget.NewFormItem("Password", s.password),
	)
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(72), widget.NewIcon(assets.Icon)))
	card := container.NewVBox(icon, s.title, org, widget.NewSeparator(), s.note, form, s.message, a.lockNote,
		container.NewHBox(s.otherBtn, layout.NewSpacer(), s.signInBtn), help)

	focus := fyne.Focusable(s.username)
	switch {
	case a.lock.locked:
		sess := a.profile.Session
		s.title.SetText("Rosterdesk is locked")
		s.note.SetText(sess.Name + " (" + sess.Username + ") was signed in. Sign in again to return to where you left off; anyone else who signs in starts afresh.")
		s.note.Show()
		s.username.SetText(sess.Username)
		s.otherBtn.Show()
		focus = s.password
	case a.sample.Username != "":
		s.note.SetText("Sample data is ready. Sign in as its administrator — username " + a.sample.Username +
			", temporary password " + a.sample.Password + " — then choose your own password.")
		s.note.TextStyle = fyne.TextStyle{Bold: true}
		s.note.Show()
		s.username.SetText(a.sample.Username)
		s.password.SetText(a.sample.Password)
		focus = s.password
	}
	s.content = centered(card, 420)
	a.signIn = s
	a.show(s.content)
	a.win.Canvas().Focus(focus)
}

// heading is a screen's title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// centered puts a screen's box in the middle of the window at width w, scrolling when the
// window is shorter than the box.
func centered(box fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewVScroll(container.NewCenter(container.New(widthLayout(w), container.NewPadded(box))))
}

// widthLayout gives its objects a fixed width and their own height.
type widthLayout float32

// Layout gives every object the whole space.
func (l widthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// MinSize is the width, or wider when an object needs it, by the tallest object.
func (l widthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(float32(l), 0)
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

func (s *signInScreen) setBusy(on bool) {
	s.busy = on
	setEnabled(s.signInBtn, !on)
	if on {
		s.signInBtn.SetText("Signing in…")
	} else {
		s.signInBtn.SetText("Sign In")
	}
}

// fail shows why sign-in did not happen and readies the password field for another try.
func (s *signInScreen) fail(msg string) {
	s.message.SetText(msg)
	s.message.Show()
	s.password.SetText("")
	if strings.TrimSpace(s.username.Text) == "" {
		s.a.win.Canvas().Focus(s.username)
	} else {
		s.a.win.Canvas().Focus(s.password)
	}
}

func (s *signInScreen) onSomeoneElse() {
	s.username.SetText("")
	s.password.SetText("")
	s.message.Hide()
	s.a.win.Canvas().Focus(s.username)
}

// onSubmit signs in. Every answer but success is the engine's own words, which never
// tell whether the username exists.
func (s *signInScreen) onSubmit() {
	if s.busy {
		return
	}
	username, password := strings.TrimSpace(s.username.Text), s.password.Text
	switch {
	case username == "":
		s.fail("Type your username.")
		return
	case password == "":
		s.fail("Type your password.")
		return
	}
	a := s.a
	s.message.Hide()
	s.setBusy(true)
	var res engine.AuthResult
	a.background("sign in", func(ctx context.Context) error {
		var err error
		res, err = a.eng.SignIn(ctx, username, password)
		return err
	}, func(err error) {
		s.setBusy(false)
		if a.signIn != s {
			return
		}
		switch {
		case err != nil:
			s.fail(core.ErrorMessage(err))
		case res.Status == engine.AuthOK:
			a.sample = core.Credential{}
			a.signedIn(res.Session)
		case res.Status == engine.AuthChangeRequired:
			a.showChangePassword(username, password, res.Reason)
		default:
			s.fail(res.Reason)
		}
	})
}

// changeScreen is the first-use change of a temporary password, inside the window: the
// person chooses their own, with the policy ticked off as they type, and is signed in
// with it.
type changeScreen struct {
	a                 *App
	username, current string
	form              *passwordForm
	saveBtn, backBtn  *widget.Button
	intro, message    *widget.Label
	content           fyne.CanvasObject
	busy              bool
}

func (a *App) showChangePassword(username, current, reason string) {
	s := &changeScreen{a: a, username: username, current: current}
	s.form = newPasswordForm(func() (string, string) { return username, "" }, s.updateButtons)
	s.form.confirm.OnSubmitted = func(string) { s.onSave() }
	s.form.newPw.OnSubmitted = func(string) { a.win.Canvas().Focus(s.form.confirm) }
	s.saveBtn = widget.NewButtonWithIcon("Save and Sign In", theme.ConfirmIcon(), s.onSave)
	s.saveBtn.Importance = widget.HighImportance
	s.backBtn = widget.NewButton("Back", func() { a.showSignIn(); a.signIn.username.SetText(username) })
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.message.Hide()
	s.intro = widget.NewLabel(reason + "\nSigning in as " + username + ".")
	s.intro.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(heading("Choose your own password"), s.intro, s.form.content, s.message, a.lockNote,
		container.NewHBox(s.backBtn, layout.NewSpacer(), s.saveBtn))
	s.content = centered(box, 520)
	s.updateButtons()
	a.change = s
	a.show(s.content)
	a.win.Canvas().Focus(s.form.newPw)
}

func (s *changeScreen) updateButtons() {
	setEnabled(s.saveBtn, !s.busy && s.form.ok())
}

func (s *changeScreen) onSave() {
	if s.busy || !s.form.ok() {
		return
	}
	a := s.a
	newPw := s.form.newPw.Text
	s.busy = true
	s.updateButtons()
	var res engine.AuthResult
	a.background("change password", func(ctx context.Context) error {
		if err := a.eng.ChangePassword(ctx, s.username, s.current, newPw); err != nil {
			return err
		}
		var err error
		res, err = a.eng.SignIn(ctx, s.username, newPw)
		return err
	}, func(err error) {
		s.busy = false
		s.updateButtons()
		if a.change != s {
			return
		}
		a.change = nil
		switch code := core.ErrorCode(err); {
		case err != nil && (code == core.SignInPasswordPolicy || !strings.HasPrefix(string(code), "SIGNIN_")):
			// The new password is refused (or the disk is): try another here.
			a.change = s
			s.message.SetText(core.ErrorMessage(err))
			s.message.Show()
		case err != nil:
			// The temporary password no longer signs in (paused, expired, reset).
			a.showSignIn()
			a.signIn.username.SetText(s.username)
			a.signIn.fail(core.ErrorMessage(err))
		case res.Status == engine.AuthOK:
			a.sample = core.Credential{}
			a.signedIn(res.Session)
		default:
			a.showSignIn()
			a.signIn.username.SetText(s.username)
			a.signIn.fail(res.Reason)
		}
	})
}

// passwordForm is a new password typed twice, with the password policy shown as a
// checklist whose rules tick as they are met.
type passwordForm struct {
	newPw, confirm *widget.Entry
	rules          *policyChecklist
	content        fyne.CanvasObject
	// who gives the username and email the password must differ from.
	who func() (username, email string)
}

func newPasswordForm(who func() (string, string), changed func()) *passwordForm {
	f := &passwordForm{who: who, rules: newPolicyChecklist()}
	f.newPw = widget.NewPasswordEntry()
	f.newPw.SetPlaceHolder("New password")
	f.confirm = widget.NewPasswordEntry()
	f.confirm.SetPlaceHolder("The same again")
	update := func(string) {
		f.update()
		if changed != nil {
			changed()
		}
	}
	f.newPw.OnChanged = update
	f.confirm.OnChanged = update
	f.content = container.NewVBox(widget.NewForm(f.items()...), f.rules.content)
	f.update()
	return f
}

// items are the two password fields, for a form that holds other fields too (content
// then goes unused, and the caller shows rules.content under its form).
func (f *passwordForm) items() []*widget.FormItem {
	return []*widget.FormItem{widget.NewFormItem("New password", f.newPw), widget.NewFormItem("Confirm", f.confirm)}
}

// update ticks the rules the password meets now.
func (f *passwordForm) update() {
	username, email := f.who()
	f.rules.update(f.newPw.Text, username, email, f.newPw.Text != "" && f.newPw.Text == f.confirm.Text)
}

// ok reports whether the password meets every rule and was typed the same twice.
func (f *passwordForm) ok() bool { return f.rules.allMet() }

// policyChecklist shows account.Rules and "the two passwords match", each with a tick
// once met.
type policyChecklist struct {
	content *fyne.Container
	icons   []*widget.Icon
	met     []bool
}

var (
	ruleMetIcon   = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	ruleUnmetIcon = theme.RadioButtonIcon()
)

func newPolicyChecklist() *policyChecklist {
	c := &policyChecklist{}
	texts := []string{}
	for _, r := range account.Rules("", "", "") {
		texts = append(texts, r.Text)
	}
	texts = append(texts, "the two passwords match")
	grid := container.NewGridWithColumns(2)
	for _, t := range texts {
		icon := widget.NewIcon(ruleUnmetIcon)
		label := widget.NewLabel(t)
		label.SizeName = theme.SizeNameCaptionText
		c.icons = append(c.icons, icon)
		grid.Add(container.NewBorder(nil, nil, icon, nil, label))
	}
	c.met = make([]bool, len(texts))
	head := widget.NewLabelWithStyle("The password needs", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameCaptionText
	c.content = container.NewVBox(head, grid)
	return c
}

func (c *policyChecklist) update(password, username, email string, match bool) {
	for i, r := range account.Rules(password, username, email) {
		c.set(i, r.Met)
	}
	c.set(len(c.met)-1, match)
}

func (c *policyChecklist) set(i int, met bool) {
	if c.met[i] == met && c.icons[i].Resource != nil {
		return
	}
	c.met[i] = met
	// The tick says it; the text keeps the body colour, which reads on any background.
	if met {
		c.icons[i].SetResource(ruleMetIcon)
	} else {
		c.icons[i].SetResource(ruleUnmetIcon)
	}
}

func (c *policyChecklist) allMet() bool {
	for _, m := range c.met {
		if !m {
			return false
		}
	}
	return true
}
