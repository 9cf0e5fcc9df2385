package account

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The limits of a generated username. SPEC §2 column H allows 3 to 50 characters; a base
// is cut to 44 so that a suffix of up to six digits still fits.
const (
	MinUsernameLen  = 3
	MaxUsernameLen  = 50
	maxUsernameBase = 44
)

// foldSpecial spells the Latin letters that Unicode decomposition leaves whole.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'þ': "th", 'ð': "d",
	'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "ng",
}

// FoldASCII turns a name into lower-case ASCII letters and digits only, for usernames:
// accents are removed (José → jose), letters that do not decompose are spelled out
// (ß → ss, æ → ae, ø → o, œ → oe, ł → l, đ → d, þ → th, ð → d, ı → i), and everything
// else (spaces, punctuation, letters of non-Latin scripts) is dropped.
//
// It uses compatibility decomposition (NFKD) rather than NFD so that ligatures such as
// "ﬁ" and the full-width letters some East Asian keyboards type also fold to ASCII.
func FoldASCII(s string) string {
	if !utf8.ValidString(s) {
		return foldNFKD(s) // NFKD reads invalid bytes its own way; keep its answer
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			// NFKD changes no ASCII character: keep letters and digits, lower-cased.
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
				b = append(b, c)
			}
		case r < latinEnd:
			b = append(b, latinFold()[r-utf8.RuneSelf]...)
		default:
			b = append(b, foldRune(r)...)
		}
	}
	return string(b)
}

// FoldASCII folds rune by rune, which is the same as folding the whole string: NFKD
// decomposes each character on its own, its only reordering moves combining marks
// among themselves, and the marks are dropped while every character kept is a starter.
// NFKD of a whole string allocated about a kilobyte per name; the Latin letters that
// names mostly use are folded once, into a table.

// latinEnd is the end of Latin Extended-B: the table covers U+0080 to U+024F.
const latinEnd = 0x250

var latinFold = sync.OnceValue(func() []string {
	t := make([]string, latinEnd-utf8.RuneSelf)
	for r := rune(utf8.RuneSelf); r < latinEnd; r++ {
		t[r-utf8.RuneSelf] = foldRune(r)
	}
	return t
})

// foldRune is FoldASCII of one character.
func foldRune(r rune) string { return foldNFKD(string(r)) }

// foldNFKD is FoldASCII by NFKD of the whole string.
func foldNFKD(s string) string {
	var b strings.Builder
	for _, d := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		d = unicode.ToLower(d)
		switch {
		case 'a' <= d && d <= 'z', '0' <= d && d <= '9':
			b.WriteRune(d)
		default:
			b.WriteString(foldSpecial[d])
		}
	}
	return b.String()
}

// UsernameBase returns the username a person would get if it were free: the folded first
// initial and the folded last name (José Núñez → jnunez), cut to 44 characters, or "user"
// when the names fold to nothing (for example names in a non-Latin script).
func UsernameBase(first, last string) string {
	base := FoldASCII(first)
	if base != "" {
		base = base[:1]
	}
	base += FoldASCII(last)
	if len(base) > maxUsernameBase {
		base = base[:maxUsernameBase]
	}
	if base == "" {
		return "user"
	}
	return base
}

// Usernames hands out unique usernames during one import. It remembers, for each base,
// the next suffix to try, so the 500th J. Smith costs one candidate, not 500. It is not
// safe for concurrent use.
type Usernames struct {
	taken func(string) bool
	next  map[string]int      // base → next suffix to try (0 and 1 mean the bare base)
	used  map[string]struct{} // lower case: handed out or reserved
}

// NewUsernames returns a Usernames that also skips every candidate for which taken
// (called with the lower-case candidate) reports true: the caller answers from the
// database and from the usernames typed in the same file. taken may be nil.
func NewUsernames(taken func(string) bool) *Usernames {
	return &Usernames{
		taken: taken,
		next:  make(map[string]int),
		used:  make(map[string]struct{}),
	}
}

// Next returns a new username for a person: UsernameBase(first, last), else that base
// followed by 2, 3, …, skipping candidates shorter than three characters, candidates
// already handed out or reserved, and candidates the taken function reports.
func (u *Usernames) Next(first, last string) string {
	return u.NextFor(UsernameBase(first, last))
}

// NextFor is Next for a base the caller already has from UsernameBase.
func (u *Usernames) NextFor(base string) string {
	for n := max(u.next[base], 1); ; n++ {
		cand := base
		if n > 1 {
			cand = base + strconv.Itoa(n)
		}
		if len(cand) < MinUsernameLen {
			continue
		}
		if _, dup := u.used[cand]; dup {
			continue
		}
		if u.taken != nil && u.taken(cand) {
			continue
		}
		u.used[cand] = struct{}{}
		u.next[base] = n + 1
		return cand
	}
}

// Reserve marks a username, in any case, as used, so Next never returns it. The engine
// reserves usernames that rows of the file type in, before it generates the others.
func (u *Usernames) Reserve(name string) {
	u.used[strings.ToLower(name)] = struct{}{}
}
