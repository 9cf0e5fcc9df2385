package core

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func TestUnprintable(t *testing.T) {
	for _, r := range []rune{'\n', '\r', '\t', 0, 0x1b, 0x7f, 0x85, 0x9b, '\u202e', '\u2066', '\u2028'} {
		if !Unprintable(r) {
			t.Errorf("Unprintable(%U) = false, want true", r)
		}
	}
	for _, r := range []rune{'a', ' ', 'é', '王', '\u200c', '\u200d', '\u0301', '-', '\''} {
		if Unprintable(r) {
			t.Errorf("Unprintable(%U) = true, want false", r)
		}
	}
}

// TestKeyCompatibility: Key folds the compatibility forms (NFKC) and the decimal digits
// of every script, so a User ID typed on a Japanese, Chinese, Arabic or Persian keyboard
// is the one typed on an English keyboard (the attack round's Ｓ１１ and S١١ became users
// separate from S11), and leaves apart what only looks alike.
func TestKeyCompatibility(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"ASCII", "S11", "s11"},
		{"ASCIIUnchanged", "s11-a_b.c@d", "s11-a_b.c@d"},
		{"Fullwidth", "Ｓ１１", "s11"},
		{"FullwidthLower", "ｓ１１", "s11"},
		{"ArabicIndic", "S١١", "s11"},
		{"Persian", "S۱۱", "s11"},
		{"PersianFour", "S۴۵۶", "s456"}, // Persian 4–6 are shaped unlike Arabic's, same values
		{"Devanagari", "S१२", "s12"},
		{"Thai", "S๓", "s3"},
		{"Bengali", "S০৯", "s09"},
		{"MathematicalBold", "S\U0001D7CF\U0001D7D7", "s19"},
		{"LigatureFi", "ﬁnn", "finn"},
		{"LigatureFfi", "Oﬃce", "office"},
		{"Superscript", "S¹¹", "s11"},
		{"SuperscriptSquare", "m²", "m2"},
		{"Circled", "①", "1"},
		{"RomanNumeral", "Grade Ⅻ", "grade xii"},
		{"Numero", "School №5", "school no5"},
		{"IdeographicSpace", "Oak\u3000School", "oak school"},
		{"NoBreakSpace", "Oak\u00a0School", "oak school"},
		{"FullwidthHyphen", "ART－１", "art-1"},
		{"Sharp", "Straße", "strasse"},
		{"Decomposed", "A\u0308B1", "äb1"},
		// Full case folding splits ǰ into j and a combining caron: NFKC joins them again.
		{"RecomposedAfterFolding", "ǰ1", "\u01f01"},
		// Unicode folds Cherokee to its capitals; x/text alone swaps the cases.
		{"CherokeeSmall", "ꮝ1", "\u13cd1"},
		{"CherokeeCapital", "Ꮝ1", "\u13cd1"},
		// Letters of other scripts that look like Latin ones are other letters.
		{"CyrillicDze", "Ѕ11", "ѕ11"},
		{"GreekOmicron", "Ο11", "ο11"},
		// Turkish dotless ı is its own letter under the default folding.
		{"DotlessI", "ı1", "ı1"},
		{"Empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Key(tt.in); got != tt.want {
				t.Errorf("Key(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
	if Key("Ѕ11") == Key("S11") {
		t.Errorf("Key folds the Cyrillic Ѕ onto the Latin S; confusables are not NFKC-equivalent")
	}
}

// TestKeyEveryRune checks Key on every code point alone: a key is its own key, and Key
// of the key older versions computed (NFC, then case folding) is the key, so stored
// keys can be recomputed from keys (migration 007's sign-in counters); it holds no A–Z
// (so no value's key can equal a DuplicateMarker, "DUPLICATE 7"), is NFKC, and a
// letter's upper, lower and title case have one key (except the Turkish İ and ı, which
// the default case folding keeps apart from i).
func TestKeyEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("every code point: not in -short")
	}
	oldFold := cases.Fold()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if r == 0x40000 {
			// Planes 4 to 13 have no characters, 15 and 16 private ones only.
			r = 0xE0000
		}
		if r == 0xF0000 {
			break
		}
		k := Key(string(r))
		if again := Key(k); again != k {
			t.Errorf("Key(%U) = %+q, whose Key is %+q", r, k, again)
		}
		if strings.ContainsFunc(k, func(c rune) bool { return 'A' <= c && c <= 'Z' }) {
			t.Errorf("Key(%U) = %+q holds an ASCII capital", r, k)
		}
		if !norm.NFKC.IsNormalString(k) {
			t.Errorf("Key(%U) = %+q is not NFKC", r, k)
		}
		// What the key of schema 3 to 6 folded together, Key folds together too: Key of
		// an old key is the new key (migration 007 rekeys sign-in counters so).
		if old := oldFold.String(norm.NFC.String(string(r))); Key(old) != k {
			t.Errorf("Key(%U) = %+q, but Key of its old key %+q = %+q", r, k, old, Key(old))
		}
		if r == 'İ' || r == 'ı' || r == 'I' || r == 'i' {
			continue
		}
		for _, c := range []rune{unicode.ToUpper(r), unicode.ToLower(r), unicode.ToTitle(r)} {
			if c == r {
				continue
			}
			if kc := Key(string(c)); kc != k {
				t.Errorf("Key(%U) = %+q but Key(%U) = %+q", r, k, c, kc)
			}
		}
	}
}

// TestDecimalDigitRuns: every range of unicode.Nd is made of whole runs of ten digits,
// zero first, which decimalDigit relies on; and every decimal digit keys to its ASCII
// digit.
func TestDecimalDigitRuns(t *testing.T) {
	check := func(lo, hi, stride rune) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("unicode.Nd range %U–%U (stride %d) is not whole runs of ten", lo, hi, stride)
		}
		for r := lo; r <= hi; r++ {
			if got, want := Key(string(r)), string('0'+(r-lo)%10); got != want {
				t.Errorf("Key(%U) = %+q, want %q", r, got, want)
			}
		}
	}
	for _, g := range unicode.Nd.R16 {
		check(rune(g.Lo), rune(g.Hi), rune(g.Stride))
	}
	for _, g := range unicode.Nd.R32 {
		check(rune(g.Lo), rune(g.Hi), rune(g.Stride))
	}
	// Each script's zero and nine, read from the Unicode code charts, not from the table.
	for _, tt := range []struct {
		zero, nine rune
	}{
		{'٠', '٩'}, {'۰', '۹'}, {'߀', '߉'}, {'०', '९'}, {'০', '৯'}, {'੦', '੯'}, {'૦', '૯'},
		{'୦', '୯'}, {'௦', '௯'}, {'౦', '౯'}, {'೦', '೯'}, {'൦', '൯'}, {'๐', '๙'}, {'໐', '໙'},
		{'༠', '༩'}, {'၀', '၉'}, {'០', '៩'}, {'᠐', '᠙'}, {'０', '９'}, {'\U0001D7CE', '\U0001D7D7'},
	} {
		if z, n := Key(string(tt.zero)), Key(string(tt.nine)); z != "0" || n != "9" {
			t.Errorf("Key(%U), Key(%U) = %q, %q; want 0, 9", tt.zero, tt.nine, z, n)
		}
	}
}
