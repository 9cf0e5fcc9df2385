package cards

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	_ "image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
)

var update = flag.Bool("update", false, "rewrite docs/screenshots/cards-*.png")

var printed = time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)

// fixture is testdata/cards/students.csv: two classes, names in many scripts, three
// students who have signed in already (used=yes).
type fixture struct {
	cards []Card
	used  map[string]string // username → the password that was used
}

func loadFixture(t testing.TB) fixture {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "cards", "students.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fx := fixture{used: map[string]string{}}
	for _, r := range rows[1:] {
		c := Card{School: r[0], ClassID: r[1], ClassName: r[2], Teacher: r[3], FirstName: r[4], LastName: r[5], Username: r[6], Password: r[7]}
		// What the wiring does: a used or expired password is not handed to Render.
		if r[8] == "yes" {
			fx.used[c.Username] = c.Password
			c.Password = ""
		}
		fx.cards = append(fx.cards, c)
	}
	return fx
}

func writePDF(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cards.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfPages returns the text of each page, as pdftotext reads it (in reading order, or
// with layout, line by line across the page), with runs of white space made one space.
func pdfPages(t testing.TB, pdf []byte, layout ...string) []string {
	t.Helper()
	return cardstest.Pages(t, writePDF(t, pdf), layout...)
}

// containsName reports whether text holds name. Poppler writes right-to-left text in
// visual order between embedding marks; either reading counts.
func containsName(text, name string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Bidi_Control, r) {
				return -1
			}
			return r
		}, s)
	}
	text = strip(text)
	if strings.Contains(text, name) {
		return true
	}
	words := strings.Fields(name)
	for i, w := range words {
		r := []rune(w)
		slices.Reverse(r)
		words[i] = string(r)
	}
	slices.Reverse(words)
	return strings.Contains(text, strings.Join(words, " "))
}

func renderOK(t testing.TB, cards []Card, opts Options) ([]byte, *renderer) {
	t.Helper()
	var b bytes.Buffer
	r, err := render(context.Background(), &b, cards, opts)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.Bytes(), r
}

// cjkDir is a font folder holding a font for 王小明 only, nested like system folders are,
// beside a file that only looks like a font.
func cjkDir(t testing.TB) string {
	dir := t.TempDir()
	writeTestFont(t, filepath.Join(dir, "truetype", "test"), "TestHan-Regular.ttf", []rune("王小明"))
	if err := os.WriteFile(filepath.Join(dir, "broken.ttf"), []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRenderReadBack(t *testing.T) {
	fx := loadFixture(t)
	tests := []struct {
		name    string
		opts    Options
		pages   int
		perPage int
		size    string // pdfinfo's page size
	}{
		{"EightUpLetter", Options{Layout: EightUp, Paper: Letter}, 4 + 1, 8, "612 x 792 pts (letter)"},
		{"EightUpA4QR", Options{Layout: EightUp, Paper: A4, QR: true}, 4 + 1, 8, "595.28 x 841.89 pts (A4)"},
		{"OneUpLetterQR", Options{Layout: OneUp, Paper: Letter, QR: true}, 26 + 3, 1, "612 x 792 pts (letter)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Printed = printed
			tt.opts.FontDirs = []string{cjkDir(t)}
			pdf, r := renderOK(t, fx.cards, tt.opts)
			want := Result{Pages: tt.pages, Cards: len(fx.cards), NoPassword: len(fx.used)}
			if !equalResult(r.res, want) {
				t.Errorf("Result = %+v, want %+v", r.res, want)
			}
			info := cardstest.Run(t, "pdfinfo", writePDF(t, pdf))
			if got := pdfInfo(info, "Pages"); got != strconv.Itoa(tt.pages) {
				t.Errorf("pdfinfo: %s pages, want %d", got, tt.pages)
			}
			if got := pdfInfo(info, "Page size"); got != tt.size {
				t.Errorf("pdfinfo: page size %s, want %s", got, tt.size)
			}
			pages := pdfPages(t, pdf)
			if len(pages) != tt.pages {
				t.Fatalf("pdftotext read %d pages, want %d", len(pages), tt.pages)
			}
			all := strings.Join(pages, "\n")

			// Every username and unused password once; used ones never.
			for _, c := range fx.cards {
				if n := strings.Count(all, c.Username); n != 1 {
					t.Errorf("username %s printed %d times, want once", c.Username, n)
				}
				if c.Password != "" {
					if n := strings.Count(all, c.Password); n != 1 {
						t.Errorf("password of %s printed %d times, want once", c.Username, n)
					}
				}
			}
			for u, pw := range fx.used {
				if strings.Contains(all, pw) {
					t.Errorf("the used password of %s is printed", u)
				}
			}
			if n := strings.Count(all, "This password no longer works — ask your teacher for a new one"); n != len(fx.used) {
				t.Errorf("%d cards say to ask for a new password, want %d", n, len(fx.used))
			}

			// Names in several scripts are text, not just shapes.
			for _, name := range []string{"Zoë Adams", "Văn An Nguyễn", "Liam O'Brien", "Karl-Heinz Müller-Lüdenscheidt",
				"王小明", "محمد العلي", "Αλέξανδρος Παπαδόπουλος", "Анастасия Кузнецова", "Şule Yılmaz", "Ingrid Løvås",
				"Maximilian Alexander Christopher Wolfeschlegelsteinhausenbergerdorff"} {
				if !containsName(all, name) {
					t.Errorf("name %q is not in the PDF's text", name)
				}
			}

			// Cards sorted by class then last name, a class's cards on its own pages,
			// never more than a page holds, each page headed by its class's cover line.
			order := expectedOrder(fx.cards)
			next := 0
			// With -layout the text goes line by line across the page, so a row's left
			// card comes before its right one, as the cards are placed.
			for i, p := range pdfPages(t, pdf, "-layout") {
				var on []string
				for _, c := range fx.cards {
					if idx := strings.Index(p, c.Username+" "); idx >= 0 || strings.HasSuffix(p, c.Username) {
						on = append(on, c.Username)
					}
				}
				if len(on) == 0 || len(on) > tt.perPage {
					t.Errorf("page %d has %d cards, want 1 to %d", i+1, len(on), tt.perPage)
				}
				slices.SortFunc(on, func(a, b string) int { return strings.Index(p, a+" ") - strings.Index(p, b+" ") })
				for _, u := range on {
					if next < len(order) && order[next].Username != u {
						t.Errorf("page %d: card %s where %s was expected", i+1, u, order[next].Username)
					}
					next++
				}
				class := order[next-1]
				cover := fmt.Sprintf("%s — %s — %d cards — printed 2026-11-29", class.ClassName, class.Teacher, countClass(fx.cards, class.ClassID))
				if !strings.HasPrefix(p, cover) {
					t.Errorf("page %d starts %.80q, want the cover line %q", i+1, p, cover)
				}
			}
			if next != len(order) {
				t.Errorf("found %d cards on the pages, want %d", next, len(order))
			}
		})
	}
}

// pdfInfo is the value of a field of pdfinfo's output.
func pdfInfo(out, field string) string {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(field) + `:\s+(.*)$`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

func equalResult(a, b Result) bool {
	return a.Pages == b.Pages && a.Cards == b.Cards && a.NoPassword == b.NoPassword && len(a.NamesNotDrawn) == len(b.NamesNotDrawn)
}

func countClass(cards []Card, id string) int {
	n := 0
	for _, c := range cards {
		if c.ClassID == id {
			n++
		}
	}
	return n
}

// expectedOrder is the fixture in the order the cards must print, written out by hand
// from the file rather than computed with the code under test.
func expectedOrder(cards []Card) []Card {
	lastNames := []string{
		// 4A Reading, by last name in Unicode collation order.
		"Adams", "Brown", "Clark", "Davis", "Evans", "Fernández", "García", "Hébert", "Ito", "Johnson",
		"Kowalski", "Løvås", "Martínez", "Müller-Lüdenscheidt", "Nguyễn", "Novák", "O'Brien", "Patel",
		"Reyes", "Trần", "Wolfeschlegelsteinhausenbergerdorff", "Yılmaz", "Παπαδόπουλος", "Кузнецова",
		"العلي", "王",
		// 5B Math.
		"Abebe", "Sato", "Zhang",
	}
	var out []Card
	for _, ln := range lastNames {
		for _, c := range cards {
			if c.LastName == ln {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestGroupClassesOrder(t *testing.T) {
	fx := loadFixture(t)
	var got []string
	for _, cl := range groupClasses(fx.cards) {
		for _, c := range cl.cards {
			got = append(got, c.LastName)
		}
	}
	var want []string
	for _, c := range expectedOrder(fx.cards) {
		want = append(want, c.LastName)
	}
	if !slices.Equal(got, want) {
		t.Errorf("order = %q\nwant %q", got, want)
	}
}

// TestQRDecodes renders the cards, cuts each card out of the page image and decodes its
// QR code with an independent decoder (ZXing's): it must give the username and nothing
// else.
func TestQRDecodes(t *testing.T) {
	fx := loadFixture(t)
	for _, tt := range []struct {
		name string
		opts Options
		dpi  int
	}{
		// 150 dpi is a cheap office scanner's resolution, well below any printer's.
		{"EightUpLetter", Options{Layout: EightUp, Paper: Letter, QR: true}, 150},
		{"OneUpA4", Options{Layout: OneUp, Paper: A4, QR: true}, 72},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cards := fx.cards
			if tt.opts.Layout == OneUp {
				cards = cards[:8] // a page each: eight pages show the layout as well as 29
			}
			order := expectedOrder(cards)
			pdf, r := renderOK(t, cards, tt.opts)
			dir := t.TempDir()
			cardstest.Run(t, "pdftoppm", "-r", strconv.Itoa(tt.dpi), "-png", writePDF(t, pdf), filepath.Join(dir, "page"))
			files, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
			slices.Sort(files)
			if len(files) != len(r.pages) {
				t.Fatalf("pdftoppm made %d images, want %d", len(files), len(r.pages))
			}
			decoded := 0
			for p, file := range files {
				img := readPNG(t, file)
				scale := float64(tt.dpi) / 72
				for _, d := range r.pages[p].drawn {
					if d.text != qrMarker {
						continue
					}
					// The code and the card's white around it, as a phone's camera sees it.
					c := rect{x: d.ink.x - 12, y: d.ink.y - 12, w: d.ink.w + 24, h: d.ink.h + 24}
					crop := image.Rect(int(c.x*scale), int((r.geo.pageH-c.top())*scale), int(c.right()*scale), int((r.geo.pageH-c.y)*scale))
					got := decodeQR(t, img.(interface {
						SubImage(image.Rectangle) image.Image
					}).SubImage(crop))
					if want := order[d.cardNo].Username; got != want {
						t.Errorf("page %d card %d: QR code reads %q, want %q", p+1, d.cardNo, got, want)
					}
					decoded++
				}
			}
			if decoded != len(cards) {
				t.Errorf("decoded %d QR codes, want %d", decoded, len(cards))
			}
		})
	}
}

func readPNG(t testing.TB, path string) image.Image {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeQR(t testing.TB, img image.Image) string {
	// ZXing reads pixels from (0, 0): copy a cut-out to an image that starts there.
	b := img.Bounds()
	flat := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(flat, flat.Bounds(), img, b.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(flat)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "(undecodable: " + err.Error() + ")"
	}
	return res.GetText()
}

// TestSystemFontFallback: a name in a script the built-in fonts lack is drawn with a font
// found in the folders given, and without one the card still prints, with a note.
func TestSystemFontFallback(t *testing.T) {
	cards := []Card{
		{ClassID: "1", FirstName: "小明", LastName: "王", Username: "xwang", Password: "Pz9kLm3nQr7t"},
		{ClassID: "1", FirstName: "Zoë", LastName: "Adams", Username: "zadams", Password: "Kq7mPz3xWt9v"},
	}
	t.Run("Found", func(t *testing.T) {
		pdf, r := renderOK(t, cards, Options{FontDirs: []string{filepath.Join(t.TempDir(), "missing"), cjkDir(t)}})
		if len(r.res.NamesNotDrawn) != 0 {
			t.Errorf("NamesNotDrawn = %q, want none", r.res.NamesNotDrawn)
		}
		text := strings.Join(pdfPages(t, pdf), " ")
		for _, want := range []string{"王小明", "xwang", "Pz9kLm3nQr7t", "Zoë Adams"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q missing from %q", want, text)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		pdf, r := renderOK(t, cards, Options{FontDirs: []string{t.TempDir()}})
		if !slices.Equal(r.res.NamesNotDrawn, []string{"xwang"}) {
			t.Errorf("NamesNotDrawn = %q, want [xwang]", r.res.NamesNotDrawn)
		}
		text := strings.Join(pdfPages(t, pdf), " ")
		for _, want := range []string{noNameText, "xwang", "Pz9kLm3nQr7t", "Zoë Adams"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q missing from %q", want, text)
			}
		}
		if strings.ContainsAny(text, "王小明") {
			t.Errorf("the undrawable name is in the text: %q", text)
		}
		// Nothing was drawn from a font that lacks the glyph (no .notdef boxes).
		for _, f := range r.set.all {
			if _, ok := f.codes[0]; ok {
				t.Errorf("%s: glyph 0 (.notdef, an empty box) was drawn", f.name)
			}
		}
	})
}

// TestEmbeddedFontCoverage checks, character by character, the scripts SPEC §10 and
// issue 12 name: the built-in fonts draw Latin with Vietnamese, Greek, Cyrillic and
// Arabic without searching the system, and the password font draws every character a
// password or username may hold, with look-alikes that really look different.
func TestEmbeddedFontCoverage(t *testing.T) {
	set, err := newFontSet(nil)
	if err != nil {
		t.Fatal(err)
	}
	names := chain{set: set, faces: []*face{set.bold, set.sans}}
	ranges := map[string][][2]rune{
		"Latin-1 letters":  {{0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0xFF}},
		"Latin Extended-A": {{0x100, 0x17F}},
		"Vietnamese":       {{0x1EA0, 0x1EF9}, {0x1A0, 0x1A1}, {0x1AF, 0x1B0}, {0x110, 0x111}},
		"Greek":            {{0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1}, {0x3A3, 0x3CE}},
		"Cyrillic":         {{0x400, 0x45F}, {0x490, 0x491}},
		"Arabic":           {{0x621, 0x63A}, {0x641, 0x64A}},
	}
	for script, rs := range ranges {
		for _, rg := range rs {
			for r := rg[0]; r <= rg[1]; r++ {
				if names.resolve(r) == nil {
					t.Errorf("%s: no built-in font draws %U %c", script, r, r)
				}
			}
		}
	}
	for r := rune(0x21); r <= 0x7E; r++ {
		if !set.mono.has(r) {
			t.Errorf("the password font lacks %q", r)
		}
	}
	for _, group := range []string{"0Oo", "1lI|", "5S", "2Z", "8B"} {
		var outlines []string
		for _, r := range group {
			g, _ := set.mono.f.NominalGlyph(r)
			p, _, _ := glyphPath(set.mono.f, g)
			for _, o := range outlines {
				if o == p {
					t.Errorf("password font: %q and another of %q have the same outline", r, group)
				}
			}
			outlines = append(outlines, p)
		}
	}
	// The zero is dotted: it has a third contour (outer, inner, dot) where O has two.
	contours := func(r rune) int {
		g, _ := set.mono.f.NominalGlyph(r)
		p, _, _ := glyphPath(set.mono.f, g)
		return strings.Count(p, " m\n")
	}
	if contours('0') <= contours('O') {
		t.Errorf("password font: 0 has %d contours, O %d; want the zero marked", contours('0'), contours('O'))
	}
}

func TestRenderErrors(t *testing.T) {
	var b bytes.Buffer
	if _, err := Render(context.Background(), &b, nil, Options{}); !errors.Is(err, ErrNoCards) {
		t.Errorf("Render(no cards) = %v, want ErrNoCards", err)
	}
	_, err := Render(context.Background(), &b, []Card{{FirstName: "Ava", LastName: "Brown", Password: "x"}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "Ava Brown") {
		t.Errorf("Render(no username) = %v, want an error naming Ava Brown", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Render(ctx, &b, []Card{{Username: "ab"}}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Render(cancelled) = %v, want context.Canceled", err)
	}
	if _, err := Render(context.Background(), failWriter{}, []Card{{Username: "ab"}}, Options{}); err == nil {
		t.Error("Render to a failing writer succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestDeterministic: the same cards give the same bytes, so a reprint can be compared.
func TestDeterministic(t *testing.T) {
	fx := loadFixture(t)
	opts := Options{QR: true, Printed: printed}
	a, _ := renderOK(t, fx.cards, opts)
	shuffled := slices.Clone(fx.cards)
	slices.Reverse(shuffled)
	b, _ := renderOK(t, shuffled, opts)
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same cards (in another order) differ")
	}
	checkPDF(t, a)
}

func TestParseLayoutPaper(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Layout
		ok   bool
	}{{"8up", EightUp, true}, {"1UP", OneUp, true}, {" 8up ", EightUp, true}, {"4up", 0, false}, {"", 0, false}} {
		got, err := ParseLayout(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseLayout(%q) = %v, %v", tt.in, got, err)
		}
	}
	for _, tt := range []struct {
		in   string
		want Paper
		ok   bool
	}{{"letter", Letter, true}, {"A4", A4, true}, {"legal", 0, false}} {
		got, err := ParsePaper(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePaper(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestDisplayName(t *testing.T) {
	for _, tt := range []struct{ first, last, want string }{
		{"Zoë", "Adams", "Zoë Adams"},
		{"小明", "王", "王小明"},
		{"민준", "김", "김민준"},
		{"Ming", "王", "Ming 王"},
		{"", "Adams", "Adams"},
		{"Zoë", "", "Zoë"},
	} {
		if got := displayName(tt.first, tt.last); got != tt.want {
			t.Errorf("displayName(%q, %q) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestVisualOrder(t *testing.T) {
	for _, tt := range []struct {
		levels []int
		want   []int
	}{
		{[]int{0}, []int{0}},
		{[]int{0, 1, 0}, []int{0, 1, 2}},
		{[]int{1, 1}, []int{1, 0}},
		{[]int{1, 2, 1}, []int{2, 1, 0}},       // RTL paragraph with a Latin word inside
		{[]int{0, 1, 1, 0}, []int{0, 2, 1, 3}}, // two Arabic runs (two faces) in Latin text
	} {
		if got := visualOrder(tt.levels); !slices.Equal(got, tt.want) {
			t.Errorf("visualOrder(%v) = %v, want %v", tt.levels, got, tt.want)
		}
	}
}

var objRE = regexp.MustCompile(`^(\d+) 0 obj\n`)

// checkPDF checks the file's structure: header, every cross-reference entry pointing at
// its object, the trailer and startxref pointing at the table.
func checkPDF(t testing.TB, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("no PDF header or end marker")
	}
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	if i < 0 {
		t.Fatal("no startxref")
	}
	var xref int
	fmt.Sscanf(string(pdf[i+len("startxref\n"):]), "%d", &xref)
	if xref <= 0 || xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	var n int
	fmt.Sscanf(string(pdf[xref+len("xref\n0 "):]), "%d", &n)
	entries := pdf[bytes.IndexByte(pdf[xref+5:], '\n')+xref+6:]
	for obj := 1; obj < n; obj++ {
		e := string(entries[obj*20 : obj*20+20])
		off, err := strconv.Atoi(e[:10])
		if err != nil || e[17] != 'n' {
			t.Fatalf("xref entry %d = %q", obj, e)
		}
		m := objRE.FindSubmatch(pdf[off:min(off+20, len(pdf))])
		if m == nil || string(m[1]) != strconv.Itoa(obj) {
			t.Fatalf("xref entry %d points at %q", obj, pdf[off:min(off+20, len(pdf))])
		}
	}
	if !bytes.Contains(pdf[xref:], []byte(fmt.Sprintf("trailer\n<< /Size %d /Root", n))) {
		t.Fatal("trailer /Size does not match the table")
	}
}
