package account

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The limits of a typed (permanent) password, from SPEC §2 column I.
const (
	MinPasswordLen = 9
	MaxPasswordLen = 20
	// MaxRepeat is the longest run of one character (ignoring case) a password may hold.
	MaxRepeat = 4
)

// PolicyProblems returns what is wrong with a typed (permanent) password, in plain
// lower-case phrases that read well after "The password is not accepted: ", such as
// "it has 7 characters; use 9 to 20" or "it needs a digit". It returns nil when the
// password meets the policy: 9 to 20 characters, no white space, at least one upper-case
// letter, one lower-case letter and one digit, no character more than four times in a row
// (ignoring case), and not the username or the email (ignoring case).
//
// Every broken rule is reported, so a person fixes the password in one go.
func PolicyProblems(password, username, email string) []string {
	// Hashing normalises to NFC too, so "é" counts as one character whichever way the
	// keyboard or the spreadsheet composed it.
	pw := norm.NFC.String(password)
	var problems []string

	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		unit := "characters"
		if n == 1 {
			unit = "character"
		}
		problems = append(problems, fmt.Sprintf("it has %d %s; use %d to %d", n, unit, MinPasswordLen, MaxPasswordLen))
	}

	var space, upper, lower, digit bool
	for _, r := range pw {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	if space {
		problems = append(problems, "it has a space")
	}
	if !upper {
		problems = append(problems, "it needs an upper-case letter")
	}
	if !lower {
		problems = append(problems, "it needs a lower-case letter")
	}
	if !digit {
		problems = append(problems, "it needs a digit")
	}

	// Only the first long run is named: one example is enough to fix it, and a very long
	// pasted value must not turn into a paragraph of complaints.
	if r, n := firstLongRun(pw); n > 0 {
		problems = append(problems, fmt.Sprintf("it repeats %q %d times in a row", string(r), n))
	}

	if u := strings.TrimSpace(username); u != "" && strings.EqualFold(pw, u) {
		problems = append(problems, "it is the same as the username")
	}
	if e := strings.TrimSpace(email); e != "" && strings.EqualFold(pw, e) {
		problems = append(problems, "it is the same as the email")
	}
	return problems
}

// firstLongRun returns the first character that appears more than MaxRepeat times in a
// row, ignoring case, and the length of that run; n is 0 when there is none.
func firstLongRun(s string) (first rune, n int) {
	run := 0
	var start, prev rune
	for _, r := range s {
		if run > 0 && sameFold(r, prev) {
			run++
		} else {
			if run > MaxRepeat {
				return start, run
			}
			run, start = 1, r
		}
		prev = r
	}
	if run > MaxRepeat {
		return start, run
	}
	return 0, 0
}

// sameFold reports whether a and b are the same letter under Unicode simple case folding.
func sameFold(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}
