package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

var accountHeaders = []string{"User ID", "Name", "Role", "Grade", "Username", "Classes", "Password"}
var accountWidths = []float32{110, 200, 80, 70, 150, 170, 260}

// accountsScreen is the Accounts page: the selected school's teachers and students, with
// password resets.
type accountsScreen struct {
	a             *App
	search        *widget.Entry
	table         *widget.Table
	summary       *widget.Label
	resetBtn      *widget.Button
	classSelect   *widget.Select
	resetClassBtn *widget.Button
	content       fyne.CanvasObject

	accounts []core.Account
	classes  []core.Class
	selected int // row of the selected account, -1 for none
	seq      int // number of the newest Accounts query, so stale answers are dropped

	// The open dialogs, kept for tests.
	confirm *dialog.ConfirmDialog
	creds   *credentialsView
}

func newAccountsScreen(a *App) *accountsScreen {
	s := &accountsScreen{a: a, selected: -1}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Search by name, User ID, username or email")
	s.search.OnChanged = func(string) { s.onRefresh() }
	s.summary = widget.NewLabel("")
	s.resetBtn = widget.NewButtonWithIcon("Reset Password", theme.ViewRefreshIcon(), s.onResetPassword)
	s.resetBtn.Disable()
	s.classSelect = widget.NewSelect(nil, func(string) { s.updateButtons() })
	s.classSelect.PlaceHolder = "Choose a class"
	s.resetClassBtn = widget.NewButton("Reset Class Passwords", s.onResetClass)
	s.resetClassBtn.Disable()
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.accounts), len(accountHeaders) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		s.updateCell)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(accountHeaders[id.Col])
		}
	}
	for c, w := range accountWidths {
		s.table.SetColumnWidth(c, w)
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		s.selected = id.Row
		s.updateButtons()
	}
	title := widget.NewLabelWithStyle("Accounts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	top := container.NewVBox(
		container.NewBorder(nil, nil, title, s.summary, s.search),
		container.NewHBox(s.resetBtn, widget.NewSeparator(), widget.NewLabel("Whole class:"),
			container.NewGridWrap(fyne.NewSize(260, s.classSelect.MinSize().Height), s.classSelect), s.resetClassBtn),
	)
	s.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.table)
	return s
}

func (s *accountsScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.accounts) {
		return
	}
	acc := s.accounts[id.Row]
	l.Importance = widget.MediumImportance
	var text string
	switch id.Col {
	case 0:
		text = acc.UserID
	case 1:
		text = acc.LastName + ", " + acc.FirstName
	case 2:
		text = string(acc.Role)
	case 3:
		text = acc.Grade
	case 4:
		text = acc.Username
	case 5:
		text = strings.Join(acc.Classes, ", ")
	case 6:
		text = acc.PasswordLabel(s.a.eng.Now())
		if strings.HasSuffix(text, "expired") {
			l.Importance = widget.DangerImportance
		}
	}
	l.SetText(text)
}

func (s *accountsScreen) updateButtons() {
	setEnabled(s.resetBtn, s.selected >= 0 && s.selected < len(s.accounts))
	setEnabled(s.resetClassBtn, s.classSelect.SelectedIndex() >= 0)
}

// onSchoolChanged reloads the accounts and the class list for the new school or role.
func (s *accountsScreen) onSchoolChanged() {
	s.onRefresh()
	school, ok := s.a.school()
	s.classes = nil
	s.classSelect.ClearSelected()
	s.classSelect.SetOptions(nil)
	if !ok {
		return
	}
	actor := s.a.actor()
	var classes []core.Class
	s.a.background("list classes", func(ctx context.Context) error {
		var err error
		classes, err = s.a.eng.Classes(ctx, actor, school.ID)
		return err
	}, func(err error) {
		if err != nil {
			s.a.showError(err)
			return
		}
		if cur, ok := s.a.school(); !ok || cur.ID != school.ID {
			return
		}
		s.classes = classes
		names := make([]string, len(classes))
		for i, c := range classes {
			names[i] = c.ClassID + " — " + c.Name
		}
		s.classSelect.SetOptions(names)
		s.updateButtons()
	})
}

// onRefresh runs the search again. Answers arrive in any order; only the newest query's
// is shown.
func (s *accountsScreen) onRefresh() {
	school, ok := s.a.school()
	if !ok {
		s.accounts = nil
		s.table.Refresh()
		return
	}
	s.seq++
	seq := s.seq
	s.summary.SetText("Loading…")
	actor := s.a.actor()
	query := strings.TrimSpace(s.search.Text)
	var got []core.Account
	s.a.background("list accounts", func(ctx context.Context) error {
		var err error
		got, err = s.a.eng.Accounts(ctx, actor, school.ID, query)
		return err
	}, func(err error) {
		if seq != s.seq {
			return
		}
		if err != nil {
			s.a.showError(err)
			return
		}
		s.accounts = got
		s.selected = -1
		s.table.UnselectAll()
		s.table.Refresh()
		s.summary.SetText(fmt.Sprintf("%d accounts", len(got)))
		s.updateButtons()
	})
}

func (s *accountsScreen) onResetPassword() {
	if s.selected < 0 || s.selected >= len(s.accounts) {
		return
	}
	acc := s.accounts[s.selected]
	msg := fmt.Sprintf("Give %s (%s) a new temporary password?\nTheir current password stops working.", acc.FullName(), acc.Username)
	s.confirm = dialog.NewConfirm("Reset Password", msg, func(ok bool) {
		if !ok {
			return
		}
		var cred core.Credential
		actor := s.a.actor()
		s.a.background("reset password", func(ctx context.Context) error {
			var err error
			cred, err = s.a.eng.ResetPassword(ctx, actor, acc.ID)
			return err
		}, func(err error) {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.showCredentials("New temporary password", []core.Credential{cred})
			s.onRefresh()
		})
	}, s.a.win)
	s.confirm.SetConfirmText("Reset")
	s.confirm.Show()
}

func (s *accountsScreen) onResetClass() {
	i := s.classSelect.SelectedIndex()
	if i < 0 || i >= len(s.classes) {
		return
	}
	class := s.classes[i]
	msg := fmt.Sprintf("Give every student of %s (%s) a new temporary password?\nTheir current passwords stop working.", class.Name, class.ClassID)
	s.confirm = dialog.NewConfirm("Reset Class Passwords", msg, func(ok bool) {
		if !ok {
			return
		}
		var creds []core.Credential
		actor := s.a.actor()
		s.a.background("reset class passwords", func(ctx context.Context) error {
			var err error
			creds, err = s.a.eng.ResetClassPasswords(ctx, actor, class.ID)
			return err
		}, func(err error) {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.showCredentials("New temporary passwords — "+class.Name, creds)
			s.onRefresh()
		})
	}, s.a.win)
	s.confirm.SetConfirmText("Reset All")
	s.confirm.Show()
}

// credentialsView shows new temporary passwords once, with Copy and Save.
type credentialsView struct {
	creds   []core.Credential
	text    *widget.Label
	copyBtn *widget.Button
	saveBtn *widget.Button
	dialog  *dialog.CustomDialog
}

func (s *accountsScreen) showCredentials(title string, creds []core.Credential) {
	v := &credentialsView{creds: creds}
	var b strings.Builder
	for i, c := range creds {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s  ·  %s  ·  %s", c.Name, c.Username, c.Password)
	}
	if len(creds) == 0 {
		b.WriteString("The class has no students.")
	}
	v.text = widget.NewLabelWithStyle(b.String(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.text.Selectable = true
	v.copyBtn = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { s.onCopyCredentials(v) })
	v.saveBtn = widget.NewButtonWithIcon("Save as CSV…", theme.DocumentSaveIcon(), func() { s.onSaveCredentials(v) })
	note := widget.NewLabel("Shown only now: copy or save them before closing. Each expires when first used, or after 90 days.")
	note.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(note, container.NewHBox(v.copyBtn, v.saveBtn), nil, nil, container.NewScroll(v.text))
	v.dialog = dialog.NewCustom(title, "Close", body, s.a.win)
	v.dialog.Resize(fyne.NewSize(620, 380))
	s.creds = v
	v.dialog.Show()
}

func credentialRows(creds []core.Credential) [][]string {
	rows := make([][]string, len(creds))
	for i, c := range creds {
		rows[i] = []string{c.UserID, c.Name, c.Username, c.Password, c.ExpiresAt.Format("2006-01-02")}
	}
	return rows
}

var credentialHeader = []string{"User ID", "Name", "Username", "Temporary Password", "Expires"}

func (s *accountsScreen) onCopyCredentials(v *credentialsView) {
	if s.a.clip == nil {
		return
	}
	var b strings.Builder
	b.WriteString(strings.Join(credentialHeader, "\t") + "\n")
	for _, r := range credentialRows(v.creds) {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	s.a.clip.SetContent(b.String())
	s.a.setStatus("Copied — paste into Excel or a document.")
}

func (s *accountsScreen) onSaveCredentials(v *credentialsView) {
	name := "Temporary_Passwords_" + s.a.eng.Now().Format("2006-01-02") + ".csv"
	if school, ok := s.a.school(); ok {
		name = "Temporary_Passwords_" + fileSafe(school.Name) + "_" + s.a.eng.Now().Format("2006-01-02") + ".csv"
	}
	rows := credentialRows(v.creds)
	s.a.save("Save the temporary passwords", name, func(_ context.Context, w io.Writer, f core.Format) error {
		return writeCSV(w, credentialHeader, rows)
	})
}

// writeCSV writes a CSV the way every Rosterdesk download is written: UTF-8 with a byte
// order mark (so Excel on Windows reads the names right) and CRLF line ends.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write passwords: %w", err)
	}
	return nil
}
