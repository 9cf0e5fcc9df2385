package account

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var policyTests = []struct {
	name            string
	password        string
	username, email string
	want            []string
}{
	{"OK", "Abcdefgh1", "", "", nil},
	{"OKMax", "Abcdefgh1" + "xyzxyzxyz12", "", "", nil},
	{"TooShort8", "Abcdefg1", "", "", []string{"it has 8 characters; use 9 to 20"}},
	{"TooLong21", "Abcdefgh1" + "xyzxyzxyz123", "", "", []string{"it has 21 characters; use 9 to 20"}},
	{"OneCharacter", "A", "", "", []string{"it has 1 character; use 9 to 20", "it needs a lower-case letter", "it needs a digit"}},
	{"CountsCharactersNotBytes", "Ébcdéfgh1", "", "", nil},
	{"CountsComposedCharactersOnce", "E\u0301bcde\u0301fgh1", "", "", nil},
	{"Space", "Abcd efgh1", "", "", []string{"it has a space"}},
	{"Tab", "Abcd\tefgh1", "", "", []string{"it has a space"}},
	{"NoBreakSpace", "Abcd\u00a0efgh1", "", "", []string{"it has a space"}},
	{"NoUpper", "abcdefgh1", "", "", []string{"it needs an upper-case letter"}},
	{"NoLower", "ABCDEFGH1", "", "", []string{"it needs a lower-case letter"}},
	{"NoDigit", "Abcdefghi", "", "", []string{"it needs a digit"}},
	{"NonASCIILetters", "Ñandú2024x", "", "", nil},
	{"Repeat4", "Aaaab1234", "", "", nil},
	{"Repeat5", "Baaaaa123", "", "", []string{`it repeats "a" 5 times in a row`}},
	{"Repeat7", "B1aaaaaaa", "", "", []string{`it repeats "a" 7 times in a row`}},
	{"RepeatIgnoresCase", "1baaAAa2X", "", "", []string{`it repeats "a" 5 times in a row`}},
	{"RepeatNamesFirstRunOnly", "X11111yyyyy", "", "", []string{`it repeats "1" 5 times in a row`}},
	{"RepeatDigitsAtEnd", "Abcd11111", "", "", []string{`it repeats "1" 5 times in a row`}},
	{"RepeatBrokenRuns", "AaaabAaaa1", "", "", nil},
	{"Username", "JSmith2024", "jsmith2024", "", []string{"it is the same as the username"}},
	{"UsernameAnyCase", "jsmith2024X", "JSMITH2024x", "", []string{"it is the same as the username"}},
	{"UsernameContained", "Jsmith2024X", "jsmith", "", nil},
	{"Email", "Jo@school.org9", "", "jo@SCHOOL.org9", []string{"it is the same as the email"}},
	{"EmailLocalPartIsFine", "Jsmith2024", "", "jsmith2024@school.org", nil},
	{"UsernameAndEmailAreTrimmed", "Jsmith2024", " jsmith2024 ", "", []string{"it is the same as the username"}},
	{"EmptyUsernameAndEmailNeverMatch", "Abcdefgh1", "", "", nil},
	{
		"Many", "aaaaa a", "aaaaa a", "AAAAA A",
		[]string{
			"it has 7 characters; use 9 to 20",
			"it has a space",
			"it needs an upper-case letter",
			"it needs a digit",
			`it repeats "a" 5 times in a row`,
			"it is the same as the username",
			"it is the same as the email",
		},
	},
	{"Empty", "", "", "", []string{"it has 0 characters; use 9 to 20", "it needs an upper-case letter", "it needs a lower-case letter", "it needs a digit"}},
}

func TestPolicyProblems(t *testing.T) {
	for _, tt := range policyTests {
		t.Run(tt.name, func(t *testing.T) {
			got := PolicyProblems(tt.password, tt.username, tt.email)
			if len(tt.want) == 0 && got != nil {
				t.Fatalf("PolicyProblems(%q, %q, %q) = %q, want nil", tt.password, tt.username, tt.email, got)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("PolicyProblems(%q, %q, %q) =\n%q\nwant\n%q", tt.password, tt.username, tt.email, got, tt.want)
			}
		})
	}
}

func FuzzPolicyProblems(f *testing.F) {
	for _, tt := range policyTests {
		f.Add(tt.password, tt.username, tt.email)
	}
	f.Fuzz(func(t *testing.T, password, username, email string) {
		problems := PolicyProblems(password, username, email)
		n := utf8.RuneCountInString(norm.NFC.String(password))
		for _, p := range problems {
			// The messages follow "The password is not accepted: " in the Error File.
			if p == "" || p != strings.ToLower(p[:1])+p[1:] || strings.HasSuffix(p, ".") {
				t.Errorf("PolicyProblems(%q) gave %q, want a lower-case phrase", password, p)
			}
		}
		if allMet(Rules(password, username, email)) != (problems == nil) {
			t.Errorf("Rules(%q, %q, %q) all met = %v, but PolicyProblems = %q", password, username, email, !(problems == nil), problems)
		}
		if problems == nil && (n < MinPasswordLen || n > MaxPasswordLen || strings.IndexFunc(password, unicode.IsSpace) >= 0) {
			t.Errorf("PolicyProblems(%q) = nil", password)
		}
	})
}

func allMet(rules []Rule) bool {
	for _, r := range rules {
		if !r.Met {
			return false
		}
	}
	return true
}

// TestRules: the checklist the window shows while a password is typed agrees with
// PolicyProblems on every case of the policy table, and ticks the rules one by one.
func TestRules(t *testing.T) {
	for _, tt := range policyTests {
		rules := Rules(tt.password, tt.username, tt.email)
		if got, want := allMet(rules), tt.want == nil; got != want {
			t.Errorf("Rules(%q, %q, %q) all met = %v, want %v (%+v)", tt.password, tt.username, tt.email, got, want, rules)
		}
		unmet := 0
		for _, r := range rules {
			if !r.Met {
				unmet++
			}
		}
		// Each problem breaks one rule; the username and the email share one.
		broken := len(tt.want)
		if slices.Contains(tt.want, "it is the same as the username") && slices.Contains(tt.want, "it is the same as the email") {
			broken--
		}
		if unmet != broken {
			t.Errorf("Rules(%q) has %d unmet rules, PolicyProblems %d problems %q", tt.password, unmet, len(tt.want), tt.want)
		}
	}
	met := func(pw string) []bool {
		var out []bool
		for _, r := range Rules(pw, "jsmith", "") {
			out = append(out, r.Met)
		}
		return out
	}
	for _, tc := range []struct {
		pw   string
		want []bool
	}{
		// length, upper, lower, digit, no space, no run, not username/email
		{"", []bool{false, false, false, false, true, true, true}},
		{"b", []bool{false, false, true, false, true, true, true}},
		{"bB", []bool{false, true, true, false, true, true, true}},
		{"bB3", []bool{false, true, true, true, true, true, true}},
		{"bB3 ", []bool{false, true, true, true, false, true, true}},
		{"bB3xyzwvq", []bool{true, true, true, true, true, true, true}},
		{"JSmith", []bool{false, true, true, false, true, true, false}},
	} {
		if got := met(tc.pw); !slices.Equal(got, tc.want) {
			t.Errorf("Rules(%q) met = %v, want %v", tc.pw, got, tc.want)
		}
	}
}
