package core

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// searchSpecial spells the Latin letters that decomposition leaves whole, as usernames
// spell them (account.FoldASCII), so a search typed the way a username reads finds the
// name it was made from.
var searchSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'þ': "th", 'ð': "d",
	'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "ng",
}

// SearchKey folds text for searching: accents and case are ignored ("Zoë Nguyễn" and
// "zoe nguyen" fold alike), the Latin letters usernames spell out are spelled the same way
// (ß → ss, ø → o), letters of other scripts are kept (case-folded), and runs of spaces
// become one space. Unlike Key it is not a uniqueness key: "Zoe" and "Zoë" are different
// names but the same search.
func SearchKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accents NFKD took off their letters
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if sp, ok := searchSpecial[unicode.ToLower(r)]; ok {
			b.WriteString(sp)
			continue
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		b.WriteRune(r)
	}
	if ascii {
		return b.String()
	}
	// A Caser may keep state, so it is not shared between goroutines.
	return cases.Fold().String(b.String())
}
