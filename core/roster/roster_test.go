package roster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/rosterdesk/rosterdesk/core"
)

const adminHeader = "User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID"

// want is what a test expects of one row: its line and some of its cells.
type want struct {
	line  int
	cells map[core.Column]string
}

// u is the usual expectation: a row's User ID, First Name and Last Name.
func u(line int, id, first, last string) want {
	return want{line, map[core.Column]string{core.ColUserID: id, core.ColFirstName: first, core.ColLastName: last}}
}

// readCase is one file handed to Read and what must come of it.
type readCase struct {
	name  string // subtest name: "OK…" or "Err…"
	file  string
	data  []byte
	mode  core.Mode
	code  core.Code // the error expected, "" for none
	value string    // a substring of the error message, when it names something
	delim rune
	enc   string
	warn  []string // values of the WarnUnknownColumn issues
	rows  []want
	raw   [][]string // when set, every row's Raw
	lim   Limits     // lowered or raised limits
}

func csvCases(tb testing.TB) []readCase {
	basic := lines("User ID,Role,First Name,Last Name", "S001,Student,Ann,Lee", "T001,Teacher,Tom,Ray")
	basicRows := []want{u(2, "S001", "Ann", "Lee"), u(3, "T001", "Tom", "Ray")}
	return []readCase{
		{name: "OK", file: "r.csv", data: basic, delim: ',', enc: "utf-8", rows: basicRows,
			raw: [][]string{{"S001", "Student", "Ann", "Lee"}, {"T001", "Teacher", "Tom", "Ray"}}},
		{name: "OKUpperCaseExtension", file: "R.CSV", data: basic, rows: basicRows},
		{name: "OKFullTemplate", file: "r.csv", data: lines(adminHeader, ",0042,Student,Ann,Lee,K,ann@example.org,alee,,C1,Math,K,08/25/2026,2027-06-10,,"),
			rows: []want{{2, map[core.Column]string{core.ColUserID: "0042", core.ColGrade: "K", core.ColEmail: "ann@example.org", core.ColClassID: "C1", core.ColClassStart: "08/25/2026", core.ColClassEnd: "2027-06-10", core.ColUserGUID: ""}}}},
		{name: "OKSemicolon", file: "r.csv", data: lines("User ID;Role;First Name;Last Name", "S001;Student;Ann;Lee, Jr"), delim: ';',
			rows: []want{u(2, "S001", "Ann", "Lee, Jr")}},
		{name: "OKTab", file: "r.csv", data: lines("User ID\tRole\tFirst Name\tLast Name", "S001\tStudent\tAnn\tLee"), delim: '\t', rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKDelimiterInQuotedHeader", file: "r.csv", data: lines(`"User ID;x";Role;First Name;Last Name;User ID`, "a;b;Ann;Lee;S1"), delim: ';',
			warn: []string{"User ID;x"}, rows: []want{u(2, "S1", "Ann", "Lee")}},
		{name: "OKBOM", file: "r.csv", data: append([]byte("\xEF\xBB\xBF"), basic...), enc: "utf-8-bom", rows: basicRows},
		{name: "OKUTF16LE", file: "r.csv", data: utf16(tb, unicode.LittleEndian, "User ID\tRole\tFirst Name\tLast Name\r\nS001\tStudent\tZoë\tŁuk\r\n"),
			enc: "utf-16le", delim: '\t', rows: []want{u(2, "S001", "Zoë", "Łuk")}},
		{name: "OKUTF16BE", file: "r.csv", data: utf16(tb, unicode.BigEndian, "User ID\tRole\tFirst Name\tLast Name\nS001\tStudent\tZoë\t李\n"),
			enc: "utf-16be", delim: '\t', rows: []want{u(2, "S001", "Zoë", "李")}},
		{name: "OKWindows1252", file: "r.csv", data: win1252(tb, "User ID,Role,First Name,Last Name\r\nS001,Student,José,Müller–Smith\r\n"),
			enc: "windows-1252", rows: []want{u(2, "S001", "José", "Müller–Smith")}},
		{name: "OKQuotedNewline", file: "r.csv", data: lines(`User ID,Role,First Name,Last Name,Notes`, `S001,Student,Ann,Lee,"two`, `lines"`, `S002,Student,"Bo","O""Neil"`),
			warn: []string{"Notes"}, rows: []want{u(2, "S001", "Ann", "Lee"), u(3, "S002", "Bo", `O"Neil`)}},
		{name: "OKLazyQuotes", file: "r.csv", data: lines(`User ID,Role,First Name,Last Name`, `S001,Student,Ann "Annie",Lee`), rows: []want{u(2, "S001", `Ann "Annie"`, "Lee")}},
		{name: "OKRaggedRows", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Email", "S001,Student,Ann", "S002,Student,Bo,Ray,bo@x.org,extra"),
			rows: []want{u(2, "S001", "Ann", ""), u(3, "S002", "Bo", "Ray")},
			raw:  [][]string{{"S001", "Student", "Ann", "", ""}, {"S002", "Student", "Bo", "Ray", "bo@x.org", "extra"}}},
		{name: "OKLFOnly", file: "r.csv", data: []byte("User ID,Role,First Name,Last Name\nS001,Student,Ann,Lee"), rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKReordered", file: "r.csv", data: lines("last name,FIRST_NAME,role,UserID,email", " Lee , Ann ,Student,\u00a0S001,a@b.org"),
			rows: []want{{2, map[core.Column]string{core.ColUserID: "S001", core.ColFirstName: "Ann", core.ColLastName: "Lee", core.ColRole: "Student", core.ColEmail: "a@b.org"}}}},
		{name: "OKAliasesTeacher", file: "r.csv", mode: core.ModeTeacher, data: lines("Student GUID,Student ID,First Name,Last Name", ",S001,Ann,Lee"),
			rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKAliasesAdmin", file: "r.csv", data: lines("Student GUID,Student ID,Role,First Name,Last Name", "g,S001,Student,Ann,Lee"),
			rows: []want{{2, map[core.Column]string{core.ColUserGUID: "g", core.ColUserID: "S001"}}}},
		{name: "OKTeacherWithRole", file: "r.csv", mode: core.ModeTeacher, data: lines("Student ID,Role,First Name,Last Name", "S001,Student,Ann,Lee"),
			rows: []want{{2, map[core.Column]string{core.ColRole: "Student"}}}},
		{name: "OKErrorColumnIgnored", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Error", "S001,Student,Ann,Lee,First Name is missing."),
			rows: []want{u(2, "S001", "Ann", "Lee")}, raw: [][]string{{"S001", "Student", "Ann", "Lee", "First Name is missing."}}},
		// SPEC §2: the Error column is ignored, so a row of an Error File whose cells were
		// cleared but whose Error cell was left is a blank row (§3.1), skipped.
		{name: "OKErrorOnlyRowIsBlank", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Error", "S001,Student,Ann,Lee,", ",,,,First Name is missing.", "S002,Student,Bo,Ray,"),
			rows: []want{u(2, "S001", "Ann", "Lee"), u(4, "S002", "Bo", "Ray")}},
		{name: "OKUnknownColumns", file: "r.csv", data: lines("User ID,Nick Name,Role,,First Name,Last Name,Shoe Size", "S001,Annie,Student,,Ann,Lee,5"),
			warn: []string{"Nick Name", "Shoe Size"}, rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKBlankRows", file: "r.csv", data: lines("", ",,,", "User ID,Role,First Name,Last Name", "", "S001,Student,Ann,Lee", " , ,\t,", "", "S002,Student,Bo,Ray", ",,,"),
			rows: []want{u(5, "S001", "Ann", "Lee"), u(8, "S002", "Bo", "Ray")}},
		{name: "OKTrailingEmptyHeaderCells", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,,,", "S001,Student,Ann,Lee,,,"),
			raw: [][]string{{"S001", "Student", "Ann", "Lee"}}},
		{name: "OKFormulaApostrophe", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Password", "S001,Student,'=Ann,'-Lee,'@x'", "S002,Student,'Bo,'+1,'\tx"),
			rows: []want{{2, map[core.Column]string{core.ColFirstName: "=Ann", core.ColLastName: "-Lee", core.ColPassword: "@x'"}}, {3, map[core.Column]string{core.ColFirstName: "'Bo", core.ColLastName: "+1", core.ColPassword: "x"}}},
			raw:  [][]string{{"S001", "Student", "=Ann", "-Lee", "@x'"}, {"S002", "Student", "'Bo", "+1", "\tx"}}},
		// Issue 13 item 2: CR, LF and CRLF all end a row, mixed in one file.
		{name: "OKMixedLineEnds", file: "r.csv", data: []byte("User ID,Role,First Name,Last Name\r\nS1,Student,Ann,Lee\nS2,Student,Bo,Ray\rS3,Student,Cy,Day\r\nS4,Student,Di,Fox\r\n"),
			rows: []want{u(2, "S1", "Ann", "Lee"), u(3, "S2", "Bo", "Ray"), u(4, "S3", "Cy", "Day"), u(5, "S4", "Di", "Fox")}},
		{name: "OKMacintoshCR", file: "r.csv", data: []byte("User ID;Role;First Name;Last Name\rS1;Student;Ann;Lee\r\rS2;Student;Bo;Ray\r"), delim: ';',
			rows: []want{u(2, "S1", "Ann", "Lee"), u(4, "S2", "Bo", "Ray")}},
		{name: "OKMacintoshCRQuotedBreak", file: "r.csv", data: []byte("User ID,Role,First Name,Last Name,Notes\rS1,Student,Ann,Lee,\"a\rb\r\nc\"\rS2,Student,Bo,Ray,x"),
			warn: []string{"Notes"}, rows: []want{u(2, "S1", "Ann", "Lee"), u(3, "S2", "Bo", "Ray")},
			raw: [][]string{{"S1", "Student", "Ann", "Lee", "a\nb\nc"}, {"S2", "Student", "Bo", "Ray", "x"}}},
		{name: "OKQuoteClosedAtEnd", file: "r.csv", data: []byte(`User ID,Role,First Name,Last Name` + "\n" + `S1,Student,Ann,"Lee"`), rows: []want{u(2, "S1", "Ann", "Lee")}},
		{name: "OKLazyQuoteInQuotedField", file: "r.csv", data: lines(`User ID,Role,First Name,Last Name`, `S1,Student,"Ann "Annie" B",Lee`), rows: []want{u(2, "S1", `Ann "Annie" B`, "Lee")}},
		{name: "OKEmptyQuoted", file: "r.csv", data: lines(`User ID,Role,First Name,Last Name,Email`, `S1,Student,Ann,Lee,""`), rows: []want{u(2, "S1", "Ann", "Lee")}},
		// Issue 13 item 3: a quote left open fails the file, naming the row it opened in.
		{name: "ErrUnclosedQuote", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee", `S2,Student,"Bo,Ray`, "S3,Student,Cy,Day", "S4,Student,Di,Fox"),
			code: core.FileUnclosedQuote, value: "row 3 "},
		{name: "ErrUnclosedQuoteAfterQuotedBreak", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Notes", `S1,Student,Ann,Lee,"two`, `lines"`, `S2,Student,"Bo,Ray`, "S3,Student,Cy,Day"),
			code: core.FileUnclosedQuote, value: "row 3 "},
		{name: "ErrQuoteClosedLater", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", `S1,Student,"Ann,Lee`, "S2,Student,Bo,Ray", `S3,"Student",Cy,Day`),
			code: core.FileUnclosedQuote, value: "row 2 "},
		{name: "OKBareControlChar", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", "S001,Student,Ann\x01,Lee", "S002,Student,Bo,Ray", "S003,Student,Cy,Day"),
			rows: []want{u(2, "S001", "Ann\x01", "Lee"), u(3, "S002", "Bo", "Ray"), u(4, "S003", "Cy", "Day")}},

		{name: "ErrType", file: "r.txt", data: basic, code: core.FileType},
		{name: "ErrTypeNoExtension", file: "roster", data: basic, code: core.FileType},
		{name: "ErrTypeXLSXNamedCSV", file: "r.csv", data: xlsxOf(tb, [][]any{{"User ID"}}), code: core.FileType},
		{name: "ErrTypeOLENamedCSV", file: "r.csv", data: append(append([]byte{}, magicOLE...), make([]byte, 100)...), code: core.FileType},
		{name: "ErrEmpty", file: "r.csv", data: nil, code: core.FileEmpty},
		{name: "ErrEmptyBOMOnly", file: "r.csv", data: []byte("\xEF\xBB\xBF"), code: core.FileEmpty},
		{name: "ErrEmptyBlankLines", file: "r.csv", data: lines("", " ", ",,,"), code: core.FileEmpty},
		{name: "ErrNoHeader", file: "r.csv", data: lines("S001,Student,Ann,Lee"), code: core.FileNoHeader},
		{name: "ErrNoHeaderOnlyError", file: "r.csv", data: lines("Error,Foo", "x,y"), code: core.FileNoHeader},
		{name: "ErrMissingHeader", file: "r.csv", data: lines("User ID,First Name,Last Name", "S001,Ann,Lee"), code: core.FileMissingHeader, value: `"Role"`},
		{name: "ErrMissingHeaderUserID", file: "r.csv", data: lines("Role,First Name,Last Name", "Student,Ann,Lee"), code: core.FileMissingHeader, value: `"User ID"`},
		{name: "ErrMissingHeaderTeacher", file: "r.csv", mode: core.ModeTeacher, data: lines("First Name,Last Name", "Ann,Lee"), code: core.FileMissingHeader, value: `"Student ID"`},
		{name: "ErrMissingHeaderLastName", file: "r.csv", mode: core.ModeTeacher, data: lines("Student ID,First Name", "S1,Ann"), code: core.FileMissingHeader, value: `"Last Name"`},
		{name: "ErrDupHeader", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,user id", "1,Student,Ann,Lee,2"), code: core.FileDupHeader, value: `"User ID"`},
		{name: "ErrDupHeaderAlias", file: "r.csv", data: lines("User ID,Role,First Name,Last Name,Student ID", "1,Student,Ann,Lee,2"), code: core.FileDupHeader},
		{name: "ErrNoData", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", ",,,", ""), code: core.FileNoData},
		{name: "ErrTooManyCols", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee"+strings.Repeat(",x", 100000-4)), code: core.FileTooManyCols, value: "100000 columns"},
		{name: "ErrTooManyColsHeader", file: "r.csv", data: lines("User ID,Role,First Name,Last Name" + strings.Repeat(",h", 1000)), code: core.FileTooManyCols, value: "1004 columns"},
		{name: "ErrCellTooLong", file: "r.csv", data: lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee", "", "S2,Student,"+strings.Repeat("a", 10<<20)+",Lee"), code: core.FileCellTooLong, value: "row 4 "},
		{name: "ErrBinaryNUL", file: "r.csv", data: []byte("User ID,Role,First Name,Last Name\r\nS1,Student,A\x00nn,Lee\r\n"), code: core.FileUnreadable, value: "binary"},
		{name: "ErrBinaryGarbage", file: "r.csv", data: garbage(4096), code: core.FileUnreadable, value: "binary"},
		{name: "ErrBinaryUTF16NUL", file: "r.csv", data: utf16(tb, unicode.LittleEndian, "User ID\tRole\tFirst Name\tLast Name\r\nS1\tStudent\tA\x00\tLee\r\n"), code: core.FileUnreadable, value: "binary"},
	}
}

// garbage returns n bytes of deterministic binary noise without NULs, so the control
// character rule, not the NUL rule, has to catch it.
func garbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x%255) + 1
	}
	return b
}

func xlsxCases(tb testing.TB) []readCase {
	header := []any{"User ID", "Role", "First Name", "Last Name"}
	good := xlsxOf(tb, [][]any{header, {"S001", "Student", "Ann", "Lee"}})
	start := time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC)
	return []readCase{
		{name: "OKXLSX", file: "r.xlsx", data: good, rows: []want{u(2, "S001", "Ann", "Lee")}, raw: [][]string{{"S001", "Student", "Ann", "Lee"}}},
		{name: "OKXLSXUpperCase", file: "R.XLSX", data: good, rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKXLSXLeadingZerosText", file: "r.xlsx", data: xlsxOf(tb, [][]any{header, {"000123", "Student", "Ann", "Lee"}}), rows: []want{u(2, "000123", "Ann", "Lee")}},
		{name: "OKXLSXNumbers", file: "r.xlsx", data: xlsxOf(tb, [][]any{header, {num(123), "Student", "Ann", "Lee"}, {num(12345678901234), "Student", "Bo", "Ray"}, {1234.5, "Student", "Cy", "Day"}}),
			rows: []want{u(2, "123", "Ann", "Lee"), u(3, "12345678901234", "Bo", "Ray"), u(4, "1234.5", "Cy", "Day")}},
		{name: "OKXLSXNumbersZeroPadFormat", file: "r.xlsx", data: xlsxOf(tb, [][]any{append(header, "Class ID"), {padded(123), "Student", "Ann", "Lee", num(7)}, {num(45), "Student", "Bo", "Ray", padded(1234567)}}),
			rows: []want{{2, map[core.Column]string{core.ColUserID: "000123", core.ColClassID: "7"}}, {3, map[core.Column]string{core.ColUserID: "45", core.ColClassID: "1234567"}}}},
		{name: "OKXLSXDates", file: "r.xlsx", data: xlsxOf(tb, [][]any{
			append(header, "Class ID", "Class Start Date", "Class End Date", "Master Code"),
			{"S1", "Student", "Ann", "Lee", "C1", date(start), num(46548), num(46258)},
			{"S2", "Student", "Bo", "Ray", "C1", "08/25/2026", 46548.75, nil},
		}), rows: []want{
			{2, map[core.Column]string{core.ColClassStart: "2026-08-25", core.ColClassEnd: "2027-06-10", core.ColMasterCode: "46258"}},
			{3, map[core.Column]string{core.ColClassStart: "08/25/2026", core.ColClassEnd: "2027-06-10"}},
		}},
		{name: "OKXLSXBlankRows", file: "r.xlsx", data: xlsxOf(tb, [][]any{nil, header, nil, {"S001", "Student", "Ann", "Lee"}, {" ", "", "  "}, nil, {"S002", "Student", "Bo", "Ray"}}),
			rows: []want{u(4, "S001", "Ann", "Lee"), u(7, "S002", "Bo", "Ray")}},
		{name: "OKXLSXFirstSheetOnly", file: "r.xlsx", data: xlsxOf(tb, [][]any{header, {"S001", "Student", "Ann", "Lee"}}, "Instructions"), rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKXLSXErrorAndUnknown", file: "r.xlsx", data: xlsxOf(tb, [][]any{append(header, "Error", "Homeroom"), {"S001", "Student", "Ann", "Lee", "bad", "12"}}),
			warn: []string{"Homeroom"}, rows: []want{u(2, "S001", "Ann", "Lee")}},
		{name: "OKXLSXFormulaApostrophe", file: "r.xlsx", data: xlsxOf(tb, [][]any{header, {"S001", "Student", "'=Ann", "'-Lee"}}), rows: []want{u(2, "S001", "=Ann", "-Lee")}},
		{name: "OKXLSXInvalidUTF8", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+inlineRow(2, "S1", "Student", "Ann\xff", "Lee")+inlineRow(3, "S2", "Student", "Bo", "Ray")),
			rows: []want{u(2, "S1", "Ann\uFFFD", "Lee"), u(3, "S2", "Bo", "Ray")}},

		{name: "ErrXLSXTypeCSVNamedXLSX", file: "r.xlsx", data: lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee"), code: core.FileType},
		{name: "ErrXLSXOldXLS", file: "r.xlsx", data: append(append([]byte{}, magicOLE...), make([]byte, 600)...), code: core.FileType},
		{name: "ErrXLSXEncryptedNameAcrossReads", file: "r.xlsx", data: slices.Concat(magicOLE, make([]byte, 64<<10-8-7), utf16le("EncryptedPackage")), code: core.FileEncrypted},
		{name: "ErrXLSXEncrypted", file: "r.xlsx", data: encryptedXLSX(tb), code: core.FileEncrypted},
		{name: "ErrXLSXEmpty", file: "r.xlsx", data: nil, code: core.FileEmpty},
		{name: "ErrXLSXEmptySheet", file: "r.xlsx", data: xlsxOf(tb, nil), code: core.FileEmpty},
		{name: "ErrXLSXTruncated", file: "r.xlsx", data: good[:len(good)/2], code: core.FileUnreadable},
		{name: "ErrXLSXNotAWorkbook", file: "r.xlsx", data: zipOf(tb, "hello.txt", "hi"), code: core.FileUnreadable},
		{name: "ErrXLSXNoHeader", file: "r.xlsx", data: xlsxOf(tb, [][]any{{"S001", "Student", "Ann", "Lee"}}), code: core.FileNoHeader},
		{name: "ErrXLSXMissingHeader", file: "r.xlsx", data: xlsxOf(tb, [][]any{{"User ID", "Role", "First Name"}, {"S1", "Student", "Ann"}}), code: core.FileMissingHeader, value: `"Last Name"`},
		{name: "ErrXLSXDupHeader", file: "r.xlsx", data: xlsxOf(tb, [][]any{append(header, "ROLE"), {"S1", "Student", "Ann", "Lee", "x"}}), code: core.FileDupHeader, value: `"Role"`},
		{name: "ErrXLSXNoData", file: "r.xlsx", data: xlsxOf(tb, [][]any{header}), code: core.FileNoData},
		// The next cases repeat one cell so often that their worksheets compress more than
		// a zip bomb's: the ratio limit is raised to reach the limit they are about.
		{name: "ErrXLSXTooManyCols", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+`<row r="2">`+strings.Repeat(`<c t="inlineStr"><is><t>x</t></is></c>`, 100000)+`</row>`),
			code: core.FileTooManyCols, value: "100000 columns", lim: Limits{Ratio: 1 << 20}},
		{name: "ErrXLSXRatio", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+`<row r="2">`+strings.Repeat(`<c t="inlineStr"><is><t>x</t></is></c>`, 100000)+`</row>`),
			code: core.FileTooBig, value: "250 times"},
		// excelize cuts what it writes at 32,767 characters, so the long cells are hand-made.
		{name: "ErrXLSXCellTooLong", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+inlineRow(2, "S1", "Student", "Ann", "Lee")+inlineRow(4, "S2", "Student", "Bo", strings.Repeat("é", 32768))), code: core.FileCellTooLong, value: "row 4 "},
		{name: "ErrXLSXCell10MB", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+inlineRow(2, "S1", "Student", "Ann", strings.Repeat("x", 10<<20))), code: core.FileCellTooLong, value: "row 2 ",
			lim: Limits{Ratio: 1 << 20}},
		{name: "OKXLSXCellLongest", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+inlineRow(2, "S1", "Student", "Ann", strings.Repeat("é", 32767))), rows: []want{u(2, "S1", "Ann", strings.Repeat("é", 32767))}},
		{name: "OKXLSXControlChar", file: "r.xlsx", data: rawXLSX(tb, inlineRow(1, "User ID", "Role", "First Name", "Last Name")+inlineRow(2, "S1", "Student", "A\x01nn", "Lee")+inlineRow(3, "S2", "Student", "Bo", "Ray")),
			rows: []want{u(2, "S1", "A\uFFFDnn", "Lee"), u(3, "S2", "Bo", "Ray")}},
	}
}

func zipOf(tb testing.TB, name, content string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := newZip(&buf)
	w, err := zw.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestRead(t *testing.T) {
	cases := append(append(csvCases(t), xlsxCases(t)...), xlsxFeatureCases(t)...)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			info, rows, err := readLimited(t, tc.file, tc.data, tc.mode, tc.lim)
			if got := codeOf(t, err); got != tc.code {
				t.Fatalf("Read(%s) error = %v, want code %q", tc.name, err, tc.code)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.value) {
					t.Errorf("Read(%s) error = %q, want it to contain %q", tc.name, err, tc.value)
				}
				return
			}
			if tc.delim != 0 && info.Delimiter != tc.delim {
				t.Errorf("Delimiter = %q, want %q", info.Delimiter, tc.delim)
			}
			if tc.enc != "" && info.Encoding != tc.enc {
				t.Errorf("Encoding = %q, want %q", info.Encoding, tc.enc)
			}
			var warn []string
			for _, w := range info.Warnings {
				if w.Code != core.WarnUnknownColumn && w.Code != core.WarnMergedCells {
					t.Errorf("warning code %s, want %s or %s", w.Code, core.WarnUnknownColumn, core.WarnMergedCells)
				}
				warn = append(warn, w.Value)
			}
			if !reflect.DeepEqual(warn, tc.warn) {
				t.Errorf("warnings = %q, want %q", warn, tc.warn)
			}
			if info.Rows != len(rows) {
				t.Errorf("Info.Rows = %d, but fn saw %d rows", info.Rows, len(rows))
			}
			if tc.rows != nil && len(rows) != len(tc.rows) {
				t.Fatalf("got %d rows, want %d: %s", len(rows), len(tc.rows), dumpRows(rows))
			}
			for i, w := range tc.rows {
				if rows[i].Line != w.line {
					t.Errorf("row %d Line = %d, want %d", i, rows[i].Line, w.line)
				}
				for c, v := range w.cells {
					if got := rows[i].Cells[c]; got != v {
						t.Errorf("row %d %s = %q, want %q", i, c, got, v)
					}
				}
			}
			for i, r := range rows {
				if len(r.Raw) < len(info.Header) {
					t.Errorf("row %d Raw has %d cells, want at least %d", i, len(r.Raw), len(info.Header))
				}
				for c, idx := range info.Columns {
					if idx >= 0 && trim(r.Raw[idx]) != r.Cells[c] {
						t.Errorf("row %d Cells[%s] = %q, Raw[%d] = %q", i, core.Column(c), r.Cells[c], idx, r.Raw[idx])
					}
				}
			}
			if tc.raw != nil {
				var raw [][]string
				for _, r := range rows {
					raw = append(raw, r.Raw)
				}
				if !reflect.DeepEqual(raw, tc.raw) {
					t.Errorf("Raw = %q, want %q", raw, tc.raw)
				}
			}
		})
	}
}

func dumpRows(rows []*core.Row) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "\n%d: %q", r.Line, r.Raw)
	}
	return b.String()
}

func TestReadColumns(t *testing.T) {
	info, _, err := readAll(t, "r.csv", lines("Email,Error,Last Name,First Name,Role,User ID", "a@b.org,,Lee,Ann,Student,S1"), core.ModeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := [core.NumColumns]int{}
	for i := range wantCols {
		wantCols[i] = -1
	}
	wantCols[core.ColEmail], wantCols[core.ColLastName], wantCols[core.ColFirstName], wantCols[core.ColRole], wantCols[core.ColUserID] = 0, 2, 3, 4, 5
	if info.Columns != wantCols {
		t.Errorf("Columns = %v, want %v", info.Columns, wantCols)
	}
	if want := []string{"Email", "Error", "Last Name", "First Name", "Role", "User ID"}; !reflect.DeepEqual(info.Header, want) {
		t.Errorf("Header = %q, want %q", info.Header, want)
	}
	if info.Format != core.FormatCSV {
		t.Errorf("Format = %q, want csv", info.Format)
	}
}

func TestReadFnError(t *testing.T) {
	stop := errors.New("stop")
	for _, tc := range []struct{ name, file string }{{"CSV", "r.csv"}, {"XLSX", "r.xlsx"}} {
		t.Run(tc.name, func(t *testing.T) {
			data := lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee", "S2,Student,Bo,Ray")
			if tc.file == "r.xlsx" {
				data = xlsxOf(t, [][]any{{"User ID", "Role", "First Name", "Last Name"}, {"S1", "Student", "Ann", "Lee"}, {"S2", "Student", "Bo", "Ray"}})
			}
			calls := 0
			_, err := Read(context.Background(), tc.file, bytes.NewReader(data), int64(len(data)), core.ModeAdmin, Options{}, func(*core.Row) error {
				calls++
				return stop
			})
			if err != stop || calls != 1 {
				t.Errorf("Read() = %v after %d calls, want the fn's error after 1", err, calls)
			}
		})
	}
}

func TestReadCanceled(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("User ID,Role,First Name,Last Name\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "S%d,Student,Ann,Lee\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Read(ctx, "r.csv", bytes.NewReader(b.Bytes()), int64(b.Len()), core.ModeAdmin, Options{}, func(*core.Row) error {
		calls++
		if calls == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Read() = %v, want context.Canceled", err)
	}
	if calls > 10+ctxEvery {
		t.Errorf("fn called %d times after cancel, want at most %d", calls, 10+ctxEvery)
	}
}

func TestReadRowTooBig(t *testing.T) {
	t.Parallel()
	data := lines("User ID,Role,First Name,Last Name", `S1,Student,Ann,"`+strings.Repeat("endless quoted field ", 20000))
	_, _, err := readLimited(t, "r.csv", data, core.ModeAdmin, Limits{RowBytes: 1 << 10})
	if got := codeOf(t, err); got != core.FileUnreadable { // TestReadLongRowMessages says why
		t.Fatalf("Read() = %v, want %s", err, core.FileUnreadable)
	}
}

// TestReadZipBombLimit lowers the limit so a small workbook counts as a bomb.
func TestReadZipBombLimit(t *testing.T) {
	data := xlsxOf(t, [][]any{{"User ID", "Role", "First Name", "Last Name"}, {"S1", "Student", "Ann", "Lee"}})
	for _, tc := range []struct {
		name string
		lim  Limits
	}{{"ErrTotal", Limits{Unzipped: 1000}}, {"ErrSharedStrings", Limits{SharedStrings: 10}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readLimited(t, "r.xlsx", data, core.ModeAdmin, tc.lim)
			if got := codeOf(t, err); got != core.FileTooBig {
				t.Fatalf("Read() = %v, want %s", err, core.FileTooBig)
			}
		})
	}
}

// TestReadZipBomb builds a real bomb: a sheet of more than 1 GiB of repeated rows that
// deflates to a few MB. It must be refused before anything is inflated.
func TestReadZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1 GiB deflate stream")
	}
	data := bombXLSX(t, defaultUnzipped+1)
	if len(data) > 16<<20 {
		t.Fatalf("bomb is %d bytes, want a few MB", len(data))
	}
	start := time.Now()
	_, _, err := readAll(t, "bomb.xlsx", data, core.ModeAdmin)
	if got := codeOf(t, err); got != core.FileTooBig {
		t.Fatalf("Read() = %v, want %s", err, core.FileTooBig)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing the bomb took %v", d)
	}
}

// TestReadLyingZip declares small sizes but inflates to more: archive/zip must catch the
// lie, so the declared sizes checked up front are a real bound.
func TestReadLyingZip(t *testing.T) {
	data := lyingXLSX(t)
	_, _, err := readAll(t, "lie.xlsx", data, core.ModeAdmin)
	// excelize reads a part only up to its declared size, so the lie ends the sheet early.
	if got := codeOf(t, err); got != core.FileUnreadable && got != core.FileEmpty {
		t.Fatalf("Read() = %v, want %s or %s", err, core.FileUnreadable, core.FileEmpty)
	}
}

// TestReadLeavesNoTempFiles is issue 13 item 12: a large workbook read must leave no file
// behind, even while it is being read (a kill -9 then leaves nothing): excelize spooled
// worksheets over 16 MB to $TMPDIR/excelize-*, every typed password inside.
func TestReadLeavesNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var sheet strings.Builder
	sheet.WriteString(inlineRow(1, "User ID", "Role", "First Name", "Last Name", "Password"))
	for r := 2; sheet.Len() < 20<<20; r++ {
		sheet.WriteString(inlineRow(r, fmt.Sprintf("S%d", r), "Student", "Ann", "Lee", fmt.Sprintf("Secret%dxY", r)))
	}
	data := rawXLSX(t, sheet.String())
	listed := false
	_, err := Read(context.Background(), "big.xlsx", bytes.NewReader(data), int64(len(data)), core.ModeAdmin, Options{}, func(*core.Row) error {
		if !listed {
			listed = true
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("while reading, the temporary folder holds %v", left)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("after reading, the temporary folder holds %v", left)
	}
}
