package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// gridColumn describes a column of a grid: its header, how wide it wants to be, how
// narrow it may get, and its share of any width to spare.
type gridColumn struct {
	title string
	// want is the width that shows the column's usual content whole; 0 measures sample.
	want float32
	// sample is the widest usual content, measured for want when want is 0.
	sample string
	bold   bool // the content is bold (statuses)
	// least is the narrowest the column may get before the grid scrolls sideways; 0
	// means want. Text cut shorter shows whole on hover.
	least float32
	// grow is the column's share of the width left over.
	grow float32
}

// textWidth is the width a label needs to show s on one line, uncut: its own MinSize,
// which adds the label's padding the way the label does, and a point more, because
// the label cuts text that fits to the last fraction of a point.
func textWidth(s string, bold bool) float32 {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold}).MinSize().Width + 1
}

// wantWidth is the width column c asks for: its header's and its sample's, whichever is
// wider.
func (c gridColumn) wantWidth() float32 {
	if c.want > 0 {
		return fyne.Max(c.want, textWidth(c.title, true))
	}
	return fyne.Max(textWidth(c.sample, c.bold), textWidth(c.title, true))
}

// resolve measures what each column wants once (measuring text is slow), so that
// sharing the width on every layout costs nothing.
func resolve(cols []gridColumn) []gridColumn {
	out := make([]gridColumn, len(cols))
	for i, c := range cols {
		c.want = c.wantWidth()
		out[i] = c
	}
	return out
}

// columnWidths shares width among cols. Every column gets what it wants and the columns
// that grow share the rest; when there is not enough, the columns that may shrink give
// up width in proportion to how much they can; when even that is not enough, each gets
// its least and the grid scrolls. pad is the gap between two columns.
func columnWidths(cols []gridColumn, width, pad float32) []float32 {
	out := make([]float32, len(cols))
	avail := width - pad*float32(len(cols)-1)
	var want, least, grow float32
	for i, c := range cols {
		out[i] = c.want
		if out[i] <= 0 {
			out[i] = c.wantWidth()
		}
		want += out[i]
		l := c.least
		if l <= 0 || l > out[i] {
			l = out[i]
		}
		least += l
		grow += c.grow
	}
	switch {
	case avail >= want:
		if grow > 0 {
			for i, c := range cols {
				out[i] += (avail - want) * c.grow / grow
			}
		}
	case avail > least:
		cut := want - avail
		for i, c := range cols {
			if c.least > 0 && c.least < out[i] {
				out[i] -= cut * (out[i] - c.least) / (want - least)
			}
		}
	default:
		for i, c := range cols {
			if c.least > 0 && c.least < out[i] {
				out[i] = c.least
			}
		}
	}
	return out
}

// grid is a table whose columns share its width (gridColumn), that shows a cell's whole
// text on hover when the cell cuts it short, and that passes the window's keys on.
type grid struct {
	widget.Table
	a    *App
	cols []gridColumn
	// cellText returns the whole text of a cell, and whether it is shown on hover even
	// when it fits (a status's reason).
	cellText func(id widget.TableCellID) (text string, always bool)

	widths  []float32
	mouse   fyne.Position
	tip     *fyne.Container // background and label, placed in layer
	tipText *widget.Label
	tipCell widget.TableCellID
	layer   *fyne.Container
	content fyne.CanvasObject // the grid with its tip layer: put this in the page
}

func (a *App) newGrid(cols []gridColumn, length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *grid {
	g := &grid{a: a, cols: resolve(cols)}
	g.ExtendBaseWidget(g)
	g.Length, g.CreateCell, g.UpdateCell = length, create, update
	g.ShowHeaderRow = true
	g.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	g.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(g.cols) {
			o.(*widget.Label).SetText(g.cols[id.Col].title)
		}
	}
	g.OnHighlighted = g.onHighlighted
	g.tipText = widget.NewLabel("")
	g.tipText.Wrapping = fyne.TextWrapWord
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	g.tip = container.NewStack(bg, g.tipText)
	g.tip.Hide()
	g.layer = container.NewWithoutLayout(g.tip)
	g.content = container.New(&gridLayout{g: g}, g, g.layer)
	return g
}

// gridLayout gives the grid and its tip layer the whole space, sharing the width among
// the columns first.
type gridLayout struct{ g *grid }

func (l *gridLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.g.MinSize() }

func (l *gridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.g.setWidth(size.Width)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// setWidth shares width among the columns. The vertical scroll bar is left room.
func (g *grid) setWidth(width float32) {
	widths := columnWidths(g.cols, width-theme.Size(theme.SizeNameScrollBar), theme.Padding())
	for i, w := range widths {
		if i >= len(g.widths) || g.widths[i] != w {
			g.SetColumnWidth(i, w)
		}
	}
	g.widths = widths
}

// setColumns replaces the columns (a column shown or hidden) and shares the width again.
func (g *grid) setColumns(cols []gridColumn) {
	g.cols = resolve(cols)
	g.widths = nil
	g.hideTip()
	if w := g.Size().Width; w > 0 {
		g.setWidth(w)
	}
	g.Refresh()
}

func (g *grid) MouseIn(ev *desktop.MouseEvent) {
	g.mouse = ev.Position
	g.Table.MouseIn(ev)
}

func (g *grid) MouseMoved(ev *desktop.MouseEvent) {
	g.mouse = ev.Position
	g.Table.MouseMoved(ev)
}

func (g *grid) MouseOut() {
	g.hideTip()
	g.Table.MouseOut()
}

func (g *grid) TypedKey(ev *fyne.KeyEvent) {
	if !g.a.typedKey(ev) {
		g.Table.TypedKey(ev)
	}
}

// onHighlighted shows the whole text of the cell under the pointer when the cell cuts
// it short.
func (g *grid) onHighlighted(id widget.TableCellID) {
	if g.cellText == nil || id.Col < 0 || id.Col >= len(g.widths) {
		g.hideTip()
		return
	}
	text, always := g.cellText(id)
	if text == "" || !always && textWidth(text, false) <= g.widths[id.Col] {
		g.hideTip()
		return
	}
	g.showTip(id, text, g.mouse)
}

// showTip shows text in a box just below pos (above it near the bottom), within the
// grid.
func (g *grid) showTip(id widget.TableCellID, text string, pos fyne.Position) {
	g.tipCell = id
	g.tipText.SetText(text)
	size := g.Size()
	w := fyne.Min(fyne.Min(textWidth(text, false)+theme.Padding(), 480), size.Width)
	g.tip.Resize(fyne.NewSize(w, 1)) // the label wraps at w before measuring its height
	h := g.tipText.MinSize().Height
	g.tip.Resize(fyne.NewSize(w, h))
	x := fyne.Min(pos.X, size.Width-w)
	y := pos.Y + 20
	if y+h > size.Height {
		y = pos.Y - h - 4
	}
	g.tip.Move(fyne.NewPos(fyne.Max(x, 0), fyne.Max(y, 0)))
	g.tip.Show()
	g.layer.Refresh()
}

func (g *grid) hideTip() {
	if g.tip.Visible() {
		g.tip.Hide()
		g.layer.Refresh()
	}
}

// tipShown returns the text of the tip on show, or "".
func (g *grid) tipShown() string {
	if !g.tip.Visible() {
		return ""
	}
	return g.tipText.Text
}

// textCell is a grid cell that shows one line of text, cut short with "…" when the
// column is too narrow (the grid shows it whole on hover).
func textCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}
