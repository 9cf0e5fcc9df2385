package cards

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// canvas builds the content stream of one page and records where each text went, so
// that tests can check that nothing leaves its card.
type canvas struct {
	set   *fontSet
	b     bytes.Buffer
	drawn []drawnText
	// card is the box of the card being drawn (the page's printable area for the cover
	// line) and cardNo its number in the document, -1 for the cover line.
	card   rect
	cardNo int
}

// drawnText is one text drawn on a page: its line's box at the size drawn, the box it
// was fitted into and its card's box.
type drawnText struct {
	text       string
	cardNo     int
	ink, bound rect
	card       rect
}

// text draws ln with its box's left edge at x and its baseline at y, at size points, in
// a grey level (0 black, 1 white). bound is the box the caller fitted the text into.
func (c *canvas) text(ln line, x, y, size, gray float64, bound rect) {
	if len(ln.runs) == 0 {
		return
	}
	pen := x - ln.left*size
	c.drawn = append(c.drawn, drawnText{
		text: ln.text, cardNo: c.cardNo, bound: bound, card: c.card,
		ink: rect{x: x, y: y - ln.descent*size, w: ln.width * size, h: (ln.ascent + ln.descent) * size},
	})
	complex := false
	for _, r := range ln.runs {
		complex = complex || r.complex
	}
	// Right-to-left runs, ligatures and marks do not map glyph by glyph onto the name as
	// typed: the whole line then carries its text, which readers use for copy and search.
	if complex {
		fmt.Fprintf(&c.b, "/Span << /ActualText <FEFF%s> >> BDC\n", utf16Hex(ln.text))
	}
	fmt.Fprintf(&c.b, "BT %s g\n", num(gray))
	cur := ""
	for _, r := range ln.runs {
		for _, g := range r.glyphs {
			res, code := c.set.code(r.face, g.gid, g.text)
			if res != cur {
				fmt.Fprintf(&c.b, "/%s %s Tf\n", res, num(size))
				cur = res
			}
			fmt.Fprintf(&c.b, "1 0 0 1 %s %s Tm <%02X> Tj\n", num(pen+g.x*size), num(y+g.y*size), code)
		}
	}
	c.b.WriteString("ET\n")
	if complex {
		c.b.WriteString("EMC\n")
	}
}

// fill fills r in a grey level.
func (c *canvas) fill(r rect, gray float64) {
	fmt.Fprintf(&c.b, "%s g %s %s %s %s re f\n", num(gray), num(r.x), num(r.y), num(r.w), num(r.h))
}

// stroke draws the line from (x0, y0) to (x1, y1), dashed when dash > 0.
func (c *canvas) stroke(x0, y0, x1, y1, width, gray, dash float64) {
	if dash > 0 {
		fmt.Fprintf(&c.b, "[%s %s] 0 d ", num(dash), num(dash))
	} else {
		c.b.WriteString("[] 0 d ")
	}
	fmt.Fprintf(&c.b, "%s w %s G %s %s m %s %s l S\n", num(width), num(gray), num(x0), num(y0), num(x1), num(y1))
}

// rect is a rectangle in points, from its lower-left corner (PDF's y grows upwards).
type rect struct{ x, y, w, h float64 }

func (r rect) top() float64   { return r.y + r.h }
func (r rect) right() float64 { return r.x + r.w }

// writeFonts writes every Type 3 font the pages used and returns the page resource
// dictionary naming them.
func (s *fontSet) writeFonts(d *pdfDoc) string {
	var res strings.Builder
	res.WriteString("<< /Font <<")
	for _, f := range s.all {
		for _, sub := range f.subs {
			n := writeType3(d, f, sub)
			fmt.Fprintf(&res, " /%s %d 0 R", sub.res, n)
		}
	}
	res.WriteString(" >> >>")
	return res.String()
}

// writeType3 writes one Type 3 font: each glyph is a procedure that fills the glyph's
// outline, in font units, scaled to text space by the FontMatrix.
func writeType3(d *pdfDoc, f *face, sub *subfont) int {
	var procs, diffs, widths strings.Builder
	bbox := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for i, g := range sub.glyphs {
		path, gb, ok := glyphPath(f.f, g)
		adv := float64(f.f.HorizontalAdvance(g))
		var body string
		if ok {
			body = fmt.Sprintf("%s 0 %s %s %s %s d1\n%sf\n", num(adv), num(gb[0]), num(gb[1]), num(gb[2]), num(gb[3]), path)
			bbox[0], bbox[1] = math.Min(bbox[0], gb[0]), math.Min(bbox[1], gb[1])
			bbox[2], bbox[3] = math.Max(bbox[2], gb[2]), math.Max(bbox[3], gb[3])
		} else {
			body = fmt.Sprintf("%s 0 d0\n", num(adv)) // nothing to fill: no box to give
		}
		n := d.addStream("", []byte(body))
		fmt.Fprintf(&procs, " /g%d %d 0 R", i, n)
		fmt.Fprintf(&diffs, " /g%d", i)
		fmt.Fprintf(&widths, " %s", num(adv))
	}
	if math.IsInf(bbox[0], 0) {
		bbox = [4]float64{}
	}
	// Readers cache glyphs in cells the size of the FontBBox and check each glyph's box
	// against it after rounding to device pixels; a margin of a hundredth of an em keeps
	// a glyph touching the edge from failing that check.
	pad := f.upem / 100
	bbox = [4]float64{bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad}
	toUni := d.addStream("", toUnicode(sub.text))
	scale := strconv.FormatFloat(1/f.upem, 'f', -1, 64)
	return d.add(fmt.Sprintf("<< /Type /Font /Subtype /Type3 /FontBBox [%s %s %s %s] /FontMatrix [%s 0 0 %s 0 0]"+
		" /CharProcs <<%s >> /Encoding << /Type /Encoding /Differences [0%s] >> /FirstChar 0 /LastChar %d"+
		" /Widths [%s ] /Resources << >> /ToUnicode %d 0 R >>",
		num(bbox[0]), num(bbox[1]), num(bbox[2]), num(bbox[3]), scale, scale,
		procs.String(), diffs.String(), len(sub.glyphs)-1, widths.String(), toUni))
}

// glyphPath is the outline of glyph g as PDF path operators in font units, and its
// bounding box; ok is false for a glyph with no outline (a space).
func glyphPath(f *font.Face, g font.GID) (path string, bbox [4]float64, ok bool) {
	out, isOutline := f.GlyphData(g).(font.GlyphOutline)
	if !isOutline || len(out.Segments) == 0 {
		return "", bbox, false
	}
	bbox = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	grow := func(p ot.SegmentPoint) {
		x, y := float64(p.X), float64(p.Y)
		bbox[0], bbox[1] = math.Min(bbox[0], x), math.Min(bbox[1], y)
		bbox[2], bbox[3] = math.Max(bbox[2], x), math.Max(bbox[3], y)
	}
	var b strings.Builder
	pt := func(p ot.SegmentPoint) string {
		grow(p)
		return num(float64(p.X)) + " " + num(float64(p.Y))
	}
	var cur ot.SegmentPoint
	open := false
	for _, s := range out.Segments {
		switch s.Op {
		case ot.SegmentOpMoveTo:
			if open {
				b.WriteString("h\n")
			}
			fmt.Fprintf(&b, "%s m\n", pt(s.Args[0]))
			cur, open = s.Args[0], true
		case ot.SegmentOpLineTo:
			fmt.Fprintf(&b, "%s l\n", pt(s.Args[0]))
			cur = s.Args[0]
		case ot.SegmentOpQuadTo:
			// PDF has cubic curves only: a quadratic one with control point q is the cubic
			// with control points two thirds of the way from each end to q.
			q, e := s.Args[0], s.Args[1]
			c1 := ot.SegmentPoint{X: cur.X + 2*(q.X-cur.X)/3, Y: cur.Y + 2*(q.Y-cur.Y)/3}
			c2 := ot.SegmentPoint{X: e.X + 2*(q.X-e.X)/3, Y: e.Y + 2*(q.Y-e.Y)/3}
			fmt.Fprintf(&b, "%s %s %s c\n", pt(c1), pt(c2), pt(e))
			cur = e
		case ot.SegmentOpCubeTo:
			fmt.Fprintf(&b, "%s %s %s c\n", pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2]))
			cur = s.Args[2]
		}
	}
	if open {
		b.WriteString("h\n")
	}
	return b.String(), bbox, true
}

// toUnicode is the CMap that maps a Type 3 font's byte codes back to text, so that a
// reader can copy and search what was printed.
func toUnicode(text []string) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n")
	var entries []string
	for code, t := range text {
		if t != "" {
			entries = append(entries, fmt.Sprintf("<%02X> <%s>", code, utf16Hex(t)))
		}
	}
	for len(entries) > 0 {
		n := min(len(entries), 100) // a bfchar block holds at most 100 entries
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", n, strings.Join(entries[:n], "\n"))
		entries = entries[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}
