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

// ValidUserID reports whether s is a User ID: 1 to 50 letters and digits, as Key
// compares them (see identifier).
func ValidUserID(s string) bool {
	return identifier(s, func(rune) bool { return false })
}

// identifier reports whether s is 1 to 50 characters that are, in the form Key compares
// (NFKC), letters, digits or runes extra allows. A Class ID or User ID is valid exactly
// when the value it is the same as is: ＡＲＴ－１ (typed with a Japanese keyboard's
// fullwidth hyphen) is ART-1, which Key folds it to, and a letter typed with a combining
// accent is the letter; checking the typed characters instead refused ＡＲＴ－１ while
// accepting ＡＲＴ１, and an accent typed decomposed while accepting it composed. What is
// stored and shown is what was typed (see docs/security.md).
func identifier(s string, extra func(rune) bool) bool {
	n := utf8.RuneCountInString(s)
	if n < 1 || n > 50 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = norm.NFKC.String(s) // ASCII is already NFKC: most IDs skip this
			break
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !extra(r) {
			return false
		}
	}
	return true
}

// Key folds a case-insensitive key (User ID, username, teacher email, Class ID, school
// name, operator username) into the one form every write and every lookup compares: the
// identifier matching of UTS #31 and PRECIS — Unicode NFKC, then full Unicode case
// folding — with every decimal digit written as its ASCII digit and every Cherokee
// letter as its capital (keyRune). It is the only notion of "the same text" that SPEC
// §12 asks for, and goes further than the NFC it names: SQLite's lower() and NOCASE fold
// A–Z only, and strings.ToLower differs from case folding for letters such as ß (folds
// to "ss") and the Greek final sigma; NFC alone keeps the fullwidth Ｓ１１ a Japanese
// keyboard types, and no normalization makes S١١ (Arabic-Indic digits) S11. Any of them
// would let an identifier typed one way on create and another on update become two
// accounts. Letters of different scripts that merely look alike (Cyrillic Ѕ, Latin S)
// stay different keys: see docs/security.md.
func Key(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// A Caser may keep state, so it is not shared between goroutines. Full case
			// folding may leave text that is not NFKC (ǰ folds to j and a combining
			// caron), so NFKC runs again after it.
			return strings.Map(keyRune, norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s))))
		}
	}
	// ASCII is already NFKC, and folds as its lower case: most keys take this path.
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

// ValidName reports whether s is a first or last name: 1 to 50 characters that start
// with a letter and hold only letters (any script), the combining marks that write
// accents and vowel signs, spaces, apostrophes, hyphens, periods, the middle dot of
// Catalan names (Gal·la) and the zero-width non-joiner and joiner that Persian and Indic
// names are written with. Starting with a letter also keeps out = + - @, which a
// spreadsheet would run as a formula.
func ValidName(s string) bool {
	if !StartsWithLetter(s) {
		return false
	}
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), unicode.Is(unicode.Mc, r):
		case r == ' ', r == '\'', r == '-', r == '.', r == '\u2019', r == '\u00b7', r == zeroWidthNonJoiner, r == zeroWidthJoiner:
		default:
			return false
		}
		n++
	}
	return n <= 50
}

// The joiners of names written in Persian, Urdu and the Indic scripts: they change how
// the letters around them connect, so a name typed with them is a different spelling,
// not a typing mistake.
const (
	zeroWidthNonJoiner = '\u200c'
	zeroWidthJoiner    = '\u200d'
)

// StartsWithLetter reports whether s begins with a letter, which every name does: a
// message can then say that rule instead of listing the characters a name may hold.
func StartsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
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
// characters, without control or text-direction characters (Unprintable: net/mail takes
// any non-ASCII one, and "\u202eann@x.org" shows as "gro.x@nna"), that no spreadsheet
// program reads as a formula (FormulaStart): an email reaches the OneRoster export's
// users.csv as it is, and "=cmd|'/C calc'!A0@x.org" is a valid address. Its domain
// must be a name on the internet (validDomain): RFC 5322 also accepts ann@[1.2.3.4],
// ann@x_y.org and ann@-x.org, which no school's mail reaches.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>\"") || FormulaStart(s) || strings.ContainsFunc(s, Unprintable) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && validDomain(s[at+1:])
}

// validDomain reports whether d is a domain name of two or more labels separated by
// dots: each label 1 to 63 letters (of any script, with their combining marks), digits
// and hyphens, neither starting nor ending with a hyphen, and the last one not all
// digits, so no IP address (1.2.3.4 or [1.2.3.4]) passes.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], func(r rune) bool { return r < '0' || r > '9' })
}

func validLabel(l string) bool {
	n := 0
	for i, r := range l {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case unicode.IsMark(r) && i > 0: // a vowel sign or an accent follows its letter
		case r == '-' && i > 0 && i < len(l)-1:
		default:
			return false
		}
		n++
	}
	return n >= 1 && n <= 63
}

// ValidUsername reports whether s is a username: 3 to 50 ASCII letters, digits, . _ - @,
// not starting with - or @. ASCII only (SPEC §12): a username in any other script could
// look exactly like another one (a Cyrillic і in jsmіth, the fullwidth ｊｏｈｎ) and let
// one person sign in as another.
func ValidUsername(s string) bool {
	if len(s) < 3 || len(s) > 50 || s[0] == '-' || s[0] == '@' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@') {
			return false
		}
	}
	return true
}

// ValidClassID reports whether s is a Class ID: 1 to 50 letters, digits, - and _, as
// Key compares them (see identifier): ＡＲＴ－１ is ART-1.
func ValidClassID(s string) bool {
	return identifier(s, func(r rune) bool { return r == '-' || r == '_' })
}

// ValidClassName reports whether s is a class name: 1 to 100 characters, nothing
// Unprintable (control characters, text-direction marks), and no FormulaStart: a class
// name reaches files that are opened in spreadsheet programs as they are (OneRoster's
// classes.csv).
func ValidClassName(s string) bool {
	return strings.TrimSpace(s) != "" && utf8.RuneCountInString(s) <= 100 && !FormulaStart(s) &&
		!strings.ContainsFunc(s, Unprintable)
}

// ParseDate reads a class date: MM/DD/YYYY (or M/D/YYYY), YYYY-MM-DD, or M/D/YY (see
// ParseClassDate), and returns it as YYYY-MM-DD.
func ParseDate(s string) (string, bool) {
	d, _, ok := ParseClassDate(s)
	return d, ok
}

// ParseClassDate is ParseDate that also says whether the date had a two-digit year.
// A spreadsheet program that opens a CSV and saves it again writes its dates as M/D/YY
// (08/15/26); class dates are this century's, so YY is read as 20YY and the import says
// so in a warning.
func ParseClassDate(s string) (date string, shortYear bool, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "1/2/2006", "01/02/2006", "2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return "", false, false
			}
			return t.Format("2006-01-02"), false, true
		}
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[2]) != 2 || len(parts[0]) > 2 || len(parts[1]) > 2 || !allDigits(s, '/') {
		return "", false, false
	}
	m, _ := strconv.Atoi(parts[0])
	d, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	t := time.Date(2000+y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(m) || t.Day() != d {
		return "", false, false // 02/30/26: time.Date would roll it into March
	}
	return t.Format("2006-01-02"), true, true
}

// allDigits reports whether s holds only ASCII digits and the separator sep, and at
// least one digit.
func allDigits(s string, sep byte) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c != sep:
			return false
		}
	}
	return digits > 0
}

// DateExample returns, for a Class Start or End Date cell that is not a date, the date
// its writer most likely meant, in both template forms ("08/25/2026 or 2026-08-25"), so
// that a message's example is their own date: a day and a month the wrong way round
// (25/08/2026) are swapped, a day past the end of its month (02/30/2026) becomes the
// month's last day, and otherwise the example keeps the cell's year.
func DateExample(s string) string {
	var nums []int
	var widths []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.Atoi(f)
		if err != nil || len(f) > 4 {
			return dateExampleYear(0)
		}
		nums, widths = append(nums, n), append(widths, len(f))
	}
	if len(nums) != 3 {
		year := 0
		for i, n := range nums {
			if widths[i] == 4 {
				year = n
			}
		}
		return dateExampleYear(year)
	}
	y, m, d := nums[2], nums[0], nums[1]
	if widths[0] == 4 {
		y, m, d = nums[0], nums[1], nums[2]
	} else if widths[2] <= 2 {
		y += 2000
	}
	if m > 12 && d >= 1 && d <= 12 {
		m, d = d, m
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return dateExampleYear(y)
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return formatExample(time.Date(y, time.Month(m), min(d, last), 0, 0, 0, 0, time.UTC))
}

// dateExampleYear is DateExample's answer when the cell holds no date at all: the
// usual first day of school in the cell's year, or in this year.
func dateExampleYear(year int) string {
	if year < 1900 || year > 2200 {
		year = time.Now().Year()
	}
	return formatExample(time.Date(year, time.August, 25, 0, 0, 0, 0, time.UTC))
}

func formatExample(t time.Time) string {
	return t.Format("01/02/2006") + " or " + t.Format("2006-01-02")
}

// ScientificNotation reports whether s is a number written in the scientific notation
// (1.23457E+11, 1E+05) that a spreadsheet program gives a long number when it saves a
// column of IDs it took for numbers: the ID's last digits are lost. Such a value is never
// a valid User ID or Class ID itself (it holds a + or -).
func ScientificNotation(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok || len(exp) < 2 || exp[0] != '+' && exp[0] != '-' || !allDigits(exp[1:], 0) {
		return false
	}
	whole, frac, dot := strings.Cut(mant, ".")
	return allDigits(whole, 0) && (!dot || allDigits(frac, 0))
}

// LeadingZerosLost reports whether got is stored with its leading zeros removed, as a
// spreadsheet program does to a column of IDs it took for numbers (00123 → 123).
func LeadingZerosLost(stored, got string) bool {
	return got != stored && allDigits(got, 0) && len(got) < len(stored) && strings.TrimLeft(stored, "0") == strings.TrimLeft(got, "0") &&
		strings.HasPrefix(stored, strings.Repeat("0", len(stored)-len(got)))
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
