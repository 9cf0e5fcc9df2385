package core

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var wordsTests = []struct {
	name, in, teacher string
}{
	{"Header", "User ID is missing.", "Student ID is missing."},
	{"Plural", "the leading zeros of User IDs %s", "the leading zeros of Student IDs %s"},
	{"GUID", "put their User GUID in the User GUID column", "put their Student GUID in the Student GUID column"},
	{"Nouns", "Type the user's first name. To add users, a new user.", "Type the student's first name. To add students, a new student."},
	{"Export", "an Export Teachers & Students file", "an Export Students file"},
	{"NoRole", "Type the user's User ID, Role, First Name and Last Name", "Type the student's Student ID, First Name and Last Name"},
	{"SentenceEnd", "no rows of users.", "no rows of students."},
	{"Username", "Choose another username, or leave the Username blank.", "Choose another username, or leave the Username blank."},
	{"FileNames", "is not in users.csv (userSourcedId)", "is not in users.csv (userSourcedId)"},
	{"Tool", "import teachers from Import Users/Rosters", "import teachers from Import Users/Rosters"},
	{"Teacher", "Leave Grade Level blank on teacher rows.", "Leave Grade Level blank on teacher rows."},
}

// TestModeWords: a teacher reads the teacher template's headers and "student" for
// "user", whole words only; an administrator reads the text as it is.
func TestModeWords(t *testing.T) {
	for _, tt := range wordsTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ModeAdmin.Words(tt.in); got != tt.in {
				t.Errorf("ModeAdmin.Words(%q) = %q, want it unchanged", tt.in, got)
			}
			if got := ModeTeacher.Words(tt.in); got != tt.teacher {
				t.Errorf("ModeTeacher.Words(%q) = %q, want %q", tt.in, got, tt.teacher)
			}
		})
	}
}

// TestTextForKeepsCells: the cells an issue echoes are never reworded, and an
// administrator's text is Text's.
func TestTextForKeepsCells(t *testing.T) {
	is := Issue{Code: FirstNameFormat, Value: "user 9"}
	if got, want := is.TextFor(ModeTeacher), is.Text(); got != want {
		t.Errorf("TextFor(teacher) = %q, want %q (nothing of the teacher's to reword, the cell kept)", got, want)
	}
	is = Issue{Code: UserIDTaken, Value: "U1", Other: "user Smith"}
	want := `Student ID "U1" already belongs to user Smith. Use another Student ID. If this row is meant to change one of your own students, put their Student GUID in the Student GUID column.`
	if got := is.TextFor(ModeTeacher); got != want {
		t.Errorf("TextFor(teacher) = %q, want %q", got, want)
	}
	if got := is.TextFor(ModeAdmin); got != is.Text() {
		t.Errorf("TextFor(admin) = %q, want Text() %q", got, is.Text())
	}
	if got, want := JoinIssuesFor([]Issue{is, is}, ModeTeacher), is.TextFor(ModeTeacher); got != want {
		t.Errorf("JoinIssuesFor = %q, want %q once", got, want)
	}
	if got, want := (Issue{Code: UserIDRequired}).ProblemFor(ModeTeacher), "Student ID is missing."; got != want {
		t.Errorf("ProblemFor(teacher) = %q, want %q", got, want)
	}
}

// adminNouns finds the administrator's words left in a teacher's message.
var adminNouns = regexp.MustCompile(`\b(User ID|User GUID|users?|user's)\b|Export Teachers`)

// TestTeacherCatalogSpeaksOfStudents: no message a teacher's upload can give names a
// column by its administrator header or its people as users.
func TestTeacherCatalogSpeaksOfStudents(t *testing.T) {
	for _, e := range Catalog {
		if e.Severity == SeverityRequest || !e.GivenIn(ModeTeacher) {
			continue
		}
		for _, text := range []string{entryWords(&e, ModeTeacher).problem, entryWords(&e, ModeTeacher).fix} {
			for _, m := range adminNouns.FindAllStringIndex(text, -1) {
				if rest := text[m[1]:]; len(rest) > 1 && rest[0] == '.' && isLetter(rest[1]) {
					continue // a OneRoster file name: users.csv
				}
				t.Errorf("%s in a teacher's words: %q says %q", e.Code, text, text[m[0]:m[1]])
			}
		}
	}
}

// TestErrorMessageFor: a file-level error is said in the words of the upload's mode;
// other errors keep their message.
func TestErrorMessageFor(t *testing.T) {
	err := NewFileError(FileNoData, "", nil)
	if got, want := err.MessageFor(ModeTeacher), "The file has a header row but no rows of students. Add one row per student under the header row, then upload it again."; got != want {
		t.Errorf("MessageFor(teacher) = %q, want %q", got, want)
	}
	if got := err.MessageFor(ModeAdmin); got != err.Message {
		t.Errorf("MessageFor(admin) = %q, want Message %q", got, err.Message)
	}
	plain := Errorf(KindInvalid, "no such user")
	if got := plain.MessageFor(ModeTeacher); got != "no such user" {
		t.Errorf("MessageFor of a plain error = %q, want its message", got)
	}
	var e *Error
	if !errors.As(error(err), &e) || e.Code != FileNoData {
		t.Errorf("NewFileError code = %v", e)
	}
}

// TestTeacherTextsForTeacherRows: a Teacher row in a teacher's upload, refused with
// ROLE_TEACHER_MODE, was also told to use "this teacher's own email" or to put "their
// Student GUID" in; a teacher is told to remove it. Student is the only Role a teacher
// may type, and a taken Student ID may be a teacher's. An administrator's texts stay.
func TestTeacherTextsForTeacherRows(t *testing.T) {
	for _, tc := range []struct {
		code      Code
		want, not string
	}{
		{EmailTaken, "Remove this row:", "Student GUID"},
		{EmailDuplicate, "Remove these rows:", "own email"},
		{WarnTeacherGrade, "Remove this row:", "Leave Grade Level blank"},
		{RoleInvalid, "Type Student, or remove the Role column", "Teacher or Student"},
		{UserIDTaken, "one of your own students", "that student"},
	} {
		is := Issue{Code: tc.code, Value: "x", Other: "y", Rows: []int{2, 3}}
		if got := is.TextFor(ModeTeacher); !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s for a teacher = %q, want %q and not %q", tc.code, got, tc.want, tc.not)
		}
		e, _ := Lookup(tc.code)
		if got := is.TextFor(ModeAdmin); !strings.HasSuffix(got, strings.NewReplacer("{value}", "x", "{other}", "y", "{rows}", "2, 3").Replace(e.Fix)) {
			t.Errorf("%s for an administrator = %q, want the catalogue's fix %q", tc.code, got, e.Fix)
		}
	}
}
