package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

var modes = []struct {
	name string
	mode core.Mode
}{
	{"admin", core.ModeAdmin},
	{"teacher", core.ModeTeacher},
}

func TestTemplateCSV(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Template(&buf, core.FormatCSV, m.mode); err != nil {
				t.Fatalf("Template: %v", err)
			}
			golden(t, "template_"+m.name+".csv", buf.Bytes())
			want := bom + strings.Join(core.TemplateHeaders(m.mode), ",") + "\r\n"
			if got := buf.String(); got != want {
				t.Errorf("Template(csv) = %q, want %q", got, want)
			}
		})
	}
}

func TestTemplateXLSX(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Template(&buf, core.FormatXLSX, m.mode); err != nil {
				t.Fatalf("Template: %v", err)
			}
			golden(t, "template_"+m.name+".txt", []byte(dumpXLSX(t, buf.Bytes())))

			f := openXLSX(t, buf.Bytes())
			if got, want := f.GetSheetList(), []string{TemplateSheet, InstructionsSheet}; !slices.Equal(got, want) {
				t.Fatalf("sheets = %q, want %q", got, want)
			}
			rows, err := f.GetRows(TemplateSheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || !slices.Equal(rows[0], core.TemplateHeaders(m.mode)) {
				t.Errorf("template sheet = %q, want only the header row %q", rows, core.TemplateHeaders(m.mode))
			}
			// Columns people will type into must already be Text, or Excel eats the
			// leading zeros of the first ID typed.
			for i := range core.TemplateHeaders(m.mode) {
				col := columnLetter(i)
				id, err := f.GetColStyle(TemplateSheet, col)
				if err != nil {
					t.Fatal(err)
				}
				if !isText(t, f, id) {
					t.Errorf("template column %s is not formatted as Text", col)
				}
			}

			ins, err := f.GetRows(InstructionsSheet)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]int{}
			// The column descriptions run from under the header to the first blank row.
			headers := map[string]bool{}
			described := true
			for _, row := range ins[1:] {
				if len(row) == 0 {
					described = false
				}
				if len(row) > 0 {
					codes[row[0]]++
				}
				if described && len(row) > 1 {
					headers[row[1]] = true
				}
				for _, c := range row {
					if strings.ContainsAny(c, "{}") {
						t.Errorf("Instructions cell %q has an unrendered placeholder", c)
					}
				}
			}
			for _, e := range core.Catalog {
				want := 1
				if e.Severity == core.SeverityRequest || !e.GivenIn(m.mode) {
					want = 0 // sign-in and access refusals are not about the file; a teacher's upload never gives the others
				}
				if codes[string(e.Code)] != want {
					t.Errorf("Instructions list %s %d times, want %d", e.Code, codes[string(e.Code)], want)
				}
			}
			for _, h := range core.TemplateHeaders(m.mode) {
				if !headers[h] {
					t.Errorf("Instructions do not describe column %q", h)
				}
			}
			if m.mode == core.ModeTeacher && headers["Role"] {
				t.Errorf("teacher Instructions describe the Role column, which their template lacks")
			}
		})
	}
}

func TestTemplateUnknownFormat(t *testing.T) {
	if err := Template(&bytes.Buffer{}, "ods", core.ModeAdmin); err == nil {
		t.Errorf("Template(ods) = nil error, want an error")
	}
}

func TestWrite(t *testing.T) {
	rows := Rows([][]string{{"007", "=1"}})
	var c bytes.Buffer
	if err := Write(&c, core.FormatCSV, "ignored", []string{"A", "B"}, rows); err != nil {
		t.Fatal(err)
	}
	if got, want := c.String(), bom+"A,B\r\n007,\"'=1\"\r\n"; got != want {
		t.Errorf("Write(csv) = %q, want %q", got, want)
	}
	var x bytes.Buffer
	if err := Write(&x, core.FormatXLSX, "Export: Classes", []string{"A", "B"}, rows); err != nil {
		t.Fatal(err)
	}
	// XLSX cells are never evaluated, so they keep their text without an apostrophe.
	if got, want := dumpXLSX(t, x.Bytes()), "== sheet \"Export- Classes\"\n1: \"A\" \"B\"\n2: \"007\" \"=1\"\n"; got != want {
		t.Errorf("Write(xlsx) dump = %q, want %q", got, want)
	}
	if err := Write(&x, "ods", "S", nil, nil); err == nil {
		t.Errorf("Write(ods) = nil error, want an error")
	}
}

func TestRequirement(t *testing.T) {
	for _, tc := range []struct {
		col  core.Column
		mode core.Mode
		want string
	}{
		{core.ColUserGUID, core.ModeAdmin, "Optional"},
		{core.ColUserID, core.ModeAdmin, "Required for a new user"},
		{core.ColRole, core.ModeAdmin, "Required for a new user"},
		{core.ColEmail, core.ModeAdmin, "Required for teachers, recommended for students"},
		{core.ColClassID, core.ModeAdmin, "Required when any class column is filled"},
		{core.ColClassName, core.ModeAdmin, "Required to create a class"},
		{core.ColMasterCode, core.ModeAdmin, "Optional"},
		{core.ColUserID, core.ModeTeacher, "Required for a new student"},
		{core.ColFirstName, core.ModeTeacher, "Required for a new student"},
		{core.ColEmail, core.ModeTeacher, "Recommended"},
		{core.ColGrade, core.ModeTeacher, "Optional"},
		{core.ColClassID, core.ModeTeacher, "Required when any class column is filled"},
	} {
		if got := Requirement(tc.col, tc.mode); got != tc.want {
			t.Errorf("Requirement(%v, %v) = %q, want %q", tc.col, tc.mode, got, tc.want)
		}
	}
}

// adminWords matches the words of an administrator's template that a teacher's has no
// use for: its rows are students only and it has no Role column.
var adminWords = regexp.MustCompile(`(?i)\b(users?|user's|teachers?|teacher's|roles?)\b|unique in the organization|Export Teachers`)

// TestTeacherInstructionsSpeakOfStudents: the teacher template's Instructions describe
// its columns for a teacher, whose file holds only students and has no Role column, not
// with the administrator's "Required for a new user", "Leave blank for teachers" or
// "Required for teachers, recommended for students".
func TestTeacherInstructionsSpeakOfStudents(t *testing.T) {
	var rows [][]string
	for row := range instructions(core.ModeTeacher).Rows {
		rows = append(rows, row)
	}
	cols := core.TemplateColumns(core.ModeTeacher)
	if len(rows) < len(cols) {
		t.Fatalf("teacher Instructions have %d rows, want at least one per column (%d)", len(rows), len(cols))
	}
	for i, c := range cols {
		for _, cell := range rows[i][1:] {
			if m := adminWords.FindString(cell); m != "" {
				t.Errorf("teacher Instructions, column %s: %q says %q", c.HeaderFor(core.ModeTeacher), cell, m)
			}
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 15: "P", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestErrorsDocUpToDate(t *testing.T) {
	var buf bytes.Buffer
	if err := ErrorsDoc(&buf); err != nil {
		t.Fatalf("ErrorsDoc: %v", err)
	}
	path := filepath.Join("..", "..", "docs", "errors.md")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test ./core/report -update): %v", path, err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s is out of date with the catalogue: run go test ./core/report -update", path)
	}
}

func TestErrorsDoc(t *testing.T) {
	var buf bytes.Buffer
	if err := ErrorsDoc(&buf); err != nil {
		t.Fatalf("ErrorsDoc: %v", err)
	}
	doc := buf.String()
	for _, e := range core.Catalog {
		if n := strings.Count(doc, "### `"+string(e.Code)+"`\n"); n != 1 {
			t.Errorf("ErrorsDoc has %d sections for %s, want 1", n, e.Code)
		}
	}
	for _, c := range core.Columns {
		if !strings.Contains(doc, ". "+c.Header+"\n") {
			t.Errorf("ErrorsDoc has no section for column %q", c.Header)
		}
	}
	if strings.ContainsAny(doc, "{}") {
		t.Errorf("ErrorsDoc has an unrendered placeholder")
	}
	// Sections come in order of severity: the worst first.
	file, row, warn := strings.Index(doc, "## Whole-file problems"), strings.Index(doc, "## Row problems"), strings.Index(doc, "## Warnings")
	if !(0 < file && file < row && row < warn) {
		t.Errorf("sections out of order: file %d, row %d, warnings %d", file, row, warn)
	}
	if strings.Contains(doc, "(*.xlsx)") {
		t.Errorf("ErrorsDoc leaves Markdown emphasis characters unescaped")
	}
}

// TestInstructionsSayTheRules: the Instructions sheet, the rulebook of whoever fills in
// the template, gives every rule of a typed password (SPEC §2 column I) and says that a
// blank Password keeps an existing user's password, which an Export file re-uploaded
// with its blank Password column relies on; and the teacher's sheet sends them to the
// export their page offers, Export Students (SPEC §4).
func TestInstructionsSayTheRules(t *testing.T) {
	help := func(mode core.Mode, c core.Column) string {
		t.Helper()
		for _, row := range slices.Collect(instructions(mode).Rows) {
			if len(row) >= 4 && row[1] == c.HeaderFor(mode) {
				return row[3]
			}
		}
		t.Fatalf("instructions(%v) has no row for %s", mode, c)
		return ""
	}
	for _, m := range modes {
		pw := help(m.mode, core.ColPassword)
		for _, want := range []string{"9 to 20", "upper-case", "lower-case", "digit", "no spaces", "five times in a row", "username", "email", "keeps"} {
			if !strings.Contains(pw, want) {
				t.Errorf("%s Instructions, Password: %q, want it to say %q", m.name, pw, want)
			}
		}
	}
	// The rules that refuse a name or a class name are said before a file is filled in,
	// not first in the Error File.
	for _, m := range modes {
		if h := help(m.mode, core.ColFirstName); !strings.Contains(h, "start with a letter") {
			t.Errorf("%s Instructions, First Name: %q, want it to say a name starts with a letter", m.name, h)
		}
		if h := help(m.mode, core.ColClassName); !strings.Contains(h, "one line") || !strings.Contains(h, "= + - or @") {
			t.Errorf("%s Instructions, Class Name: %q, want it to say one line, not starting with = + - or @", m.name, h)
		}
	}
	if g := help(core.ModeTeacher, core.ColUserGUID); !strings.Contains(g, "Export Students") || strings.Contains(g, "Teachers") {
		t.Errorf("teacher Instructions, Student GUID: %q, want it to name Export Students", g)
	}
	if g := help(core.ModeAdmin, core.ColUserGUID); !strings.Contains(g, "Export Teachers & Students") {
		t.Errorf("admin Instructions, User GUID: %q, want it to name Export Teachers & Students", g)
	}
}
