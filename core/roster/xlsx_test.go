package roster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// book is a hand-written workbook, for the shapes of XLSX that excelize does not write
// (or not on purpose): every part is given as XML.
type book struct {
	sheets   []bookSheet
	sst      []string // the inner XML of each si element
	numFmts  string   // numFmt elements
	xfs      []int    // the numFmtId of each cellXfs entry
	date1904 bool
	strict   bool // the strict dialect's namespaces, with an x: prefix
}

type bookSheet struct {
	name   string
	state  string // "", "hidden", "veryHidden"
	chart  bool   // a chart sheet, not a worksheet
	rows   string // the content of sheetData
	merges []string
	tail   string // XML after mergeCells
}

func (b book) bytes(tb testing.TB) []byte {
	tb.Helper()
	main := "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	relNS := "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	if b.strict {
		main = "http://purl.oclc.org/ooxml/spreadsheetml/main"
		relNS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
	}
	p := ""
	if b.strict {
		p = "x:"
	}
	parts := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relNS + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	}
	var wb, rels strings.Builder
	fmt.Fprintf(&wb, `<?xml version="1.0"?><%sworkbook xmlns:%s="%s" xmlns:r="%s">`, p, strings.TrimSuffix(p, ":"), main, relNS)
	if p == "" {
		wb.Reset()
		fmt.Fprintf(&wb, `<?xml version="1.0"?><workbook xmlns="%s" xmlns:r="%s">`, main, relNS)
	}
	if b.date1904 {
		fmt.Fprintf(&wb, `<%sworkbookPr date1904="1"/>`, p)
	}
	fmt.Fprintf(&wb, `<%ssheets>`, p)
	rels.WriteString(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range b.sheets {
		state := ""
		if s.state != "" {
			state = ` state="` + s.state + `"`
		}
		fmt.Fprintf(&wb, `<%ssheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, p, s.name, i+1, state, i+1)
		typ, target := "worksheet", fmt.Sprintf("worksheets/sheet%d.xml", i+1)
		if s.chart {
			typ, target = "chartsheet", fmt.Sprintf("chartsheets/sheet%d.xml", i+1)
		}
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/%s" Target="%s"/>`, i+1, relNS, typ, target)
		var sh strings.Builder
		fmt.Fprintf(&sh, `<?xml version="1.0"?><%sworksheet xmlns%s="%s"><%sdimension ref="A1"/><%ssheetData>%s</%ssheetData>`,
			p, map[bool]string{true: ":x", false: ""}[b.strict], main, p, p, s.rows, p)
		if len(s.merges) > 0 {
			fmt.Fprintf(&sh, `<%smergeCells count="%d">`, p, len(s.merges))
			for _, m := range s.merges {
				fmt.Fprintf(&sh, `<%smergeCell ref="%s"/>`, p, m)
			}
			fmt.Fprintf(&sh, `</%smergeCells>`, p)
		}
		fmt.Fprintf(&sh, `%s</%sworksheet>`, s.tail, p)
		parts = append(parts, [2]string{"xl/" + target, sh.String()})
	}
	fmt.Fprintf(&wb, `</%ssheets></%sworkbook>`, p, p)
	n := len(b.sheets)
	if b.sst != nil {
		n++
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/sharedStrings" Target="sharedStrings.xml"/>`, n, relNS)
		var sst strings.Builder
		fmt.Fprintf(&sst, `<?xml version="1.0"?><sst xmlns="%s" count="%d">`, main, len(b.sst))
		for _, si := range b.sst {
			fmt.Fprintf(&sst, `<si>%s</si>`, si)
		}
		sst.WriteString(`</sst>`)
		parts = append(parts, [2]string{"xl/sharedStrings.xml", sst.String()})
	}
	if b.xfs != nil {
		n++
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/styles" Target="/xl/styles.xml"/>`, n, relNS)
		var st strings.Builder
		fmt.Fprintf(&st, `<?xml version="1.0"?><styleSheet xmlns="%s"><numFmts>%s</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>`, main, b.numFmts)
		for _, id := range b.xfs {
			fmt.Fprintf(&st, `<xf numFmtId="%d" applyNumberFormat="1"/>`, id)
		}
		st.WriteString(`</cellXfs></styleSheet>`)
		parts = append(parts, [2]string{"xl/styles.xml", st.String()})
	}
	rels.WriteString(`</Relationships>`)
	parts = append(parts, [2]string{"xl/workbook.xml", wb.String()}, [2]string{"xl/_rels/workbook.xml.rels", rels.String()})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range parts {
		w, err := zw.Create(part[0])
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(part[1]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// hdr is the usual header row, as inline strings.
var hdr = inlineRow(1, "User ID", "Role", "First Name", "Last Name")

// c writes a cell: attrs are its attributes, inner its content.
func c(attrs, inner string) string {
	if inner == "" {
		return "<c " + attrs + "/>"
	}
	return "<c " + attrs + ">" + inner + "</c>"
}

func row(r int, cells ...string) string {
	return fmt.Sprintf(`<row r="%d">%s</row>`, r, strings.Join(cells, ""))
}

func is(s string) string { return "<is><t>" + s + "</t></is>" }

// xlsxFeatureCases cover the workbook shapes of issue 13 (items 4, 5) and 14.
func xlsxFeatureCases(tb testing.TB) []readCase {
	student := func(r int, id string) string {
		return row(r, c(`r="A`+fmt.Sprint(r)+`" t="inlineStr"`, is(id)), c(`r="B`+fmt.Sprint(r)+`" t="inlineStr"`, is("Student")),
			c(`r="C`+fmt.Sprint(r)+`" t="inlineStr"`, is("Ann")), c(`r="D`+fmt.Sprint(r)+`" t="inlineStr"`, is("Lee")))
	}
	classHdr := inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Class ID", "Class Start Date", "Class End Date")
	cls := func(r int, id string, more ...string) string {
		cells := []string{c(`t="inlineStr"`, is(id)), c(`t="inlineStr"`, is("Student")), c(`t="inlineStr"`, is("Ann")), c(`t="inlineStr"`, is("Lee"))}
		return row(r, append(cells, more...)...)
	}
	datesBook := func(d1904 bool) []byte {
		return book{date1904: d1904, numFmts: `<numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="0.00"/><numFmt numFmtId="166" formatCode="[$-409]mmmm d, yyyy"/>`,
			xfs: []int{0, 14, 164, 165, 22, 166, 49},
			sheets: []bookSheet{{name: "S", rows: classHdr +
				cls(2, "S1", c(`t="inlineStr"`, is("C1")), c(`s="1"`, "<v>46259</v>"), c(`s="2"`, "<v>46548</v>")) +
				cls(3, "S2", c(`t="inlineStr"`, is("C1")), c(`s="4"`, "<v>46259.5</v>"), c(`s="5"`, "<v>46548</v>")) +
				cls(4, "S3", c(`t="inlineStr"`, is("C1")), c(`s="3"`, "<v>46259</v>"), c(``, "<v>46548</v>")) +
				cls(5, "S4", c(`t="inlineStr"`, is("C1")), c(`t="d"`, "<v>2026-08-26T00:00:00Z</v>"), c(`s="6"`, "<v>46548</v>"))}}}.bytes(tb)
	}
	return []readCase{
		// Item 5: a hidden first worksheet is skipped for the first visible one.
		{name: "OKXLSXHiddenFirstSheet", file: "r.xlsx", data: book{sheets: []bookSheet{
			{name: "Old", state: "hidden", rows: hdr + student(2, "OLD")},
			{name: "Gone", state: "veryHidden", rows: hdr + student(2, "GONE")},
			{name: "Chart", chart: true},
			{name: "Roster", rows: hdr + student(2, "S1")},
			{name: "Later", rows: hdr + student(2, "LATER")},
		}}.bytes(tb), rows: []want{u(2, "S1", "Ann", "Lee")}},
		{name: "ErrXLSXAllSheetsHidden", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "Old", state: "hidden", rows: hdr + student(2, "OLD")}}}.bytes(tb),
			code: core.FileUnreadable, value: "no visible worksheet"},
		// Item 4: every cell of a merged range gets its top-left value, with a warning.
		{name: "OKXLSXMergedClassID", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S",
			rows: inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Class ID") +
				cls(2, "S1", c(`r="E2" t="inlineStr"`, is("MATH"))) + cls(3, "S2", c(`r="E3" s="0"`, "")) + row(4, c(`r="A4" t="inlineStr"`, is("S3")), c(`r="B4" t="inlineStr"`, is("Student")), c(`r="C4" t="inlineStr"`, is("Cy")), c(`r="D4" t="inlineStr"`, is("Day"))) +
				row(5) + row(6, c(`r="E6" s="0"`, "")),
			merges: []string{"E2:E6"}}}}.bytes(tb),
			warn: []string{"E2:E6"},
			rows: []want{{2, map[core.Column]string{core.ColUserID: "S1", core.ColClassID: "MATH"}}, {3, map[core.Column]string{core.ColUserID: "S2", core.ColClassID: "MATH"}}, {4, map[core.Column]string{core.ColUserID: "S3", core.ColClassID: "MATH"}}}},
		{name: "OKXLSXMergedAcrossAndHeader", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S",
			rows:   inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Notes", "") + row(2, c(`r="A2" t="inlineStr"`, is("S1")), c(`r="B2" t="inlineStr"`, is("Student")), c(`r="C2" t="inlineStr"`, is("Ann Lee"))),
			merges: []string{"E1:F1", "C2:D2", "G5:H9"}}}}.bytes(tb),
			warn: []string{"Notes", "C2:D2"}, rows: []want{u(2, "S1", "Ann Lee", "Ann Lee")},
			raw: [][]string{{"S1", "Student", "Ann Lee", "Ann Lee", ""}}},
		{name: "OKXLSXMergedDate", file: "r.xlsx", data: book{xfs: []int{0, 14}, sheets: []bookSheet{{name: "S",
			rows:   classHdr + cls(2, "S1", c(`t="inlineStr"`, is("C1")), c(`s="1"`, "<v>46259</v>")) + cls(3, "S2", c(`t="inlineStr"`, is("C1"))),
			merges: []string{"F3:F2"}}}}.bytes(tb),
			warn: []string{"F2:F3"}, rows: []want{{2, map[core.Column]string{core.ColClassStart: "2026-08-25"}}, {3, map[core.Column]string{core.ColClassStart: "2026-08-25"}}}},
		// Dates: date formats (built-in and custom) and General become YYYY-MM-DD in the
		// class date columns; an explicit number format keeps the number.
		// Row 5's end date has the Text format (@): the number stays as it is.
		{name: "OKXLSXDateFormats", file: "r.xlsx", data: datesBook(false), rows: []want{
			{2, map[core.Column]string{core.ColClassStart: "2026-08-25", core.ColClassEnd: "2027-06-10"}},
			{3, map[core.Column]string{core.ColClassStart: "2026-08-25", core.ColClassEnd: "2027-06-10"}},
			{4, map[core.Column]string{core.ColClassStart: "46259", core.ColClassEnd: "2027-06-10"}},
			{5, map[core.Column]string{core.ColClassStart: "2026-08-26", core.ColClassEnd: "46548"}},
		}},
		{name: "OKXLSXDate1904", file: "r.xlsx", data: datesBook(true), rows: []want{
			{2, map[core.Column]string{core.ColClassStart: "2030-08-26", core.ColClassEnd: "2031-06-11"}},
			{3, map[core.Column]string{core.ColClassStart: "2030-08-26", core.ColClassEnd: "2031-06-11"}},
			{4, map[core.Column]string{core.ColClassStart: "46259", core.ColClassEnd: "2031-06-11"}},
			{5, map[core.Column]string{core.ColClassStart: "2026-08-26", core.ColClassEnd: "46548"}},
		}},
		// Cell types and escapes.
		{name: "OKXLSXCellTypes", file: "r.xlsx", data: book{sst: []string{"<t>S1</t>", `<r><t>An</t></r><r><rPr><b/></rPr><t xml:space="preserve">n </t></r><rPh sb="0" eb="1"><t>アン</t></rPh>`, "<t>a_x000D_b</t>"},
			sheets: []bookSheet{{name: "S", rows: inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Email", "Username", "Password", "Class ID", "Class Name", "Notes") +
				row(2, c(`t="s"`, "<v>0</v>"), c(`t="str"`, `<f>"Stu"&amp;"dent"</f><v>Student</v>`), c(`t="s"`, "<v> 1 </v>"), c(`t="b"`, "<v>1</v>"), c(`t="e"`, "<v>#N/A</v>"),
					c(`t="inlineStr"`, `<is><r><t>j</t></r><r><t>lee</t></r></is>`), c(`t="s"`, "<v>2</v>"), c(``, "<v>1.2345678901234567E+20</v>"), c(`t="inlineStr"`, `<is><t xml:space="preserve">  Math  </t></is>`), c(`t="inlineStr"`, "<is><t> \n Trimmed\t</t></is>"))}}}.bytes(tb),
			warn: []string{"Notes"},
			rows: []want{{2, map[core.Column]string{core.ColUserID: "S1", core.ColRole: "Student", core.ColFirstName: "Ann", core.ColLastName: "TRUE",
				core.ColEmail: "#N/A", core.ColUsername: "jlee", core.ColPassword: "a\rb", core.ColClassID: "1.2345678901234567E+20", core.ColClassName: "Math"}}},
			raw: [][]string{{"S1", "Student", "Ann ", "TRUE", "#N/A", "jlee", "a\rb", "1.2345678901234567E+20", "  Math  ", "Trimmed"}}},
		{name: "OKXLSXZeroPadFromStyle", file: "r.xlsx", data: book{numFmts: `<numFmt numFmtId="164" formatCode="000000"/><numFmt numFmtId="165" formatCode="00000;-00000;0;@"/>`, xfs: []int{0, 164, 165, 1},
			sheets: []bookSheet{{name: "S", rows: inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Class ID") +
				cls(2, "x", c(`s="1"`, "<v>123</v>")) + row(3, c(`s="2"`, "<v>42</v>"), c(`s="1"`, "<v>1234567</v>"), c(`s="1"`, "<v>12.5</v>"), c(`s="3"`, "<v>7</v>"), c(`s="1" t="inlineStr"`, is("9")))}}}.bytes(tb),
			rows: []want{{2, map[core.Column]string{core.ColClassID: "000123"}}, {3, map[core.Column]string{core.ColUserID: "00042", core.ColRole: "1234567", core.ColFirstName: "12.5", core.ColLastName: "7", core.ColClassID: "9"}}}},
		// References: cells without r, out of order, sparse; rows without r.
		{name: "OKXLSXReferences", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr +
			`<row>` + c(`r="D2" t="inlineStr"`, is("Lee")) + c(`r="A2" t="inlineStr"`, is("S1")) + c(`t="inlineStr"`, is("Student")) + c(`r="C2" t="inlineStr"`, is("Ann")) + `</row>` +
			`<row r="5" spans="1:4">` + c(`t="inlineStr"`, is("S2")) + c(`t="inlineStr"`, is("Student")) + c(`r="$D$5" t="inlineStr"`, is("Ray")) + `</row>` +
			`<row>` + c(`r="a6" t="inlineStr"`, is("S3")) + `<c r="XFD6" s="3"/>` + `</row>`}}}.bytes(tb),
			rows: []want{u(2, "S1", "Ann", "Lee"), u(5, "S2", "", "Ray"), u(6, "S3", "", "")},
			raw:  [][]string{{"S1", "Student", "Ann", "Lee"}, {"S2", "Student", "", "Ray"}, {"S3", "", "", ""}}},
		{name: "OKXLSXStrictPrefixed", file: "r.xlsx", data: book{strict: true, sst: []string{"<t>S1</t>"}, sheets: []bookSheet{{name: "S",
			rows:   `<x:row r="1">` + strings.NewReplacer("</", "</x:", "<", "<x:").Replace(strings.TrimSuffix(strings.TrimPrefix(hdr, `<row r="1">`), `</row>`)) + `</x:row>` + `<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Student</x:t></x:is></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>Ann</x:t></x:is></x:c><x:c r="D2" t="inlineStr"><x:is><x:t>Lee</x:t></x:is></x:c></x:row>`,
			merges: []string{"A2:A3"}}}}.bytes(tb),
			rows: []want{u(2, "S1", "Ann", "Lee")}},
		{name: "OKXLSXCommentsAndCDATA", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr +
			row(2, c(`t="inlineStr"`, "<is><t><![CDATA[S1]]></t></is>"), "<!-- note -->", c(`t="inlineStr"`, "<is><t>Stu<!-- x -->dent</t></is>"), c(`t="inlineStr"`, is("Ann")), c(`t="inlineStr"`, is("Lee &amp; Co")))}}}.bytes(tb),
			rows: []want{u(2, "S1", "Ann", "Lee & Co")}},
		{name: "OKXLSXEmptySheetData", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S"}}}.bytes(tb), code: core.FileEmpty},

		{name: "ErrXLSXRowsOutOfOrder", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr + student(3, "S1") + student(2, "S2")}}}.bytes(tb),
			code: core.FileUnreadable, value: "out of order"},
		{name: "ErrXLSXBadSharedIndex", file: "r.xlsx", data: book{sst: []string{"<t>x</t>"}, sheets: []bookSheet{{name: "S", rows: hdr + row(2, c(`t="s"`, "<v>7</v>"))}}}.bytes(tb),
			code: core.FileUnreadable, value: "row 2"},
		{name: "ErrXLSXBadReference", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr + row(2, c(`r="2A" t="inlineStr"`, is("x")))}}}.bytes(tb),
			code: core.FileUnreadable, value: "row 2"},
		{name: "ErrXLSXSheetCutShort", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr + student(2, "S1") + `<row r="3"><c t="inlineStr"><is><t>S2`}}}.bytes(tb),
			code: core.FileUnreadable, value: "row 3"},
		{name: "ErrXLSXEndTagMismatch", file: "r.xlsx", data: book{sheets: []bookSheet{{name: "S", rows: hdr + `<row r="2"><c t="inlineStr"><is><t>S1</is></t></c></row>`}}}.bytes(tb),
			code: core.FileUnreadable, value: "row 2"},
		{name: "ErrXLSXSheetNoEnd", file: "r.xlsx", data: rawZip(tb, minimalParts(hdr + student(2, "S1"))[:4], [2]string{"xl/worksheets/sheet1.xml", `<worksheet><sheetData>` + hdr + student(2, "S1")}),
			code: core.FileUnreadable, value: "after row 2"},
		{name: "ErrXLSXNoWorksheetPart", file: "r.xlsx", data: rawZip(tb, minimalParts("")[:4]), code: core.FileUnreadable, value: "worksheet is missing"},
		{name: "ErrXLSXTraversal", file: "r.xlsx", data: rawZip(tb, minimalParts(hdr), [2]string{"../../evil.xml", "x"}), code: core.FileUnreadable},
		{name: "ErrXLSXDuplicatePart", file: "r.xlsx", data: rawZip(tb, minimalParts(hdr), [2]string{"XL/Worksheets/Sheet1.xml", "x"}), code: core.FileUnreadable},
		{name: "ErrXLSXNestedZip", file: "r.xlsx", data: rawZip(tb, minimalParts("")[:4], [2]string{"xl/worksheets/sheet1.xml", string(zipOf(tb, "a.txt", "a"))}), code: core.FileUnreadable},
	}
}

// rawZip builds a zip of the given parts, in order.
func rawZip(tb testing.TB, parts [][2]string, more ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range append(append([][2]string{}, parts...), more...) {
		w, err := zw.Create(p[0])
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadXLSXLookahead reads workbooks with a lookahead so small that every row is
// handed on before the next is scanned: the merged ranges are then found by the extra
// pass, and every case must read exactly as with the whole sheet buffered.
func TestReadXLSXLookahead(t *testing.T) {
	for _, tc := range append(xlsxCases(t), xlsxFeatureCases(t)...) {
		if !strings.HasPrefix(tc.name, "OK") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info1, rows1, err1 := readLimited(t, tc.file, tc.data, tc.mode, tc.lim)
			lim := tc.lim
			lim.Lookahead = 1
			info2, rows2, err2 := readLimited(t, tc.file, tc.data, tc.mode, lim)
			if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(info1, info2) || !reflect.DeepEqual(rows1, rows2) {
				t.Errorf("with a 1-byte lookahead:\n%v %+v%s\nwant\n%v %+v%s", err2, info2, dumpRows(rows2), err1, info1, dumpRows(rows1))
			}
		})
	}
}
