package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

// historyCell is one cell of the history grid: a line of text (a file name, a status,
// counts…) with, for an upload in progress, a thin progress line under it, and for a
// Failed or Cancelled upload its one-line reason after the status; or, in the Actions
// column, the Actions button.
type historyCell struct {
	widget.BaseWidget
	// text is the cell's line: a RichText of one segment, so a status can take a colour
	// that no label importance gives (Cancelled's neutral grey).
	text *widget.RichText
	seg  *widget.TextSegment
	// reason is the one-line reason after a Failed or Cancelled status, cut with "…"
	// (the whole of it shows on hover).
	reason  *widget.Label
	track   *canvas.Rectangle
	fill    *canvas.Rectangle
	actions *keyButton
	// done is the part of the upload done, shown as the progress line; negative hides it.
	done float64
}

func newHistoryCell(a *App) fyne.CanvasObject {
	c := &historyCell{
		seg:     &widget.TextSegment{Style: widget.RichTextStyleInline},
		reason:  widget.NewLabel(""),
		track:   canvas.NewRectangle(theme.Color(theme.ColorNameInputBorder)),
		fill:    canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		actions: a.newButton("Actions", theme.MoreVerticalIcon(), nil),
		done:    -1,
	}
	c.text = widget.NewRichText(c.seg)
	c.text.Truncation = fyne.TextTruncateEllipsis
	c.reason.Truncation = fyne.TextTruncateEllipsis
	c.reason.Hide()
	c.actions.Importance = widget.LowImportance
	c.ExtendBaseWidget(c)
	return c
}

// line returns the text the cell shows.
func (c *historyCell) line() string { return c.seg.Text }

// show sets the cell to a line of text in colour (a theme colour name), with a progress
// line when done ≥ 0.
func (c *historyCell) show(text string, colour fyne.ThemeColorName, bold bool, done float64) {
	c.showStatus(text, colour, bold, "", done)
}

// showStatus sets the cell to a status in colour followed by reason (none when ""), with
// a progress line when done ≥ 0.
func (c *historyCell) showStatus(text string, colour fyne.ThemeColorName, bold bool, reason string, done float64) {
	c.actions.Hide()
	c.text.Show()
	c.seg.Text = text
	c.seg.Style.ColorName = colour
	c.seg.Style.TextStyle = fyne.TextStyle{Bold: bold}
	c.reason.Text = reason
	c.reason.Hidden = reason == ""
	c.done = done
	c.Refresh()
}

// showActions sets the cell to the Actions button, which runs tapped.
func (c *historyCell) showActions(tapped func()) {
	c.text.Hide()
	c.reason.Hide()
	c.done = -1
	c.actions.OnTapped = tapped
	c.actions.Show()
	c.Refresh()
}

func (c *historyCell) CreateRenderer() fyne.WidgetRenderer { return &historyCellRenderer{c: c} }

type historyCellRenderer struct{ c *historyCell }

// progressHeight is the height of the progress line under an upload's status.
const progressHeight = 4

func (r *historyCellRenderer) Layout(size fyne.Size) {
	c := r.c
	c.text.Resize(size)
	c.text.Move(fyne.NewPos(0, 0))
	if c.reason.Visible() {
		// The status keeps its whole width (it is short); the reason takes the rest, one
		// padding after it, both text boxes' own inner padding overlapping.
		w := fyne.Min(textWidth(c.seg.Text, c.seg.Style.TextStyle.Bold), size.Width)
		c.text.Resize(fyne.NewSize(w, size.Height))
		x := fyne.Max(w-theme.InnerPadding()+theme.Padding(), 0)
		c.reason.Move(fyne.NewPos(x, 0))
		c.reason.Resize(fyne.NewSize(fyne.Max(size.Width-x, 0), size.Height))
	}
	c.actions.Resize(fyne.NewSize(size.Width, fyne.Min(size.Height, c.actions.MinSize().Height)))
	c.actions.Move(fyne.NewPos(0, (size.Height-c.actions.Size().Height)/2))
	pad := theme.InnerPadding()
	w := fyne.Max(size.Width-2*pad, 0)
	y := size.Height - progressHeight - theme.Padding()
	c.track.Move(fyne.NewPos(pad, y))
	c.track.Resize(fyne.NewSize(w, progressHeight))
	c.fill.Move(fyne.NewPos(pad, y))
	c.fill.Resize(fyne.NewSize(w*float32(fyne.Min(float32(c.done), 1)), progressHeight))
}

func (r *historyCellRenderer) MinSize() fyne.Size {
	t, b := r.c.text.MinSize(), r.c.actions.MinSize()
	return fyne.NewSize(fyne.Max(t.Width, b.Width), fyne.Max(t.Height, b.Height))
}

func (r *historyCellRenderer) Refresh() {
	c := r.c
	on := c.done >= 0 && c.text.Visible()
	c.track.Hidden, c.fill.Hidden = !on, !on
	// The track is the input border's colour (3:1 against the window in both themes),
	// the part done the primary colour.
	c.track.FillColor = theme.Color(theme.ColorNameInputBorder)
	c.fill.FillColor = theme.Color(theme.ColorNamePrimary)
	r.Layout(c.Size())
	c.text.Refresh()
	c.reason.Refresh()
	c.actions.Refresh()
	c.track.Refresh()
	c.fill.Refresh()
}

func (r *historyCellRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.text, r.c.reason, r.c.track, r.c.fill, r.c.actions}
}

func (r *historyCellRenderer) Destroy() {}

// statusColour is the colour a status is written in: green, orange and red for how an
// upload ended, grey (the placeholder's colour, which keeps 4.5:1) for one cancelled,
// the text colour while it waits or runs. TestThemeContrast checks every one.
func statusColour(st core.Status) fyne.ThemeColorName {
	switch st {
	case core.StatusCompleted:
		return theme.ColorNameSuccess
	case core.StatusCompletedWithError:
		return theme.ColorNameWarning
	case core.StatusFailed:
		return theme.ColorNameError
	case core.StatusCancelled:
		return theme.ColorNamePlaceHolder
	}
	return theme.ColorNameForeground
}
