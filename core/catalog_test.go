package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// catalogCodes returns every constant of type Code declared in catalog.go, read from the
// source so that a constant added without a catalogue entry cannot hide.
func catalogCodes(t *testing.T) map[string]core.Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "catalog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]core.Code{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for i, n := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				out[n.Name] = core.Code(strings.Trim(lit.Value, `"`))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("found no Code constants in catalog.go")
	}
	return out
}

func TestCatalogOneEntryPerCode(t *testing.T) {
	consts := catalogCodes(t)
	entries := map[core.Code]int{}
	for _, e := range core.Catalog {
		entries[e.Code]++
	}
	for name, code := range consts {
		if n := entries[code]; n != 1 {
			t.Errorf("core.%s (%s) has %d catalogue entries, want 1", name, code, n)
		}
	}
	values := map[core.Code]string{}
	for name, code := range consts {
		if other, ok := values[code]; ok {
			t.Errorf("core.%s and core.%s share the value %q", name, other, code)
		}
		values[code] = name
	}
	for code := range entries {
		if _, ok := values[code]; !ok {
			t.Errorf("catalogue entry %s has no Code constant", code)
		}
	}
	for _, e := range core.Catalog {
		if got, ok := core.Lookup(e.Code); !ok || got.Problem != e.Problem {
			t.Errorf("Lookup(%s) = %v, %v, want the entry", e.Code, got, ok)
		}
	}
	if _, ok := core.Lookup("NO_SUCH_CODE"); ok {
		t.Errorf("Lookup(NO_SUCH_CODE) found an entry")
	}
}

func TestCatalogEntries(t *testing.T) {
	headers := map[string]bool{"": true}
	for c := core.Column(0); c < core.NumColumns; c++ {
		headers[c.String()] = true
	}
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for _, e := range core.Catalog {
		t.Run(string(e.Code), func(t *testing.T) {
			if e.Problem == "" || e.Fix == "" {
				t.Fatalf("entry has Problem %q, Fix %q; want both", e.Problem, e.Fix)
			}
			for _, s := range []string{e.Problem, e.Fix} {
				if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ".)") {
					t.Errorf("%q does not end with a period", s)
				}
				for _, p := range placeholder.FindAllString(s, -1) {
					if p != "{value}" && p != "{other}" && p != "{rows}" && p != "{count}" && p != "{items}" {
						t.Errorf("%q has unknown placeholder %s", s, p)
					}
				}
			}
			if !headers[e.Column] {
				t.Errorf("Column = %q, not a template header", e.Column)
			}
			switch {
			case strings.HasPrefix(string(e.Code), "FILE_"):
				if e.Severity != core.SeverityFile {
					t.Errorf("Severity = %v, want SeverityFile", e.Severity)
				}
			case strings.HasPrefix(string(e.Code), "WARN_"):
				if e.Severity != core.SeverityWarning {
					t.Errorf("Severity = %v, want SeverityWarning", e.Severity)
				}
			case strings.HasPrefix(string(e.Code), "ACCESS_"), strings.HasPrefix(string(e.Code), "SIGNIN_"),
				strings.HasPrefix(string(e.Code), "ADMIN_"), strings.HasPrefix(string(e.Code), "CARDS_"):
				if e.Severity != core.SeverityRequest || e.Column != "" {
					t.Errorf("Severity, Column = %v, %q; want SeverityRequest and no column", e.Severity, e.Column)
				}
			default:
				if e.Severity != core.SeverityRow {
					t.Errorf("Severity = %v, want SeverityRow", e.Severity)
				}
			}
		})
	}
}

func TestIssueText(t *testing.T) {
	for _, e := range core.Catalog {
		t.Run(string(e.Code), func(t *testing.T) {
			is := core.Issue{Code: e.Code, Value: "VALUE", Other: "OTHER", Rows: []int{3, 7}, Count: 1234, Items: []string{"ITEM1", "ITEM2"}}
			text := is.Text()
			if strings.ContainsAny(text, "{}") {
				t.Errorf("Issue{%s}.Text() = %q, has an unfilled placeholder", e.Code, text)
			}
			if !strings.HasPrefix(text, is.Problem()+" ") {
				t.Errorf("Issue{%s}.Text() = %q, want it to start with Problem() %q", e.Code, text, is.Problem())
			}
			if strings.Contains(e.Problem+e.Fix, "{value}") && !strings.Contains(text, "VALUE") {
				t.Errorf("Issue{%s}.Text() = %q, want the value in it", e.Code, text)
			}
			if strings.Contains(e.Problem+e.Fix, "{other}") && !strings.Contains(text, "OTHER") {
				t.Errorf("Issue{%s}.Text() = %q, want the other value in it", e.Code, text)
			}
			if strings.Contains(e.Problem+e.Fix, "{rows}") && !strings.Contains(text, "3 and 7") {
				t.Errorf("Issue{%s}.Text() = %q, want \"3 and 7\" in it", e.Code, text)
			}
			if strings.Contains(e.Problem+e.Fix, "{count}") && !strings.Contains(text, "1,234") {
				t.Errorf("Issue{%s}.Text() = %q, want \"1,234\" in it", e.Code, text)
			}
			if strings.Contains(e.Problem+e.Fix, "{items}") && !strings.Contains(text, "ITEM1; ITEM2") {
				t.Errorf("Issue{%s}.Text() = %q, want \"ITEM1; ITEM2\" in it", e.Code, text)
			}
			if !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, ".)") {
				t.Errorf("Issue{%s}.Text() = %q, does not end with a period", e.Code, text)
			}
		})
	}
}

func TestIssueTextFill(t *testing.T) {
	for _, tt := range []struct {
		name string
		is   core.Issue
		want string
	}{
		{"OK", core.Issue{Code: core.UserIDFormat, Value: "S-1"},
			`User ID "S-1" is not valid: use only letters and digits, 1 to 50 characters. Remove spaces, dashes and other symbols from the User ID.`},
		{"Other", core.Issue{Code: core.RoleChange, Value: "Teacher", Other: "Student"},
			"This user is a Student; an import cannot change a user's role to Teacher. Type Student in the Role column, or leave it blank."},
		{"OneRow", core.Issue{Code: core.FileCellTooLong, Rows: []int{4}},
			"A cell in row 4 is longer than 32,767 characters, which Excel cannot hold. Shorten or clear that cell and upload the file again."},
		{"ThreeRows", core.Issue{Code: core.UserRowsDisagree, Value: "Email", Rows: []int{2, 5, 9}},
			"Rows 2, 5 and 9 are the same user but their Email differs. Make the user's columns (User GUID to Password) the same on every row of that user, or leave them blank on all but one row."},
		{"ManyRows", core.Issue{Code: core.UserIDDuplicate, Value: "S1", Rows: []int{2, 3, 4, 5, 6, 7, 8, 9}},
			`User ID "S1" is used by different people on rows 2, 3, 4, 5, 6 and 3 more. Give each person their own User ID. If these rows are the same person, make every other column of the user (User GUID to Password) the same on each row.`},
		// The engine keeps the first rows of a large group and counts the rest.
		{"MoreRows", core.Issue{Code: core.UserIDDuplicate, Value: "S1", Rows: []int{2, 3, 4, 5, 6, 7}, MoreRows: 120000},
			`User ID "S1" is used by different people on rows 2, 3, 4, 5, 6 and 120,001 more. Give each person their own User ID. If these rows are the same person, make every other column of the user (User GUID to Password) the same on each row.`},
		{"Count", core.Issue{Code: core.FailedByRow, Value: "class 4A", Other: "row 12's Class Start Date is not a date", Count: 26},
			"26 rows of class 4A cannot be saved because row 12's Class Start Date is not a date. Fix that row as its own error says, then upload the file again: the other rows need no change."},
		{"CountOne", core.Issue{Code: core.FailedByRow, Value: "class 4A", Other: "row 12's Class Start Date is not a date", Count: 1},
			"1 row of class 4A cannot be saved because row 12's Class Start Date is not a date. Fix that row as its own error says, then upload the file again: the other rows need no change."},
		{"LongValueClipped", core.Issue{Code: core.FirstNameFormat, Value: strings.Repeat("x", 1000)},
			`First Name "` + strings.Repeat("x", 60) + `…" is not valid: use 1 to 50 letters, spaces, apostrophes ('), hyphens (-) or periods (.). Shorten the name to 50 characters at most, and remove digits and other symbols from it.`},
		{"UnknownCode", core.Issue{Code: "NO_SUCH_CODE"}, "NO_SUCH_CODE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.is.Text(); got != tt.want {
				t.Errorf("Issue%+v.Text() =\n%q, want\n%q", tt.is, got, tt.want)
			}
		})
	}
}

func TestJoinIssues(t *testing.T) {
	a := core.Issue{Code: core.FirstNameRequired}
	b := core.Issue{Code: core.LastNameFormat, Value: "L3e"}
	for _, tt := range []struct {
		name string
		in   []core.Issue
		want string
	}{
		{"Empty", nil, ""},
		{"One", []core.Issue{a}, a.Text()},
		{"Two", []core.Issue{a, b}, a.Text() + " | " + b.Text()},
		{"Dedupe", []core.Issue{a, b, a, b}, a.Text() + " | " + b.Text()},
		{"SameCodeOtherValue", []core.Issue{b, {Code: core.LastNameFormat, Value: "L4e"}},
			b.Text() + " | " + core.Issue{Code: core.LastNameFormat, Value: "L4e"}.Text()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.JoinIssues(tt.in); got != tt.want {
				t.Errorf("JoinIssues(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSortedCatalog(t *testing.T) {
	s := core.SortedCatalog()
	if len(s) != len(core.Catalog) {
		t.Fatalf("len(SortedCatalog()) = %d, want %d", len(s), len(core.Catalog))
	}
	for i := 1; i < len(s); i++ {
		if s[i-1].Severity > s[i].Severity {
			t.Errorf("SortedCatalog()[%d] (%s) comes after %s of a later severity", i, s[i].Code, s[i-1].Code)
		}
	}
}

func TestNewFileError(t *testing.T) {
	err := core.NewFileError(core.FileMissingHeader, "Role", nil)
	want := core.Issue{Code: core.FileMissingHeader, Value: "Role"}.Text()
	if err.Code != core.FileMissingHeader || err.Kind != core.KindInvalid || err.Message != want {
		t.Errorf("NewFileError(FileMissingHeader, Role) = %+v, want code, KindInvalid and message %q", err, want)
	}
	if got := core.ErrorMessage(err); got != want {
		t.Errorf("ErrorMessage(NewFileError(…)) = %q, want %q", got, want)
	}
}

// TestIssueTextMasterCode: the Master Code message states the rule (SPEC §2 column O:
// 16 letters and digits) as the rule, not as something the rejected value has: it used
// to read `Master Code "BADCODE" is not valid: it has 16 letters and digits.`
func TestIssueTextMasterCode(t *testing.T) {
	got := core.Issue{Code: core.MasterCodeFormat, Value: "BADCODE"}.Problem()
	want := `Master Code "BADCODE" is not valid: a Master Code has 16 letters and digits.`
	if got != want {
		t.Errorf("Issue{MasterCodeFormat}.Problem() = %q, want %q", got, want)
	}
}

// TestNameFixCoversLength: a name is refused for its length as well as for its
// characters (SPEC §2 columns D and E: 1–50 characters), with one code, so the fix
// must cover both: it used to say only "Remove digits and other symbols from the
// name.", which tells the writer of a 60-letter name nothing they can do.
func TestNameFixCoversLength(t *testing.T) {
	for _, code := range []core.Code{core.FirstNameFormat, core.LastNameFormat} {
		e, ok := core.Lookup(code)
		if !ok {
			t.Fatalf("no catalogue entry %s", code)
		}
		if !strings.Contains(e.Fix, "50 characters") || !strings.Contains(e.Fix, "digits") {
			t.Errorf("%s fix = %q, want it to say both: at most 50 characters, no digits or symbols", code, e.Fix)
		}
	}
}

// TestUsernameRulesSaid: a username is ASCII only (SPEC §12) and may not start with a
// hyphen or @ (ValidUsername), so the message that refuses one and the template's
// Instructions say so: "josé" was refused with "use 3 to 50 letters, …", and é is a
// letter to whoever typed it.
func TestUsernameRulesSaid(t *testing.T) {
	texts := map[string]string{"column help": core.Columns[core.ColUsername].Help}
	for _, code := range []core.Code{core.UsernameFormat, core.AdminUsernameFormat} {
		texts[string(code)] = core.Issue{Code: code, Value: "josé"}.Text()
	}
	for name, text := range texts {
		if !strings.Contains(text, "A–Z") || !strings.Contains(text, "accent") {
			t.Errorf("%s = %q, want it to say the letters are A–Z, without accents", name, text)
		}
		if !strings.Contains(text, "not start with") {
			t.Errorf("%s = %q, want it to say what a username may not start with", name, text)
		}
	}
}
