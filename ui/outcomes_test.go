package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Issue 9 items 1, 2 and 4 in the window: what went wrong, said where it is looked for,
// and Cancel.

// causeFile is the walk-through's file: one bad date (row 12) in a class of 27 fails
// the whole class.
func causeFile() []byte {
	lines := []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Start Date",
		"K1,Teacher,Rosa,Parks,rparks@lincoln.example.org,4A,Class 4A,08/25/2026"}
	for i := 1; i <= 26; i++ {
		date := "08/25/2026"
		if i == 10 {
			date = "13/45/2026" // row 12
		}
		lines = append(lines, "K"+strconv.Itoa(i+1)+",Student,Ann,Lee"+string(rune('a'+i-1))+",,4A,,"+date)
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// TestCheckFileSaysTheCauseFirst (real engine): Check File on a file whose one bad date
// fails its class names the row and the value first, then, under it, the consequence
// once for the class; nothing else crowds it out (issue 9 item 1).
func TestCheckFileSaysTheCauseFirst(t *testing.T) {
	h := realHarness(t, realEngine(t))
	h.signInAs("oadmin", "Riverside2026")
	h.settle()
	h.a.imp.file = &chosenFile{name: "4a.csv", data: causeFile()}
	h.a.imp.updateButtons()
	h.a.imp.onCheck()
	h.settle()
	if got := h.a.imp.result.Text; !strings.HasPrefix(got, "Check of 4a.csv for Lincoln Elementary: nothing has been changed yet.\nNo row can be applied as the file stands (27 rows checked)") {
		t.Errorf("Check File begins %.120q, want what it checked and that no row can be applied", got)
	}
	h.win.Resize(fyne.NewSize(1100, 720))
	lines := viewLines(h.a.imp.notes)
	want := []viewLine{
		{text: "Problems"},
		{text: "•"}, {text: `Row 12: Class Start Date "13/45/2026" is not a date. Type it as MM/DD/YYYY or YYYY-MM-DD, for example 08/25/2026 or 2026-08-25.`},
		{text: "–"}, {text: "26 rows of class 4A cannot be saved because row 12's Class Start Date is not a date. Fix that row as its own error says, then upload the file again: the other rows need no change."},
	}
	if len(lines) != len(want) {
		t.Fatalf("Check File lists %+v\nwant %+v", lines, want)
	}
	for i, l := range lines {
		if l.text != want[i].text {
			t.Errorf("line %d = %q, want %q", i, l.text, want[i].text)
		}
	}
	// The consequence hangs under its cause: each mark left of its text, the
	// consequence's mark right of the cause's.
	if !(lines[1].x < lines[2].x && lines[1].x < lines[3].x && lines[3].x < lines[4].x) {
		t.Errorf("indents: %+v, want the consequence under its cause, each text right of its mark", lines)
	}
}

// TestNotesLayout: problems first, each row's own mistake with its consequences under
// it, then the warnings, the spreadsheet's changes in one line; a consequence whose
// cause was not kept stands alone; long lists say how many more and where they are.
func TestNotesLayout(t *testing.T) {
	cons := core.Issue{Code: core.FailedByRow, Value: "class 4A", Other: "row 12's Class Start Date is not a date", Count: 26}.Text()
	sheet := core.Issue{Code: core.WarnSpreadsheet, Items: []string{"the leading zeros of User IDs 00123 and 0456"}}.Text()
	capped := make([]string, engine.MaxNotes)
	for i := range capped {
		capped[i] = fmt.Sprintf("Row %d: First Name is missing.", i+2)
	}
	for _, tc := range []struct {
		name   string
		notes  []string
		failed int
		most   int
		want   string
	}{
		{"CauseFirst", []string{"Warning: " + sheet, "Row 12: Class Start Date is not a date.", cons, "Row 30: First Name is missing."}, 2, 10,
			"Problems:\n• Row 12: Class Start Date is not a date.\n      – " + cons + "\n• Row 30: First Name is missing.\n\nWarnings:\n• " + sheet},
		{"ConsequenceAlone", []string{cons}, 0, 10, "Problems:\n• " + cons},
		{"More", []string{"Row 2: a", "Row 3: b", cons, "Row 4: c", "Warning: w1", "Warning: w2"}, 3, 1,
			"Problems:\n• Row 2: a\n… and 2 more problems (see where).\n\nWarnings:\n• w1\n… and 1 more warning."},
		// The engine kept its first MaxNotes notes of 18,699 failed rows: the rest are
		// counted by the rows, not by the notes kept.
		{"Capped", capped, 18699, 1, "Problems:\n• Row 2: First Name is missing.\n… and more: 18,699 rows with problems in all (see where)."},
		{"None", nil, 0, 10, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := notesText(tc.notes, tc.failed, tc.most, "see where"); got != tc.want {
				t.Errorf("notesText =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// failedUpload is an upload refused as a whole after 40 rows were read, with its
// Uploaded File kept, as the engine now records one (TestFailedUploadKeepsWhatWasRead).
var failedUpload = core.Upload{ID: 3, FileName: "long.csv", SchoolID: 1, SchoolName: "Lincoln Elementary", UploadedBy: "Pat Lee",
	Status: core.StatusFailed, Counts: core.Counts{Rows: 40}, Files: []core.FileKind{core.FileUploaded},
	Message: "Row 42 has a cell longer than 32,767 characters, the most a spreadsheet cell holds. Shorten it, then upload the file again."}

// TestFailedUploadSaysWhy: a Failed upload's row in the grid gives its one-line reason
// after the status and the rows that were read; Details gives the row count read, and
// its Uploaded File is offered (issue 9 item 2).
func TestFailedUploadSaysWhy(t *testing.T) {
	eng := seeded()
	eng.uploads = []core.Upload{failedUpload}
	h := startedOn(t, eng, PageHistory)
	s := h.a.history
	got := gridText(s.grid)
	if !strings.Contains(got, "Failed "+failedUpload.Message) || !strings.Contains(got, "40 read / — / —") {
		t.Errorf("history grid = %q, want the reason after Failed and 40 rows read", got)
	}
	c := newHistoryCell(h.a).(*historyCell)
	s.updateCell(widget.TableCellID{Row: 0, Col: s.colIndex(colStatus)}, c)
	c.Resize(fyne.NewSize(200, 40))
	if !c.reason.Visible() || c.reason.Truncation != fyne.TextTruncateEllipsis || c.reason.Position().X <= 0 || c.reason.Position().X+c.reason.Size().Width > 200.5 {
		t.Errorf("the reason: shown %v, truncation %v, at %v size %v; want it after the status, cut inside the cell",
			c.reason.Visible(), c.reason.Truncation, c.reason.Position(), c.reason.Size())
	}
	if c.seg.Style.ColorName != statusColour(core.StatusFailed) || !c.seg.Style.TextStyle.Bold {
		t.Errorf("the status is %q bold %v, want the Failed colour in bold", c.seg.Style.ColorName, c.seg.Style.TextStyle.Bold)
	}
	hover(s.grid, 0, s.colIndex(colStatus))
	if tip := s.grid.tipShown(); tip != "Failed: "+failedUpload.Message {
		t.Errorf("hovering the status shows %q", tip)
	}
	hover(s.grid, 0, s.colIndex(colRows))
	if tip := s.grid.tipShown(); tip != "40 rows read from the file; the file was refused as a whole, so none was applied." {
		t.Errorf("hovering the rows shows %q", tip)
	}
	if d := detailsText(failedUpload); !strings.Contains(d, failedUpload.Message) || !strings.Contains(d, "40 rows read from the file") || strings.Contains(d, "applied") && !strings.Contains(d, "none was applied") {
		t.Errorf("Details says %q, want the reason and the 40 rows read", d)
	}
	s.onActions(0, h.a.tabs)
	if menuItem(t, s.menu, "Download Uploaded File — CSV").Disabled {
		t.Error("the failed upload's Uploaded File is not offered")
	}
	menuItem(t, s.menu, "Details").Action()
	if got := overlayText(h.win); !strings.Contains(got, "40 rows read from the file") {
		t.Errorf("the Details dialog shows %q", got)
	}
	// Refused before any row was read (a missing header): no count to give.
	if got, _ := s.text(core.Upload{Status: core.StatusFailed, Message: "The Role column is missing."}, colRows); got != "—" {
		t.Errorf("rows of an upload refused before its rows = %q, want —", got)
	}
}

// TestFailedUploadRealEngine (real engine): a file the engine refuses after reading its
// rows shows, in the window, its reason, its rows read and its Uploaded File.
func TestFailedUploadRealEngine(t *testing.T) {
	h := realHarness(t, realEngine(t))
	h.signInAs("oadmin", "Riverside2026")
	h.settle()
	lines := []string{"User ID,Role,First Name,Last Name,Password"}
	for i := 1; i <= 40; i++ {
		lines = append(lines, "L"+strconv.Itoa(i)+",Student,Ann,Lee,Secret123x")
	}
	lines = append(lines, "L41,Student,Ann,"+strings.Repeat("W", 32768))
	h.a.imp.file = &chosenFile{name: "long.csv", data: []byte(strings.Join(lines, "\n"))}
	h.a.imp.updateButtons()
	h.a.imp.onUpload()
	h.settle()
	s := h.a.history
	if len(s.uploads) == 0 || s.uploads[0].FileName != "long.csv" {
		t.Fatalf("history = %+v", s.uploads)
	}
	u := s.uploads[0]
	if u.Status != core.StatusFailed || u.Message == "" {
		t.Fatalf("long.csv = %s %q, want Failed with a reason", u.Status, u.Message)
	}
	if got := gridText(s.grid); !strings.Contains(got, "Failed "+u.Message) || !strings.Contains(got, "40 read / — / —") {
		t.Errorf("history grid = %q", got)
	}
	if !strings.Contains(detailsText(u), "40 rows read") {
		t.Errorf("Details = %q", detailsText(u))
	}
	if want := "long.csv: Failed. " + u.Message; h.a.status.Text != want {
		t.Errorf("status line = %q, want %q", h.a.status.Text, want)
	}
	s.onActions(0, h.a.tabs)
	menuItem(t, s.menu, "Download Uploaded File — CSV").Action()
	h.settle()
	if _, path := h.picker.lastSave(); !strings.Contains(readFile(t, path), "L40,Student,Ann,Lee,") || strings.Contains(readFile(t, path), "Secret123x") {
		t.Errorf("the failed upload's Uploaded File = %.200q, want its 40 rows, no password", readFile(t, path))
	}
}

// TestCancelUploads: the Actions menu's Cancel upload… asks first; a queued upload
// becomes Cancelled at once, a running one is stopped before it saves, and the status
// line says which; the grid shows Cancelled with its reason; a finished upload offers
// no cancel (issue 9 item 4).
func TestCancelUploads(t *testing.T) {
	eng := seeded()
	running, release := eng.blockRuns()
	h := startedOn(t, eng, PageHistory)
	s := h.a.history
	h.choose("first.csv")
	h.a.imp.onUpload()
	h.runUntilClosed("first.csv runs", running)
	h.runUntil("the history lists it", func() bool { return len(s.uploads) == 1 && !s.loading })
	// Uploaded from the history page (Ctrl+U) while the runner is busy: the new one is
	// listed at once, not when the runner reaches it.
	h.choose("second.csv")
	h.a.imp.onUpload()
	h.runUntil("the history lists both", func() bool { return len(s.uploads) == 2 && !s.loading && !h.a.imp.busy })
	row := func(name string) int {
		for i, u := range s.uploads {
			if u.FileName == name {
				return i
			}
		}
		t.Fatalf("no row %s in %+v", name, s.uploads)
		return -1
	}

	// The queued one: Keep It changes nothing; Cancel Upload cancels it.
	s.onActions(row("second.csv"), h.a.tabs)
	item := menuItem(t, s.menu, "Cancel upload")
	if item.Disabled {
		t.Fatal("Cancel upload is disabled for a queued upload")
	}
	item.Action()
	if got := overlayText(h.win); !strings.Contains(got, "second.csv") || !strings.Contains(got, "has not started yet") {
		t.Errorf("the question says %q", got)
	}
	s.cancelDialog.dismiss()
	if !s.cancelDialog.closed || eng.called("Cancel") != 0 {
		t.Fatal("Keep It cancelled the upload")
	}
	s.onActions(row("second.csv"), h.a.tabs)
	menuItem(t, s.menu, "Cancel upload").Action()
	s.cancelDialog.submit()
	h.runUntil("the cancel is answered", func() bool { return strings.Contains(h.a.status.Text, "cancelled") })
	h.runUntil("the history is read", func() bool { return !s.loading })
	if got, want := h.a.status.Text, "second.csv was cancelled: nothing in the file was applied."; got != want {
		t.Errorf("status line = %q, want %q", got, want)
	}
	if u := s.uploads[row("second.csv")]; u.Status != core.StatusCancelled {
		t.Errorf("second.csv is %s, want Cancelled", u.Status)
	}
	if got := gridText(s.grid); !strings.Contains(got, "Cancelled Cancelled by Pat Lee before it ran") {
		t.Errorf("history grid = %q, want Cancelled and why", got)
	}

	// The running one is stopped before it saves.
	s.onActions(row("first.csv"), h.a.tabs)
	menuItem(t, s.menu, "Cancel upload").Action()
	if got := overlayText(h.win); !strings.Contains(got, "Stop the upload of first.csv") {
		t.Errorf("the question says %q", got)
	}
	s.cancelDialog.submit()
	h.runUntil("the cancel is answered", func() bool { return strings.HasPrefix(h.a.status.Text, "Cancelling first.csv") })
	close(release)
	h.settle()
	if got, want := h.a.status.Text, "first.csv: Cancelled. The upload was cancelled before it was saved: nothing in the file was applied."; got != want {
		t.Errorf("status line after the run = %q, want %q", got, want)
	}
	u := s.uploads[row("first.csv")]
	if u.Status != core.StatusCancelled {
		t.Errorf("first.csv is %s, want Cancelled", u.Status)
	}
	// Finished: nothing to cancel.
	s.onActions(row("first.csv"), h.a.tabs)
	if !menuItem(t, s.menu, "Cancel upload").Disabled {
		t.Error("Cancel upload is offered for a finished upload")
	}
	if d := detailsText(u); strings.Contains(d, "0 rows") || !strings.Contains(d, "nothing in the file was applied") {
		t.Errorf("Details of the cancelled upload = %q", d)
	}
}

// TestCancelTooLate: a cancel that reaches an upload once it has finished says so in
// the engine's words, and the grid shows how it ended.
func TestCancelTooLate(t *testing.T) {
	eng := seeded()
	eng.uploads = []core.Upload{{ID: 1, FileName: "done.csv", SchoolID: 1, Status: core.StatusCompleted, Counts: core.Counts{Rows: 2, Applied: 2}}}
	h := startedOn(t, eng, PageHistory)
	// The menu was opened while it was queued.
	h.a.history.onCancel(core.Upload{ID: 1, FileName: "done.csv", Status: core.StatusQueued})
	h.a.history.cancelDialog.submit()
	h.settle()
	if got := overlayText(h.win); !strings.Contains(got, "has already finished (Completed)") {
		t.Errorf("a late cancel showed %q", got)
	}
}

// viewLine is a label of a notes view and where it is.
type viewLine struct {
	x, y float32
	text string
}

// viewLines lists the labels of o as they read, top to bottom and left to right, with
// their place in o.
func viewLines(o fyne.CanvasObject) []viewLine {
	var out []viewLine
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		at = at.Add(o.Position())
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, viewLine{x: at.X, y: at.Y, text: v.Text})
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c, at)
			}
		}
	}
	walk(o, fyne.NewPos(0, 0).Subtract(o.Position()))
	slices.SortStableFunc(out, func(a, b viewLine) int {
		if c := cmp.Compare(a.y, b.y); c != 0 {
			return c
		}
		return cmp.Compare(a.x, b.x)
	})
	return out
}
