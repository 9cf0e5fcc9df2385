package core

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeGUID returns a GUID in lower case and whether it has the 8-4-4-4-12 hex form.
func NormalizeGUID(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 {
		return s, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return s, false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return s, false
			}
		}
	}
	return s, true
}

// ValidUserID reports whether s is a User ID: letters and digits, 1 to 50.
func ValidUserID(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 50
}

// Key folds a case-insensitive key (User ID, username, teacher email, Class ID, school
// name) into the one form every write and every lookup compares: Unicode NFC, then full
// Unicode case folding. It is the only notion of "the same text" (SPEC §12): SQLite's
// lower() and NOCASE fold A–Z only, and strings.ToLower differs from case folding for
// letters such as ß (folds to "ss") and the Greek final sigma, so an identifier typed one
// way on create and another on update would otherwise become two accounts.
func Key(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// A Caser may keep state, so it is not shared between goroutines.
			return cases.Fold().String(norm.NFC.String(s))
		}
	}
	// ASCII is already NFC, and folds as its lower case: most keys take this path.
	return strings.ToLower(s)
}

// ParseRole reads a Role cell in any case.
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "teacher":
		return RoleTeacher, true
	case "student":
		return RoleStudent, true
	}
	return "", false
}

// ValidName reports whether s is a first or last name: 1 to 50 characters of letters (any
// script, with their accents), spaces, apostrophes, hyphens and periods. Names that start
// with = + - @ are refused too, because a spreadsheet would run them as formulas.
func ValidName(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), unicode.Is(unicode.Mc, r):
		case r == ' ', r == '\'', r == '-', r == '.', r == '\u2019':
		default:
			return false
		}
		n++
	}
	if n < 1 || n > 50 || strings.TrimSpace(s) == "" {
		return false
	}
	return !strings.HasPrefix(s, "-")
}

// gradeSeparators are dropped before a grade is read ("Pre-K", "K G", "grade_1").
var gradeSeparators = strings.NewReplacer(" ", "", "-", "", ".", "", "_", "")

// NormalizeGrade returns the canonical grade (PK, K, 1–12) for a Grade Level cell, and
// false when it is not one. KG and TK read as K, Pre-K as PK, 01–09 as 1–9.
func NormalizeGrade(s string) (string, bool) {
	g := gradeSeparators.Replace(strings.ToUpper(strings.TrimSpace(s)))
	switch g {
	case "PK", "PREK", "PREKINDERGARTEN", "P":
		return "PK", true
	case "K", "KG", "TK", "KINDERGARTEN":
		return "K", true
	}
	g = strings.TrimPrefix(g, "GRADE")
	n, err := strconv.Atoi(g)
	if err != nil || n < 1 || n > 12 || len(g) > 2 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// ValidEmail reports whether s is a plain email address (no display name), at most 254
// characters, with a dot in its domain.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.HasPrefix(domain, ".")
}

// ValidUsername reports whether s is a username: 3 to 50 letters, digits, . _ - @, no spaces.
func ValidUsername(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '_' && r != '-' && r != '@' {
			return false
		}
		n++
	}
	return n >= 3 && n <= 50 && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "@")
}

// ValidClassID reports whether s is a Class ID: 1 to 50 letters, digits, - and _.
func ValidClassID(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return false
		}
		n++
	}
	return n >= 1 && n <= 50
}

// ValidClassName reports whether s is a class name: 1 to 100 characters, no control
// characters.
func ValidClassName(s string) bool {
	if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > 100 {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// ParseDate reads a class date: MM/DD/YYYY (or M/D/YYYY) or YYYY-MM-DD, and returns it as
// YYYY-MM-DD.
func ParseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "1/2/2006", "01/02/2006", "2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return "", false
			}
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// NormalizeMasterCode returns a Master Code without dashes, in upper case, and whether it
// has 16 letters and digits.
func NormalizeMasterCode(s string) (string, bool) {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(c) != 16 {
		return c, false
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= 'A' && c[i] <= 'Z' || c[i] >= '0' && c[i] <= '9') {
			return c, false
		}
	}
	return c, true
}
