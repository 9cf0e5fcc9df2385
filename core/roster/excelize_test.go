package roster

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestSameCellsAsExcelize reads every workbook in testdata/ and a set of generated ones
// with Read and with excelize, the library the reader replaced, and compares them cell
// by cell. The differences are the intended ones, and each is asserted where it applies:
//
//   - the sheet read is the first visible one (excelize: the first);
//   - a cell in a merged range holds the range's top-left value in a data row, when that
//     top-left cell is in a data row too (excelize: blank, or whatever the file keeps
//     hidden there);
//   - a whole number in a zero-padding format keeps its leading zeros, as Excel shows it
//     (excelize raw: without them);
//   - a number in a class date column, in a date format or General, is YYYY-MM-DD
//     (excelize raw: the serial number);
//   - a boolean is TRUE or FALSE, as Excel shows it (excelize raw: 1 or 0);
//   - a cell whose text starts with an apostrophe before a formula character has the
//     apostrophe removed (the reader undoes our own CSV escaping).
//
// Every other cell must be equal, and every row excelize has that is not blank must be
// read: no row may be lost.
func TestSameCellsAsExcelize(t *testing.T) {
	files := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".xlsx") {
			return err
		}
		data, err := os.ReadFile(path)
		files[path] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d workbooks in testdata, want the committed ones", len(files))
	}
	for name, data := range generatedWorkbooks(t) {
		files["generated/"+name] = data
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			compareWithExcelize(t, filepath.Base(name), data)
		})
	}
}

func compareWithExcelize(t *testing.T, name string, data []byte) {
	mode := core.ModeAdmin
	if strings.HasPrefix(filepath.Base(name), "teacher") {
		mode = core.ModeTeacher
	}
	info, rows, err := readAll(t, "f.xlsx", data, mode)
	f, xerr := excelize.OpenReader(bytes.NewReader(data))
	if xerr != nil {
		// Both must refuse what excelize cannot open (an encrypted workbook without its
		// password).
		if err == nil {
			t.Fatalf("excelize refuses the workbook (%v), Read reads %d rows", xerr, len(rows))
		}
		return
	}
	defer f.Close()
	if err != nil {
		t.Fatalf("Read() = %v; excelize opens the workbook", err)
	}

	// The sheet: the first visible one.
	sheet := ""
	for _, s := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(s); visible {
			sheet = s
			break
		}
	}
	if first := f.GetSheetList()[0]; first != sheet {
		t.Logf("intended: the first sheet %q is hidden; the visible %q is read", first, sheet)
	}
	raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	props, _ := f.GetWorkbookProps()
	date1904 := props.Date1904 != nil && *props.Date1904
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	dateCols := map[int]bool{info.Columns[core.ColClassStart]: true, info.Columns[core.ColClassEnd]: true}

	got := map[int][]string{}
	for _, r := range rows {
		got[r.Line] = r.Raw
	}
	header := 0
	for i, cells := range raw {
		if !isBlank(cells) {
			header = i + 1
			break
		}
	}
	for i, cells := range raw {
		line := i + 1
		if line <= header {
			continue
		}
		// What excelize reads, with the intended differences applied.
		want := make([]string, len(cells))
		for c, v := range cells {
			ref, _ := excelize.CoordinatesToCellName(c+1, line)
			want[c] = expectedCell(t, f, sheet, ref, v, dateCols[c], date1904)
		}
		own := !isBlank(want)
		for _, m := range merges {
			c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
			if !own || line < r1 || line > r2 || r1 <= header {
				continue
			}
			top := raw[r1-1][c1-1]
			ref, _ := excelize.CoordinatesToCellName(c1, r1)
			top = expectedCell(t, f, sheet, ref, top, dateCols[c1-1], date1904)
			for c := c1 - 1; c < c2; c++ {
				for len(want) <= c {
					want = append(want, "")
				}
				if strings.TrimSpace(top) != "" {
					want[c] = top // intended: the merged range's value
				}
			}
		}
		have, ok := got[line]
		if !own {
			if ok {
				t.Errorf("row %d is blank in excelize but read as %q", line, have)
			}
			continue
		}
		if !ok {
			t.Errorf("row %d %q is not read: a row was lost", line, want)
			continue
		}
		if a, b := trimTrailing(have), trimTrailing(want); strings.Join(a, "\x00") != strings.Join(b, "\x00") || len(a) != len(b) {
			t.Errorf("row %d = %q, excelize (with the intended differences) %q", line, a, b)
		}
		delete(got, line)
	}
	for line, r := range got {
		t.Errorf("row %d %q is read but excelize has no such row", line, r)
	}
}

// expectedCell returns what Read must give for a cell excelize reads raw as v.
func expectedCell(t *testing.T, f *excelize.File, sheet, ref, v string, dateCol, date1904 bool) string {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if typ == excelize.CellTypeBool {
		shown, _ := f.GetCellValue(sheet, ref)
		return shown // intended: TRUE or FALSE
	}
	if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && v != "" && isNumber(v) {
		code := numFmtCode(t, f, sheet, ref)
		nf := classifyCode(code)
		switch {
		case nf.class == fmtZeroPad:
			if shown, _ := f.GetCellValue(sheet, ref); isDigits([]byte(v)) && strings.TrimLeft(shown, "0") == strings.TrimLeft(v, "0") {
				return shown // intended: the leading zeros shown
			}
		case dateCol && (nf.class == fmtDate || nf.class == fmtGeneral):
			if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 1 {
				if d, err := excelize.ExcelDateToTime(n, date1904); err == nil {
					return d.Format(time.DateOnly) // intended: the date, not its serial
				}
			}
		}
	}
	return unescapeFormula(v)
}

// numFmtCode returns the number format code of a cell, "General" for none; a built-in
// format is given as a code that classifyCode classifies the same way.
func numFmtCode(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return "General"
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	switch classifyBuiltin(st.NumFmt).class {
	case fmtDate:
		return "m/d/yyyy"
	case fmtNumber:
		return "0.00"
	}
	return "General"
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func trimTrailing(cells []string) []string {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return cells[:n]
}

// generatedWorkbooks writes, with excelize, workbooks of every kind of cell the reader
// handles.
func generatedWorkbooks(tb testing.TB) map[string][]byte {
	tb.Helper()
	header := []any{"User ID", "Role", "First Name", "Last Name", "Grade Level", "Email", "Class ID", "Class Name", "Class Start Date", "Class End Date", "Notes"}
	out := map[string][]byte{}
	build := func(name string, fill func(f *excelize.File, sheet string)) {
		f := excelize.NewFile()
		defer f.Close()
		fill(f, "Sheet1")
		buf, err := f.WriteToBuffer()
		if err != nil {
			tb.Fatal(err)
		}
		out[name] = buf.Bytes()
	}
	must := func(err error) {
		if err != nil {
			tb.Helper()
			tb.Fatal(err)
		}
	}
	setRow := func(f *excelize.File, sheet string, line int, cells []any) {
		ref, _ := excelize.CoordinatesToCellName(1, line)
		must(f.SetSheetRow(sheet, ref, &cells))
	}
	style := func(f *excelize.File, s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }

	build("shared_strings_numbers.xlsx", func(f *excelize.File, sh string) {
		setRow(f, sh, 1, header)
		setRow(f, sh, 2, []any{"00123", "Student", "Zoë", "O'Neil", "K", "zoe@example.org", "MATH-1", "Math, Grade 1", nil, nil, "line\nbreak"})
		setRow(f, sh, 3, []any{12345678901234, "Student", "Ann", "Lee", 5, "", 7, "Art", nil, nil, 1234.5})
		setRow(f, sh, 4, []any{"'=cmd", "Teacher", "  Spaces  ", "Trail ", "", "t@example.org", "C_x000D_1", "Tab\tName", nil, nil, -0.25})
		must(f.SetCellFloat(sh, "K5", 0.1+0.2, -1, 64))
		must(f.SetCellStr(sh, "A5", "S5"))
		must(f.SetCellBool(sh, "B6", true))
		must(f.SetCellStr(sh, "A6", "S6"))
		must(f.SetCellBool(sh, "C6", false))
	})
	build("inline_strings_stream.xlsx", func(f *excelize.File, sh string) {
		sw, err := f.NewStreamWriter(sh)
		must(err)
		must(sw.SetRow("A1", header))
		for i := 2; i < 60; i++ {
			ref, _ := excelize.CoordinatesToCellName(1, i)
			must(sw.SetRow(ref, []any{"S" + strconv.Itoa(i), "Student", "Ann", "Lee", i % 13, "", "C" + strconv.Itoa(i%3), "Class & <Co>"}))
		}
		must(sw.Flush())
	})
	dates := func(d1904 bool) func(f *excelize.File, sh string) {
		return func(f *excelize.File, sh string) {
			if d1904 {
				must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &d1904}))
			}
			setRow(f, sh, 1, header)
			day := time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC)
			styles := []int{
				style(f, &excelize.Style{NumFmt: 14}), style(f, &excelize.Style{NumFmt: 22}), style(f, custom("dd/mm/yyyy")),
				style(f, custom("yyyy-mm-dd;@")), style(f, custom("[$-409]mmmm d, yyyy")), style(f, &excelize.Style{NumFmt: 2}),
			}
			for i, s := range styles {
				line := i + 2
				setRow(f, sh, line, []any{"S" + strconv.Itoa(line), "Student", "Ann", "Lee", "", "", "C1", "Math"})
				for _, col := range []string{"I", "J", "K"} {
					ref := col + strconv.Itoa(line)
					must(f.SetCellValue(sh, ref, day.AddDate(0, 0, i)))
					must(f.SetCellStyle(sh, ref, ref, s))
				}
			}
			must(f.SetCellInt(sh, "I9", 46548)) // General
			must(f.SetCellStr(sh, "A9", "S9"))
		}
	}
	build("dates.xlsx", dates(false))
	build("dates_1904.xlsx", dates(true))
	build("zero_padded.xlsx", func(f *excelize.File, sh string) {
		setRow(f, sh, 1, header)
		pad := style(f, custom("000000"))
		pad5 := style(f, custom("00000;-00000;0;@"))
		for i, v := range []int{123, 1234567, 0, 42} {
			line := i + 2
			setRow(f, sh, line, []any{v, "Student", "Ann", "Lee", "", "", v})
			for _, ref := range []string{"A" + strconv.Itoa(line), "G" + strconv.Itoa(line)} {
				must(f.SetCellStyle(sh, ref, ref, pad))
			}
		}
		must(f.SetCellFloat(sh, "A6", 12.5, -1, 64))
		must(f.SetCellStyle(sh, "A6", "A6", pad))
		must(f.SetCellInt(sh, "G6", 7))
		must(f.SetCellStyle(sh, "G6", "G6", pad5))
	})
	build("merged.xlsx", func(f *excelize.File, sh string) {
		setRow(f, sh, 1, header)
		setRow(f, sh, 2, []any{"T1", "Teacher", "Maria", "Garcia", "", "m@example.org", "MATH", "Math 3"})
		setRow(f, sh, 3, []any{"S1", "Student", "Ava", "Jones"})
		setRow(f, sh, 4, []any{"S2", "Student", "Ben", "Ode"})
		setRow(f, sh, 6, []any{"S3", "Student", "Cy Day"})
		must(f.MergeCell(sh, "G2", "H4"))
		must(f.MergeCell(sh, "C6", "D6"))
		must(f.MergeCell(sh, "K1", "K9"))
	})
	build("hidden_first.xlsx", func(f *excelize.File, sh string) {
		setRow(f, sh, 1, header)
		setRow(f, sh, 2, []any{"OLD", "Student", "Old", "Row"})
		_, err := f.NewSheet("Roster")
		must(err)
		setRow(f, "Roster", 1, header)
		setRow(f, "Roster", 2, []any{"NEW", "Student", "New", "Row"})
		f.SetActiveSheet(1)
		must(f.SetSheetVisible(sh, false))
	})
	build("rich_text_sparse.xlsx", func(f *excelize.File, sh string) {
		setRow(f, sh, 3, header) // blank rows above the header
		must(f.SetCellRichText(sh, "C4", []excelize.RichTextRun{{Text: "An"}, {Text: "n", Font: &excelize.Font{Bold: true}}}))
		must(f.SetCellStr(sh, "A4", "S4"))
		must(f.SetCellStr(sh, "B4", "Student"))
		must(f.SetCellStr(sh, "D4", "Lee"))
		must(f.SetCellStr(sh, "A9", "S9"))
		must(f.SetCellStr(sh, "K9", "far"))
		must(f.SetCellStr(sh, "D12", "only a last name"))
		must(f.SetCellFormula(sh, "H4", `"Math"&" 3"`))
	})
	return out
}
