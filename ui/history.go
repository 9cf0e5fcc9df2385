package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// historyPage is how many uploads are read at a time; older ones come with "Show older".
const historyPage = 200

// The history grid's columns.
const (
	colFile = iota
	colSchool
	colBy
	colDate
	colStatus
	colRows
	colActions
	numHistoryCols
)

var historyHeaders = [numHistoryCols]string{"File Name", "School", "Uploaded By", "Date", "Status", "Rows: Total/Applied/Failed", "Actions"}

// historyWidths fit the grid in the 1100-point window without a horizontal scroll bar.
var historyWidths = [numHistoryCols]float32{170, 145, 110, 130, 190, 200, 95}

// historyScreen is the Upload History page.
type historyScreen struct {
	a          *App
	table      *widget.Table
	refreshBtn *widget.Button
	allSchools *widget.Check
	moreBtn    *widget.Button
	summary    *widget.Label
	content    fyne.CanvasObject

	uploads []core.Upload
	more    bool // an older page may exist
	loading bool
	again   bool // a refresh was asked for while loading
	polling bool // a timed refresh is waiting
	// live holds the latest progress of the uploads this window runs: it is fresher than
	// what a reread of the history says.
	live map[int64]core.Progress

	// The open Actions menu and its upload, kept for tests.
	menu       *fyne.Menu
	menuUpload core.Upload
}

func newHistoryScreen(a *App) *historyScreen {
	s := &historyScreen{a: a, live: map[int64]core.Progress{}}
	s.refreshBtn = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), s.onRefresh)
	s.allSchools = widget.NewCheck("Show every school", func(bool) { s.onRefresh() })
	s.moreBtn = widget.NewButton("Show older uploads", s.onMore)
	s.moreBtn.Hide()
	s.summary = widget.NewLabel("")
	s.table = widget.NewTableWithHeaders(s.length, s.createCell, s.updateCell)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < numHistoryCols {
			o.(*widget.Label).SetText(historyHeaders[id.Col])
		}
	}
	for c, w := range historyWidths {
		s.table.SetColumnWidth(c, w)
	}
	s.table.OnSelected = func(widget.TableCellID) { s.table.UnselectAll() }
	title := widget.NewLabelWithStyle("Upload History", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	// Refresh sits top right, where the articles put it.
	top := container.NewBorder(nil, nil, title, container.NewHBox(s.allSchools, s.refreshBtn), s.summary)
	s.content = container.NewBorder(container.NewPadded(top), container.NewCenter(s.moreBtn), nil, nil, s.table)
	return s
}

func (s *historyScreen) length() (int, int) { return len(s.uploads), numHistoryCols }

// historyCell is the one cell template: a label, a progress bar for In Progress and an
// Actions button; updateCell shows the one the column needs.
type historyCell struct {
	label    *widget.Label
	progress *widget.ProgressBar
	button   *widget.Button
}

func (s *historyScreen) createCell() fyne.CanvasObject {
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBar()
	btn := widget.NewButtonWithIcon("Actions", theme.MoreVerticalIcon(), nil)
	btn.Importance = widget.LowImportance
	cell := container.NewStack(label, container.NewPadded(bar), btn)
	return cell
}

func cellParts(o fyne.CanvasObject) historyCell {
	c := o.(*fyne.Container)
	return historyCell{
		label:    c.Objects[0].(*widget.Label),
		progress: c.Objects[1].(*fyne.Container).Objects[0].(*widget.ProgressBar),
		button:   c.Objects[2].(*widget.Button),
	}
}

func (s *historyScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := cellParts(o)
	if id.Row < 0 || id.Row >= len(s.uploads) {
		return
	}
	u := s.uploads[id.Row]
	c.label.Show()
	c.progress.Hide()
	c.button.Hide()
	c.label.Importance = widget.MediumImportance
	c.label.TextStyle = fyne.TextStyle{}
	text := ""
	switch id.Col {
	case colFile:
		text = u.FileName
	case colSchool:
		text = u.SchoolName
	case colBy:
		text = u.UploadedBy
	case colDate:
		text = u.UploadedAt.Local().Format("2006-01-02 15:04")
	case colStatus:
		if u.Status == core.StatusInProgress {
			p := core.Progress{Upload: u.ID, Done: u.Done, Total: u.Total}
			if lp, ok := s.live[u.ID]; ok {
				p = lp
			}
			c.label.Hide()
			c.progress.Show()
			c.progress.TextFormatter = progressText(p)
			c.progress.SetValue(fraction(p.Done, p.Total))
			return
		}
		text = string(u.Status)
		c.label.Importance = statusImportance(u.Status)
		c.label.TextStyle = fyne.TextStyle{Bold: true}
	case colRows:
		if u.Status.Finished() && u.Status != core.StatusFailed || u.Rows > 0 {
			text = fmt.Sprintf("%d / %d / %d", u.Rows, u.Applied, u.Failed)
		} else {
			text = "—"
		}
	case colActions:
		c.label.Hide()
		c.button.Show()
		row := id.Row
		btn := c.button
		btn.OnTapped = func() { s.onActions(row, btn) }
		return
	}
	c.label.SetText(text)
	c.label.Refresh()
}

// progressText says how far an upload has come: its phase and rows, or just "In
// Progress" when the engine has not said (an upload another process runs).
func progressText(p core.Progress) func() string {
	return func() string {
		label := "In Progress"
		if p.Phase != "" && p.Phase != core.PhaseDone {
			label = string(p.Phase)
		}
		if p.Total == 0 {
			return label
		}
		return label + " " + core.Thousands(p.Done) + " / " + core.Thousands(p.Total)
	}
}

func fraction(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(done) / float64(total)
}

func statusImportance(st core.Status) widget.Importance {
	switch st {
	case core.StatusCompleted:
		return widget.SuccessImportance
	case core.StatusCompletedWithError:
		return widget.WarningImportance
	case core.StatusFailed:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

func (s *historyScreen) filter(offset int) engine.HistoryFilter {
	f := engine.HistoryFilter{Limit: historyPage, Offset: offset}
	if !(s.a.profile.Role == RoleOrgAdmin && s.allSchools.Checked) {
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
	if s.a.profile.Role == RoleOrgAdmin {
		s.allSchools.Show()
	} else {
		s.allSchools.Hide()
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
			s.more = len(got) == historyPage
			s.showSummary()
			s.table.Refresh()
			s.pollIfRunning()
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
	switch n := len(s.uploads); {
	case n == 0:
		s.summary.SetText("No uploads yet.")
	case n == 1:
		s.summary.SetText("1 upload, newest first.")
	default:
		s.summary.SetText(fmt.Sprintf("%d uploads, newest first.", n))
	}
}

// onProgress shows an upload's progress in its row. An upload the page does not show (or
// shows with another status) means the history moved on: read it again.
func (s *historyScreen) onProgress(p core.Progress) {
	for i := range s.uploads {
		u := &s.uploads[i]
		if u.ID != p.Upload {
			continue
		}
		if p.Phase == core.PhaseDone {
			delete(s.live, p.Upload)
			s.onRefresh()
			return
		}
		s.live[p.Upload] = p
		u.Status = core.StatusInProgress
		s.table.RefreshItem(widget.TableCellID{Row: i, Col: colStatus})
		return
	}
	s.live[p.Upload] = p
	s.onRefresh()
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
		fyne.NewMenuItem("Details…", func() { s.onDetails(u) }),
	)
}

func (s *historyScreen) onActions(row int, anchor fyne.CanvasObject) {
	if row < 0 || row >= len(s.uploads) {
		return
	}
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

// onDetails shows an upload's figures, its failure reason and its first problems.
func (s *historyScreen) onDetails(u core.Upload) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\nUploaded by %s on %s for %s.\n", u.FileName, u.Status, u.UploadedBy, u.UploadedAt.Local().Format("2006-01-02 15:04"), u.SchoolName)
	if u.Message != "" {
		b.WriteString("\n" + u.Message + "\n")
	}
	fmt.Fprintf(&b, "\n%d rows: %d applied, %d failed, %d warnings.\nUsers created: %d · updated: %d · classes created: %d · enrollments added: %d",
		u.Rows, u.Applied, u.Failed, u.Warnings, u.UsersCreated, u.UsersUpdated, u.ClassesCreated, u.EnrollmentsAdded)
	for i, n := range u.Notes {
		if i == 0 {
			b.WriteString("\n\nProblems:")
		}
		if i == 20 {
			b.WriteString("\n… the Error File lists every one.")
			break
		}
		b.WriteString("\n• " + n)
	}
	l := widget.NewLabel(b.String())
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Upload details", "Close", container.NewVScroll(l), s.a.win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// pollIfRunning refreshes the page again after a while when it shows an upload that is
// not finished. Progress callbacks only come from uploads this window runs; one run by
// rosterctl, or by another window, moves on only through reads.
func (s *historyScreen) pollIfRunning() {
	if s.polling {
		return
	}
	unfinished := false
	for _, u := range s.uploads {
		if !u.Status.Finished() {
			unfinished = true
			break
		}
	}
	if !unfinished {
		return
	}
	s.polling = true
	every := s.a.pollEvery
	s.a.background("wait to refresh the history", func(ctx context.Context) error {
		t := time.NewTimer(every)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, func(err error) {
		s.polling = false
		if err == nil {
			s.onRefresh()
		}
	})
}
