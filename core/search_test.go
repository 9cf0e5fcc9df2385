package core

import (
	"strings"
	"testing"
)

func TestSearchKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"zoe", "zoe"},
		{"Zoë Nguyễn", "zoe nguyen"},
		{"ZOË", "zoe"},
		{"  Ana   María\tLópez ", "ana maria lopez"},
		{"Søren Łukasz Straße", "soren lukasz strasse"},
		{"Œuvre Ærø", "oeuvre aero"},
		{"Ｊｏｓé", "jose"}, // full-width letters, as some keyboards type them
		{"Дмитрий Ёлкин", "дмитрии елкин"},
		{"李小龍", "李小龍"},
		{"O'Brien-Smith", "o'brien-smith"},
		{"jsmith@Example.ORG", "jsmith@example.org"},
		{"50% _done_", "50% _done_"},
	} {
		if got := SearchKey(tc.in); got != tc.want {
			t.Errorf("SearchKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSearchKeyFindsWhatIsTyped: whatever the accents and case typed, the folded query
// is found in the folded name.
func TestSearchKeyFindsWhatIsTyped(t *testing.T) {
	name := SearchKey("Zoë Nguyễn")
	for _, q := range []string{"zoe", "Zoë", "ZOE", "nguyen", "Nguyễn", "e ng"} {
		if k := SearchKey(q); !strings.Contains(name, k) {
			t.Errorf("SearchKey(%q) = %q is not in %q", q, k, name)
		}
	}
}
