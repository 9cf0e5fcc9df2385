package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// accountsPage is how many accounts the Accounts page shows at a time: a school of
// 600,000 accounts is read a page at a time, its count first.
const accountsPage = 200

// accountColumns are the Accounts grid's columns; the name takes most of the width to
// spare.
func accountColumns() []gridColumn {
	return []gridColumn{
		{title: "User ID", sample: "S0012345", least: 70},
		{title: "Name", sample: "Nguyễn, Zoë Anne", least: 110, grow: 4},
		{title: "Role", sample: "Teacher"},
		{title: "Grade", sample: "PK"},
		{title: "Username", sample: "znguyen2", least: 90, grow: 2},
		{title: "Classes", sample: "MATH3, SCI4", least: 80, grow: 2},
		{title: "Password", sample: "temporary — expires in 88 days", least: 130, grow: 1},
	}
}

// accountsScreen is the Accounts page: the selected school's teachers and students, a
// page at a time, with password resets.
type accountsScreen struct {
	a             *App
	search        *field
	grid          *grid
	summary       *widget.Label
	empty         *widget.Label // says why the grid is empty
	pageLabel     *widget.Label
	pager         *fyne.Container
	prevBtn       *keyButton
	nextBtn       *keyButton
	resetBtn      *keyButton
	classSelect   *keySelect
	resetClassBtn *keyButton
	printClassBtn *keyButton // Reset and print login cards
	content       fyne.CanvasObject

	accounts []core.Account // the page shown
	total    int            // accounts matching the search, on every page
	offset   int            // of the page shown
	classes  []core.Class
	selected int64 // id of the selected account, 0 for none
	seq      int   // number of the newest Accounts query, so stale answers are dropped
	cancel   context.CancelFunc
	// The search and school of the list shown.
	shownQuery  string
	shownSchool int64

	// The open dialogs, kept for tests.
	confirm *modal
	creds   *credentialsView
	cards   *cardsDialog
}

func newAccountsScreen(a *App) *accountsScreen {
	s := &accountsScreen{a: a}
	s.search = a.newField("Search by name, User ID, username or email")
	s.search.OnChanged = func(string) { s.offset = 0; s.onRefresh() }
	s.summary = widget.NewLabel("")
	s.empty = widget.NewLabel("")
	s.empty.Alignment = fyne.TextAlignCenter
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()
	s.pageLabel = widget.NewLabel("")
	s.prevBtn = a.newButton("", theme.NavigateBackIcon(), func() { s.turnPage(-1) })
	s.nextBtn = a.newButton("", theme.NavigateNextIcon(), func() { s.turnPage(1) })
	s.resetBtn = a.newButton("Reset Password", theme.ViewRefreshIcon(), s.onResetPassword)
	s.resetBtn.Disable()
	s.classSelect = a.newSelect(nil, func(string) { s.updateButtons() })
	// The placeholder says what the select is for, instead of a label beside it: at
	// 800×600 the row has no room for both next to the class buttons.
	s.classSelect.PlaceHolder = "Whole class: choose…"
	s.resetClassBtn = a.newButton("Reset Class Passwords", nil, s.onResetClass)
	s.resetClassBtn.Disable()
	s.printClassBtn = a.newButton("Reset and print login cards…", theme.DocumentPrintIcon(), s.onResetPrintClass)
	s.printClassBtn.Disable()
	cols := accountColumns()
	s.grid = a.newGrid(cols, func() (int, int) { return len(s.accounts), len(cols) }, textCell, s.updateCell)
	s.grid.cellText = func(id widget.TableCellID) (string, bool) { return s.cellText(id), false }
	s.grid.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.accounts) {
			s.selected = s.accounts[id.Row].ID
		}
		s.updateButtons()
	}
	title := widget.NewLabelWithStyle("Accounts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.pager = container.NewHBox(s.prevBtn, s.pageLabel, s.nextBtn)
	s.pager.Hide()
	top := container.NewVBox(
		container.NewBorder(nil, nil, title, s.summary, s.search),
		container.NewBorder(nil, nil, container.NewHBox(s.resetBtn, widget.NewSeparator()),
			container.NewHBox(s.resetClassBtn, s.printClassBtn, s.pager), s.classSelect),
	)
	s.content = container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewStack(s.grid.content, container.NewCenter(s.empty)))
	return s
}

// cellText is what cell id shows, whole.
func (s *accountsScreen) cellText(id widget.TableCellID) string {
	if id.Row < 0 || id.Row >= len(s.accounts) {
		return ""
	}
	acc := s.accounts[id.Row]
	switch id.Col {
	case 0:
		return acc.UserID
	case 1:
		return acc.LastName + ", " + acc.FirstName
	case 2:
		return string(acc.Role)
	case 3:
		return acc.Grade
	case 4:
		return acc.Username
	case 5:
		return strings.Join(acc.Classes, ", ")
	case 6:
		return acc.PasswordLabel(s.a.eng.Now())
	}
	return ""
}

func (s *accountsScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	text := s.cellText(id)
	l.Importance = widget.MediumImportance
	if id.Col == 6 && strings.HasSuffix(text, "expired") {
		l.Importance = widget.DangerImportance
	}
	l.SetText(text)
}

// selectedAccount returns the selected account, if it is on the page shown.
func (s *accountsScreen) selectedAccount() (core.Account, bool) {
	for _, acc := range s.accounts {
		if acc.ID == s.selected && s.selected != 0 {
			return acc, true
		}
	}
	return core.Account{}, false
}

func (s *accountsScreen) updateButtons() {
	_, ok := s.selectedAccount()
	setEnabled(&s.resetBtn.Button, ok)
	setEnabled(&s.resetClassBtn.Button, s.classSelect.SelectedIndex() >= 0)
	setEnabled(&s.printClassBtn.Button, s.classSelect.SelectedIndex() >= 0)
	setEnabled(&s.prevBtn.Button, s.offset > 0)
	setEnabled(&s.nextBtn.Button, s.offset+len(s.accounts) < s.total)
}

// onSchoolChanged shows the first page of the new school or role, and its classes.
func (s *accountsScreen) onSchoolChanged() {
	s.offset = 0
	s.selected = 0
	s.onRefresh()
	s.classes = nil
	s.classSelect.ClearSelected()
	s.classSelect.SetOptions(nil)
	s.loadClasses()
}

// loadClasses reads the school's classes for "Whole class", keeping the class chosen.
func (s *accountsScreen) loadClasses() {
	school, ok := s.a.school()
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
		var chosen int64
		if i := s.classSelect.SelectedIndex(); i >= 0 && i < len(s.classes) {
			chosen = s.classes[i].ID
		}
		s.classes = classes
		names := make([]string, len(classes))
		for i, c := range classes {
			names[i] = c.ClassID + " — " + c.Name
		}
		s.classSelect.SetOptions(names)
		s.classSelect.ClearSelected()
		for i, c := range classes {
			if c.ID == chosen {
				s.classSelect.SetSelectedIndex(i)
			}
		}
		s.updateButtons()
	})
}

// onRefresh reads the page shown again, and the classes. Answers arrive in any order;
// only the newest query's is shown, and a new query stops the one before.
func (s *accountsScreen) onRefresh() {
	s.load()
	s.loadClasses()
}

// load reads the page at s.offset for the search typed.
func (s *accountsScreen) load() {
	school, ok := s.a.school()
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	if !ok {
		s.accounts, s.total = nil, 0
		s.showPage("")
		return
	}
	s.seq++
	seq := s.seq
	actor := s.a.actor()
	query := strings.TrimSpace(s.search.Text)
	offset := s.offset
	if query != s.shownQuery || school.ID != s.shownSchool {
		// A new list: its count is not known yet (a big school's first page takes a
		// moment); a reread of the same list keeps showing the old until the new.
		s.summary.SetText("Loading…")
	}
	ctx, cancel := context.WithCancel(s.a.ctx)
	s.cancel = cancel
	var page engine.AccountPage
	s.a.background("list accounts", func(context.Context) error {
		var err error
		page, err = s.a.eng.AccountsPage(ctx, actor, school.ID, query, offset, accountsPage)
		return err
	}, func(err error) {
		if seq != s.seq {
			return
		}
		s.cancel = nil
		cancel()
		if err != nil {
			s.a.showError(err)
			return
		}
		if offset >= page.Total && offset > 0 {
			// The page shown no longer exists (accounts left the search): show the last.
			s.offset = (page.Total - 1) / accountsPage * accountsPage
			s.load()
			return
		}
		s.accounts, s.total = page.Accounts, page.Total
		s.shownQuery, s.shownSchool = query, school.ID
		s.showPage(query)
	})
}

// showPage shows the accounts read, keeping the selected account selected when it is
// still there.
func (s *accountsScreen) showPage(query string) {
	s.grid.hideTip()
	s.grid.UnselectAll()
	for i, acc := range s.accounts {
		if acc.ID == s.selected {
			s.grid.Select(widget.TableCellID{Row: i, Col: 0})
		}
	}
	s.grid.Refresh()
	switch {
	case s.total == 0 && query != "":
		s.summary.SetText("No matches")
		s.empty.SetText("No account matches “" + query + "”. Search by name, User ID, username or email; accents and capitals do not matter.")
		s.empty.Show()
	case s.total == 0:
		s.summary.SetText(count(0, "account"))
		s.empty.SetText("This school has no accounts yet. Upload a file on the Import page to create them.")
		if _, ok := s.a.school(); !ok {
			s.empty.SetText("Select a school to see its accounts.")
		}
		s.empty.Show()
	case query != "":
		s.summary.SetText(count(s.total, "account") + " match “" + query + "”")
		if s.total == 1 {
			s.summary.SetText("1 account matches “" + query + "”")
		}
		s.empty.Hide()
	default:
		s.summary.SetText(count(s.total, "account"))
		s.empty.Hide()
	}
	// The pager shows only when there is more than one page.
	if s.total > accountsPage {
		s.pageLabel.SetText(core.Thousands(s.offset+1) + "–" + core.Thousands(s.offset+len(s.accounts)) + " of " + core.Thousands(s.total))
		s.pager.Show()
	} else {
		s.pager.Hide()
	}
	s.updateButtons()
}

// turnPage shows the next (by 1) or the previous (by -1) page.
func (s *accountsScreen) turnPage(by int) {
	next := s.offset + by*accountsPage
	if next < 0 || next >= s.total {
		return
	}
	s.offset = next
	s.load()
}

func (s *accountsScreen) onResetPassword() {
	acc, ok := s.selectedAccount()
	if !ok {
		return
	}
	question := "Give " + acc.FullName() + " (" + acc.Username + ") a new temporary password?\nTheir current password stops working."
	actor := s.a.actor()
	s.reset("Reset Password", question, "Reset", "New temporary password — "+acc.FullName(), 0, func(ctx context.Context) ([]core.Credential, error) {
		cred, err := s.a.eng.ResetPassword(ctx, actor, acc.ID)
		return []core.Credential{cred}, err
	})
}

// reset asks question and, when confirmed, runs do in the background and shows the new
// passwords it returns under credsTitle; classID is the class reset, 0 for one account.
func (s *accountsScreen) reset(title, question, confirm, credsTitle string, classID int64, do func(ctx context.Context) ([]core.Credential, error)) {
	msg := widget.NewLabel(question)
	msg.Wrapping = fyne.TextWrapWord
	s.confirm = s.a.showModal(modalSpec{title: title, content: msg, confirm: confirm, size: fyne.NewSize(480, 0), onConfirm: func() bool {
		var creds []core.Credential
		s.a.background(strings.ToLower(title), func(ctx context.Context) error {
			var err error
			creds, err = do(ctx)
			return err
		}, func(err error) {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.showCredentials(credsTitle, creds, classID)
			s.load()
		})
		return true
	}})
}

// resetClassQuestion asks before resetting a class, saying how many students it touches.
func resetClassQuestion(c core.Class) string {
	return "Reset the passwords of " + count(c.Students, "student") + " in " + classLabel(c) + "? Their current passwords stop working."
}

// classLabel names a class as the questions about it do: its name, with its Class ID
// when that differs.
func classLabel(c core.Class) string {
	name := c.Name
	if name == "" {
		name = c.ClassID
	} else if c.ClassID != "" && !strings.EqualFold(c.ClassID, c.Name) {
		name += " (" + c.ClassID + ")"
	}
	return name
}

// resetableClass returns the class chosen under Whole class, and false when none is or,
// saying so under title, when it has no students.
func (s *accountsScreen) resetableClass(title string) (core.Class, bool) {
	i := s.classSelect.SelectedIndex()
	if i < 0 || i >= len(s.classes) {
		return core.Class{}, false
	}
	class := s.classes[i]
	if class.Students == 0 {
		s.a.showMessage(title, class.Name+" has no students, so there is no password to reset.")
		return class, false
	}
	return class, true
}

func (s *accountsScreen) onResetClass() {
	class, ok := s.resetableClass("Reset Class Passwords")
	if !ok {
		return
	}
	actor := s.a.actor()
	s.reset("Reset Class Passwords", resetClassQuestion(class), "Reset "+count(class.Students, "Password"), "New temporary passwords — "+class.Name, class.ID,
		func(ctx context.Context) ([]core.Credential, error) {
			return s.a.eng.ResetClassPasswords(ctx, actor, class.ID)
		})
}
