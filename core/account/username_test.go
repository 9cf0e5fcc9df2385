package account

import (
	"fmt"
	"slices"
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
	tests := []struct{ first, last, id, want string }{
		{"John", "Smith", "S1", "jsmith"},
		{"José", "Núñez", "S1", "jnunez"},
		{"Øyvind", "Ødegård", "S1", "oodegard"},
		{"Mary Jo", "O'Brien-Smith", "S1", "mobriensmith"},
		{"伟", "Zhang", "S1", "zhang"},
		{"Wei", "张", "S1", "wei"},
		{"Nik", "نیک\u200cنام", "S902", "nik"},
		// Issue 13 item 9: names with no ASCII folding take the User ID, never "user".
		{"小明", "王", "S2001", "s2001"},
		{"Анна", "Иванова", "Élève042", "eleve042"},
		{"小明", "王", "学生", "u" + "13a58ec2"},
		{"", "", "", "u" + "e3b0c442"},
		{"A", "O", "S1", "ao"},
		{"John", strings.Repeat("Long", 20), "S1", "j" + strings.Repeat("long", 20)[:43]},
		{"王", "小明", strings.Repeat("9", 50), strings.Repeat("9", 44)},
	}
	for _, tt := range tests {
		got := UsernameBase(tt.first, tt.last, tt.id)
		if got != tt.want {
			t.Errorf("UsernameBase(%q, %q, %q) = %q, want %q", tt.first, tt.last, tt.id, got, tt.want)
		}
		if len(got) > 44 || got == "user" {
			t.Errorf("UsernameBase(%q, %q, %q) = %q: longer than 44 or generic", tt.first, tt.last, tt.id, got)
		}
	}
}

type name struct{ first, last, id string }

// next loads base into u from taken when u does not know it, as the engine does from
// its database (which holds what was made so far), and returns the next username made
// from it.
func next(u *Usernames, taken *[]string, first, last, id string) string {
	base := UsernameBase(first, last, id)
	if !u.Known(base) {
		u.Load(base, *taken)
	}
	name := u.Next(base)
	*taken = append(*taken, name)
	return name
}

func TestUsernames(t *testing.T) {
	tests := []struct {
		name   string
		taken  []string
		people []name
		want   []string
	}{
		{
			name:   "OK",
			people: []name{{"John", "Smith", ""}, {"Jane", "Smith", ""}, {"Jim", "Smith", ""}, {"Ann", "Lee", ""}},
			want:   []string{"jsmith", "jsmith2", "jsmith3", "alee"},
		},
		{
			name:   "TakenInDatabase",
			taken:  []string{"jsmith", "jsmith2", "JSmith4", "jsmithson"},
			people: []name{{"John", "Smith", ""}, {"Jane", "Smith", ""}, {"Jo", "Smith", ""}},
			want:   []string{"jsmith3", "jsmith5", "jsmith6"},
		},
		{
			name:   "Short",
			people: []name{{"A", "O", ""}, {"A", "O", ""}, {"", "Li", ""}, {"X", "", ""}},
			want:   []string{"ao2", "ao3", "li2", "x10"},
		},
		{
			name:   "NoLatinLetters",
			people: []name{{"张", "伟", "S2001"}, {"Άννα", "Παππά", "S2002"}, {"王", "小明", "S2001"}},
			want:   []string{"s2001", "s2002", "s20012"},
		},
		{
			name: "BasesThatMeet",
			// "J. Smith2" folds to jsmith2, the second J. Smith's candidate.
			people: []name{{"J", "Smith2", ""}, {"John", "Smith", ""}, {"Jane", "Smith", ""}},
			want:   []string{"jsmith2", "jsmith", "jsmith3"},
		},
		{
			name: "BasesThatMeetTheOtherWay",
			// s1 makes s12 before base s12 is first asked for, and after: either way twice.
			people: []name{{"王", "", "S1"}, {"王", "", "S12"}, {"王", "", "S1"}},
			want:   []string{"s12", "s122", "s13"},
		},
		{
			name:   "LongNamesStayWithinFifty",
			people: []name{{"Jo", strings.Repeat("x", 60), ""}, {"Jo", strings.Repeat("x", 70), ""}},
			want:   []string{"j" + strings.Repeat("x", 43), "j" + strings.Repeat("x", 43) + "2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := NewUsernames()
			taken := slices.Clone(tt.taken)
			for i, p := range tt.people {
				if got := next(u, &taken, p.first, p.last, p.id); got != tt.want[i] {
					t.Errorf("Next(%q, %q, %q) = %q, want %q", p.first, p.last, p.id, got, tt.want[i])
				}
			}
		})
	}
}

// TestUsernamesForget: a base forgotten and loaded again (with what was made from it
// since, as the engine's database then holds it) goes on where it stopped.
func TestUsernamesForget(t *testing.T) {
	u := NewUsernames()
	var made []string
	for range 3 {
		next(u, &made, "John", "Smith", "")
	}
	u.Forget(func(string) bool { return false })
	if u.Len() != 0 {
		t.Fatalf("Len after Forget = %d, want 0", u.Len())
	}
	if got := next(u, &made, "John", "Smith", ""); got != "jsmith4" {
		t.Errorf("Next after Forget = %q, want jsmith4", got)
	}
}

// Next must not rescan the handed-out suffixes, and keeps nothing per username made.
func TestUsernamesManySmiths(t *testing.T) {
	const n = 100000
	u := NewUsernames()
	u.Load("jsmith", nil)
	var got string
	for range n {
		got = u.Next("jsmith")
	}
	if want := fmt.Sprintf("jsmith%d", n); got != want {
		t.Errorf("Next after %d Smiths = %q, want %q", n, got, want)
	}
	if b := u.bases["jsmith"]; len(b.taken) != 0 {
		t.Errorf("after %d Smiths the base keeps %d usernames, want none", n, len(b.taken))
	}
}

func BenchmarkUsernamesSmiths(b *testing.B) {
	u := NewUsernames()
	u.Load("jsmith", nil)
	for b.Loop() {
		u.Next("jsmith")
	}
}
