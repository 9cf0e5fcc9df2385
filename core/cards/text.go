package cards

import (
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
)

// shapeSize is the size, in pixels per em, text is shaped at; positions are then divided
// by it to get em. Shaping in whole pixels of a large em keeps HarfBuzz's 26.6 fixed
// point far finer than print needs.
const shapeSize = 1000

// line is a piece of text shaped once, measured in em so that it can be drawn at any size.
// Its box runs from left to left+width across and from descent below the baseline to
// ascent above it, and holds both the faces' line metrics and every glyph's ink: a
// stacked Vietnamese capital or a swash can reach past the font's ascender or before
// the pen's start, and must not leave the card either.
type line struct {
	text    string
	runs    []run   // in visual order, left to right
	left    float64 // where the box starts, from the pen's start; 0 or less
	width   float64
	ascent  float64 // above the baseline
	descent float64 // below the baseline, positive
}

// run is text of one face and one direction.
type run struct {
	face *face
	text string // the run's characters in logical (reading) order
	// complex is set when the glyphs do not map one to one, in order, onto the characters
	// (right-to-left text, ligatures, marks): the PDF then carries the text itself so
	// that copying and searching give the name as typed.
	complex bool
	glyphs  []placed
	width   float64
}

// placed is one glyph and its origin, in em from the line's start on the baseline.
type placed struct {
	gid  font.GID
	x, y float64
	text string // the characters it stands for; empty for the second glyph of a cluster
	// ink is the glyph's drawn extent relative to its origin: x0, x1 across, y0 (below)
	// and y1 (above) up from the baseline.
	ink [4]float64
}

// typesetter shapes text; it keeps HarfBuzz's buffers between calls.
type typesetter struct {
	shaper shaping.HarfbuzzShaper
	seg    shaping.Segmenter
}

// shape lays s out on one line with the faces of c: split into runs by direction,
// script and face, each shaped by HarfBuzz (Arabic joins, Vietnamese stacks its marks),
// the runs put in visual order. ok is false when some character has no face: the caller
// then prints a note instead of a box.
func (t *typesetter) shape(s string, c chain) (ln line, ok bool) {
	ln.text = s
	// A damaged system font can make the shaper index out of range; such a name is then
	// treated as one no font draws, rather than failing the whole print run.
	defer func() {
		if p := recover(); p != nil {
			ln, ok = line{text: s}, false
		}
	}()
	if !c.covers(s) {
		return ln, false
	}
	runes := []rune(s)
	if len(runes) == 0 {
		return ln, true
	}
	base := baseDirection(runes)
	in := shaping.Input{
		Text:      runes,
		RunStart:  0,
		RunEnd:    len(runes),
		Direction: base,
		Face:      c.faces[0].f,
		Size:      fixed.I(shapeSize),
	}
	inputs := t.seg.Split(in, c)
	levels := make([]int, len(inputs))
	runs := make([]run, len(inputs))
	for i, input := range inputs {
		out := t.shaper.Shape(input)
		rtl := input.Direction == di.DirectionRTL
		switch {
		case rtl:
			levels[i] = 1
		case base == di.DirectionRTL:
			levels[i] = 2
		}
		f := c.set.byFont[input.Face]
		if f == nil {
			f = c.faces[0]
		}
		r := run{face: f, text: string(runes[input.RunStart:input.RunEnd]), complex: rtl}
		pen := 0.0
		texted := map[int]bool{}
		for _, g := range out.Glyphs {
			p := placed{gid: g.GlyphID, x: pen + em(g.XOffset), y: em(g.YOffset)}
			if g.Width != 0 || g.Height != 0 {
				x0, top := em(g.XBearing), em(g.YBearing)
				p.ink = [4]float64{x0, top + em(g.Height), x0 + em(g.Width), top}
			}
			if g.RunesCount() != 1 || g.GlyphsCount() != 1 {
				r.complex = true
			}
			// HarfBuzz gives every glyph of a cluster the cluster's first character; the
			// text goes with the cluster's first glyph in reading order.
			start := g.TextIndex()
			if start >= 0 && start+g.RunesCount() <= len(runes) && !texted[start] {
				texted[start] = true
				p.text = string(runes[start : start+g.RunesCount()])
			}
			r.glyphs = append(r.glyphs, p)
			pen += em(g.Advance)
		}
		r.width = pen
		runs[i] = r
		if a := f.ascent; a > ln.ascent {
			ln.ascent = a
		}
		if d := f.descent; d > ln.descent {
			ln.descent = d
		}
	}
	order := visualOrder(levels)
	x, right := 0.0, 0.0
	for _, i := range order {
		r := runs[i]
		for j := range r.glyphs {
			g := &r.glyphs[j]
			g.x += x // the run starts where the runs left of it end
			if g.ink != [4]float64{} {
				ln.left = min(ln.left, g.x+g.ink[0])
				right = max(right, g.x+g.ink[2])
				ln.descent = max(ln.descent, -(g.y + g.ink[1]))
				ln.ascent = max(ln.ascent, g.y+g.ink[3])
			}
		}
		x += r.width
		ln.runs = append(ln.runs, r)
	}
	ln.width = max(x, right) - ln.left
	return ln, true
}

func em(v fixed.Int26_6) float64 { return float64(v) / 64 / shapeSize }

// baseDirection is the direction of the first strong character (Unicode bidi rules P2
// and P3): a name that starts in Arabic is laid out right to left.
func baseDirection(runes []rune) di.Direction {
	for _, r := range runes {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			return di.DirectionLTR
		case bidi.R, bidi.AL:
			return di.DirectionRTL
		}
	}
	return di.DirectionLTR
}

// visualOrder returns the indices of runs, given in reading order with their bidi
// levels, in the order they appear from left to right (Unicode bidi rule L2: from the
// highest level down to the lowest odd one, reverse every sequence at that level or
// above).
func visualOrder(levels []int) []int {
	order := make([]int, len(levels))
	hi, lo := 0, 1<<30
	for i, l := range levels {
		order[i] = i
		hi = max(hi, l)
		if l%2 == 1 {
			lo = min(lo, l)
		}
	}
	for l := hi; l >= lo && l > 0; l-- {
		for i := 0; i < len(order); {
			if levels[order[i]] < l {
				i++
				continue
			}
			j := i
			for j < len(order) && levels[order[j]] >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			i = j
		}
	}
	return order
}
