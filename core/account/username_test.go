package account

import (
	"fmt"
	"strings"
	"testing"
)

var foldTests = []struct{ in, want string }{
	{"José", "jose"},
	{"Ñúñez", "nunez"},
	{"Øyvind", "oyvind"},
	{"Łukasz", "lukasz"},
	{"Straße", "strasse"},
	{"O'Brien", "obrien"},
	{"Zoë-Ann", "zoeann"},
	{"张伟", ""},
	{"Mary Jo", "maryjo"},
	{"St. John", "stjohn"},
	{"Æsa", "aesa"},
	{"Œuvre", "oeuvre"},
	{"Đorđe", "dorde"},
	{"Þór", "thor"},
	{"Hróðný", "hrodny"},
	{"Yıldız", "yildiz"},
	{"İlkay", "ilkay"},
	{"STRASSE", "strasse"},
	{"ẞ", "ss"},
	{"Ｋｅｎ", "ken"},           // full-width, folded by NFKD
	{"ﬁnn", "finn"},          // ligature
	{"E\u0301mile", "emile"}, // already decomposed
	{"Άννα", ""},             // Greek: dropped, not transliterated
	{"Jean-Luc 3rd", "jeanluc3rd"},
	{"", ""},
}

func TestFoldASCII(t *testing.T) {
	for _, tt := range foldTests {
		if got := FoldASCII(tt.in); got != tt.want {
			t.Errorf("FoldASCII(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFoldASCII(f *testing.F) {
	for _, tt := range foldTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldASCII(s)
		if strings.IndexFunc(got, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) >= 0 {
			t.Errorf("FoldASCII(%q) = %q, want only a-z and 0-9", s, got)
		}
		if FoldASCII(got) != got {
			t.Errorf("FoldASCII(FoldASCII(%q)) != FoldASCII(%q)", s, s)
		}
	})
}

func TestUsernameBase(t *testing.T) {
	tests := []struct{ first, last, want string }{
		{"John", "Smith", "jsmith"},
		{"José", "Núñez", "jnunez"},
		{"Øyvind", "Ødegård", "oodegard"},
		{"Mary Jo", "O'Brien-Smith", "mobriensmith"},
		{"伟", "Zhang", "zhang"},
		{"Wei", "张", "w"},
		{"张", "伟", "user"},
		{"", "", "user"},
		{"A", "O", "ao"},
		{"John", strings.Repeat("Long", 20), "j" + strings.Repeat("long", 20)[:43]},
	}
	for _, tt := range tests {
		if got := UsernameBase(tt.first, tt.last); got != tt.want {
			t.Errorf("UsernameBase(%q, %q) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
		if got := UsernameBase(tt.first, tt.last); len(got) > 44 {
			t.Errorf("UsernameBase(%q, %q) = %q, longer than 44", tt.first, tt.last, got)
		}
	}
}

type name struct{ first, last string }

func TestUsernames(t *testing.T) {
	tests := []struct {
		name    string
		taken   []string
		reserve []string
		people  []name
		want    []string
	}{
		{
			name:   "OK",
			people: []name{{"John", "Smith"}, {"Jane", "Smith"}, {"Jim", "Smith"}, {"Ann", "Lee"}},
			want:   []string{"jsmith", "jsmith2", "jsmith3", "alee"},
		},
		{
			name:   "TakenInDatabase",
			taken:  []string{"jsmith", "jsmith2", "jsmith4"},
			people: []name{{"John", "Smith"}, {"Jane", "Smith"}},
			want:   []string{"jsmith3", "jsmith5"},
		},
		{
			name:    "Reserved",
			reserve: []string{"JSmith", "JSMITH3"},
			people:  []name{{"John", "Smith"}, {"Jane", "Smith"}},
			want:    []string{"jsmith2", "jsmith4"},
		},
		{
			name:   "Short",
			people: []name{{"A", "O"}, {"A", "O"}, {"", "Li"}, {"X", ""}},
			want:   []string{"ao2", "ao3", "li2", "x10"},
		},
		{
			name:   "NoLatinLetters",
			people: []name{{"", ""}, {"张", "伟"}, {"Άννα", "Παππά"}},
			want:   []string{"user", "user2", "user3"},
		},
		{
			name: "BasesThatMeet",
			// "J. Smith2" folds to jsmith2, the second J. Smith's candidate.
			people: []name{{"J", "Smith2"}, {"John", "Smith"}, {"Jane", "Smith"}},
			want:   []string{"jsmith2", "jsmith", "jsmith3"},
		},
		{
			name:   "LongNamesStayWithinFifty",
			people: []name{{"Jo", strings.Repeat("x", 60)}, {"Jo", strings.Repeat("x", 70)}},
			want:   []string{"j" + strings.Repeat("x", 43), "j" + strings.Repeat("x", 43) + "2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			taken := map[string]bool{}
			for _, s := range tt.taken {
				taken[s] = true
			}
			u := NewUsernames(func(s string) bool {
				asked = append(asked, s)
				return taken[s]
			})
			for _, s := range tt.reserve {
				u.Reserve(s)
			}
			for i, p := range tt.people {
				if got := u.Next(p.first, p.last); got != tt.want[i] {
					t.Errorf("Next(%q, %q) = %q, want %q", p.first, p.last, got, tt.want[i])
				}
			}
			for _, s := range asked {
				if s != strings.ToLower(s) || len(s) < MinUsernameLen {
					t.Errorf("taken(%q) called, want only lower-case candidates of 3 or more characters", s)
				}
			}
		})
	}
}

func TestUsernamesNilTaken(t *testing.T) {
	u := NewUsernames(nil)
	if got := u.Next("John", "Smith"); got != "jsmith" {
		t.Errorf("Next = %q, want jsmith", got)
	}
}

// Next must not rescan the handed-out suffixes: 100,000 Smiths ask taken about once each.
func TestUsernamesManySmiths(t *testing.T) {
	const n = 100000
	calls := 0
	u := NewUsernames(func(string) bool { calls++; return false })
	var got string
	for range n {
		got = u.Next("John", "Smith")
	}
	if want := fmt.Sprintf("jsmith%d", n); got != want {
		t.Errorf("Next after %d Smiths = %q, want %q", n, got, want)
	}
	if calls != n {
		t.Errorf("taken called %d times for %d Smiths, want %d", calls, n, n)
	}
}

func BenchmarkUsernamesSmiths(b *testing.B) {
	u := NewUsernames(func(string) bool { return false })
	for b.Loop() {
		u.Next("John", "Smith")
	}
}
