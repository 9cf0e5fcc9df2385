package engine_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// stdSetup is the roster most catalogue cases start from: two teachers with a class
// each, and a student in the first class.
var stdSetup = []string{
	"User ID,Role,First Name,Last Name,Email,Username,Class ID,Class Name",
	"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,mgarcia,MATH,Math 3A",
	"T2,Teacher,James,Oconnor,joconnor@lincoln.example.org,,READ,Reading 3B",
	"S1,Student,Ava,Johnson,,ajohnson,MATH,",
}

// catalogCase is one upload that must report one catalogue entry.
type catalogCase struct {
	code core.Code
	// setup is imported into school A (and setupB into school B) first; every row must
	// apply.
	setup, setupB []string
	// teacher, when set, is the User ID of the teacher who uploads (Import
	// Students/Rosters); otherwise an administrator does: a School Organization
	// Administrator of school A when schoolAdmin is set.
	teacher     string
	schoolAdmin bool
	// name is the uploaded file's name; "roster.csv" when empty.
	name string
	// lines are the file's CSV lines; <user:ID> becomes the GUID of the user with that
	// User ID and <class:ID> the GUID of that class of school A. data, when set, is used
	// instead.
	lines []string
	data  func(t *testing.T) []byte
	// build, when set, makes the file from what the setup stored.
	build func(t *testing.T, e *env) []byte
	// on is the User ID of the row whose Error cell must hold the entry (row entries); ""
	// means any row.
	on string
}

const someGUID = "0f8fad5b-d9cb-469f-a165-70867728950e"

// catalogCases covers every entry of core.Catalog but those in catalogUnreachable;
// TestCatalogCasesCoverCatalog keeps it that way.
var catalogCases = []catalogCase{
	// File level: the upload is Failed and nothing changes.
	{code: core.FileType, data: func(*testing.T) []byte { return []byte("PK\x03\x04 an Excel workbook renamed to .csv") }},
	{code: core.FileUnreadable, data: func(*testing.T) []byte { return []byte("User ID,Role\x00\x01\x02,First Name\r\n") }},
	{code: core.FileEncrypted, name: "encrypted.xlsx", data: func(t *testing.T) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "rosters", "encrypted.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	// []byte{}, not nil: see TestEmptyUpload for nil.
	{code: core.FileEmpty, data: func(*testing.T) []byte { return []byte{} }},
	{code: core.FileNoHeader, lines: []string{"Name,Class", "Ava Johnson,Math"}},
	{code: core.FileMissingHeader, lines: []string{"User ID,First Name,Last Name", "S5,Sam,Wu"}},
	{code: core.FileDupHeader, lines: []string{"User ID,Role,First Name,Last Name,user id", "S5,Student,Sam,Wu,S5"}},
	{code: core.FileNoData, lines: []string{"User ID,Role,First Name,Last Name", ",,,"}},
	// A workbook whose worksheet declares 2 GiB unzipped: a zip bomb, refused before
	// anything is inflated.
	{code: core.FileTooBig, name: "bomb.xlsx", data: func(t *testing.T) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: 5, UncompressedSize64: 2 << 30})
		if err == nil {
			_, err = w.Write([]byte{1, 2, 3, 4, 5})
		}
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}},
	{code: core.FileUnclosedQuote, lines: []string{"User ID,Role,First Name,Last Name", `S5,Student,"Sam,Wu`, "S6,Student,Sue,Wu"}},
	{code: core.FileTooManyCols, lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,Wu" + strings.Repeat(",x", 1000)}},
	{code: core.FileCellTooLong, lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam," + strings.Repeat("W", 32768)}},
	{code: core.FileNoRowApplied, lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,"}},

	// Warnings: reported in the notes, the rows still apply.
	{code: core.WarnUnknownColumn, lines: []string{"User ID,Role,First Name,Last Name,Nickname", "S5,Student,Sam,Wu,Sammy"}},
	{code: core.WarnMergedCells, name: "merged_cells.xlsx", data: func(t *testing.T) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "rosters", "merged_cells.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	{code: core.WarnTeacherGrade, lines: []string{"User ID,Role,First Name,Last Name,Grade Level,Email", "T5,Teacher,Tom,Hanks,5,thanks@lincoln.example.org"}},
	{code: core.WarnPasswordColumn, lines: []string{"User ID,Role,First Name,Last Name,New Password", "S5,Student,Sam,Wu,Secret123x"}},
	// A User ID that lost its leading zeros in a spreadsheet keeps the stored one.
	{code: core.WarnSpreadsheet, setup: []string{"User ID,Role,First Name,Last Name", "00123,Student,Ava,Lee"},
		lines: []string{"User GUID,User ID,Role,First Name,Last Name", "<user:00123>,123,Student,Ava,Lee"}},
	// A Completed File uploaded again: its temporary passwords stay as they are.
	{code: core.WarnPasswordKept, setup: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,Wu"},
		build: func(t *testing.T, e *env) []byte {
			h, err := e.svc.History(e.ctx, admin, engine.HistoryFilter{})
			if err != nil || len(h) == 0 {
				t.Fatalf("History = %v, %v", h, err)
			}
			rows := e.table(h[0].ID, core.FileCompleted, core.FormatCSV)
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			w.WriteAll(rows)
			return b.Bytes()
		}},

	// User columns.
	{code: core.UserGUIDFormat, on: "S5", lines: []string{"User GUID,User ID,Role,First Name,Last Name", "not-a-guid,S5,Student,Sam,Wu"}},
	{code: core.UserGUIDUnknown, on: "S5", lines: []string{"User GUID,User ID,Role,First Name,Last Name", someGUID + ",S5,Student,Sam,Wu"}},
	{code: core.UserIDRequired, lines: []string{"User ID,Role,First Name,Last Name", ",Student,Sam,Wu"}},
	{code: core.UserIDFormat, on: "S-5", lines: []string{"User ID,Role,First Name,Last Name", "S-5,Student,Sam,Wu"}},
	{code: core.UserIDTaken, setup: stdSetup, on: "S1", lines: []string{"User ID,Role,First Name,Last Name", "S1,Student,Sam,Wu"}},
	{code: core.UserIDDuplicate, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,Wu", "S5,Student,Ana,Diaz"}},
	{code: core.RoleRequired, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,,Sam,Wu"}},
	{code: core.RoleInvalid, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Principal,Sam,Wu"}},
	{code: core.RoleChange, setup: stdSetup, lines: []string{"User GUID,User ID,Role,First Name,Last Name", "<user:S1>,,Teacher,,"}},
	{code: core.RoleTeacherMode, setup: stdSetup, teacher: "T1", on: "T5",
		lines: []string{"Student ID,Role,First Name,Last Name,Email", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org"}},
	{code: core.UserNotInSchool, setup: stdSetup, teacher: "T1",
		setupB: []string{"User ID,Role,First Name,Last Name", "S9,Student,Eve,Stone"},
		lines:  []string{"Student GUID,Student ID,First Name,Last Name", "<user:S9>,,,"}},
	{code: core.UserOtherSchool, schoolAdmin: true, on: "S9",
		setupB: []string{"User ID,Role,First Name,Last Name", "S9,Student,Eve,Stone"},
		lines:  []string{"User GUID,User ID,Role,First Name,Last Name", "<user:S9>,S9,,,"}},
	{code: core.UserNotYours, teacher: "T1", on: "S2",
		setup: []string{stdSetup[0], stdSetup[1], stdSetup[2], "S2,Student,Eli,Ross,,,READ,"},
		lines: []string{"Student GUID,Student ID,First Name,Last Name", "<user:S2>,S2,Hacked,Ross"}},
	{code: core.FirstNameRequired, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,,Wu"}},
	{code: core.FirstNameFormat, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,S4m,Wu"}},
	{code: core.FirstNameStart, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,-Sam,Wu"}},
	{code: core.LastNameRequired, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,"}},
	{code: core.LastNameFormat, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", "S5,Student,Sam,Wu3"}},
	{code: core.LastNameStart, on: "S5", lines: []string{"User ID,Role,First Name,Last Name", `S5,Student,Sam,"=HYPERLINK(""x"")"`}},
	{code: core.GradeInvalid, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Grade Level", "S5,Student,Sam,Wu,13"}},
	{code: core.EmailRequired, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email", "T5,Teacher,Tom,Hanks,"}},
	{code: core.EmailFormat, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Email", "S5,Student,Sam,Wu,not-an-email"}},
	{code: core.EmailTaken, setup: stdSetup, on: "T5",
		lines: []string{"User ID,Role,First Name,Last Name,Email", "T5,Teacher,Tom,Hanks,MGarcia@Lincoln.example.org"}},
	{code: core.EmailDuplicate, on: "T6", lines: []string{"User ID,Role,First Name,Last Name,Email",
		"T5,Teacher,Tom,Hanks,team@lincoln.example.org", "T6,Teacher,Rita,Moreno,team@lincoln.example.org"}},
	{code: core.UsernameFormat, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Username", "S5,Student,Sam,Wu,sam wu"}},
	{code: core.UsernameTaken, setup: stdSetup, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Username", "S5,Student,Sam,Wu,AJohnson"}},
	{code: core.UsernameDuplicate, on: "S6", lines: []string{"User ID,Role,First Name,Last Name,Username", "S5,Student,Sam,Wu,swu", "S6,Student,Sue,Wu,swu"}},
	{code: core.PasswordPolicy, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Password", "S5,Student,Sam,Wu,short"}},
	// The row fails on its name, so the typed password is never hashed.
	{code: core.PasswordRemoved, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Password", "S5,Student,S4m,Wu,Goodpass123"}},
	{code: core.UserIDScientific, lines: []string{"User ID,Role,First Name,Last Name", "1.23457E+11,Student,Sam,Wu"}},
	// One row's date that is not a date fails its class's other rows: the cause is said
	// on its row, the consequence on the others.
	{code: core.FailedByRow, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Start Date",
		"T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,08/25/2026", "S5,Student,Sam,Wu,,SCI,,13/45/2026", "S6,Student,Sue,Wu,,SCI,,08/25/2026"}},
	{code: core.UserRowsDisagree, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science", "S5,Student,Sam,Wu,swu@lincoln.example.org,SCI,", "S5,Student,Sam,Wu,sam@lincoln.example.org,SCI,"}},

	// Class columns.
	{code: core.ClassIDRequired, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,,Science"}},
	{code: core.ClassIDFormat, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI 3,Science"}},
	{code: core.ClassIDExists, setup: stdSetup, on: "T5",
		lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,math,Math again"}},
	{code: core.ClassIDTaken, setup: stdSetup, lines: []string{"User GUID,User ID,Role,First Name,Last Name,Class ID,Class GUID", "<user:T1>,,,,,READ,<class:MATH>"}},
	{code: core.ClassNameRequired, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,"}},
	{code: core.ClassNameBreak, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,\"Science\n3\""}},
	{code: core.ClassIDScientific, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,1.2E+05,Science"}},
	{code: core.ClassNameStart, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,@SUM(1+1)"}},
	{code: core.ClassNameControl, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Art\x07Craft"}},
	{code: core.ClassNameFormat, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI," + strings.Repeat("S", 101)}},
	{code: core.ClassGradeInvalid, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Grade Level", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,13"}},
	{code: core.ClassStartInvalid, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Start Date", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,02/30/2026"}},
	{code: core.ClassEndInvalid, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class End Date", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,2027-13-01"}},
	{code: core.ClassDatesOrder, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Start Date,Class End Date", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,09/01/2026,2026-08-31"}},
	{code: core.MasterCodeFormat, on: "T5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Master Code", "T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science,ABCD-1234"}},
	{code: core.ClassGUIDFormat, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Class ID,Class GUID", "S5,Student,Sam,Wu,MATH,not-a-guid"}},
	{code: core.ClassGUIDUnknown, setup: stdSetup, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Class ID,Class GUID", "S5,Student,Sam,Wu,MATH," + someGUID}},
	{code: core.ClassRowsDisagree, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T5,Teacher,Tom,Hanks,thanks@lincoln.example.org,SCI,Science", "S5,Student,Sam,Wu,,SCI,Biology"}},
	{code: core.ClassNoTeacher, on: "S5", lines: []string{"User ID,Role,First Name,Last Name,Class ID,Class Name", "S5,Student,Sam,Wu,SCI,Science"}},
	{code: core.ClassNotYours, setup: stdSetup, teacher: "T1", on: "S5",
		lines: []string{"Student ID,First Name,Last Name,Class ID,Class GUID", "S5,Sam,Wu,READ,<class:READ>"}},
}

// catalogUnreachable lists the catalogue entries no upload can produce today, with the
// reason. An entry moves from here to catalogCases as soon as the engine reports it.
var catalogUnreachable = map[core.Code]string{
	core.FileChanged: "ReadFile reports it while the file is read, before any upload exists (TestReadFile)",
}

// TestCatalogCasesCoverCatalog fails when a catalogue entry has no case in
// TestCatalog, so a new entry cannot ship untested.
func TestCatalogCasesCoverCatalog(t *testing.T) {
	tested := map[core.Code]int{}
	for _, tc := range catalogCases {
		tested[tc.code]++
	}
	for _, e := range core.Catalog {
		if e.Severity == core.SeverityRequest {
			continue // not an upload's: TestRequestCodesCovered covers them
		}
		_, unreachable := catalogUnreachable[e.Code]
		switch n := tested[e.Code]; {
		case n == 0 && !unreachable:
			t.Errorf("catalogue entry %s has no case in catalogCases", e.Code)
		case n > 0 && unreachable:
			t.Errorf("catalogue entry %s is tested but listed in catalogUnreachable; drop it from there", e.Code)
		case n > 1:
			t.Errorf("catalogue entry %s has %d cases, want 1", e.Code, n)
		}
	}
	for code := range tested {
		if _, ok := core.Lookup(code); !ok {
			t.Errorf("case for %s, which is not in the catalogue", code)
		}
	}
	for code := range catalogUnreachable {
		if _, ok := core.Lookup(code); !ok {
			t.Errorf("catalogUnreachable lists %s, which is not in the catalogue", code)
		}
	}
}

// subtestName turns a code into a WTF-style subtest name: USER_ID_TAKEN → ErrUserIDTaken,
// WARN_TEACHER_GRADE → WarnTeacherGrade.
func subtestName(code core.Code) string {
	prefix := "Err"
	var b strings.Builder
	for _, w := range strings.Split(string(code), "_") {
		switch w {
		case "WARN":
			prefix = ""
			b.WriteString("Warn")
		case "ID", "GUID":
			b.WriteString(w)
		default:
			b.WriteString(w[:1] + strings.ToLower(w[1:]))
		}
	}
	return prefix + b.String()
}

func TestCatalog(t *testing.T) {
	for _, tc := range catalogCases {
		t.Run(subtestName(tc.code), func(t *testing.T) {
			e := newEnv(t)
			if tc.setup != nil {
				e.mustImport(tc.setup...)
			}
			if tc.setupB != nil {
				if res := e.upload("setup_b.csv", csvOf(tc.setupB...), e.schoolB, admin); res.Status != core.StatusCompleted {
					t.Fatalf("setup of school B: %s %q %q", res.Status, res.Message, res.Notes)
				}
			}
			var data []byte
			switch {
			case tc.build != nil:
				data = tc.build(t, e)
			case tc.data != nil:
				data = tc.data(t)
			default:
				data = csvOf(tc.lines...)
				var pairs []string
				for id, a := range e.accounts(core.School{}) {
					pairs = append(pairs, "<user:"+id+">", a.GUID)
				}
				for id, c := range e.classes(e.schoolA) {
					pairs = append(pairs, "<class:"+id+">", c.GUID)
				}
				data = []byte(strings.NewReplacer(pairs...).Replace(string(data)))
			}
			actor := admin
			if tc.teacher != "" {
				actor = e.teacher(tc.teacher)
			}
			if tc.schoolAdmin {
				sa, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "sadmin", Name: "Sam Lincoln",
					Role: core.OperatorSchoolAdmin, SchoolIDs: []int64{e.schoolA.ID}})
				if err != nil {
					t.Fatal(err)
				}
				actor = engine.Actor{Role: core.OperatorSchoolAdmin, OperatorID: sa.ID}
			}
			name := tc.name
			if name == "" {
				name = "roster.csv"
			}
			usersBefore := len(e.accounts(core.School{}))
			res := e.upload(name, data, e.schoolA, actor)
			want := textPattern(tc.code)
			entry, _ := core.Lookup(tc.code)

			switch entry.Severity {
			case core.SeverityFile:
				if res.Status != core.StatusFailed || !want.MatchString(res.Message) {
					t.Fatalf("Import: status %s, message %q; want Failed with %s", res.Status, res.Message, tc.code)
				}
				if n := len(e.accounts(core.School{})); n != usersBefore {
					t.Errorf("a Failed upload left %d users, want %d", n, usersBefore)
				}
				up, err := e.svc.Upload(e.ctx, admin, res.Upload)
				if err != nil || up.Status != core.StatusFailed || up.Message != res.Message {
					t.Errorf("Upload(%d) = %s %q, %v; want the history to say Failed with the message", res.Upload, up.Status, up.Message, err)
				}
			case core.SeverityWarning:
				found := false
				for _, n := range res.Notes {
					found = found || strings.HasPrefix(n, "Warning: ") && want.MatchString(n)
				}
				if !found || res.Status != core.StatusCompleted || res.Warnings == 0 {
					t.Errorf("Import: status %s, warnings %d, notes %q; want Completed with a %s warning", res.Status, res.Warnings, res.Notes, tc.code)
				}
			case core.SeverityRow:
				if res.Failed == 0 {
					t.Fatalf("Import: status %s, counts %+v, notes %q; want a failed row with %s", res.Status, res.Counts, res.Notes, tc.code)
				}
				cells := e.errorCells(res.Upload)
				found := false
				for id, cell := range cells {
					if (tc.on == "" || tc.on == id) && want.MatchString(cell) {
						found = true
					}
				}
				if !found {
					t.Errorf("Error File cells %q: want %s on row %q", cells, tc.code, tc.on)
				}
			}
		})
	}
}

// TestEmptyUpload uploads a file whose bytes are nil, as an empty bytes.Buffer gives
// them: it must fail as FILE_EMPTY like an empty slice does.
func TestEmptyUpload(t *testing.T) {
	e := newEnv(t)
	res := e.upload("empty.csv", nil, e.schoolA, admin)
	if res.Status != core.StatusFailed || !textPattern(core.FileEmpty).MatchString(res.Message) {
		t.Errorf("Import(nil data) = %s %q, want Failed with FILE_EMPTY", res.Status, res.Message)
	}
}
