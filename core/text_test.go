package core

import "testing"

func TestUnprintable(t *testing.T) {
	for _, r := range []rune{'\n', '\r', '\t', 0, 0x1b, 0x7f, 0x85, 0x9b, '\u202e', '\u2066', '\u2028'} {
		if !Unprintable(r) {
			t.Errorf("Unprintable(%U) = false, want true", r)
		}
	}
	for _, r := range []rune{'a', ' ', 'é', '王', '\u200c', '\u200d', '\u0301', '-', '\''} {
		if Unprintable(r) {
			t.Errorf("Unprintable(%U) = true, want false", r)
		}
	}
}
