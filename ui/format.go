package ui

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
)

// count says how many of something there are, with the number written the way every
// screen writes numbers (core.Thousands) and the noun in the right number: "1 account",
// "20,000 rows", "2 classes". plural is the noun's plural when adding "s" is wrong.
func count(n int, noun string, plural ...string) string {
	if n == 1 {
		return "1 " + noun
	}
	p := noun + "s"
	switch {
	case len(plural) > 0:
		p = plural[0]
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		p = noun + "es"
	}
	return core.Thousands(n) + " " + p
}

// naturalLess orders names the way people count: "School 2" before "School 10", case
// and accents aside ("école" beside "Ecole").
func naturalLess(a, b string) bool { return naturalCompare(a, b) < 0 }

func naturalCompare(a, b string) int {
	ka, kb := core.SearchKey(a), core.SearchKey(b)
	for ka != "" && kb != "" {
		ra, _ := utf8.DecodeRuneInString(ka)
		rb, _ := utf8.DecodeRuneInString(kb)
		if unicode.IsDigit(ra) && unicode.IsDigit(rb) {
			na, restA := leadingDigits(ka)
			nb, restB := leadingDigits(kb)
			if c := compareDigits(na, nb); c != 0 {
				return c
			}
			ka, kb = restA, restB
			continue
		}
		if ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		ka, kb = ka[utf8.RuneLen(ra):], kb[utf8.RuneLen(rb):]
	}
	switch {
	case ka == "" && kb != "":
		return -1
	case ka != "" && kb == "":
		return 1
	}
	// The same but for case or accents: keep a stable, visible order.
	return strings.Compare(a, b)
}

// leadingDigits splits the ASCII digits at the start of s from the rest.
func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		// A digit of another script: compare it as a character.
		_, n := utf8.DecodeRuneInString(s)
		return s[:n], s[n:]
	}
	return s[:i], s[i:]
}

// compareDigits compares two runs of digits by value, however long: "007" equals "7",
// which the tie-break in naturalCompare then orders.
func compareDigits(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// timeLeft says how long remains, rounded the way people say it: "less than a minute",
// "about 4 min", "about 1 h 20 min".
func timeLeft(d time.Duration) string {
	switch {
	case d < 50*time.Second:
		return "less than a minute left"
	case d < 90*time.Minute:
		return "about " + strconv.Itoa(int((d+30*time.Second)/time.Minute)) + " min left"
	}
	m := int((d + 5*time.Minute) / (10 * time.Minute) * 10)
	h, m := m/60, m%60
	if m == 0 {
		return "about " + strconv.Itoa(h) + " h left"
	}
	return "about " + strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min left"
}
