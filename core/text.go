package core

import "unicode"

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
