package cards

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
)

// scripts are the alphabets random names are drawn from: every script the built-in fonts
// cover, Han (drawn by the test font of cjkDir), scripts no font here has (Devanagari,
// emoji: the card prints a note), combining marks, and the widest letters there are.
var scripts = []string{
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŁłŒœŠšŽžŞşİıĞğ",
	"ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĐđƠơƯư",
	"ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰ",
	"АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяІЇЄҐіїєґ",
	"ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى",
	"王小明",
	"देवनागरी",
	"😀🎉",
	"\u0301\u0308\u0323",
	"WMШЩЖ@",
	" '-.",
}

func randomName(rng *rand.Rand, maxLen int) string {
	n := rng.IntN(maxLen + 1)
	var b strings.Builder
	script := scripts[rng.IntN(len(scripts))]
	for range n {
		if rng.IntN(8) == 0 { // switch script now and then: names mix them
			script = scripts[rng.IntN(len(scripts))]
		}
		rs := []rune(script)
		b.WriteRune(rs[rng.IntN(len(rs))])
	}
	return b.String()
}

// checkFits fails for any text or QR code drawn outside the box it was fitted into, or a
// box outside its card: the property every card must keep, whatever the names.
func checkFits(t testing.TB, r *renderer) {
	t.Helper()
	const eps = 0.01
	inside := func(a, b rect) bool {
		return a.x >= b.x-eps && a.y >= b.y-eps && a.right() <= b.right()+eps && a.top() <= b.top()+eps
	}
	for p, cv := range r.pages {
		for _, d := range cv.drawn {
			if !inside(d.ink, d.bound) {
				t.Errorf("page %d card %d: %q drawn at %+v, outside its box %+v", p+1, d.cardNo, d.text, d.ink, d.bound)
			}
			if !inside(d.bound, d.card) {
				t.Errorf("page %d card %d: the box of %q, %+v, is outside the card %+v", p+1, d.cardNo, d.text, d.bound, d.card)
			}
		}
	}
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">`)

// checkWordsInCards asks poppler where it found each word and fails for a word that
// crosses its card's left or right edge: a check of the PDF as printed, independent of
// the renderer's own record.
func checkWordsInCards(t testing.TB, pdf []byte, r *renderer) {
	t.Helper()
	out := cardstest.Run(t, "pdftotext", "-bbox", writePDF(t, pdf), "-")
	pages := strings.Split(out, "<page ")[1:]
	if len(pages) != len(r.pages) {
		t.Fatalf("pdftotext -bbox read %d pages, want %d", len(pages), len(r.pages))
	}
	const tol = 0.5
	for p, page := range pages {
		var cards []rect
		for _, d := range r.pages[p].drawn {
			cards = append(cards, d.card)
		}
		for _, m := range wordRE.FindAllStringSubmatch(page, -1) {
			var v [4]float64
			for i := range v {
				v[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			if v[1] == v[3] {
				continue // no height: a lone mark or control poppler reports as a word
			}
			cx, cy := (v[0]+v[2])/2, r.geo.pageH-(v[1]+v[3])/2
			var home *rect
			for i, c := range cards {
				if cx >= c.x && cx <= c.right() && cy >= c.y && cy <= c.top() {
					home = &cards[i]
					break
				}
			}
			if home == nil {
				t.Errorf("page %d: a word at %v lies in no card", p+1, v)
				continue
			}
			if v[0] < home.x-tol || v[2] > home.right()+tol {
				t.Errorf("page %d: a word at x %.1f–%.1f crosses its card's edges %.1f–%.1f", p+1, v[0], v[2], home.x, home.right())
			}
		}
	}
}

// TestCardsNeverOverflow is the property test: names of any length (up to twice what the
// template allows) in any mix of scripts, on every layout and paper, with and without
// QR codes, give a valid PDF in which nothing leaves its card.
func TestCardsNeverOverflow(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	dirs := []string{cjkDir(t)}
	for _, opts := range []Options{
		{Layout: EightUp, Paper: Letter, QR: true},
		{Layout: EightUp, Paper: A4},
		{Layout: OneUp, Paper: A4, QR: true},
	} {
		t.Run(fmt.Sprintf("layout%d-paper%d-qr%v", opts.Layout, opts.Paper, opts.QR), func(t *testing.T) {
			var cards []Card
			for i := range 40 {
				c := Card{
					School:    randomName(rng, 100),
					ClassID:   strconv.Itoa(i % 3),
					ClassName: randomName(rng, 100),
					Teacher:   randomName(rng, 60),
					FirstName: randomName(rng, 100),
					LastName:  randomName(rng, 100),
					Username:  fmt.Sprintf("u%03d%s", i, strings.Repeat("w", rng.IntN(47))),
					Password:  strings.Repeat("W", rng.IntN(21)),
				}
				cards = append(cards, c)
			}
			opts.FontDirs = dirs
			opts.Printed = printed
			pdf, r := renderOK(t, cards, opts)
			checkPDF(t, pdf)
			checkFits(t, r)
			checkWordsInCards(t, pdf, r)
		})
	}
}

// FuzzCardFits renders a card for any first and last name and checks that it stays in
// its box. Seeds are the fixture's names and the hard cases.
func FuzzCardFits(f *testing.F) {
	for _, c := range loadFixture(f).cards {
		f.Add(c.FirstName, c.LastName, uint8(0))
	}
	for _, s := range [][2]string{
		{strings.Repeat("W", 50), strings.Repeat("M", 50)},
		{strings.Repeat("ﷺ", 30), "محمد"},
		{"Ỗ\u0302\u0303\u0301", "g\u0327\u0328"},
		{"", ""},
		{"Zoë 😀", "देवनागरी"},
		{"עברית", "Cohen 3"},
		{"\u200f\u202e", "\u2066x\u2069"},
		{"\xff\xfe", "Ann\x00e"},
	} {
		f.Add(s[0], s[1], uint8(1))
	}
	dirs := []string{cjkDir(f)}
	f.Fuzz(func(t *testing.T, first, last string, mode uint8) {
		clip := func(s string) string {
			s = strings.ToValidUTF8(s, "?")
			for utf8.RuneCountInString(s) > 120 {
				_, n := utf8.DecodeLastRuneInString(s)
				s = s[:len(s)-n]
			}
			return s
		}
		opts := Options{Layout: Layout(mode % 2), Paper: Paper(mode / 2 % 2), QR: mode&4 != 0, FontDirs: dirs}
		cards := []Card{{ClassID: "1", FirstName: clip(first), LastName: clip(last), Username: "u1", Password: "Kq7mPz3xWt9v"}}
		var b bytes.Buffer
		r, err := render(context.Background(), &b, cards, opts)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		checkPDF(t, b.Bytes())
		checkFits(t, r)
	})
}
