package ui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// historyPage is how many uploads are read at a time; older ones come with "Show older".
const historyPage = 200

// historyCol is a column of the history grid.
type historyCol int

// The history grid's columns, in order. School shows only when every school's uploads
// are listed: for one school it would say the same on every row.
const (
	colFile historyCol = iota
	colSchool
	colBy
	colDate
	colStatus
	colRows
	colActions
)

// historyColumn describes a column: the file name and the school take the width to
// spare (the status a little, for the progress of a long upload); the others are as
// wide as their content. It measures text, so it needs the app's theme: call it once
// the app exists.
func historyColumn(c historyCol) gridColumn {
	switch c {
	case colFile:
		return gridColumn{title: "File Name", sample: "District_Transfer.csv", least: 90, grow: 5}
	case colSchool:
		return gridColumn{title: "School", sample: "Lincoln Elementary", least: 90, grow: 3}
	case colBy:
		return gridColumn{title: "Uploaded By", sample: "Maria Garcia", least: 76, grow: 1}
	case colDate:
		return gridColumn{title: "Date", sample: "2026-09-01 08:00"}
	case colStatus:
		return gridColumn{title: "Status", sample: string(core.StatusCompletedWithError), bold: true, grow: 2}
	case colRows:
		return gridColumn{title: "Total / Applied / Failed", sample: "20,000 / 19,990 / 10"}
	}
	actions := widget.NewButtonWithIcon("Actions", theme.MoreVerticalIcon(), nil)
	return gridColumn{title: "Actions", want: actions.MinSize().Width + 2*theme.Padding()}
}

// liveProgress is the latest progress of an upload this window runs, with its line of
// text worked out when it arrived.
type liveProgress struct {
	p    core.Progress
	line string
}

// historyScreen is the Upload History page.
type historyScreen struct {
	a          *App
	grid       *grid
	refreshBtn *keyButton
	allSchools *keyCheck
	moreBtn    *keyButton
	summary    *widget.Label
	content    fyne.CanvasObject

	cols    []historyCol // the columns shown
	uploads []core.Upload
	more    bool // an older page may exist
	loading bool
	again   bool // a refresh was asked for while loading
	// live holds the latest progress of the uploads this window runs: it is fresher than
	// what a reread of the history says. est works out their time left.
	live map[int64]liveProgress
	est  map[int64]*estimator

	// The open Actions menu and its upload, and the Details dialog, kept for tests.
	menu       *fyne.Menu
	menuUpload core.Upload
	details    *modal
	// cancelDialog is the last Cancel upload question, kept for tests.
	cancelDialog *modal
}

func newHistoryScreen(a *App) *historyScreen {
	s := &historyScreen{a: a, live: map[int64]liveProgress{}, est: map[int64]*estimator{}}
	s.refreshBtn = a.newButton("Refresh", theme.ViewRefreshIcon(), s.onRefresh)
	s.allSchools = a.newCheck("Show every school", func(bool) { s.onRefresh() })
	s.moreBtn = a.newButton("Show older uploads", nil, s.onMore)
	s.moreBtn.Hide()
	s.summary = widget.NewLabel("")
	s.cols = s.columns()
	s.grid = a.newGrid(s.gridColumns(), s.length, func() fyne.CanvasObject { return newHistoryCell(a) }, s.updateCell)
	s.grid.cellText = s.cellText
	s.grid.OnSelected = func(widget.TableCellID) { s.grid.UnselectAll() }
	title := widget.NewLabelWithStyle("Upload History", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	// Refresh sits top right, where the articles put it.
	top := container.NewBorder(nil, nil, title, container.NewHBox(s.allSchools, s.refreshBtn), s.summary)
	s.content = container.NewBorder(container.NewPadded(top), container.NewCenter(s.moreBtn), nil, nil, s.grid.content)
	return s
}

// columns returns the columns to show.
func (s *historyScreen) columns() []historyCol {
	cols := []historyCol{colFile, colSchool, colBy, colDate, colStatus, colRows, colActions}
	if !s.everySchool() {
		cols = append(cols[:colSchool], cols[colSchool+1:]...)
	}
	return cols
}

func (s *historyScreen) gridColumns() []gridColumn {
	out := make([]gridColumn, len(s.cols))
	for i, c := range s.cols {
		out[i] = historyColumn(c)
	}
	return out
}

// everySchool reports whether the page lists every school's uploads.
func (s *historyScreen) everySchool() bool {
	return s.a.profile.Role == core.OperatorOrgAdmin && s.allSchools.Checked
}

func (s *historyScreen) length() (int, int) { return len(s.uploads), len(s.cols) }

func (s *historyScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*historyCell)
	if id.Row < 0 || id.Row >= len(s.uploads) || id.Col < 0 || id.Col >= len(s.cols) {
		return
	}
	u := s.uploads[id.Row]
	switch col := s.cols[id.Col]; col {
	case colActions:
		row := id.Row
		btn := c.actions
		c.showActions(func() { s.onActions(row, btn) })
	case colStatus:
		if u.Status == core.StatusInProgress {
			line, done := s.progress(u)
			c.show(line, theme.ColorNameForeground, false, done)
			return
		}
		// A Failed or Cancelled upload says why right in the grid (issue 9 item 2).
		c.showStatus(string(u.Status), statusColour(u.Status), true, reasonLine(u), -1)
	default:
		text, _ := s.text(u, col)
		c.show(text, theme.ColorNameForeground, false, -1)
	}
}

// progress returns the progress line of an upload in progress and the part done.
func (s *historyScreen) progress(u core.Upload) (string, float64) {
	if lp, ok := s.live[u.ID]; ok {
		return lp.line, fraction(lp.p.Done, lp.p.Total)
	}
	p := core.Progress{Upload: u.ID, Done: u.Done, Total: u.Total}
	return progressLine(p), fraction(p.Done, p.Total)
}

// text returns what a cell of upload u in column col says, and whether its tip shows
// even when the cell shows it whole (it says more than the cell).
func (s *historyScreen) text(u core.Upload, col historyCol) (string, bool) {
	switch col {
	case colFile:
		return u.FileName, false
	case colSchool:
		return u.SchoolName, false
	case colBy:
		return u.UploadedBy, false
	case colDate:
		return u.UploadedAt.Local().Format("2006-01-02 15:04"), false
	case colRows:
		switch {
		case refused(u) && u.Rows > 0:
			// The file was refused as a whole: its rows were read, none was checked.
			return core.Thousands(u.Rows) + " read / — / —", false
		case u.Status == core.StatusCompleted, u.Status == core.StatusCompletedWithError, u.Rows > 0:
			return core.Thousands(u.Rows) + " / " + core.Thousands(u.Applied) + " / " + core.Thousands(u.Failed), false
		}
		return "—", false
	case colStatus:
		if u.Status == core.StatusInProgress {
			line, _ := s.progress(u)
			return line, false
		}
		return string(u.Status), false
	}
	return "", false
}

// cellText is what the tip of a cell says: its whole text, or more than the cell says.
func (s *historyScreen) cellText(id widget.TableCellID) (string, bool) {
	if id.Row < 0 || id.Row >= len(s.uploads) || id.Col < 0 || id.Col >= len(s.cols) {
		return "", false
	}
	u := s.uploads[id.Row]
	switch col := s.cols[id.Col]; col {
	case colActions:
		return "", false
	case colRows:
		switch text, _ := s.text(u, col); {
		case text == "—":
			return "", false
		case refused(u):
			return readLine(u), true
		}
		return count(u.Rows, "row") + ": " + core.Thousands(u.Applied) + " applied, " + core.Thousands(u.Failed) + " failed.", true
	case colStatus:
		if reasonLine(u) != "" {
			return string(u.Status) + ": " + u.Message, true
		}
		return s.text(u, col)
	default:
		return s.text(u, col)
	}
}

func fraction(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(done) / float64(total)
}

// reasonLine is the one-line reason the grid shows after a Failed or Cancelled status:
// the engine's message, "" for other statuses.
func reasonLine(u core.Upload) string {
	if u.Status == core.StatusFailed || u.Status == core.StatusCancelled {
		return u.Message
	}
	return ""
}

// refused reports whether an upload Failed as a whole (a problem with the file, not its
// rows): no row was applied or failed, whatever was read.
func refused(u core.Upload) bool {
	return u.Status == core.StatusFailed && u.Applied == 0 && u.Failed == 0
}

// readLine says how many rows of a refused upload were read: the engine keeps the count
// (and the Uploaded File) of every file it got past reading the bytes of.
func readLine(u core.Upload) string {
	if u.Rows == 0 {
		return "No row was read: the file was refused before its rows, so nothing was applied."
	}
	return count(u.Rows, "row") + " read from the file; the file was refused as a whole, so none was applied."
}

func (s *historyScreen) filter(offset int) engine.HistoryFilter {
	f := engine.HistoryFilter{Limit: historyPage, Offset: offset}
	if !s.everySchool() {
		f.SchoolID = s.a.profile.SchoolID
	}
	return f
}

// onRefresh reads the newest page of the history again. A refresh asked for while one is
// loading runs once more afterwards, so the last word is always the newest.
func (s *historyScreen) onRefresh() {
	if s.loading {
		s.again = true
		return
	}
	if s.a.profile.Role == core.OperatorOrgAdmin {
		s.allSchools.Show()
	} else {
		s.allSchools.Hide()
	}
	if cols := s.columns(); len(cols) != len(s.cols) {
		s.cols = cols
		s.grid.setColumns(s.gridColumns())
	}
	s.load(s.filter(0), false)
}

// onMore appends the next older page.
func (s *historyScreen) onMore() {
	if s.loading {
		return
	}
	s.load(s.filter(len(s.uploads)), true)
}

func (s *historyScreen) load(f engine.HistoryFilter, appendPage bool) {
	s.loading = true
	s.refreshBtn.Disable()
	var got []core.Upload
	actor := s.a.actor()
	s.a.background("read history", func(ctx context.Context) error {
		var err error
		got, err = s.a.eng.History(ctx, actor, f)
		return err
	}, func(err error) {
		s.loading = false
		s.refreshBtn.Enable()
		if err != nil {
			s.a.showError(err)
		} else {
			if appendPage {
				s.uploads = append(s.uploads, got...)
			} else {
				s.uploads = got
			}
			for _, u := range got {
				s.a.names[u.ID] = u.FileName
			}
			s.more = len(got) == historyPage
			s.showSummary()
			s.grid.hideTip()
			s.grid.Refresh()
		}
		if s.again {
			s.again = false
			s.onRefresh()
		}
	})
}

func (s *historyScreen) showSummary() {
	if s.more {
		s.moreBtn.Show()
	} else {
		s.moreBtn.Hide()
	}
	if len(s.uploads) == 0 {
		s.summary.SetText("No uploads yet.")
		return
	}
	s.summary.SetText(count(len(s.uploads), "upload") + ", newest first.")
}

// onProgress shows an upload's progress in its row. An upload the page does not show (or
// shows with another status) means the history moved on: read it again.
func (s *historyScreen) onProgress(p core.Progress) {
	if p.Phase == core.PhaseDone {
		delete(s.live, p.Upload)
		delete(s.est, p.Upload)
		s.onRefresh()
		return
	}
	e := s.est[p.Upload]
	if e == nil {
		e = &estimator{now: s.a.clock}
		s.est[p.Upload] = e
	}
	s.live[p.Upload] = liveProgress{p: p, line: e.observe(p)}
	for i := range s.uploads {
		u := &s.uploads[i]
		if u.ID != p.Upload {
			continue
		}
		u.Status = core.StatusInProgress
		s.grid.RefreshItem(widget.TableCellID{Row: i, Col: s.colIndex(colStatus)})
		if s.grid.tipShown() != "" && s.grid.tipCell.Row == i {
			s.grid.onHighlighted(s.grid.tipCell)
		}
		return
	}
	s.onRefresh()
}

// liveLine returns the progress line of upload id, if this window runs it.
func (s *historyScreen) liveLine(id int64) (string, bool) {
	lp, ok := s.live[id]
	return lp.line, ok
}

// colIndex returns the grid column of col, or -1 when it is not shown.
func (s *historyScreen) colIndex(col historyCol) int {
	for i, c := range s.cols {
		if c == col {
			return i
		}
	}
	return -1
}

// actionsMenu lists an upload's downloads, each disabled when the file does not exist.
func (s *historyScreen) actionsMenu(u core.Upload) *fyne.Menu {
	item := func(label string, kind core.FileKind, f core.Format) *fyne.MenuItem {
		name := "Excel (.xlsx)"
		if f == core.FormatCSV {
			name = "CSV (.csv)"
		}
		it := fyne.NewMenuItem("Download "+label+" — "+name, func() { s.onDownload(u, kind, f) })
		it.Disabled = !u.HasFile(kind)
		return it
	}
	cardsItem := fyne.NewMenuItem("Login cards (PDF)…", func() { s.onUploadCards(u) })
	cardsItem.Disabled = !u.HasFile(core.FileCompleted)
	return fyne.NewMenu("Actions",
		item("Uploaded File", core.FileUploaded, core.FormatCSV),
		item("Uploaded File", core.FileUploaded, core.FormatXLSX),
		fyne.NewMenuItemSeparator(),
		item("Completed File", core.FileCompleted, core.FormatCSV),
		item("Completed File", core.FileCompleted, core.FormatXLSX),
		fyne.NewMenuItemSeparator(),
		item("Error File", core.FileError, core.FormatCSV),
		item("Error File", core.FileError, core.FormatXLSX),
		fyne.NewMenuItemSeparator(),
		cardsItem,
		fyne.NewMenuItem("Details…", func() { s.onDetails(u) }),
		// Last and apart: the one item that changes something.
		fyne.NewMenuItemSeparator(),
		s.cancelItem(u),
	)
}

// cancelItem is the Actions menu's Cancel upload…, enabled while the upload waits or
// runs (issue 9 item 4).
func (s *historyScreen) cancelItem(u core.Upload) *fyne.MenuItem {
	it := fyne.NewMenuItem("Cancel upload…", func() { s.onCancel(u) })
	it.Disabled = u.Status != core.StatusQueued && u.Status != core.StatusInProgress
	return it
}

// onCancel asks whether to cancel upload u, and cancels it if so. The engine cancels a
// queued upload at once and stops a running one before it saves anything, whichever
// process runs it; the question says which of the two it will be.
func (s *historyScreen) onCancel(u core.Upload) {
	msg := "Cancel the upload of " + u.FileName + "? It has not started yet: nothing in the file will be applied."
	if u.Status == core.StatusInProgress {
		msg = "Stop the upload of " + u.FileName + "? It is stopped before anything in it is saved: nothing in the file will be applied, and the work done so far is lost."
	}
	s.cancelDialog = s.a.showModal(modalSpec{title: "Cancel this upload?", content: wrapped(msg), confirm: "Cancel Upload", dismiss: "Keep It",
		size: fyne.NewSize(480, 0), onConfirm: func() bool {
			s.cancel(u)
			return true
		}})
}

// cancel asks the engine to cancel upload u, then says in the status line what
// happened: cancelled, or (one running) being stopped.
func (s *historyScreen) cancel(u core.Upload) {
	actor := s.a.actor()
	var after core.Upload
	s.a.background("cancel upload", func(ctx context.Context) error {
		if err := s.a.eng.Cancel(ctx, actor, u.ID); err != nil {
			return err
		}
		var err error
		after, err = s.a.eng.Upload(ctx, actor, u.ID)
		return err
	}, func(err error) {
		s.onRefresh()
		if err != nil {
			s.a.showError(err)
			return
		}
		s.a.setStatus(cancelNote(after))
	})
}

// cancelNote is the status line once a cancel was asked for: what became of the upload.
func cancelNote(u core.Upload) string {
	switch u.Status {
	case core.StatusCancelled:
		return u.FileName + " was cancelled: nothing in the file was applied."
	case core.StatusInProgress:
		return "Cancelling " + u.FileName + ": it is stopped before anything in it is saved, so nothing in the file is applied."
	}
	// It finished before the cancel reached it.
	return u.FileName + " had already finished (" + string(u.Status) + ") when it was cancelled, so it stays as it is."
}

func (s *historyScreen) onActions(row int, anchor fyne.CanvasObject) {
	if row < 0 || row >= len(s.uploads) {
		return
	}
	s.grid.hideTip()
	s.menuUpload = s.uploads[row]
	s.menu = s.actionsMenu(s.menuUpload)
	widget.ShowPopUpMenuAtRelativePosition(s.menu, s.a.win.Canvas(), fyne.NewPos(0, anchor.Size().Height), anchor)
}

func (s *historyScreen) onDownload(u core.Upload, kind core.FileKind, f core.Format) {
	id := u.ID
	actor := s.a.actor()
	s.a.save("Save the file", downloadName(u, kind, f), func(ctx context.Context, w io.Writer, f core.Format) error {
		return s.a.eng.WriteUploadFile(ctx, actor, w, id, kind, f)
	})
}

// detailsNotes is how many of each kind of note Details lists.
const detailsNotes = 20

// detailsWhere says where the problems Details does not list are.
const detailsWhere = "the Error File lists every row that failed"

// detailsText is what Details says of an upload: its figures (for a file refused as a
// whole, how many rows were read), its failure reason and its problems, each row's own
// mistake first and then what it did to other rows (detailsHead, then notesText).
func detailsText(u core.Upload) string {
	text := detailsHead(u)
	if list := notesText(u.Notes, u.Failed, detailsNotes, detailsWhere); list != "" {
		text += "\n\n" + list
	}
	return text
}

// detailsHead is what Details says above the notes.
func detailsHead(u core.Upload) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\nUploaded by %s on %s for %s.\n", u.FileName, u.Status, u.UploadedBy, u.UploadedAt.Local().Format("2006-01-02 15:04"), u.SchoolName)
	if u.Message != "" {
		b.WriteString("\n" + u.Message + "\n")
	}
	switch {
	case refused(u):
		b.WriteString("\n" + readLine(u))
	case u.Status == core.StatusCancelled, u.Status == core.StatusQueued:
	default:
		// A teacher's upload creates and updates only students (SPEC §1).
		people := "Users"
		if u.Mode == core.ModeTeacher {
			people = "Students"
		}
		fmt.Fprintf(&b, "\n%s: %s applied, %s failed, %s.\n%s created: %s · updated: %s · classes created: %s · enrollments added: %s",
			count(u.Rows, "row"), core.Thousands(u.Applied), core.Thousands(u.Failed), count(u.Warnings, "warning"), people,
			core.Thousands(u.UsersCreated), core.Thousands(u.UsersUpdated), core.Thousands(u.ClassesCreated), core.Thousands(u.EnrollmentsAdded))
	}
	return b.String()
}

// onDetails shows an upload's figures, its failure reason and its first problems.
func (s *historyScreen) onDetails(u core.Upload) {
	l := widget.NewLabel(detailsHead(u))
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	content := container.NewVBox(l, notesView(u.Notes, u.Failed, detailsNotes, detailsWhere))
	s.details = s.a.showModal(modalSpec{title: "Upload details", content: container.NewVScroll(content), size: fyne.NewSize(640, 420)})
}
