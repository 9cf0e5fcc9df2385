package roster

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
)

// watchdog crashes the fuzzing process when an input takes more than 10 seconds, which
// Go's fuzzer would otherwise only show as a rate of 0 executions a second: an endless
// loop on a hostile file would hang an upload. Call it as defer watchdog(input)().
func watchdog(input []byte) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			panic(fmt.Sprintf("no result after 10s for input %q", input))
		}
	}()
	return func() { close(done) }
}

// fuzzRead reads data and fails on anything but success or a file-level *core.Error.
func fuzzRead(t *testing.T, name string, data []byte, teacher bool) {
	mode := core.ModeAdmin
	if teacher {
		mode = core.ModeTeacher
	}
	info, rows, err := readAll(t, name, data, mode)
	if err != nil {
		var e *core.Error
		if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
			t.Fatalf("Read() error %v (%T) is not a *core.Error with a Code", err, err)
		}
		return
	}
	if info.Rows == 0 || info.Rows != len(rows) {
		t.Fatalf("Read() ok with Info.Rows = %d and %d rows", info.Rows, len(rows))
	}
	prev := 0
	for _, r := range rows {
		if r.Line <= prev {
			t.Fatalf("row lines not increasing: %d after %d", r.Line, prev)
		}
		prev = r.Line
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, tc := range csvCases(f) {
		if len(tc.data) < 64<<10 { // the fuzzer mutates small inputs best
			f.Add(tc.data, tc.mode == core.ModeTeacher)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, teacher bool) {
		fuzzRead(t, "f.csv", data, teacher)
	})
}

func FuzzReadXLSX(f *testing.F) {
	for _, tc := range xlsxCases(f) {
		// Seeds that inflate to megabytes (huge cells, 100,000 columns) compress to a
		// few KB but make every coverage-instrumented run take seconds.
		if len(tc.data) < 64<<10 && !strings.Contains(tc.name, "Cell") && !strings.Contains(tc.name, "TooMany") {
			f.Add(tc.data, tc.mode == core.ModeTeacher)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, teacher bool) {
		fuzzRead(t, "f.xlsx", data, teacher)
	})
}

// readParts reads a workbook given as its parts, without a zip archive around them: the
// fuzz targets below reach the workbook, worksheet and merged-cell code thousands of
// times a second this way. slow turns the worksheet's fast path off.
func readParts(parts map[string]string, lim Limits, slow bool) (Info, []*core.Row, error) {
	fsys := fstest.MapFS{}
	for name, data := range parts {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	var rows []*core.Row
	rd := newReader(context.Background(), core.FormatXLSX, core.ModeAdmin, Options{Limits: lim}, func(r *core.Row) error {
		rows = append(rows, r)
		return nil
	})
	info, err := rd.finish(rd.readPackage(fsys, slow))
	return info, rows, err
}

// sheetParts returns a workbook's parts around one worksheet.
func sheetParts(sheet string) map[string]string {
	m := map[string]string{}
	for _, p := range minimalParts("") {
		m[p[0]] = p[1]
	}
	m["xl/worksheets/sheet1.xml"] = sheet
	return m
}

// checkRead fails t if err is not a file-level *core.Error, or if the rows are not in
// increasing order.
func checkRead(t *testing.T, info Info, rows []*core.Row, err error) {
	t.Helper()
	if err != nil {
		var e *core.Error
		if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
			t.Fatalf("Read() error %v (%T) is not a *core.Error with a Code", err, err)
		}
		return
	}
	if info.Rows != len(rows) {
		t.Fatalf("Info.Rows = %d with %d rows", info.Rows, len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Line <= rows[i-1].Line {
			t.Fatalf("row lines not increasing: %d after %d", rows[i].Line, rows[i-1].Line)
		}
	}
}

// sameRead fails t when two reads of the same workbook differ: in their error, and when
// there is none in what they read. (When a file fails, how many rows were handed on
// before the failure was found may differ.)
func sameRead(t *testing.T, what string, info1 Info, rows1 []*core.Row, err1 error, info2 Info, rows2 []*core.Row, err2 error) {
	t.Helper()
	if fmt.Sprint(err1) != fmt.Sprint(err2) || err1 == nil && (!reflect.DeepEqual(info1, info2) || !reflect.DeepEqual(rows1, rows2)) {
		t.Fatalf("%s differs:\n%v %+v%s\nwant\n%v %+v%s", what, err2, info2, dumpRows(rows2), err1, info1, dumpRows(rows1))
	}
}

// FuzzSheetCells fuzzes the worksheet's rows: the tokenizer, cell references, cell types
// and values. The fast path must read every cell exactly as the general one does.
func FuzzSheetCells(f *testing.F) {
	for _, seed := range []string{
		hdr + `<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c><c r="B2" t="str"><f>x</f><v>Student</v></c><c r="C2" t="inlineStr"><is><t xml:space="preserve">Ann</t></is></c><c r="D2" s="1"><v>12</v></c></row>`,
		hdr + `<row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2026-08-25</v></c><c r="$D$2"><v>1.5E+3</v></c></row>`,
		hdr + `<row r="3"><c r="B3" t="inlineStr"><is><r><t>A</t></r><rPh><t>x</t></rPh></is></c><c><v/></c><c/><c r="XFD3"/></row>`,
		hdr + `<row r="2"><c r="A2" t="inlineStr"><is><t>&lt;a_x000D_&#x41;</t></is></c><c><!-- c --><v>1</v></c><c><v><![CDATA[2]]></v></c></row>`,
	} {
		f.Add(seed, uint8(0))
	}
	f.Fuzz(func(t *testing.T, rows string, padID uint8) {
		defer watchdog([]byte(rows))()
		parts := sheetParts(`<worksheet><sheetData>` + rows + `</sheetData></worksheet>`)
		// A style sheet with a date, a zero-padding and a number format, for s="0".."3".
		parts["xl/styles.xml"] = `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="` + strings.Repeat("0", int(padID%8)) + `"/></numFmts><cellXfs><xf/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>`
		parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], "</Relationships>",
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, 1)
		lim := Limits{Columns: 64, Lookahead: 1 << 16}
		info, got, err := readParts(parts, lim, false)
		checkRead(t, info, got, err)
		info2, got2, err2 := readParts(parts, lim, true)
		sameRead(t, "the general path", info, got, err, info2, got2, err2)
	})
}

// FuzzMergedCells fuzzes merged ranges over fuzzed rows. Reading with the rows held
// until the end, and with the extra pass that finds the ranges first, must agree, and
// every cell of a range must hold the top-left value in the data rows.
func FuzzMergedCells(f *testing.F) {
	f.Add(inlineRow(2, "S1", "Student", "Ann", "Lee", "MATH")+inlineRow(3, "S2", "Student", "Bo", "Ray")+inlineRow(5, "S3", "Student", "Cy", "Day"), "E2:E5 C3:D3 A9:B10")
	f.Add(inlineRow(2, "S1", "Student", "Ann")+inlineRow(3, "", "", "", "Lee"), "C2:D3 D3:C2 B1:B2 XFD2:XFD3 A2:A2")
	// Cases found by fuzzing:
	// the extra pass met the damage first and reported it without the row;
	f.Add("<0", "0")
	// a row without its end tag took </sheetData> for it, and the merged ranges after
	// were skipped: end tags of the elements read into are now checked.
	f.Add(`<row r="3"><c r="C0"t="inlineStr"><is><t>0</></></>`, "C7:X3")
	f.Fuzz(func(t *testing.T, rows, merges string) {
		defer watchdog([]byte(rows + merges))()
		var mc strings.Builder
		var ranges []cellRange
		for _, ref := range strings.Fields(merges) {
			fmt.Fprintf(&mc, `<mergeCell ref="%s"/>`, ref)
			if r, ok := parseRange([]byte(ref)); ok {
				ranges = append(ranges, r)
			}
		}
		parts := sheetParts(`<worksheet><sheetData>` + inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Class ID") + rows +
			`</sheetData><mergeCells>` + mc.String() + `</mergeCells></worksheet>`)
		lim := Limits{Columns: 64}
		info, got, err := readParts(parts, lim, false)
		checkRead(t, info, got, err)
		lim.Lookahead = 1
		info2, got2, err2 := readParts(parts, lim, false)
		sameRead(t, "with the extra pass", info, got, err, info2, got2, err2)
		if err != nil || len(ranges) == 0 {
			return
		}
		// Ranges that overlap are not Excel's; which value wins in the overlap is not
		// checked.
		for i, a := range ranges {
			for _, b := range ranges[i+1:] {
				if a.r1 <= b.r2 && b.r1 <= a.r2 && a.c1 <= b.c2 && b.c1 <= a.c2 {
					return
				}
			}
		}
		anchors := map[cellRange]string{}
		for _, r := range got {
			for _, m := range ranges {
				if r.Line == m.r1 && m.c1 < len(r.Raw) {
					anchors[m] = r.Raw[m.c1]
				}
				v, ok := anchors[m]
				if !ok || trim(v) == "" || r.Line < m.r1 || r.Line > m.r2 {
					continue
				}
				for c := m.c1; c <= m.c2; c++ {
					if c >= len(r.Raw) || r.Raw[c] != unescapeFormula(v) && r.Raw[c] != v {
						t.Fatalf("row %d column %d in merged range %v = %q, want the top-left value %q", r.Line, c, m, r.Raw, v)
					}
				}
			}
		}
	})
}

// FuzzSheetVisibility fuzzes the workbook part: which sheets there are, hidden or not,
// worksheets or chart sheets. The first visible worksheet must be the one read.
func FuzzSheetVisibility(f *testing.F) {
	f.Add(uint8(3), uint16(0b001), uint16(0b000), "")
	f.Add(uint8(4), uint16(0b0101), uint16(0b0010), `<workbookPr date1904="1"/>`)
	f.Add(uint8(2), uint16(0b11), uint16(0), "")
	f.Fuzz(func(t *testing.T, n uint8, hidden, chart uint16, extra string) {
		defer watchdog([]byte(extra))()
		n %= 12
		parts := map[string]string{
			"_rels/.rels": minimalParts("")[1][1],
		}
		var wb, rels strings.Builder
		want := -1
		for i := range int(n) {
			state := ""
			if hidden&(1<<i) != 0 {
				state = []string{` state="hidden"`, ` state="veryHidden"`}[i%2]
			}
			fmt.Fprintf(&wb, `<sheet name="S%d" sheetId="%d"%s r:id="rId%d"/>`, i, i+1, state, i+1)
			typ := "worksheet"
			if chart&(1<<i) != 0 {
				typ = "chartsheet"
			}
			fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="worksheets/sheet%d.xml"/>`, i+1, typ, i+1)
			parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = `<worksheet><sheetData>` + hdr + inlineRow(2, fmt.Sprintf("ID%d", i), "Student", "Ann", "Lee") + `</sheetData></worksheet>`
			if want < 0 && state == "" && typ == "worksheet" {
				want = i
			}
		}
		parts["xl/workbook.xml"] = `<workbook xmlns:r="r">` + extra + `<sheets>` + wb.String() + `</sheets></workbook>`
		parts["xl/_rels/workbook.xml.rels"] = `<Relationships>` + rels.String() + `</Relationships>`
		info, rows, err := readParts(parts, Limits{}, false)
		checkRead(t, info, rows, err)
		if strings.Contains(extra, "<") {
			return // the extra markup may hold sheets of its own
		}
		switch {
		case want < 0 && err == nil:
			t.Fatalf("read %v from a workbook without a visible worksheet", rows[0].Raw)
		case want >= 0 && (err != nil || rows[0].Cells[core.ColUserID] != fmt.Sprintf("ID%d", want)):
			t.Fatalf("read %v, %v; want sheet S%d", rows, err, want)
		}
	})
}

// FuzzSharedStrings fuzzes the shared-string table, read into one string and its ends.
func FuzzSharedStrings(f *testing.F) {
	f.Add(`<sst><si><t>a</t></si><si><r><t>b</t></r><r><rPr/><t xml:space="preserve"> c</t></r><rPh><t>x</t></rPh></si><si/><si><t>_x000D_&amp;</t></si></sst>`, uint8(1))
	f.Fuzz(func(t *testing.T, sst string, index uint8) {
		defer watchdog([]byte(sst))()
		ss, err := readSharedStrings(fstest.MapFS{"s.xml": {Data: []byte(sst)}}, "s.xml", 1<<20)
		if err != nil {
			return
		}
		end := uint32(0)
		for i := range ss.len() {
			if ss.ends[i] < end || int(ss.ends[i]) > len(ss.text) {
				t.Fatalf("ends %v not increasing within %d bytes", ss.ends, len(ss.text))
			}
			end = ss.ends[i]
			v, _ := ss.get(i)
			if !utf8.ValidString(v) {
				t.Fatalf("entry %d = %q is not valid UTF-8", i, v)
			}
		}
		// A cell that refers to an entry reads its text.
		if ss.len() == 0 {
			return
		}
		i := int(index) % ss.len()
		want, long := ss.get(i)
		parts := sheetParts(`<worksheet><sheetData>` + hdr + `<row r="2"><c t="s"><v>` + fmt.Sprint(i) + `</v></c></row></sheetData></worksheet>`)
		parts["xl/sharedStrings.xml"] = sst
		parts["xl/_rels/workbook.xml.rels"] = strings.Replace(parts["xl/_rels/workbook.xml.rels"], "</Relationships>",
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
		info, rows, err := readParts(parts, Limits{}, false)
		checkRead(t, info, rows, err)
		if trim(want) != "" && !long && utf8.RuneCountInString(want) <= MaxCellChars && (err != nil || rows[0].Raw[0] != unescapeFormula(want)) {
			t.Fatalf("cell referring to entry %d = %v, %v; want %q", i, rows, err, want)
		}
	})
}

// FuzzCellRef fuzzes cell references and merged ranges: whatever parses must print back
// to the same cells.
func FuzzCellRef(f *testing.F) {
	for _, seed := range []string{"A1", "J12", "$XFD$1048576", "aa7", "A1:B2", "B2:A1", "1A", "A", ":"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		if col, row, ok := parseCellRef([]byte(ref)); ok {
			back := columnName(col) + fmt.Sprint(row)
			if c2, r2, ok := parseCellRef([]byte(back)); !ok || c2 != col || r2 != row {
				t.Fatalf("parseCellRef(%q) = %d,%d; %q parses as %d,%d,%v", ref, col, row, back, c2, r2, ok)
			}
			if col < 0 || col >= maxColumn || row < 1 {
				t.Fatalf("parseCellRef(%q) = %d,%d out of range", ref, col, row)
			}
		}
		if r, ok := parseRange([]byte(ref)); ok {
			if r.r1 > r.r2 || r.c1 > r.c2 || r.r1 == r.r2 && r.c1 == r.c2 {
				t.Fatalf("parseRange(%q) = %+v", ref, r)
			}
			if r2, ok := parseRange([]byte(r.String())); !ok || r2 != r {
				t.Fatalf("parseRange(%q) = %+v, its String %q parses as %+v", ref, r, r.String(), r2)
			}
		}
	})
}

// FuzzNumFmt fuzzes number format codes and the zero padding they give.
func FuzzNumFmt(f *testing.F) {
	for _, seed := range []string{"000000", "0.00", `dd/mm/yyyy;@`, `[$-409]mmmm d, yyyy`, `"d"0`, `[Red]0;[h]`, `\d0`, "General", `000;-000`} {
		f.Add(seed, "123")
	}
	f.Fuzz(func(t *testing.T, code, value string) {
		nf := classifyCode(code)
		if nf.class == fmtZeroPad {
			sec := firstSection(code)
			if strings.Trim(sec, "0") != "" || int(nf.width) != min(len(sec), 255) {
				t.Fatalf("classifyCode(%q) = %+v", code, nf)
			}
			got := string(padZeros([]byte(value), int(nf.width)))
			if isDigits([]byte(value)) && value != "" && (len(got) < min(len(value), int(nf.width)) || strings.TrimLeft(got, "0") != strings.TrimLeft(value, "0")) {
				t.Fatalf("padZeros(%q, %d) = %q", value, nf.width, got)
			}
			if !isDigits([]byte(value)) && got != value {
				t.Fatalf("padZeros(%q) = %q changed a value that is not a whole number", value, got)
			}
		}
	})
}
