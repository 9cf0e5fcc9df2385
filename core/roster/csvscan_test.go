package roster

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// scanAll splits text into records with a csvScanner and returns them with their row
// numbers, or the error. oneByte feeds the input a byte at a time.
func scanAll(text string, oneByte bool, lim Limits) (recs [][]string, rows []int, err error) {
	var r io.Reader = strings.NewReader(text)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	sc := newCSVScanner(r, lim.withDefaults())
	sc.setDelim(',')
	for {
		rec, row, err := sc.next()
		if err == io.EOF {
			return recs, rows, nil
		}
		if err != nil {
			return recs, rows, err
		}
		recs, rows = append(recs, rec), append(rows, row)
	}
}

func TestCSVScanner(t *testing.T) {
	cases := []struct {
		name string
		text string
		recs [][]string
		rows []int
		err  string // a substring of the error
	}{
		{name: "OK", text: "a,b\r\nc,d\r\n", recs: [][]string{{"a", "b"}, {"c", "d"}}, rows: []int{1, 2}},
		{name: "OKNoFinalLineEnd", text: "a,b\nc,d", recs: [][]string{{"a", "b"}, {"c", "d"}}, rows: []int{1, 2}},
		{name: "OKEveryLineEnd", text: "a\r\nb\nc\rd\r\n", recs: [][]string{{"a"}, {"b"}, {"c"}, {"d"}}, rows: []int{1, 2, 3, 4}},
		{name: "OKEmptyLinesCount", text: "a\n\n\r\n\rb\n", recs: [][]string{{"a"}, {""}, {""}, {""}, {"b"}}, rows: []int{1, 2, 3, 4, 5}},
		{name: "OKTrailingDelimiter", text: "a,\n,b", recs: [][]string{{"a", ""}, {"", "b"}}, rows: []int{1, 2}},
		{name: "OKQuoted", text: `"a,b","c""d",""` + "\n", recs: [][]string{{"a,b", `c"d`, ""}}, rows: []int{1}},
		{name: "OKQuotedLineBreaks", text: "\"a\r\nb\rc\nd\",e\nf", recs: [][]string{{"a\nb\nc\nd", "e"}, {"f"}}, rows: []int{1, 2}},
		{name: "OKStrayQuoteUnquoted", text: `Ann "Annie" Lee,x`, recs: [][]string{{`Ann "Annie" Lee`, "x"}}, rows: []int{1}},
		{name: "OKStrayQuoteQuoted", text: `"Ann "Annie" Lee",x`, recs: [][]string{{`Ann "Annie" Lee`, "x"}}, rows: []int{1}},
		{name: "OKQuoteAtEnd", text: `a,"b"`, recs: [][]string{{"a", "b"}}, rows: []int{1}},
		{name: "OKQuoteThenCR", text: "\"a\"\rb", recs: [][]string{{"a"}, {"b"}}, rows: []int{1, 2}},
		{name: "ErrUnclosed", text: "a\n\"b\nc\nd", err: "row 2 (line 2"},
		{name: "ErrUnclosedLineDiffers", text: "\"a\nb\"\n\"c", err: "row 2 (line 3"},
		{name: "ErrStrayAcrossLines", text: "\"a\nb\"c,d\n", err: "row 1 (line 1"},
		{name: "ErrRowTooBig", text: "a,\"" + strings.Repeat("x", 2000) + "\"\n", err: "longer than 1024 bytes"},
	}
	for _, tc := range cases {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/oneByte=%v", tc.name, oneByte), func(t *testing.T) {
				recs, rows, err := scanAll(tc.text, oneByte, Limits{RowBytes: 1024})
				if tc.err != "" {
					if err == nil || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("scan(%q) error = %v, want %q", tc.text, err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("scan(%q) error = %v", tc.text, err)
				}
				if !reflect.DeepEqual(recs, tc.recs) || !reflect.DeepEqual(rows, tc.rows) {
					t.Errorf("scan(%q) = %q rows %v, want %q rows %v", tc.text, recs, rows, tc.recs, tc.rows)
				}
			})
		}
	}
}

func TestCSVScannerWideRow(t *testing.T) {
	// Fields past the limit are not kept; blank ones are trailing blanks, a non-blank one
	// is an error that says how wide the row is.
	recs, _, err := scanAll("a,b"+strings.Repeat(",", 50)+"\n", false, Limits{Columns: 5})
	if err != nil || len(recs) != 1 || len(recs[0]) != 5 {
		t.Errorf("scan = %q, %v; want one row of 5 kept fields", recs, err)
	}
	_, _, err = scanAll("a,b"+strings.Repeat(",", 50)+"x\n", false, Limits{Columns: 5})
	if err == nil || !strings.Contains(err.Error(), "52 columns") {
		t.Errorf("scan error = %v, want 52 columns", err)
	}
}

func FuzzCSVScanner(f *testing.F) {
	for _, seed := range []string{
		"a,b\r\nc,d\n",
		"a\rb\r\n\"c\rd\"\n",
		`"a""b",c` + "\n\"unclosed\n",
		`Ann "x",y` + "\n",
		"\n\n\r\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		defer watchdog([]byte(text))()
		lim := Limits{RowBytes: 1 << 16, Columns: 64}
		recs, rows, err := scanAll(text, false, lim)
		// Where the input's reads end must never change what is read.
		recs1, rows1, err1 := scanAll(text, true, lim)
		if fmt.Sprint(err) != fmt.Sprint(err1) || !reflect.DeepEqual(recs, recs1) || !reflect.DeepEqual(rows, rows1) {
			t.Fatalf("scan(%q) differs by read size:\n%q %v %v\n%q %v %v", text, recs, rows, err, recs1, rows1, err1)
		}
		if err != nil {
			var qe *quoteError
			var tb *rowTooBig
			if !errors.As(err, &qe) && !errors.As(err, &tb) && !strings.Contains(err.Error(), "columns") {
				t.Fatalf("scan(%q) error %v of an unexpected kind", text, err)
			}
			return
		}
		for i := 1; i < len(rows); i++ {
			if rows[i] != rows[i-1]+1 {
				t.Fatalf("rows %v are not consecutive", rows)
			}
		}
		// Where encoding/csv, strict about quotes, reads the text, both must agree: it
		// skips empty lines, and keeps a CR inside quotes, so those are set aside.
		if strings.ContainsRune(text, '\r') || len(rows) > 0 && len(recs[0]) > lim.Columns {
			return
		}
		cr := csv.NewReader(strings.NewReader(text))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil {
			return
		}
		got := recs[:0:0]
		for _, r := range recs {
			if len(r) != 1 || r[0] != "" {
				got = append(got, r)
			}
		}
		var wantKept [][]string
		for _, r := range want {
			if len(r) > lim.Columns {
				return
			}
			if len(r) != 1 || r[0] != "" {
				wantKept = append(wantKept, r)
			}
		}
		if len(got) != len(wantKept) || len(got) > 0 && !reflect.DeepEqual(got, wantKept) {
			t.Fatalf("scan(%q) = %q, encoding/csv reads %q", text, got, wantKept)
		}
	})
}
