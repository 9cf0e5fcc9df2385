package core

import "testing"

// TestValidEmailRefusesControls: an email with a control or text-direction character is
// not valid. net/mail accepts any non-ASCII character in the local part, so
// "\u202eann@x.org" (shown "gro.x@nna" in the window's account page), an email with a
// next-line (U+0085) or line-separator (U+2028) character, which breaks the row it is
// shown in, were stored and exported as they were.
func TestValidEmailRefusesControls(t *testing.T) {
	for _, s := range []string{
		"\u202eann@x.org",
		"ann\u202e@x.org",
		"ann\u200f@x.org",
		"ann\u0085@x.org",
		"ann\u2028@x.org",
		"ann\u2066@x.org",
		"ann\u009b@x.org",
	} {
		if ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = true, want false", s)
		}
	}
	for _, s := range []string{"ann@x.org", "zoë@école.fr", "ann.o'neil@x.org"} {
		if !ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = false, want true", s)
		}
	}
}
