package engine_test

import (
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// wordsRows are rows that fail in both tools, keyed by ID (or "#n" for a row without
// one): a missing ID, a GUID that is not one, an ID with a dash, two rows of one person
// that disagree, and a person whose second row's grade is wrong (so the first fails
// because of it). The First Name "user 9" is echoed back as typed: only Rosterdesk's
// own words change with the tool, never a cell.
var wordsRows = []string{
	",,Ann,Lee,3",
	"not-a-guid,S20,Bo,Ray,3",
	",S-21,user 9,Day,3",
	",S22,Cy,Fox,3",
	",S22,Cy,Fox,4",
	",S23,Di,Gay,3",
	",S23,Di,Gay,X",
}

// TestTeacherErrorFileInTeacherWords: a teacher's Error File (SPEC §1 Teacher, §4) says
// what is wrong with the teacher's own column names and nouns, the ones of the teacher
// template the teacher filled in ("Student ID", "Student GUID", "student",
// "Export Students"), and a Check says the same; an administrator's upload of the same
// rows keeps the administrator's words. Compared by cell contents of the XLSX Error
// File.
func TestTeacherErrorFileInTeacherWords(t *testing.T) {
	e := newEnv(t)
	e.mustImport(classTeachers...)
	maria := e.teacher("T1")

	const (
		notGUID = `"not-a-guid" is not a valid %GUID%. Leave %GUID% blank to create a new %u%, or copy the GUID exactly from an %export% file.`
	)
	for _, tc := range []struct {
		name   string
		header string
		role   string // the Role cell each row gets in front of First Name, with its comma
		actor  engine.Actor
		mode   core.Mode
		words  *strings.Replacer
	}{
		{"Teacher", "Student GUID,Student ID,First Name,Last Name,Grade Level", "", maria, core.ModeTeacher,
			strings.NewReplacer("%ID%", "Student ID", "%GUID%", "Student GUID", "%u%", "student", "%export%", "Export Students")},
		{"Admin", "User GUID,User ID,Role,First Name,Last Name,Grade Level", "Student,", admin, core.ModeAdmin,
			strings.NewReplacer("%ID%", "User ID", "%GUID%", "User GUID", "%u%", "user", "%export%", "Export Teachers & Students")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := []string{tc.header}
			for _, r := range wordsRows {
				f := strings.SplitN(r, ",", 3)
				lines = append(lines, f[0]+","+f[1]+","+tc.role+f[2])
			}
			want := map[string]string{
				"#1":   "%ID% is missing. Type the %u%'s ID from your student information system (letters and digits).",
				"S20":  notGUID,
				"S-21": `%ID% "S-21" is not valid: use only letters and digits, 1 to 50 characters. Remove spaces, dashes and other symbols from the %ID%. | First Name "user 9" is not valid: use 1 to 50 letters, spaces, apostrophes ('), hyphens (-) or periods (.). Shorten the name to 50 characters at most, and remove digits and other symbols from it.`,
				"S22":  "Rows 5 and 6 are the same %u% but their Grade Level differs. Make the %u%'s columns (%GUID% to Password) the same on every row of that %u%, or leave them blank on all but one row. | Rows 5 and 6 are the same %u% but their Grade Level differs. Make the %u%'s columns (%GUID% to Password) the same on every row of that %u%, or leave them blank on all but one row.",
				"S23":  "1 row of %u% S23 cannot be saved because row 8's Grade Level is not a grade. Fix that row as its own error says, then upload the file again: the other rows need no change. | Grade Level \"X\" is not valid. Use PK, K or a number from 1 to 12, or leave it blank.",
			}
			for k, v := range want {
				want[k] = tc.words.Replace(v)
			}
			res := e.upload("words.csv", csvOf(lines...), e.schoolA, tc.actor)
			if res.Status != core.StatusFailed || res.Failed != len(wordsRows) {
				t.Fatalf("upload = %s %+v %q, want every row failed", res.Status, res.Counts, res.Notes)
			}
			rows := e.table(res.Upload, core.FileError, core.FormatXLSX)
			ids := column(t, rows, core.ColUserID.HeaderFor(tc.mode))
			errs := column(t, rows, core.ErrorHeader)
			got := map[string]string{}
			for i := range ids {
				k := ids[i]
				if k == "" {
					k = "#1"
				}
				if got[k] != "" {
					got[k] += " | "
				}
				got[k] += errs[i]
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("Error cell of %s:\n got: %s\nwant: %s", k, got[k], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("Error File rows by ID = %q, want %d IDs", got, len(want))
			}

			// A Check (the window's Check File, rosterctl import --dry-run) says the same.
			chk, err := e.svc.Check(e.ctx, engine.UploadRequest{FileName: "words.csv", Data: csvOf(lines...), SchoolID: e.schoolA.ID, Actor: tc.actor}, nil)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(chk.Notes, "\n")
			for _, line := range []string{"Row 2: " + want["#1"], "Row 3: " + want["S20"]} {
				if !strings.Contains(notes, line) {
					t.Errorf("Check notes %q, want the line %q", notes, line)
				}
			}
		})
	}
}

// TestTeacherFileMessageInTeacherWords: a teacher's file refused as a whole says so in
// the teacher's words too ("no rows of students"), an administrator's as before.
func TestTeacherFileMessageInTeacherWords(t *testing.T) {
	e := newEnv(t)
	e.mustImport(classTeachers...)
	for _, tc := range []struct {
		name, header, want string
		actor              engine.Actor
	}{
		{"Teacher", "Student ID,First Name,Last Name", "The file has a header row but no rows of students. Add one row per student under the header row, then upload it again.", e.teacher("T1")},
		{"Admin", "User ID,Role,First Name,Last Name", "The file has a header row but no rows of users. Add one row per user under the header row, then upload it again.", admin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.upload("empty.csv", csvOf(tc.header), e.schoolA, tc.actor)
			if res.Status != core.StatusFailed || res.Message != tc.want {
				t.Errorf("upload of a header only = %s %q, want Failed %q", res.Status, res.Message, tc.want)
			}
		})
	}
}

// TestResultSaysTheMode: an upload run later (queued, or resumed after a crash) says
// in its Result whose tool it was made in, as its record does, so that rosterctl
// resume counts a teacher's upload in students; it said "Users" for every upload.
func TestResultSaysTheMode(t *testing.T) {
	e := newEnv(t)
	e.mustImport(classTeachers...)
	for _, tc := range []struct {
		name        string
		actor       engine.Actor
		header, row string
		want        core.Mode
	}{
		{"Teacher", e.teacher("T1"), "Student ID,First Name,Last Name", "S70,Ann,Lee", core.ModeTeacher},
		{"Admin", admin, "User ID,Role,First Name,Last Name", "S71,Student,Bo,Ray", core.ModeAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.header + "\r\n" + tc.row + "\r\n")
			if _, err := e.svc.Enqueue(e.ctx, engine.UploadRequest{FileName: "queued.csv", Data: data, SchoolID: e.schoolA.ID, Actor: tc.actor}); err != nil {
				t.Fatal(err)
			}
			res, err := e.svc.RunPending(e.ctx, nil)
			if err != nil || len(res) != 1 {
				t.Fatalf("RunPending = %+v, %v; want one result", res, err)
			}
			if res[0].Mode != tc.want {
				t.Errorf("the queued upload's Result.Mode = %v, want %v", res[0].Mode, tc.want)
			}
		})
	}
}
