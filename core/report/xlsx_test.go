package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
)

func writeXLSX(t *testing.T, sheets ...Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sheets...); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	return buf.Bytes()
}

// xlsxRows holds values Excel likes to reinterpret, and values that would damage a
// workbook if written as they are.
var xlsxRows = [][]string{
	{"00123", "1/2", "2026-08-25", "1E5", "TRUE"},
	{"=SUM(A1:A2)", "+1", "-1", "@x", "'quoted"},
	{"José Ñúñez", "王小明", "two\nlines", " padded ", "tab\there"},
	{"bell\x07", "nul\x00x", "bad\xffutf8", "_x0041_", "\uFFFEnon-char"},
	{"", "middle", "", "", ""},
	{"short"},
	{"a", "b", "c", "d", "e", "extra"},
}

func TestWriteXLSX(t *testing.T) {
	data := writeXLSX(t, Sheet{
		Name:   "Users",
		Header: []string{"User ID", "Fraction", "Date", "Number", "Bool"},
		Rows:   Rows(xlsxRows),
	})
	golden(t, "xlsx_basic.txt", []byte(dumpXLSX(t, data)))

	f := openXLSX(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Users"}) {
		t.Errorf("sheets = %q, want [Users]", got)
	}
	// Every written cell, empty or not, header or data, is formatted as Text.
	for r := 1; r <= 1+len(xlsxRows); r++ {
		for c := 1; c <= 6; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			id, err := f.GetCellStyle("Users", ref)
			if err != nil {
				t.Fatal(err)
			}
			if c == 6 && r != 1+len(xlsxRows) {
				continue // no cell there
			}
			if !isText(t, f, id) {
				t.Errorf("cell %s style %d is not Text (@)", ref, id)
			}
			if bold := isBold(t, f, id); bold != (r == 1) {
				t.Errorf("cell %s bold = %v, want %v", ref, bold, r == 1)
			}
		}
	}
	for _, col := range []string{"A", "B", "C", "D", "E"} {
		id, err := f.GetColStyle("Users", col)
		if err != nil {
			t.Fatal(err)
		}
		if !isText(t, f, id) {
			t.Errorf("column %s style %d is not Text (@), so typed values would be reinterpreted", col, id)
		}
		w, err := f.GetColWidth("Users", col)
		if err != nil {
			t.Fatal(err)
		}
		if w < minWidth || w > maxWidth {
			t.Errorf("column %s width = %v, want within [%d, %d]", col, w, minWidth, maxWidth)
		}
	}
	panes, err := f.GetPanes("Users")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	// Cells are strings, not numbers, dates or formulas.
	for _, ref := range []string{"A2", "B2", "C2", "D2", "E2", "A3"} {
		typ, err := f.GetCellType("Users", ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("cell %s type = %v, want a string", ref, typ)
		}
		if formula, _ := f.GetCellFormula("Users", ref); formula != "" {
			t.Errorf("cell %s has formula %q", ref, formula)
		}
	}
}

func TestWriteXLSXCleansCells(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"bell\x07", "bell"},
		{"nul\x00x", "nulx"},
		{"keep\ttab\nnl\rcr", "keep\ttab\nnl\rcr"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"\uFFFEx\uFFFF", "x"},
		{"\x1b[31mred", "[31mred"},
	} {
		if got := CleanXLSX(tc.in); got != tc.want {
			t.Errorf("CleanXLSX(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteXLSXSheets(t *testing.T) {
	data := writeXLSX(t,
		Sheet{Name: "Completed", Header: []string{"A"}, Rows: Rows([][]string{{"1"}})},
		Sheet{Name: "completed", Header: []string{"B"}},
		Sheet{Name: "a/b:c*d?e[f]g\\h", Rows: Rows([][]string{{"no header"}})},
		Sheet{Name: ""},
	)
	golden(t, "xlsx_sheets.txt", []byte(dumpXLSX(t, data)))
	f := openXLSX(t, data)
	if got, want := f.GetSheetList(), []string{"Completed", "completed (2)", "a-b-c-d-e-f-g-h", "Sheet"}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	if panes, _ := f.GetPanes("a-b-c-d-e-f-g-h"); panes.Freeze {
		t.Errorf("a sheet without a header has frozen panes")
	}
}

func TestWriteXLSXNoSheets(t *testing.T) {
	if err := WriteXLSX(&bytes.Buffer{}); err == nil {
		t.Errorf("WriteXLSX() = nil error, want an error")
	}
}

func TestWriteXLSXTooWide(t *testing.T) {
	wide := make([]string, excelize.MaxColumns+1)
	for _, s := range []Sheet{
		{Name: "Header", Header: wide},
		{Name: "Row", Rows: Rows(append(make([][]string, sampleRows), wide))},
	} {
		err := WriteXLSX(&bytes.Buffer{}, s)
		if err == nil || !strings.Contains(err.Error(), "16384") {
			t.Errorf("WriteXLSX(%s with %d columns) = %v, want an error naming Excel's limit", s.Name, len(wide), err)
		}
	}
}

func TestWriteXLSXManyRows(t *testing.T) {
	// More rows than the sample used for widths, so both halves of the stream are read.
	const n = sampleRows*2 + 7
	rows := func(yield func([]string) bool) {
		row := make([]string, 2)
		for i := range n {
			// The same slice every time, as a database scanner might yield.
			row[0], row[1] = fmt.Sprintf("%05d", i), "x"
			if !yield(row) {
				return
			}
		}
	}
	data := writeXLSX(t, Sheet{Name: "S", Header: []string{"ID", "X"}, Rows: rows})
	f := openXLSX(t, data)
	got, err := f.GetRows("S")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+1 {
		t.Fatalf("read %d rows, want %d", len(got), n+1)
	}
	for i, row := range got[1:] {
		if want := fmt.Sprintf("%05d", i); row[0] != want {
			t.Fatalf("row %d = %q, want %q", i+2, row[0], want)
		}
	}
}

func TestSheetName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Users and Rosters", "Users and Rosters"},
		{"", "Sheet"},
		{"   ", "Sheet"},
		{"'quoted'", "quoted"},
		{"Errors [3/4]: a*b?c\\d", "Errors -3-4-- a-b-c-d"},
		{"history", "history 1"},
		{"tab\there", "tabhere"},
		{strings.Repeat("x", 40), strings.Repeat("x", 31)},
		{strings.Repeat("é", 40), strings.Repeat("é", 31)},
		// An emoji is two UTF-16 units and must not be split.
		{strings.Repeat("x", 30) + "😀", strings.Repeat("x", 30)},
		{strings.Repeat("x", 30) + "'", strings.Repeat("x", 30)},
		{"bad\xffname", "badname"},
	} {
		if got := SheetName(tc.in); got != tc.want {
			t.Errorf("SheetName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestColumnWidths(t *testing.T) {
	got := columnWidths(
		[]string{"ID", "Name", "Long"},
		[][]string{{"1", "王小明王小明王小明", strings.Repeat("x", 500)}, {"2", "a\nbbbbbbbbbbbbbbbbbbbbb", "", "extra column"}},
		[]float64{0, 0, 0, 0, 5},
	)
	want := []float64{minWidth, 23, maxWidth, 14, 5}
	if !slices.Equal(got, want) {
		t.Errorf("columnWidths = %v, want %v", got, want)
	}
}

// TestWriteXLSXWellFormed parses every part of a workbook full of awkward cells as XML:
// Excel calls a workbook with one ill-formed part damaged and offers to repair it.
func TestWriteXLSXWellFormed(t *testing.T) {
	nasty := append(slices.Clone(xlsxRows), []string{"\x01\x02\x03\x0b\x0c\x1f", "<b>&amp;</b>", "]]>", "\"'", "\xed\xa0\x80surrogate"})
	data := writeXLSX(t, Sheet{Name: "Users\x00<&>", Header: []string{"<A>", "&B", "C\x01"}, Rows: Rows(nasty)})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".xml") && !strings.HasSuffix(zf.Name, ".rels") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", zf.Name, err)
				break
			}
		}
		rc.Close()
	}
	golden(t, "xlsx_nasty.txt", []byte(dumpXLSX(t, data)))
}

// TestWriteXLSXTmpDir: a workbook large enough for excelize to spill its rows to disk
// spills them into Options.TmpDir and nowhere else, and leaves nothing there once
// written. With the zero Options the same rows land in the system's temporary folder,
// which is why a caller writing temporary passwords passes a folder of its own (issue
// 13 item 12: no password in plain text in a folder others may read, or left there by a
// crash).
func TestWriteXLSXTmpDir(t *testing.T) {
	// The folders are made before TMPDIR points at one of them: t.TempDir itself
	// makes its folders in TMPDIR.
	system, private := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", system)
	entries := func(dir string) []string {
		t.Helper()
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	for _, tc := range []struct {
		name   string
		opts   Options
		spills string // the folder the rows must spill to
		clean  string // the folder that must stay empty throughout
	}{
		{"private folder", Options{TmpDir: private}, private, system},
		{"zero options", Options{}, system, private},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Enough rows to pass excelize's 16 MiB in-memory threshold (about 2.4 KB of
			// sheet XML a row), each cell a long secret-looking value.
			const n = 8_000
			pad := strings.Repeat("x", 250)
			spilled := false
			rows := func(yield func([]string) bool) {
				row := make([]string, 8)
				for i := range n {
					for c := range row {
						row[c] = fmt.Sprintf("Temporary-%08d-%02d-%s", i, c, pad)
					}
					if i%500 == 0 {
						if got := entries(tc.clean); len(got) > 0 {
							t.Fatalf("row %d: files in %s: %q", i, tc.clean, got)
						}
						spilled = spilled || len(entries(tc.spills)) > 0
					}
					if !yield(row) {
						return
					}
				}
			}
			var buf bytes.Buffer
			if err := tc.opts.WriteXLSX(&buf, Sheet{Name: "Passwords", Header: make([]string, 8), Rows: rows}); err != nil {
				t.Fatal(err)
			}
			if !spilled {
				t.Errorf("no rows spilled to %s while the workbook was written: the test wrote too few", tc.spills)
			}
			for _, dir := range []string{system, private} {
				if got := entries(dir); len(got) > 0 {
					t.Errorf("files left in %s: %q", dir, got)
				}
			}
			f := openXLSX(t, buf.Bytes())
			if v, err := f.GetCellValue("Passwords", "H8001"); err != nil || v != "Temporary-00007999-07-"+pad {
				t.Errorf("last cell = %q, %v", v, err)
			}
		})
	}
}

// TestWriteXLSXColumnsInOrder: the <col> elements that give every column its Text
// format and width are listed in column order, as SpreadsheetML writers do. Excel
// offers to repair a sheet whose column definitions are out of order, and readers such
// as ExcelJS then lose the widths and formats (SPEC §4: every download opens cleanly,
// all columns formatted as Text).
func TestWriteXLSXColumnsInOrder(t *testing.T) {
	data := writeXLSX(t, Sheet{
		Name:   "Users",
		Header: []string{"User GUID", "User ID", "Role", "First Name", "Last Name"},
		Rows:   Rows(xlsxRows),
	})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var sheet struct {
		Cols []struct {
			Min   int `xml:"min,attr"`
			Max   int `xml:"max,attr"`
			Style int `xml:"style,attr"`
		} `xml:"cols>col"`
	}
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		err = xml.NewDecoder(rc).Decode(&sheet)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(sheet.Cols) == 0 {
		t.Fatal("sheet1.xml has no <col> elements")
	}
	next := 1
	for i, c := range sheet.Cols {
		if c.Min != next || c.Max < c.Min {
			t.Fatalf("col %d covers %d-%d, want it to start at column %d (cols in order, no gap, no overlap): %+v", i, c.Min, c.Max, next, sheet.Cols)
		}
		if c.Style == 0 {
			t.Errorf("col %d-%d has no style, want the Text style", c.Min, c.Max)
		}
		next = c.Max + 1
	}
	if next != 7 {
		t.Errorf("cols cover columns 1-%d, want 1-6 (the widest row's)", next-1)
	}
}

// TestWriteXLSXTooManyRows: a table longer than an Excel sheet (1,048,576 rows with
// the header) cannot be an Excel download (SPEC §4 offers every download as CSV and
// Excel; a 2,000,000-row upload's Completed File is CSV only). The person is told so
// in plain words, with the way out, as a refusal of their request: it used to be an
// internal error, "Something went wrong inside Rosterdesk (write xlsx: ...). Try
// again", which fails again every time.
func TestWriteXLSXTooManyRows(t *testing.T) {
	rows := func(yield func([]string) bool) {
		row := []string{"x"}
		for range excelize.TotalRows { // one more than fits under the header
			if !yield(row) {
				return
			}
		}
	}
	err := Options{TmpDir: t.TempDir()}.WriteXLSX(io.Discard, Sheet{Name: "S", Header: []string{"ID"}, Rows: rows})
	if core.ErrorKind(err) != core.KindInvalid {
		t.Errorf("WriteXLSX(%d rows) = %v (kind %v), want a KindInvalid refusal", excelize.TotalRows, err, core.ErrorKind(err))
	}
	if msg := core.ErrorMessage(err); !strings.Contains(msg, "1,048,576") || !strings.Contains(msg, "CSV") {
		t.Errorf("ErrorMessage = %q, want Excel's limit and the CSV way out", msg)
	}
}
