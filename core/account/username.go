package account

import (
	"crypto/sha256"
	"encoding/hex"
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
// initial and the folded last name (José Núñez → jnunez), cut to 44 characters; the whole
// first name when the last name does not fold (Wei 张 → wei). Names
// with no letter that folds to ASCII (王 小明, Анна in a script without a transliteration
// here) take their User ID instead, folded (S2001 → s2001): it is unique in the file and
// stays the same on every import, where a generic word would hand out user, user2, …
// in file order. An ID that folds to nothing either gets "u" and 8 hex digits of its
// hash, just as stable.
func UsernameBase(first, last, userID string) string {
	base := FoldASCII(first)
	// A last name in a script that does not fold (Wei 张, Nik نیک‌نام) leaves the first
	// name alone: the whole of it (wei), not its initial, which would be a one-letter
	// base padded out with digits (w10).
	if l := FoldASCII(last); l != "" && base != "" {
		base = base[:1] + l
	} else if l != "" {
		base = l
	}
	if base == "" {
		base = FoldASCII(userID)
	}
	if base == "" {
		sum := sha256.Sum256([]byte(userID))
		base = "u" + hex.EncodeToString(sum[:4])
	}
	if len(base) > maxUsernameBase {
		base = base[:maxUsernameBase]
	}
	return base
}

// Usernames hands out unique usernames during one import, to users in any order. For
// each base it knows, it remembers only the next suffix to try and the taken usernames
// of that base it has not passed yet, so the 500th J. Smith costs one candidate, not
// 500, and its memory is that of the bases it holds, not of the users: the caller
// forgets bases it no longer needs (Forget) and loads them again if they come back.
// It is not safe for concurrent use.
type Usernames struct {
	bases map[string]*usernameBase
}

type usernameBase struct {
	next  int                 // the next suffix to try (1: the bare base)
	taken map[string]struct{} // lower case, those not yet passed
}

// NewUsernames returns an empty Usernames.
func NewUsernames() *Usernames {
	return &Usernames{bases: make(map[string]*usernameBase)}
}

// Known reports whether base was loaded.
func (u *Usernames) Known(base string) bool {
	_, ok := u.bases[base]
	return ok
}

// Load gives base (from UsernameBase) the usernames already taken that a username made
// from it could collide with: those that start with it (stored, typed anywhere in the
// file, made for others). Next for base needs it first.
func (u *Usernames) Load(base string, taken []string) {
	b := &usernameBase{next: 1, taken: make(map[string]struct{})}
	for _, t := range taken {
		if t = strings.ToLower(t); strings.HasPrefix(t, base) {
			b.taken[t] = struct{}{}
		}
	}
	u.bases[base] = b
}

// Next returns a new username made from base: the base itself, else the base followed
// by 2, 3, …, skipping candidates shorter than three characters and those taken. It
// panics if base was not loaded.
func (u *Usernames) Next(base string) string {
	b := u.bases[base]
	for n := b.next; ; n++ {
		cand := base
		if n > 1 {
			cand = base + strconv.Itoa(n)
		}
		if len(cand) < MinUsernameLen {
			continue
		}
		if _, dup := b.taken[cand]; dup {
			delete(b.taken, cand) // passed: never a candidate again
			continue
		}
		b.next = n + 1
		u.took(base, cand)
		return cand
	}
}

// took records cand, just made from base, as taken for every other known base it
// starts with: base s1 can make s12, which base s12 must then skip. (A base loaded
// later learns it from Load: the caller's store holds it by then.)
func (u *Usernames) took(base, cand string) {
	for i := 1; i <= len(cand); i++ {
		if b, ok := u.bases[cand[:i]]; ok && cand[:i] != base {
			b.taken[cand] = struct{}{}
		}
	}
}

// Len returns how many bases are known.
func (u *Usernames) Len() int { return len(u.bases) }

// Forget drops the bases keep does not keep.
func (u *Usernames) Forget(keep func(base string) bool) {
	for base := range u.bases {
		if !keep(base) {
			delete(u.bases, base)
		}
	}
}
