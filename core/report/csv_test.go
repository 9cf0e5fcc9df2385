package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"iter"
	"strings"
	"testing"
)

func writeCSV(t *testing.T, delim rune, header []string, rows ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, delim, header, Rows(rows)); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	return buf.Bytes()
}

// sampleTable exercises quoting: delimiters of every kind, quotes, line breaks, surrounding
// spaces, leading zeros, accents and a formula.
var sampleTable = struct {
	header []string
	rows   [][]string
}{
	header: []string{"User ID", "First Name", "Last Name", "Note"},
	rows: [][]string{
		{"00123", "José", "O'Brien", "plain"},
		{"42", "Ann, Jr.", `Say "hi"`, "two\nlines"},
		{"43", "Semi;colon", "Tab\there", "crlf\r\nend"},
		{"44", " padded ", "", "=HYPERLINK(\"http://x\")"},
		{"45", "short"},
	},
}

func TestWriteCSV(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delim rune
	}{
		{"csv_comma.csv", ','},
		{"csv_semicolon.csv", ';'},
		{"csv_tab.csv", '\t'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := writeCSV(t, tc.delim, sampleTable.header, sampleTable.rows...)
			if !bytes.HasPrefix(got, []byte(bom)) {
				t.Errorf("output does not start with a UTF-8 BOM")
			}
			if n, m := bytes.Count(got, []byte("\n")), bytes.Count(got, []byte("\r\n")); n != m+1 {
				// The one bare LF is the "two\nlines" cell's own line break.
				t.Errorf("got %d LF and %d CRLF, want every line ended by CRLF", n, m)
			}
			golden(t, tc.name, got)

			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte(bom))))
			r.Comma = tc.delim
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("encoding/csv cannot read the output: %v", err)
			}
			if len(recs) != 1+len(sampleTable.rows) {
				t.Fatalf("read %d records, want %d", len(recs), 1+len(sampleTable.rows))
			}
			if got, want := recs[5], []string{"45", "short", "", ""}; !equal(got, want) {
				t.Errorf("short row read back as %q, want %q (padded to the header)", got, want)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// neutralizeTests lists cells and how they are written in a comma-delimited line.
var neutralizeTests = []struct {
	name, cell, want string
}{
	{"Equals", "=1+2", `"'=1+2"`},
	{"Plus", "+1", `"'+1"`},
	{"Minus", "-1", `"'-1"`},
	{"At", "@SUM(A1)", `"'@SUM(A1)"`},
	{"Tab", "\tx", "\"'\tx\""},
	{"CR", "\rx", "\"'\rx\""},
	{"FormulaWithQuotes", `=HYPERLINK("http://evil","click")`, `"'=HYPERLINK(""http://evil"",""click"")"`},
	{"FormulaWithComma", "=A1,B1", `"'=A1,B1"`},
	{"LoneEquals", "=", `"'="`},
	{"Plain", "Smith", "Smith"},
	{"InnerEquals", "a=b", "a=b"},
	{"InnerMinus", "Mary-Jane", "Mary-Jane"},
	{"Email", "ann@example.org", "ann@example.org"},
	{"LeadingSpaceEquals", " =1", `" =1"`},
	{"LF", "\nx", "\"\nx\""},
	{"Apostrophe", "'=1", "'=1"},
	{"Empty", "", ""},
}

func TestNeutralize(t *testing.T) {
	for _, tc := range neutralizeTests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := Neutralize(tc.cell) != tc.cell, strings.HasPrefix(tc.want, `"'`); got != want {
				t.Errorf("Neutralize(%q) = %q, want neutralised %v", tc.cell, Neutralize(tc.cell), want)
			}
			got := string(writeCSV(t, ',', nil, []string{tc.cell, "z"}))
			want := bom + tc.want + ",z\r\n"
			if got != want {
				t.Errorf("WriteCSV(%q) = %q, want %q", tc.cell, got, want)
			}
		})
	}
}

func TestWriteCSVInvalidUTF8(t *testing.T) {
	got := string(writeCSV(t, ',', nil, []string{"ab\xffc", "\xe9t\xe9"}))
	want := bom + "ab\uFFFDc,\uFFFDt\uFFFD\r\n"
	if got != want {
		t.Errorf("WriteCSV = %q, want %q", got, want)
	}
}

func TestWriteCSVEdgeRows(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{"NoHeaderNoRows", nil, nil, bom},
		{"HeaderOnly", []string{"A", "B"}, nil, bom + "A,B\r\n"},
		// A lone empty field must not become a blank line, which readers skip.
		{"LoneEmptyCell", []string{"A"}, [][]string{{""}, {}}, bom + "A\r\n\"\"\r\n\"\"\r\n"},
		{"LongRowKept", []string{"A"}, [][]string{{"1", "2"}}, bom + "A\r\n1,2\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(writeCSV(t, ',', tc.header, tc.rows...)); got != tc.want {
				t.Errorf("WriteCSV = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteCSVBadDelimiter(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, '|', []string{"A"}, nil); err == nil {
		t.Errorf("WriteCSV with '|' = nil error, want an error")
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return 0, errors.New("disk full")
}

// TestWriteCSVStopsOnError checks that a failing writer ends the export early instead of
// pulling every remaining row from the database.
func TestWriteCSVStopsOnError(t *testing.T) {
	pulled := 0
	rows := func(yield func([]string) bool) {
		for range 1_000_000 {
			pulled++
			if !yield([]string{strings.Repeat("x", 100)}) {
				return
			}
		}
	}
	err := WriteCSV(&failWriter{}, ',', []string{"A"}, iter.Seq[[]string](rows))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("WriteCSV = %v, want the writer's error", err)
	}
	if pulled > 10_000 {
		t.Errorf("pulled %d rows after the writer failed, want the export to stop", pulled)
	}
}

// FuzzWriteCSV checks that any cells read back through encoding/csv as written, with the
// neutralising apostrophe added exactly to the cells Excel would run as formulas.
func FuzzWriteCSV(f *testing.F) {
	for _, tc := range neutralizeTests {
		f.Add(tc.cell, "x", "", byte(0))
	}
	f.Add("a,b", `"q"`, "l\r\nm", byte(1))
	f.Add(" s ", "\xff", "\r", byte(2))
	f.Add("", "", "", byte(0))
	f.Fuzz(func(t *testing.T, a, b, c string, d byte) {
		delim := []rune{',', ';', '\t'}[int(d)%3]
		cells := []string{a, b, c}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, delim, cells, Rows([][]string{cells, {a}})); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		data, ok := bytes.CutPrefix(buf.Bytes(), []byte(bom))
		if !ok {
			t.Fatalf("no BOM")
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma = delim
		r.FieldsPerRecord = 3
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("encoding/csv: %v\n%q", err, data)
		}
		if len(recs) != 3 {
			t.Fatalf("read %d records, want 3\n%q", len(recs), data)
		}
		want := make([]string, 3)
		for i, s := range cells {
			s = strings.ToValidUTF8(s, "\uFFFD")
			if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
				s = "'" + s
			}
			// encoding/csv reads CRLF inside a quoted field as LF.
			want[i] = strings.ReplaceAll(s, "\r\n", "\n")
		}
		for i, rec := range recs {
			w := want
			if i == 2 {
				w = []string{want[0], "", ""}
			}
			if !equal(rec, w) {
				t.Errorf("record %d = %q, want %q\n%q", i, rec, w, data)
			}
		}
	})
}
