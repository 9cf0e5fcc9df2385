package cards

import (
	"fmt"
	"strings"
	"unicode"

	goqr "github.com/piglig/go-qr"
)

// Lengths are in PDF points (1/72 in). The card is designed at 8-up size; the 1-up card
// is the same drawing scaled up.
const (
	inch       = 72.0
	oneUpScale = 1.6
)

// Texts printed on every card. Kept together so the wording is reviewed in one place.
const (
	labelUsername = "Username"
	labelPassword = "Password"
	// The card does not know why its password is gone (used at a sign-in, replaced by
	// a reset, or expired unused after 90 days), so it gives no reason, only what to do.
	noPasswordText = "This password no longer works — ask your teacher for a new one"
	noNameText     = "This name could not be printed on this computer — please write it in"
	cutHint        = "Cut along the dashed lines"
)

// qrMarker stands for a QR code in the record of what was drawn.
const qrMarker = "[QR]"

// geometry is where things go on a page of one layout and paper.
type geometry struct {
	pageW, pageH float64
	perPage      int
	cols         int
	grid         rect // the cards' area: cut lines run along its edges and between cards
	cardW, cardH float64
	scale        float64
	header       rect // the cover line's box, across the top of the page
	margin       float64
}

func geometryFor(l Layout, p Paper) geometry {
	g := geometry{pageW: 8.5 * inch, pageH: 11 * inch}
	if p == A4 {
		g.pageW, g.pageH = 595.28, 841.89
	}
	// Half an inch clears the unprintable edge of every office printer.
	g.margin = 0.5 * inch
	g.header = rect{x: g.margin, y: g.pageH - g.margin - 16, w: g.pageW - 2*g.margin, h: 16}
	top := g.header.y - 6 // the cards start below the cover line
	switch l {
	case OneUp:
		g.perPage, g.cols, g.scale = 1, 1, oneUpScale
		g.cardW, g.cardH = 270*oneUpScale, 174*oneUpScale
		g.grid = rect{x: (g.pageW - g.cardW) / 2, y: top - g.cardH, w: g.cardW, h: g.cardH}
	default:
		g.perPage, g.cols, g.scale = 8, 2, 1
		g.grid = rect{x: g.margin, y: g.margin, w: g.pageW - 2*g.margin, h: top - g.margin}
		g.cardW, g.cardH = g.grid.w/2, g.grid.h/4
	}
	return g
}

// cardRect is the box of the i-th card of a page, filled left to right, top to bottom.
func (g geometry) cardRect(i int) rect {
	col, row := i%g.cols, i/g.cols
	return rect{x: g.grid.x + float64(col)*g.cardW, y: g.grid.top() - float64(row+1)*g.cardH, w: g.cardW, h: g.cardH}
}

// renderer draws pages; it keeps the shaping buffers and the counts for the Result.
type renderer struct {
	set   *fontSet
	opts  Options
	geo   geometry
	ts    typesetter
	res   Result
	pages []*canvas // kept for tests
	cards int
}

func (r *renderer) labels() chain {
	return chain{set: r.set, faces: []*face{r.set.sans, r.set.bold}, system: true}
}
func (r *renderer) names() chain {
	return chain{set: r.set, faces: []*face{r.set.bold, r.set.sans}, system: true}
}
func (r *renderer) monos() chain { return chain{set: r.set, faces: []*face{r.set.mono, r.set.sans}} }

// page draws page p of n of a class.
func (r *renderer) page(cl class, cards []Card, p, n int) *canvas {
	g := r.geo
	cv := &canvas{set: r.set, cardNo: -1, card: rect{x: g.margin, y: g.margin, w: g.pageW - 2*g.margin, h: g.pageH - 2*g.margin}}
	// The cover line: which class, whose, how many cards, when.
	parts := []string{cl.label}
	if cl.teacher != "" {
		parts = append(parts, cl.teacher)
	}
	count := fmt.Sprintf("%d cards", len(cl.cards))
	if len(cl.cards) == 1 {
		count = "1 card"
	}
	parts = append(parts, count)
	if !r.opts.Printed.IsZero() {
		parts = append(parts, "printed "+r.opts.Printed.Format("2006-01-02"))
	}
	right := fmt.Sprintf("Page %d of %d", p+1, n)
	if g.perPage > 1 {
		right = cutHint + " · " + right
	}
	if cl.school != "" {
		right = cl.school + " · " + right
	}
	// Both texts share a baseline: the smaller one's box is lower by the difference of
	// their ascents.
	h := g.header
	rw := min(r.width(right, r.labels(), 8), h.w*0.45)
	r.line(cv, right, r.labels(), rect{x: h.right() - rw, y: h.y, w: rw, h: h.h - 3}, 8, 0.35, alignRight)
	r.line(cv, strings.Join(parts, " — "), r.labels(), rect{x: h.x, y: h.y, w: h.w - rw - 12, h: h.h}, 11, 0, alignLeft)

	// Cut lines: around the whole grid and between the cards, dashed, so every card comes
	// out the same size whichever line is cut first.
	const dash, cutGray = 3, 0.55
	rows := (g.perPage + g.cols - 1) / g.cols
	for c := 0; c <= g.cols; c++ {
		x := g.grid.x + float64(c)*g.cardW
		cv.stroke(x, g.grid.y, x, g.grid.top(), 0.5, cutGray, dash)
	}
	for row := 0; row <= rows; row++ {
		y := g.grid.y + float64(row)*g.cardH
		cv.stroke(g.grid.x, y, g.grid.right(), y, 0.5, cutGray, dash)
	}
	for i, c := range cards {
		cv.card, cv.cardNo = g.cardRect(i), r.cards
		r.card(cv, cl, c, cv.card, g.scale)
		r.cards++
	}
	return cv
}

type align int

const (
	alignLeft align = iota
	alignRight
)

// width is how wide s is at size points, or 0 when it cannot be drawn.
func (r *renderer) width(s string, c chain, size float64) float64 {
	ln, ok := r.ts.shape(s, c)
	if !ok {
		return 0
	}
	return ln.width * size
}

// line draws s on one line inside box, at size or smaller so that it fits. Characters
// no font has are replaced by "?" first: a class or school name is still recognisable,
// and nothing prints as an empty box.
func (r *renderer) line(cv *canvas, s string, c chain, box rect, size, gray float64, a align) {
	ln, ok := r.ts.shape(s, c)
	if !ok {
		ln, _ = r.ts.shape(replaceUncovered(s, c), c)
	}
	lines, sz := []line{ln}, size
	sz = min(sz, fitSize(lines, box))
	r.drawLines(cv, lines, box, sz, gray, a)
}

func replaceUncovered(s string, c chain) string {
	var b strings.Builder
	for _, ch := range s {
		if ignorable(ch) || c.resolve(ch) != nil {
			b.WriteRune(ch)
		} else {
			b.WriteRune('?')
		}
	}
	return b.String()
}

// lineGap is the distance between baselines, as a multiple of the line's height.
const lineGap = 1.05

// fitSize is the largest size at which lines, stacked, fit box.
func fitSize(lines []line, box rect) float64 {
	wide, tall := 0.0, 0.0
	for i, ln := range lines {
		wide = max(wide, ln.width)
		h := ln.ascent + ln.descent
		if i > 0 {
			h *= lineGap
		}
		tall += h
	}
	size := 1e9
	if wide > 0 {
		size = box.w / wide
	}
	if tall > 0 {
		size = min(size, box.h/tall)
	}
	return size
}

// drawLines draws lines at size from the top of box down.
func (r *renderer) drawLines(cv *canvas, lines []line, box rect, size, gray float64, a align) {
	y := box.top()
	for i, ln := range lines {
		if i > 0 {
			y -= (ln.ascent + ln.descent) * size * (lineGap - 1)
		}
		y -= ln.ascent * size
		x := box.x
		if a == alignRight {
			x = box.right() - ln.width*size
		}
		cv.text(ln, x, y, size, gray, box)
		y -= ln.descent * size
	}
}

// fit lays s out in box in one line, or in two broken at a space when that prints it
// larger, at size or smaller; ok is false when some character has no font.
func (r *renderer) fit(s string, c chain, box rect, size float64) (lines []line, sz float64, ok bool) {
	one, ok := r.ts.shape(s, c)
	if !ok {
		return nil, 0, false
	}
	lines, sz = []line{one}, min(size, fitSize([]line{one}, box))
	if sz >= size {
		return lines, sz, true
	}
	runes := []rune(s)
	for i, ch := range runes {
		// Break at a space, but not before a dash: "already —" stays on the first line.
		if ch != ' ' || (i+1 < len(runes) && strings.ContainsRune("—–-", runes[i+1])) {
			continue
		}
		a, _ := r.ts.shape(strings.TrimSpace(string(runes[:i])), c)
		b, _ := r.ts.shape(strings.TrimSpace(string(runes[i+1:])), c)
		if len(a.runs) == 0 || len(b.runs) == 0 {
			continue
		}
		two := []line{a, b}
		// One line reads better than two; two win only when they print clearly larger.
		if s2 := min(size, fitSize(two, box)); s2 > sz*1.15 {
			lines, sz = two, s2
		}
	}
	return lines, sz, true
}

// card draws one card in box. Sizes are for the 8-up card and scale with it.
func (r *renderer) card(cv *canvas, cl class, c Card, box rect, s float64) {
	pad := 12 * s
	in := rect{x: box.x + pad, y: box.y + pad, w: box.w - 2*pad, h: box.h - 2*pad}
	y := in.top()

	// School, then class and teacher, small and grey: they say whose card it is.
	lineH := 10.5 * s
	r.line(cv, c.School, r.labels(), rect{x: in.x, y: y - lineH, w: in.w, h: lineH}, 8*s, 0.35, alignLeft)
	y -= lineH
	classLine := cl.label
	if c.Teacher != "" {
		classLine += " · " + c.Teacher
	}
	r.line(cv, classLine, r.labels(), rect{x: in.x, y: y - lineH, w: in.w, h: lineH}, 8*s, 0.35, alignLeft)
	y -= lineH + 3*s
	cv.stroke(in.x, y, in.right(), y, 0.5*s, 0.75, 0)
	y -= 5 * s

	// The name, as large as fits.
	nameBox := rect{x: in.x, y: y - 34*s, w: in.w, h: 34 * s}
	name := displayName(c.FirstName, c.LastName)
	if lines, sz, ok := r.fit(name, r.names(), nameBox, 18*s); ok {
		r.drawLines(cv, lines, nameBox, sz, 0, alignLeft)
	} else {
		r.res.NamesNotDrawn = append(r.res.NamesNotDrawn, c.Username)
		note := rect{x: nameBox.x, y: nameBox.y + 12*s, w: nameBox.w, h: nameBox.h - 12*s}
		lines, sz, _ := r.fit(noNameText, r.labels(), note, 8.5*s)
		r.drawLines(cv, lines, note, sz, 0.35, alignLeft)
		// A line to write the name on.
		cv.stroke(in.x, nameBox.y+2*s, in.right(), nameBox.y+2*s, 0.5*s, 0.5, 0)
	}
	y = nameBox.y - 6*s

	// Username and password beside the QR code.
	textW := in.w
	if r.opts.QR {
		q := min(y-in.y, 84*s)
		qbox := rect{x: in.right() - q, y: in.y, w: q, h: q}
		drawQR(cv, c.Username, qbox)
		cv.drawn = append(cv.drawn, drawnText{text: qrMarker, cardNo: cv.cardNo, ink: qbox, bound: in, card: box})
		textW -= q + 8*s
	}
	labelH := 9 * s
	r.line(cv, labelUsername, r.labels(), rect{x: in.x, y: y - labelH, w: textW, h: labelH}, 7*s, 0.35, alignLeft)
	y -= labelH
	userBox := rect{x: in.x, y: y - 17*s, w: textW, h: 17 * s}
	r.line(cv, c.Username, r.monos(), userBox, 14*s, 0, alignLeft)
	y = userBox.y - 4*s
	r.line(cv, labelPassword, r.labels(), rect{x: in.x, y: y - labelH, w: textW, h: labelH}, 7*s, 0.35, alignLeft)
	y -= labelH
	passBox := rect{x: in.x, y: y - 21*s, w: textW, h: 21 * s}
	if c.Password == "" {
		r.res.NoPassword++
		lines, sz, _ := r.fit(noPasswordText, r.labels(), passBox, 8.5*s)
		r.drawLines(cv, lines, passBox, sz, 0, alignLeft)
	} else {
		r.line(cv, c.Password, r.monos(), passBox, 17*s, 0, alignLeft)
	}
}

// drawQR draws a QR code of text in box as filled squares (vector, so it is sharp at any
// printer resolution), with a quiet zone of two modules inside the box; the card's
// padding completes the four the standard asks for.
func drawQR(cv *canvas, text string, box rect) {
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return // a username is at most 50 characters, far below what a QR code holds
	}
	n := q.Size()
	const quiet = 2
	m := box.w / float64(n+2*quiet)
	x0, y0 := box.x+quiet*m, box.top()-quiet*m
	var b strings.Builder
	b.WriteString("0 g\n")
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !q.Module(x, y) {
				x++
				continue
			}
			run := x
			for run < n && q.Module(run, y) {
				run++
			}
			// One rectangle per run of dark modules in a row keeps the stream small.
			fmt.Fprintf(&b, "%s %s %s %s re\n", num(x0+float64(x)*m), num(y0-float64(y+1)*m), num(float64(run-x)*m), num(m))
			x = run
		}
	}
	b.WriteString("f\n")
	cv.b.WriteString(b.String())
}

// displayName is the name as the student writes it: given name first, except for names
// written wholly in Chinese, Japanese or Korean characters, which put the family name
// first with no space between (王小明).
func displayName(first, last string) string {
	if first != "" && last != "" && allCJK(first) && allCJK(last) {
		return last + first
	}
	return strings.TrimSpace(first + " " + last)
}

func allCJK(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) && r != 'ー' && r != '々' {
			return false
		}
	}
	return true
}
