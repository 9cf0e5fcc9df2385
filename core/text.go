package core

import (
	"unicode"
	"unicode/utf8"
)

// Unprintable reports whether r must never reach a terminal or a label as it is: the C0
// and C1 control characters and DEL (a line break injects a row into a listing; ESC and
// CSI start escape sequences that retitle or clear a terminal), and the bidirectional
// formatting characters, which reorder the text shown after them. The joiners that real
// names use (U+200C, U+200D) are not among them.
func Unprintable(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u200e', r == '\u200f', // left-to-right and right-to-left marks
		r >= '\u202a' && r <= '\u202e', // embeddings and overrides
		r >= '\u2066' && r <= '\u2069', // isolates
		r == '\u2028', r == '\u2029':   // line and paragraph separators
		return true
	}
	return false
}

// FormulaStart reports whether a spreadsheet program would read a cell holding s as a
// formula: s starts with =, +, - or @ (or a tab or carriage return, which some put
// before one).
func FormulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// keyRune finishes a Key rune by rune, where normalization and golang.org/x/text's case
// folding leave two spellings of one identifier apart:
//
//   - a decimal digit of any script (category Nd: the Arabic-Indic ٣, the Persian ۳, the
//     Devanagari ३) is its ASCII digit. NFKC already maps the fullwidth digits, but not
//     these, which are what Arabic, Persian and Indian keyboards type;
//   - a Cherokee letter is its capital, as Unicode's case folding has it (the small
//     letters were encoded after the capitals, so they fold to them). x/text folds each
//     case to the other (golang/go#46101), which would keep Ꮝ and ꮝ two keys.
func keyRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if d, ok := decimalDigit(r); ok {
		return '0' + d
	}
	if unicode.Is(unicode.Cherokee, r) {
		return unicode.ToUpper(r)
	}
	return r
}

// decimalDigit returns the value of r when it is a decimal digit (Nd) of any script.
// Unicode encodes every script's decimal digits as a run of ten, zero to nine, and the
// ranges of unicode.Nd are whole runs, so a digit's value is its distance from the start
// of its range, modulo ten (TestDecimalDigitRuns checks that of every range).
func decimalDigit(r rune) (rune, bool) {
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, g := range unicode.Nd.R16 {
		if lo, hi := rune(g.Lo), rune(g.Hi); lo <= r && r <= hi {
			return (r - lo) % 10, true
		}
	}
	for _, g := range unicode.Nd.R32 {
		if lo, hi := rune(g.Lo), rune(g.Hi); lo <= r && r <= hi {
			return (r - lo) % 10, true
		}
	}
	return 0, false
}
