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
	f := checkPolicy(password, username, email)
	var problems []string
	if !f.lengthOK() {
		unit := "characters"
		if f.n == 1 {
			unit = "character"
		}
		problems = append(problems, fmt.Sprintf("it has %d %s; use %d to %d", f.n, unit, MinPasswordLen, MaxPasswordLen))
	}
	if f.space {
		problems = append(problems, "it has a space")
	}
	if !f.upper {
		problems = append(problems, "it needs an upper-case letter")
	}
	if !f.lower {
		problems = append(problems, "it needs a lower-case letter")
	}
	if !f.digit {
		problems = append(problems, "it needs a digit")
	}
	// Only the first long run is named: one example is enough to fix it, and a very long
	// pasted value must not turn into a paragraph of complaints.
	if f.runLen > 0 {
		problems = append(problems, fmt.Sprintf("it repeats %q %d times in a row", string(f.run), f.runLen))
	}
	if f.isUsername {
		problems = append(problems, "it is the same as the username")
	}
	if f.isEmail {
		problems = append(problems, "it is the same as the email")
	}
	return problems
}

// Rule is one rule of the password policy, worded for a checklist shown while the
// password is typed, and whether the password meets it.
type Rule struct {
	Text string
	Met  bool
}

// Rules checks a typed password against each rule of the policy, in the order a
// checklist shows them. Every rule is met exactly when PolicyProblems returns nil; an
// empty password meets the rules that forbid something (no space, no long run, not the
// username) and none of those that ask for something.
func Rules(password, username, email string) []Rule {
	f := checkPolicy(password, username, email)
	return []Rule{
		{fmt.Sprintf("%d to %d characters", MinPasswordLen, MaxPasswordLen), f.lengthOK()},
		{"an upper-case letter", f.upper},
		{"a lower-case letter", f.lower},
		{"a digit", f.digit},
		{"no spaces", !f.space},
		{fmt.Sprintf("no character more than %d times in a row", MaxRepeat), f.runLen == 0},
		{"not the username or the email", !f.isUsername && !f.isEmail},
	}
}

// policyFacts is what PolicyProblems and Rules both judge a password by.
type policyFacts struct {
	n                          int // characters, after NFC
	space, upper, lower, digit bool
	run                        rune // the first character repeated too often, if any
	runLen                     int
	isUsername, isEmail        bool
}

func (f policyFacts) lengthOK() bool { return f.n >= MinPasswordLen && f.n <= MaxPasswordLen }

func checkPolicy(password, username, email string) policyFacts {
	// Hashing normalises to NFC too, so "é" counts as one character whichever way the
	// keyboard or the spreadsheet composed it.
	pw := norm.NFC.String(password)
	f := policyFacts{n: utf8.RuneCountInString(pw)}
	for _, r := range pw {
		switch {
		case unicode.IsSpace(r):
			f.space = true
		case unicode.IsUpper(r):
			f.upper = true
		case unicode.IsLower(r):
			f.lower = true
		case unicode.IsDigit(r):
			f.digit = true
		}
	}
	f.run, f.runLen = firstLongRun(pw)
	if u := strings.TrimSpace(username); u != "" && strings.EqualFold(pw, u) {
		f.isUsername = true
	}
	if e := strings.TrimSpace(email); e != "" && strings.EqualFold(pw, e) {
		f.isEmail = true
	}
	return f
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
