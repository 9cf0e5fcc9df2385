package cards

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"testing"

	ot "github.com/go-text/typesetting/font/opentype"
)

// writeTestFont writes, under dir, a TrueType font named name that draws only the given
// characters (each as a square with a notch, distinct per character), so the system-font
// search can be tested without depending on what fonts the machine has.
func writeTestFont(t testing.TB, dir, name string, runes []rune) string {
	t.Helper()
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	n := len(runes) + 1 // glyph 0 is .notdef, empty
	be := binary.BigEndian
	u16 := func(b []byte, v int) []byte { return be.AppendUint16(b, uint16(v)) }
	u32 := func(b []byte, v uint32) []byte { return be.AppendUint32(b, v) }

	var head []byte
	head = u32(head, 0x00010000)
	head = u32(head, 0x00010000)
	head = u32(head, 0)
	head = u32(head, 0x5F0F3CF5)
	head = u16(head, 0)    // flags
	head = u16(head, 1000) // unitsPerEm
	head = append(head, make([]byte, 16)...)
	head = u16(head, 0)
	head = u16(head, 0)
	head = u16(head, 1000)
	head = u16(head, 800)
	head = u16(head, 0) // macStyle
	head = u16(head, 8)
	head = u16(head, 2)
	head = u16(head, 1) // long loca
	head = u16(head, 0)

	var hhea []byte
	hhea = u32(hhea, 0x00010000)
	hhea = u16(hhea, 880)
	hhea = u16(hhea, -120&0xffff)
	hhea = u16(hhea, 0)
	hhea = u16(hhea, 1000)
	hhea = append(hhea, make([]byte, 6)...)
	hhea = u16(hhea, 1000)
	hhea = u16(hhea, 1)
	hhea = append(hhea, make([]byte, 12)...)
	hhea = u16(hhea, n)

	var maxp []byte
	maxp = u32(maxp, 0x00010000)
	maxp = u16(maxp, n)
	maxp = u16(maxp, 8) // points
	maxp = u16(maxp, 2) // contours
	maxp = append(maxp, make([]byte, 4)...)
	maxp = u16(maxp, 2)
	maxp = append(maxp, make([]byte, 16)...)

	var hmtx, glyf, loca []byte
	loca = u32(loca, 0)
	for g := 0; g < n; g++ {
		hmtx = u16(hmtx, 1000)
		hmtx = u16(hmtx, 100)
		if g > 0 {
			// An outer square and an inner one whose height differs per glyph.
			inner := 100 + 40*g
			glyf = u16(glyf, 2)
			for _, v := range []int{100, 0, 900, 800} {
				glyf = u16(glyf, v)
			}
			glyf = u16(glyf, 3)
			glyf = u16(glyf, 7)
			glyf = u16(glyf, 0) // no instructions
			for range 8 {
				glyf = append(glyf, 0x01) // on curve, 16-bit deltas
			}
			xs := []int{100, 900, 900, 100, 300, 300, 700, 700}
			ys := []int{0, 0, 800, 800, 200, 200 + inner, 200 + inner, 200}
			px, py := 0, 0
			for _, x := range xs {
				glyf = u16(glyf, (x-px)&0xffff)
				px = x
			}
			for _, y := range ys {
				glyf = u16(glyf, (y-py)&0xffff)
				py = y
			}
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
		}
		loca = u32(loca, uint32(len(glyf)))
	}

	var cmap []byte
	cmap = u16(cmap, 0)
	cmap = u16(cmap, 1)
	cmap = u16(cmap, 3)
	cmap = u16(cmap, 10)
	cmap = u32(cmap, 12)
	cmap = u16(cmap, 12)
	cmap = u16(cmap, 0)
	cmap = u32(cmap, uint32(16+12*len(runes)))
	cmap = u32(cmap, 0)
	cmap = u32(cmap, uint32(len(runes)))
	for i, r := range runes {
		cmap = u32(cmap, uint32(r))
		cmap = u32(cmap, uint32(r))
		cmap = u32(cmap, uint32(i+1))
	}

	var post []byte
	post = u32(post, 0x00030000)
	post = append(post, make([]byte, 28)...)

	tables := []ot.Table{
		{Tag: ot.MustNewTag("cmap"), Content: cmap},
		{Tag: ot.MustNewTag("glyf"), Content: glyf},
		{Tag: ot.MustNewTag("head"), Content: head},
		{Tag: ot.MustNewTag("hhea"), Content: hhea},
		{Tag: ot.MustNewTag("hmtx"), Content: hmtx},
		{Tag: ot.MustNewTag("loca"), Content: loca},
		{Tag: ot.MustNewTag("maxp"), Content: maxp},
		{Tag: ot.MustNewTag("post"), Content: post},
	}
	for i := range tables {
		for len(tables[i].Content)%4 != 0 {
			tables[i].Content = append(tables[i].Content, 0)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, ot.WriteTTF(tables), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
