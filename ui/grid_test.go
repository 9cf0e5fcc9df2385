package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

func TestColumnWidths(t *testing.T) {
	test.NewTempApp(t)
	cols := []gridColumn{
		{title: "A", want: 100, least: 50, grow: 3},
		{title: "B", want: 100, least: 80, grow: 1},
		{title: "C", want: 100},
	}
	sum := func(ws []float32) (s float32) {
		for _, w := range ws {
			s += w
		}
		return s
	}
	for _, tc := range []struct {
		width float32
		want  string
	}{
		{300 + 8 + 400, "[400 200 100]"},     // room to spare: 3 to 1
		{300 + 8, "[100 100 100]"},           // just enough
		{250 + 8, "[64.28571 85.71429 100]"}, // short by 50: A and B give 5 to 2, as they can
		{230 + 8, "[50 80 100]"},             // exactly the least
		{100, "[50 80 100]"},                 // not even that: the grid scrolls
	} {
		got := columnWidths(cols, tc.width, 4)
		if s := fmt.Sprint(got); s != tc.want {
			t.Errorf("columnWidths(%v) = %s, want %s", tc.width, s, tc.want)
		}
		if tc.width >= 238 && sum(got)+8 > tc.width+0.01 {
			t.Errorf("columnWidths(%v) use %v, more than there is", tc.width, sum(got)+8)
		}
	}
}

// historyWithUploads returns a started harness on the history page at size, with
// uploads in every status.
func historyWithUploads(t *testing.T, size fyne.Size) *harness {
	eng := seeded()
	eng.uploads = []core.Upload{
		{ID: 1, FileName: "Lincoln_Roster_Fall_2026_final_version_corrected.csv", SchoolID: 1, SchoolName: "Lincoln Elementary", UploadedBy: "Maria Garcia", Status: core.StatusCompleted, Counts: core.Counts{Rows: 20000, Applied: 20000}},
		{ID: 2, FileName: "Old_Export.csv", SchoolID: 1, SchoolName: "Lincoln Elementary", UploadedBy: "Maria Garcia", Status: core.StatusFailed, Message: "The file has no \"Role\" column. Download the Blank Template and copy your rows into it."},
		{ID: 3, FileName: "Spring.csv", SchoolID: 1, SchoolName: "Lincoln Elementary", UploadedBy: "IT Office", Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 300, Applied: 290, Failed: 10}},
		{ID: 4, FileName: "Transfer.csv", SchoolID: 1, SchoolName: "Lincoln Elementary", UploadedBy: "IT Office", Status: core.StatusInProgress, Done: 450, Total: 19229},
	}
	h := newHarness(t, eng)
	h.app.Settings().SetTheme(Theme())
	h.win.Resize(size)
	h.a.first = PageHistory
	h.start()
	h.win.Resize(size) // lays the page out at size
	return h
}

// TestGridsFitTheWindow: at 800×600 every history column, the Actions button included,
// is on screen; at 1920×1080 the columns share the width, the file name and the school
// taking most; no header is cut; the same for the Accounts grid (issue 9 item 12).
func TestGridsFitTheWindow(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1100, Height: 720}, {Width: 1920, Height: 1080}} {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			h := historyWithUploads(t, size)
			check := func(name string, g *grid) {
				t.Helper()
				var used float32
				for i, c := range g.cols {
					w := g.widths[i]
					used += w
					if w < textWidth(c.title, true)-0.5 && c.least == 0 {
						t.Errorf("%s: column %q is %.0f wide, its header needs %.0f", name, c.title, w, textWidth(c.title, true))
					}
				}
				used += theme.Padding() * float32(len(g.cols)-1)
				if room := g.Size().Width; used > room {
					t.Errorf("%s: the columns take %.0f of %.0f: the last ones are off screen", name, used, room)
				}
			}
			hist := h.a.history
			check("history", hist.grid)
			if size.Width >= 1900 {
				file, by := hist.grid.widths[hist.colIndex(colFile)], hist.grid.widths[hist.colIndex(colBy)]
				if file < 2*by {
					t.Errorf("at %v the file name is %.0f wide and Uploaded By %.0f: the file name should take the slack", size, file, by)
				}
			}
			// With every school listed, the School column shares the slack too.
			hist.allSchools.SetChecked(true)
			h.settle()
			if hist.colIndex(colSchool) < 0 {
				t.Fatal("Show every school did not add the School column")
			}
			h.win.Resize(size)
			if size.Width >= 1100 {
				check("history, every school", hist.grid)
			}
			h.a.showPage(PageAccounts)
			h.settle()
			h.win.Resize(size)
			check("accounts", h.a.accounts.grid)
		})
	}
}

// hover moves the pointer over the grid at row, col (data cells; the header is above).
func hover(g *grid, row, col int) {
	x := float32(0)
	for i := 0; i < col; i++ {
		x += g.widths[i] + theme.Padding()
	}
	cell := g.CreateCell().MinSize()
	header := g.CreateHeader().MinSize()
	y := header.Height + theme.Padding() + float32(row)*(cell.Height+theme.Padding()) + cell.Height/2
	g.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x+5, y)}})
}

// TestCutTextShowsWholeOnHover: a cell too narrow for its text shows it cut with "…",
// and whole in a tip on hover; a failed upload's status tells its reason on hover; the
// counts say what they are (issue 9 items 3 and 2).
func TestCutTextShowsWholeOnHover(t *testing.T) {
	h := historyWithUploads(t, fyne.NewSize(800, 600))
	g := h.a.history.grid
	file := h.a.history.colIndex(colFile)
	// Newest first: Transfer.csv, Spring.csv, Old_Export.csv, then the long name.
	hover(g, 3, file)
	if got := g.tipShown(); got != "Lincoln_Roster_Fall_2026_final_version_corrected.csv" {
		t.Errorf("hovering the cut file name shows %q", got)
	}
	hover(g, 1, file) // "Spring.csv" fits: no tip
	if got := g.tipShown(); got != "" {
		t.Errorf("hovering a file name that fits shows %q", got)
	}
	hover(g, 2, h.a.history.colIndex(colStatus))
	if got := g.tipShown(); !strings.HasPrefix(got, "Failed: The file has no \"Role\" column.") {
		t.Errorf("hovering a Failed status shows %q, want its reason", got)
	}
	hover(g, 1, h.a.history.colIndex(colRows))
	if got := g.tipShown(); got != "300 rows: 290 applied, 10 failed." {
		t.Errorf("hovering the counts shows %q", got)
	}
	g.MouseOut()
	if got := g.tipShown(); got != "" {
		t.Errorf("after the pointer left the grid the tip still shows %q", got)
	}
	// The tip stays inside the grid, where nothing paints over it.
	hover(g, 3, file)
	pos, size := g.tip.Position(), g.tip.Size()
	if pos.X < 0 || pos.Y < 0 || pos.X+size.Width > g.Size().Width+0.5 || pos.Y+size.Height > g.Size().Height+0.5 {
		t.Errorf("tip at %v size %v is outside the grid's %v", pos, size, g.Size())
	}
}

// TestHistoryCells: history cells are a widget with named parts (no reaching into a
// container by index), the progress of a running upload is a line under its text, cut
// with "…" inside its column rather than spilling into the next (item 7).
func TestHistoryCells(t *testing.T) {
	h := historyWithUploads(t, fyne.NewSize(800, 600))
	s := h.a.history
	c := newHistoryCell(h.a).(*historyCell)
	s.updateCell(widget.TableCellID{Row: 0, Col: s.colIndex(colStatus)}, c)
	c.Resize(fyne.NewSize(120, 40))
	if !c.text.Visible() || c.actions.Visible() || c.text.Truncation != fyne.TextTruncateEllipsis {
		t.Errorf("a running upload's status cell: text shown %v, button shown %v, truncation %v", c.text.Visible(), c.actions.Visible(), c.text.Truncation)
	}
	if c.line() != "In Progress 450 / 19,229" || c.track.Hidden {
		t.Errorf("status cell says %q, progress line hidden %v", c.line(), c.track.Hidden)
	}
	if got, want := c.fill.Size().Width, c.track.Size().Width*450/19229; got < want-0.5 || got > want+0.5 {
		t.Errorf("progress line %.1f of %.1f, want %.1f", got, c.track.Size().Width, want)
	}
	for _, o := range []fyne.CanvasObject{c.text, c.track, c.fill} {
		if o.Position().X < 0 || o.Position().X+o.Size().Width > 120.5 {
			t.Errorf("%T at %v size %v leaves its 120-point cell", o, o.Position(), o.Size())
		}
	}
	s.updateCell(widget.TableCellID{Row: 0, Col: s.colIndex(colActions)}, c)
	if c.text.Visible() || !c.actions.Visible() || !c.track.Hidden {
		t.Error("the same cell reused for Actions still shows text or progress")
	}
	if got := gridText(s.grid); !strings.Contains(got, "20,000 / 20,000 / 0") {
		t.Errorf("history grid = %q, want counts with thousands separators", got)
	}
}

// TestPagesFitSmallWindow: no page needs more than 800×600, the smallest window the
// office's laptops and remote sessions give it; a page that did would widen the whole
// window past the screen, cutting off the right-hand buttons of every page (the Accounts
// page did once the login-cards button joined its row).
func TestPagesFitSmallWindow(t *testing.T) {
	h := historyWithUploads(t, fyne.NewSize(800, 600))
	for _, p := range []Page{PageImport, PageHistory, PageAccounts, PageAdmins} {
		h.a.showPage(p)
		h.settle()
		if min := h.win.Content().MinSize(); min.Width > 800 || min.Height > 600 {
			t.Errorf("with the %s page shown the window needs %.0f×%.0f, more than 800×600", p, min.Width, min.Height)
		}
	}
}
