package ui

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
)

// credentialsView shows new temporary passwords once, in a grid that scrolls (name,
// username, password), with Copy, Save as CSV or Excel, and Print login cards.
type credentialsView struct {
	creds    []core.Credential
	classID  int64 // the class reset, 0 for one account
	grid     *grid
	copyBtn  *keyButton
	csvBtn   *keyButton
	xlsxBtn  *keyButton
	printBtn *keyButton // Print login cards
	modal    *modal
}

// credentialHeader and credentialRows are the columns and rows of a saved or copied
// list of new passwords.
var credentialHeader = []string{"User ID", "Name", "Username", "Temporary Password", "Expires"}

func credentialRows(creds []core.Credential) [][]string {
	rows := make([][]string, len(creds))
	for i, c := range creds {
		rows[i] = []string{c.UserID, c.Name, c.Username, c.Password, c.ExpiresAt.Format("2006-01-02")}
	}
	return rows
}

func (s *accountsScreen) showCredentials(title string, creds []core.Credential, classID int64) {
	a := s.a
	v := &credentialsView{creds: creds, classID: classID}
	cols := []gridColumn{
		{title: "Name", sample: "Katherine Johnson", least: 120, grow: 3},
		{title: "Username", sample: "kjohnson", least: 90, grow: 1},
		// Monospace tells 0 from O and 1 from l, and it is never cut.
		{title: "Password", want: textWidth("Kp7-wQ2x-Rt9m-Zz", false) * 1.2},
	}
	v.grid = a.newGrid(cols, func() (int, int) { return len(creds), len(cols) }, textCell, func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle = fyne.TextStyle{Monospace: id.Col == 2}
		l.SetText(credentialCell(creds, id))
	})
	v.grid.cellText = func(id widget.TableCellID) (string, bool) { return credentialCell(creds, id), false }
	v.copyBtn = a.newButton("Copy", theme.ContentCopyIcon(), func() { s.onCopyCredentials(v) })
	v.csvBtn = a.newButton("Save as CSV…", theme.DocumentSaveIcon(), func() { s.onSaveCredentials(v, core.FormatCSV) })
	v.xlsxBtn = a.newButton("Save as Excel…", theme.DocumentSaveIcon(), func() { s.onSaveCredentials(v, core.FormatXLSX) })
	v.printBtn = a.newButton("Print login cards…", theme.DocumentPrintIcon(), func() { s.onPrintCredentials(v) })
	if a.clip == nil {
		v.copyBtn.Disable()
	}
	note := widget.NewLabel("Shown only now: copy or save them before closing. " + expiryNote(len(creds)))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(note, container.NewHBox(v.copyBtn, v.csvBtn, v.xlsxBtn, v.printBtn), nil, nil, v.grid.content)
	win := a.win.Canvas().Size()
	size := fyne.NewSize(fyne.Min(720, win.Width*0.95), fyne.Min(520, win.Height*0.9))
	v.modal = a.showModal(modalSpec{title: title, content: body, dismiss: "Close", size: size, first: v.copyBtn})
	s.creds = v
}

func expiryNote(n int) string {
	if n == 1 {
		return "It expires when first used, or after 90 days."
	}
	return "Each expires when first used, or after 90 days."
}

func credentialCell(creds []core.Credential, id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(creds) {
		return ""
	}
	c := creds[id.Row]
	switch id.Col {
	case 0:
		return c.Name
	case 1:
		return c.Username
	case 2:
		return c.Password
	}
	return ""
}

// onCopyCredentials copies the passwords as tab-separated lines, which paste into Excel
// as a table and into a document as lines.
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
	s.a.setStatus("Copied " + count(len(v.creds), "password") + " — paste them into Excel or a document.")
}

// onSaveCredentials saves the passwords through the report writer, as every download:
// CSV (UTF-8 with a byte order mark, CRLF, formulas neutralised) or an Excel workbook of
// text cells.
func (s *accountsScreen) onSaveCredentials(v *credentialsView, f core.Format) {
	date := s.a.eng.Now().Format("2006-01-02")
	name := "Temporary_Passwords_" + date + ext(f)
	if school, ok := s.a.school(); ok {
		name = "Temporary_Passwords_" + fileSafe(school.Name) + "_" + date + ext(f)
	}
	rows := credentialRows(v.creds)
	s.a.save("Save the temporary passwords", name, func(ctx context.Context, w io.Writer, f core.Format) error {
		return s.a.eng.WriteTable(ctx, w, f, "Temporary Passwords", credentialHeader, report.Rows(rows))
	})
}
