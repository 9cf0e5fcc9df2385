package roster

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/rosterdesk/rosterdesk/core"
)

var update = flag.Bool("update", false, "rewrite testdata/rosters fixtures and testdata/golden/roster")

var (
	fixtureDir = filepath.Join("..", "..", "testdata", "rosters")
	goldenDir  = filepath.Join("..", "..", "testdata", "golden", "roster")
)

// fixtures builds the committed input files. They are rewritten only with -update; the
// test reads the committed bytes, so a change to a builder shows up as a diff to review.
func fixtures(tb testing.TB) map[string][]byte {
	start := time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC)
	full := strings.Split(adminHeader, ",")
	headerAny := func(h []string) []any {
		out := make([]any, len(h))
		for i, s := range h {
			out[i] = s
		}
		return out
	}
	return map[string][]byte{
		"admin_comma.csv": lines(
			adminHeader,
			",00123,Student,Ann,Lee,3,ann@example.org,,,MATH-3,\"Math, Grade 3\",3,08/25/2026,06/10/2027,,",
			"",
			",T1,Teacher,Tom,O'Ray,,tom@example.org,tray,Secret123x,MATH-3,,,,,ABCD-EFGH-IJKL-MNOP,",
			",,,,,,,,,,,,,,,",
			",S2,student,'=Bo,'-Day,K,,,,ART,\"Art",
			"and Craft\",K,2026-08-25,2027-06-10,,",
		),
		"teacher_semicolon_bom.csv": append([]byte("\xEF\xBB\xBF"), lines(
			"Student GUID;Student ID;First Name;Last Name;Grade Level;Email",
			";S1;Zoë;Dupont;5;zoe@example.org",
			";S2;Élodie;Martin-Roy;KG;",
		)...),
		"unicode_text_utf16le.csv": utf16(tb, unicode.LittleEndian,
			"User ID\tRole\tFirst Name\tLast Name\tClass ID\r\nS1\tStudent\tŁucja\tWiśniewska\tC1\r\nS2\tStudent\t美咲\t佐藤\tC1\r\n"),
		"windows1252.csv": win1252(tb, "User ID,Role,First Name,Last Name\r\nS1,Student,José,Núñez\r\nS2,Student,François,Lefèvre\r\n"),
		"error_file.csv": lines(
			"User ID,Role,First Name,Last Name,Homeroom,Error",
			"S1,Student,Ann,,12B,Last Name is missing. Type the user's last name.",
		),
		"missing_header.csv": lines("User ID,First Name,Last Name", "S1,Ann,Lee"),
		"admin.xlsx": xlsxOf(tb, [][]any{
			nil,
			headerAny(full),
			{"", "000123", "Student", "Ann", "Lee", "3", "ann@example.org", "", "", "C1", "Math", "3", date(start), num(46548), "", ""},
			nil,
			{"", num(4567), "Teacher", "Tom", "Ray", "", "tom@example.org", "", "", "C1", "", "", "08/25/2026", "2027-06-10", "", ""},
			{"", num(12345678901234), "Student", "Bo", "Day", "K"},
			{"", padded(42), "Student", "Cy", "Ng", "PK"},
		}, "Instructions"),
		"teacher_error_file.xlsx": xlsxOf(tb, [][]any{
			{"Student GUID", "Student ID", "First Name", "Last Name", "Class ID", "Error"},
			{"", "S1", "Ann", "Lee", "C1", "Class \"C1\" is new but no teacher row links a teacher to it."},
		}),
		"encrypted.xlsx": encryptedXLSX(tb),

		// Issue 13 item 2: rows ending CRLF, LF, CR, CRLF; and a "CSV (Macintosh)" file,
		// every line ended by a lone CR.
		"line_endings_mixed.csv": []byte("User ID,Role,First Name,Last Name,Class ID\r\n" +
			"S1,Student,Ann,Lee,C1\nS2,Student,Bo,Ray,C1\rS3,Student,Cy,Day,C1\r\nS4,Student,Di,Fox,C1\r\n"),
		"line_endings_macintosh.csv": []byte("User ID,Role,First Name,Last Name,Notes\r" +
			"S1,Student,Ann,Lee,\"two\rlines\"\r\rS2,Student,Bo,Ray,\r"),
		// Item 3: a quote opened in row 3 is never closed.
		"unclosed_quote.csv": lines("User ID,Role,First Name,Last Name",
			"S1,Student,Ann,Lee", `S2,Student,"Bo,Ray`, "S3,Student,Cy,Day", "S4,Student,Di,Fox", "S5,Student,Ed,Gu"),
		// Item 4: Class ID (and Class Name) merged over a teacher's and two students' rows.
		"merged_cells.xlsx": xlsxBook(tb, []bookSpec{{name: "Roster", rows: [][]any{
			{"User ID", "Role", "First Name", "Last Name", "Email", "Class ID", "Class Name"},
			{"MT1", "Teacher", "Maria", "Garcia", "mgarcia@example.org", "MATH-3", "Math 3"},
			{"MS1", "Student", "Ava", "Johnson"},
			{"MS2", "Student", "Ben", "Okafor"},
			{"MT2", "Teacher", "Tom", "Ray", "tray@example.org", "READ-3", "Reading 3"},
		}, merges: []string{"F2:F4", "G2:G4"}}}),
		// Item 5: the first worksheet is hidden; the visible one is the roster.
		"hidden_first_sheet.xlsx": xlsxBook(tb, []bookSpec{
			{name: "Old roster", hidden: true, rows: [][]any{{"User ID", "Role", "First Name", "Last Name"}, {"OLD1", "Student", "Old", "Row"}}},
			{name: "Roster", rows: [][]any{{"User ID", "Role", "First Name", "Last Name"}, {"HS1", "Student", "Ann", "Lee"}}},
		}),
	}
}

func TestGolden(t *testing.T) {
	if *update {
		if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range fixtures(t) {
			if err := os.WriteFile(filepath.Join(fixtureDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no fixtures: run go test ./core/roster -update")
	}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtureDir, name))
			if err != nil {
				t.Fatal(err)
			}
			mode := core.ModeAdmin
			if strings.HasPrefix(name, "teacher") {
				mode = core.ModeTeacher
			}
			got := dump(name, data, mode)
			path := filepath.Join(goldenDir, strings.TrimSuffix(name, filepath.Ext(name))+"."+strings.TrimPrefix(filepath.Ext(name), ".")+".txt")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantB, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./core/roster -update)", err)
			}
			if got != string(wantB) {
				t.Errorf("Read(%s) dump differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, wantB)
			}
		})
	}
}

// dump is the canonical text form of a Read: the Info, then each row, or the error.
func dump(name string, data []byte, mode core.Mode) string {
	var rows bytes.Buffer
	info, err := Read(context.Background(), name, bytes.NewReader(data), int64(len(data)), mode, Options{}, func(row *core.Row) error {
		fmt.Fprintf(&rows, "row %d\n", row.Line)
		for c, v := range row.Cells {
			if v != "" {
				fmt.Fprintf(&rows, "  %-17s %q\n", core.Column(c).String()+":", v)
			}
		}
		fmt.Fprintf(&rows, "  raw: %q\n", row.Raw)
		return nil
	})
	var b strings.Builder
	fmt.Fprintf(&b, "format: %s\n", info.Format)
	if info.Format == core.FormatCSV {
		fmt.Fprintf(&b, "delimiter: %q\nencoding: %s\n", info.Delimiter, info.Encoding)
	}
	fmt.Fprintf(&b, "header: %q\n", info.Header)
	var cols []string
	for c, i := range info.Columns {
		if i >= 0 {
			cols = append(cols, fmt.Sprintf("%s=%d", core.Column(c), i))
		}
	}
	fmt.Fprintf(&b, "columns: %s\n", strings.Join(cols, ", "))
	for _, w := range slices.Clone(info.Warnings) {
		fmt.Fprintf(&b, "warning: %s %q\n", w.Code, w.Value)
	}
	fmt.Fprintf(&b, "rows: %d\n", info.Rows)
	if err != nil {
		fmt.Fprintf(&b, "error: %s\n", err)
		if e, ok := err.(*core.Error); ok {
			fmt.Fprintf(&b, "code: %s\n", e.Code)
		}
	}
	b.Write(rows.Bytes())
	return b.String()
}
