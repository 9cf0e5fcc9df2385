package engine_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// classTeachers is the usual first roster: two teachers with a class each.
var classTeachers = []string{
	"User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
	"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,MATH,Math 3A",
	"T2,Teacher,James,Oconnor,joconnor@lincoln.example.org,READ,Reading 3B",
}

func TestCreateThenUpdateByGUID(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport("User ID,Role,First Name,Last Name,Grade Level,Email,Username",
		"S1,Student,Ava,Johnson,03,ava@lincoln.example.org,ajohnson")
	if res.UsersCreated != 1 || res.UsersUpdated != 0 {
		t.Fatalf("first import counts = %+v, want one user created", res.Counts)
	}
	before := e.user("S1")
	if _, ok := core.NormalizeGUID(before.GUID); !ok || before.Grade != "3" || before.Username != "ajohnson" {
		t.Fatalf("created user = %+v, want a GUID, grade 3 (from 03) and username ajohnson", before)
	}

	// Only a first name: every blank cell keeps what is stored.
	res = e.mustImport("User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password",
		before.GUID+",,,Avery,,,,,")
	if res.UsersCreated != 0 || res.UsersUpdated != 1 {
		t.Errorf("update counts = %+v, want one user updated, none created", res.Counts)
	}
	after := e.user("S1")
	want := before
	want.FirstName = "Avery"
	if !reflect.DeepEqual(after, want) {
		t.Errorf("after updating the first name:\n got %+v\nwant %+v", after, want)
	}
	if n := len(e.accounts(core.School{})); n != 1 {
		t.Errorf("%d users after the update, want 1", n)
	}

	// The same user by GUID with a non-blank User ID and grade overwrites them.
	e.mustImport("Student GUID,Student ID,Role,First Name,Last Name,Grade Level", strings.ToUpper(before.GUID)+",S1A,,,,K")
	if got := e.user("S1A"); got.ID != before.ID || got.Grade != "K" || got.FirstName != "Avery" {
		t.Errorf("after updating User ID and grade: %+v, want same user, User ID S1A, grade K", got)
	}
}

func TestImportNeverRemoves(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,")...)
	s1 := e.user("S1")

	// Re-imported by GUID without a class: the enrollment stays.
	t.Run("EnrollmentKept", func(t *testing.T) {
		res := e.mustImport("User GUID,User ID,Role,First Name,Last Name", s1.GUID+",S1,Student,Ava,Johnson-Lee")
		if res.EnrollmentsAdded != 0 {
			t.Errorf("EnrollmentsAdded = %d, want 0", res.EnrollmentsAdded)
		}
		if got := e.accounts(e.schoolA)["S1"].Classes; !slices.Equal(got, []string{"MATH"}) {
			t.Errorf("S1's classes after an import without a class = %q, want [MATH]", got)
		}
	})
	t.Run("SchoolLinksOnlyAdded", func(t *testing.T) {
		res := e.upload("b.csv", csvOf("User GUID,User ID,Role,First Name,Last Name,Grade Level", s1.GUID+",,,,,4"), e.schoolB, admin)
		if res.Status != core.StatusCompleted || res.UsersUpdated != 1 {
			t.Fatalf("import into school B: %s %+v %q", res.Status, res.Counts, res.Notes)
		}
		if _, ok := e.accounts(e.schoolA)["S1"]; !ok {
			t.Errorf("S1 is no longer in school A after an import into school B")
		}
		if _, ok := e.accounts(e.schoolB)["S1"]; !ok {
			t.Errorf("S1 is not in school B after an import into school B")
		}
	})
	if n := len(e.classes(e.schoolA)); n != 2 {
		t.Errorf("school A has %d classes, want 2", n)
	}
}

func TestPartialProcessing(t *testing.T) {
	header := "User ID,Role,First Name,Last Name"
	for _, tt := range []struct {
		name    string
		lines   []string
		status  core.Status
		applied []string // User IDs created
		failed  int
	}{
		{"OKCompleted", []string{header, "S1,Student,Ava,Johnson", "S2,Student,Noah,Smith"}, core.StatusCompleted, []string{"S1", "S2"}, 0},
		{"OKCompletedWithErrors", []string{header, "S1,Student,Ava,Johnson", "S2,Student,Noah,", "S3,Student,Liam,Nguyen"},
			core.StatusCompletedWithError, []string{"S1", "S3"}, 1},
		{"ErrFailedNoRowApplied", []string{header, "S1,Student,Ava,", "S2,Pupil,Noah,Smith"}, core.StatusFailed, nil, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			res := e.upload("r.csv", csvOf(tt.lines...), e.schoolA, admin)
			if res.Status != tt.status || res.Failed != tt.failed || res.Applied != len(tt.applied) || res.Rows != len(tt.lines)-1 {
				t.Errorf("Import = %s %+v, want %s with %d applied, %d failed", res.Status, res.Counts, tt.status, len(tt.applied), tt.failed)
			}
			var got []string
			for id := range e.accounts(core.School{}) {
				got = append(got, id)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.applied) {
				t.Errorf("users after the import = %q, want %q", got, tt.applied)
			}
			up, err := e.svc.Upload(e.ctx, admin, res.Upload)
			if err != nil {
				t.Fatal(err)
			}
			if up.HasFile(core.FileCompleted) != (len(tt.applied) > 0) || up.HasFile(core.FileError) != (tt.failed > 0) || !up.HasFile(core.FileUploaded) {
				t.Errorf("upload files = %q, want Uploaded, Completed if a row applied, Error if one failed", up.Files)
			}
			if tt.status == core.StatusFailed && res.Message != (core.Issue{Code: core.FileNoRowApplied}).Text() {
				t.Errorf("Message = %q, want the FILE_NO_ROW_APPLIED text", res.Message)
			}
		})
	}
}

func TestSameUserOnManyRows(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport(append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,",
		"s1,student,Ava,Johnson,,READ,",
		"S1,,,,,ART,Art", // blank cells agree with anything
		"T1,,,,,ART,",
	)...)
	if res.UsersCreated != 3 || res.ClassesCreated != 3 || res.EnrollmentsAdded != 6 {
		t.Errorf("counts = %+v, want 3 users, 3 classes, 6 enrollments", res.Counts)
	}
	if got := e.accounts(e.schoolA)["S1"].Classes; len(got) != 3 {
		t.Errorf("S1's classes = %q, want 3", got)
	}
	// Twice the same row is one enrollment.
	s1 := e.user("S1").GUID
	math := e.classes(e.schoolA)["MATH"].GUID
	res = e.mustImport("User GUID,User ID,Role,First Name,Last Name,Class ID,Class GUID", s1+",,,,,MATH,"+math, s1+",,,,,math,"+math)
	if res.EnrollmentsAdded != 0 || res.UsersUpdated != 0 {
		t.Errorf("re-enrolling: counts = %+v, want no user updated (nothing changes) and no enrollment added", res.Counts)
	}
}

func TestSharedUserIDFailsEveryRow(t *testing.T) {
	e := newEnv(t)
	res := e.upload("r.csv", csvOf(append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,",
		"S1,Student,Noah,Smith,,MATH,",
		"S1,Student,Ava,Johnson,,READ,",
		"S2,Student,Liam,Nguyen,,READ,",
	)...), e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Failed != 3 || res.Applied != 3 {
		t.Fatalf("Import = %s %+v, want the three S1 rows failed and the rest applied", res.Status, res.Counts)
	}
	if _, ok := e.accounts(core.School{})["S1"]; ok {
		t.Errorf("a user S1 was created, want none: two people share the User ID")
	}
	rows := e.table(res.Upload, core.FileError, core.FormatCSV)
	for i, cell := range column(t, rows, core.ErrorHeader) {
		if !textPattern(core.UserIDDuplicate).MatchString(cell) || !strings.Contains(cell, "rows 4, 5 and 6") {
			t.Errorf("Error File row %d: %q, want USER_ID_DUPLICATE naming rows 4, 5 and 6", i+2, cell)
		}
	}
}

func TestNewClassNeedsTeacher(t *testing.T) {
	e := newEnv(t)
	res := e.upload("r.csv", csvOf(
		"User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,MATH,Math 3A",
		"S1,Student,Ava,Johnson,,MATH,",
		"T2,Teacher,James,,joconnor@lincoln.example.org,READ,Reading 3B", // fails: no last name
		"S2,Student,Noah,Smith,,READ,",
		"S3,Student,Liam,Nguyen,,ART,Art", // no teacher row at all
		"S3,Student,Liam,Nguyen,,MATH,",
	), e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Applied != 3 || res.Failed != 3 {
		t.Fatalf("Import = %s %+v %q, want MATH's three rows applied and the rest failed", res.Status, res.Counts, res.Notes)
	}
	cells := e.errorCells(res.Upload)
	noTeacher := textPattern(core.ClassNoTeacher)
	for _, id := range []string{"T2", "S2", "S3"} {
		if !noTeacher.MatchString(cells[id]) {
			t.Errorf("Error cell of %s = %q, want CLASS_NO_TEACHER", id, cells[id])
		}
	}
	if !textPattern(core.LastNameRequired).MatchString(cells["T2"]) {
		t.Errorf("Error cell of T2 = %q, want LAST_NAME_REQUIRED too", cells["T2"])
	}
	classes := e.classes(e.schoolA)
	if _, ok := classes["READ"]; ok || len(classes) != 1 {
		t.Errorf("classes = %v, want only MATH", classes)
	}
	if c := classes["MATH"]; c.Teacher != "Maria Garcia" || c.Students != 2 || c.Teachers != 1 {
		t.Errorf("MATH = %+v, want Maria Garcia as primary teacher, 2 students, 1 teacher", c)
	}
}

// TestNoTeacherOnlyForClassesWithAnID: a row whose class has no usable Class ID (it is
// missing, or not one) fails on that alone; it is not told that class "" (or "SCI 3") is
// new and needs a teacher row too, which names a class that cannot exist and asks for a
// fix that would not help (SPEC §4: each reason in plain words with the fix).
func TestNoTeacherOnlyForClassesWithAnID(t *testing.T) {
	e := newEnv(t)
	res := e.upload("r.csv", csvOf(
		"User ID,Role,First Name,Last Name,Class ID,Class Name,Master Code",
		"S1,Student,Ava,Johnson,,,BADCODE",
		"S2,Student,Noah,Smith,SCI 3,Science,",
		"S3,Student,Liam,Nguyen,,Art,",
	), e.schoolA, admin)
	if res.Status != core.StatusFailed || res.Failed != 3 {
		t.Fatalf("Import = %s %+v %q, want all three rows failed", res.Status, res.Counts, res.Notes)
	}
	cells := e.errorCells(res.Upload)
	want := map[string]core.Code{"S1": core.ClassIDRequired, "S2": core.ClassIDFormat, "S3": core.ClassIDRequired}
	for id, code := range want {
		if !textPattern(code).MatchString(cells[id]) {
			t.Errorf("Error cell of %s = %q, want %s", id, cells[id], code)
		}
		if textPattern(core.ClassNoTeacher).MatchString(cells[id]) {
			t.Errorf("Error cell of %s = %q, want no CLASS_NO_TEACHER: the row has no class it could name", id, cells[id])
		}
	}
}

// TestTeacherErrorFileKeepsRole: a teacher's upload that has a Role column refuses its
// Teacher rows (ROLE_TEACHER_MODE), and its Error File keeps their Role cell (SPEC §4:
// the failed rows with their original cells). Without it, the Error File uploaded
// again as it is would create each refused teacher as a student: the teacher template
// has no Role, and every row of it is a Student.
func TestTeacherErrorFileKeepsRole(t *testing.T) {
	e := newEnv(t)
	e.mustImport(classTeachers...)
	maria := e.teacher("T1")
	res := e.upload("students.csv", csvOf("Student ID,Role,First Name,Last Name",
		"T9,Teacher,Vic,Oh", "S9,Student,Wu,Pa"), e.schoolA, maria)
	if res.Status != core.StatusCompletedWithError || res.Failed != 1 {
		t.Fatalf("teacher upload with a Teacher row = %s %+v, want the Teacher row failed", res.Status, res.Counts)
	}
	rows := e.table(res.Upload, core.FileError, core.FormatCSV)
	if got := column(t, rows, "Role"); len(got) != 1 || got[0] != "Teacher" {
		t.Fatalf("Error File %q, want a Role column holding Teacher", rows)
	}
	var again bytes.Buffer
	w := csv.NewWriter(&again)
	w.WriteAll(rows)
	res = e.upload("students_Errors.csv", again.Bytes(), e.schoolA, maria)
	if res.UsersCreated != 0 || !textPattern(core.RoleTeacherMode).MatchString(strings.Join(res.Notes, "\n")) {
		t.Errorf("the Error File uploaded again = %s %+v %q, want the teacher refused again, nobody created", res.Status, res.Counts, res.Notes)
	}

	// Without a Role column in the file, the Error File has none either: the teacher
	// template's columns.
	res = e.upload("students.csv", csvOf("Student ID,First Name,Last Name", "S10,W1,Pa"), e.schoolA, maria)
	if got := e.table(res.Upload, core.FileError, core.FormatCSV)[0]; slices.Contains(got, "Role") {
		t.Errorf("Error File header %q of a file without Role, want the teacher template's", got)
	}
}

func TestTeacherMode(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,")...)
	maria := e.teacher("T1")

	t.Run("OKStudentsAndOwnClass", func(t *testing.T) {
		res := e.upload("students.csv", csvOf(
			"Student ID,First Name,Last Name,Grade Level,Class ID,Class Name,Class GUID",
			"S2,Noah,Smith,3,SCI,Science 3,",
			"S3,Liam,Nguyen,3,MATH,,"+e.classes(e.schoolA)["MATH"].GUID,
		), e.schoolA, maria)
		if res.Status != core.StatusCompleted || res.ClassesCreated != 1 || res.UsersCreated != 2 {
			t.Fatalf("teacher import = %s %+v %q, want Completed with 2 students and 1 class", res.Status, res.Counts, res.Notes)
		}
		for _, id := range []string{"S2", "S3"} {
			if a := e.user(id); a.Role != core.RoleStudent {
				t.Errorf("%s has role %s, want Student", id, a.Role)
			}
		}
		sci := e.classes(e.schoolA)["SCI"]
		if sci.Teacher != "Maria Garcia" || sci.Teachers != 1 || sci.Students != 1 {
			t.Errorf("SCI = %+v, want Maria Garcia as primary teacher and teacher, 1 student", sci)
		}
		mine, err := e.svc.Classes(e.ctx, maria, e.schoolA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range mine {
			ids = append(ids, c.ClassID)
		}
		if !slices.Equal(ids, []string{"MATH", "SCI"}) {
			t.Errorf("Maria's classes = %q, want [MATH SCI]", ids)
		}
		up, _ := e.svc.Upload(e.ctx, admin, res.Upload)
		if up.Mode != core.ModeTeacher || up.TeacherID != maria.TeacherID || up.UploadedBy != "Maria Garcia" {
			t.Errorf("upload = mode %v teacher %d by %q, want teacher mode by Maria Garcia", up.Mode, up.TeacherID, up.UploadedBy)
		}
		// The teacher's files use the teacher template's headers.
		if h := e.table(res.Upload, core.FileCompleted, core.FormatCSV)[0]; !slices.Equal(h, core.TemplateHeaders(core.ModeTeacher)) {
			t.Errorf("Completed File header = %q, want the teacher template", h)
		}
	})
	t.Run("ErrOtherTeachersClass", func(t *testing.T) {
		res := e.upload("students.csv", csvOf("Student ID,First Name,Last Name,Class ID,Class GUID",
			"S4,Emma,Wilson,READ,"+e.classes(e.schoolA)["READ"].GUID), e.schoolA, maria)
		if res.Status != core.StatusFailed || !textPattern(core.ClassNotYours).MatchString(e.errorCells(res.Upload)["S4"]) {
			t.Errorf("rostering into James's class = %s %q, want Failed with CLASS_NOT_YOURS", res.Status, res.Notes)
		}
	})
	t.Run("ErrTeacherRowsRefused", func(t *testing.T) {
		res := e.upload("students.csv", csvOf("Student GUID,Student ID,First Name,Last Name",
			e.user("T2").GUID+",,,"), e.schoolA, maria)
		if res.Status != core.StatusFailed || !textPattern(core.RoleTeacherMode).MatchString(strings.Join(res.Notes, "\n")) {
			t.Errorf("updating a teacher in teacher mode = %s %q, want Failed with ROLE_TEACHER_MODE", res.Status, res.Notes)
		}
	})
	t.Run("ErrOtherSchool", func(t *testing.T) {
		_, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "s.csv", Data: csvOf("Student ID,First Name,Last Name", "S9,Eve,Stone"),
			SchoolID: e.schoolB.ID, Actor: maria}, nil)
		if core.ErrorCode(err) != core.AccessSchool {
			t.Errorf("Import into another school as a teacher = %v, want ACCESS_SCHOOL", err)
		}
		if _, ok := e.accounts(core.School{})["S9"]; ok {
			t.Errorf("S9 was created")
		}
	})
	t.Run("ErrStudentIsNotATeacher", func(t *testing.T) {
		_, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "s.csv", Data: csvOf("Student ID,First Name,Last Name", "S9,Eve,Stone"),
			SchoolID: e.schoolA.ID, Actor: e.teacher("S1")}, nil)
		if core.ErrorCode(err) != core.AccessRoleNotHeld {
			t.Errorf("Import as a student acting as a teacher = %v, want ACCESS_ROLE_NOT_HELD", err)
		}
	})
}

func TestUsernameGeneration(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name",
		"S1,Student,John,Smith",
		"S2,Student,José,Núñez",
		"S3,Student,Ærin,O'Brien-Łukasz",
		"S4,Student,Анна,Иванова",
		"S2001,Student,小明,王",
	)
	e.mustImport("User ID,Role,First Name,Last Name,Username",
		"S5,Student,Jane,Smith,",
		"S6,Student,Jim,SMITH,",
		"S7,Student,Zoe,Park,JSMITH4", // typed: reserved before any is generated
		"S8,Student,Joe,Smith,")
	// Names with no ASCII folding take their User ID (issue 13 item 9): never "user",
	// and the same on every import. A base shorter than three characters gets a digit.
	for id, want := range map[string]string{
		"S1": "jsmith", "S2": "jnunez", "S3": "aobrienlukasz", "S4": "s42", "S2001": "s2001",
		"S5": "jsmith2", "S6": "jsmith3", "S7": "JSMITH4", "S8": "jsmith5",
	} {
		if got := e.user(id).Username; got != want {
			t.Errorf("username of %s = %q, want %q", id, got, want)
		}
	}
}

// TestPasswordsNeverLeak checks that temporary passwords reach the Completed File and
// work, and that a typed password is in no download nor, as plaintext, in the database
// or its WAL.
func TestPasswordsNeverLeak(t *testing.T) {
	e := newEnv(t)
	const typed, typedFailed = "Sunflower42x", "Tulip9876Kx"
	data := csvOf("User ID,Role,First Name,Last Name,Password",
		"S1,Student,Ava,Johnson,"+typed,
		"S2,Student,Noah,Smith,",
		"S3,Student,L1am,Nguyen,"+typedFailed) // fails on its name, so never hashed
	res := e.upload("pw.csv", data, e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Applied != 2 {
		t.Fatalf("Import = %s %+v %q", res.Status, res.Counts, res.Notes)
	}

	completed := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
	pws := column(t, completed, "Password")
	names := column(t, completed, "Username")
	if pws[0] != "" {
		t.Errorf("Completed File shows %q for the typed password, want blank", pws[0])
	}
	temp := pws[1]
	if len(temp) < 12 {
		t.Fatalf("temporary password %q: want at least 12 characters", temp)
	}
	if a := e.user("S2"); a.Password != core.PasswordTemporary || !a.IssuedAt.Equal(t0) {
		t.Errorf("S2 password = %s issued %v, want temporary issued %v", a.Password, a.IssuedAt, t0)
	}
	if a := e.user("S1"); a.Password != core.PasswordPermanent {
		t.Errorf("S1 password = %s, want permanent", a.Password)
	}
	for _, tt := range []struct {
		user, pw string
		want     engine.AuthStatus
	}{
		{names[1], temp, engine.AuthChangeRequired},
		{names[0], typed, engine.AuthOK},
		{names[1], temp + "x", engine.AuthRefused},
	} {
		got, err := e.svc.Authenticate(e.ctx, tt.user, tt.pw)
		if err != nil || got.Status != tt.want {
			t.Errorf("Authenticate(%q, %q) = %+v, %v, want %v", tt.user, tt.pw, got, err, tt.want)
		}
	}

	secrets := []string{typed, typedFailed}
	for _, kind := range []core.FileKind{core.FileUploaded, core.FileCompleted, core.FileError} {
		for _, f := range []core.Format{core.FormatCSV, core.FormatXLSX} {
			b := e.fileBytes(res.Upload, kind, f)
			text := string(b)
			if f == core.FormatXLSX {
				var cells []string
				for _, r := range xlsxRows(t, b) {
					cells = append(cells, r...)
				}
				text = strings.Join(cells, "\x00")
			}
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s file (%s) contains the typed password %q", kind, f, s)
				}
			}
			if kind != core.FileCompleted && strings.Contains(text, temp) {
				t.Errorf("%s file (%s) contains the temporary password", kind, f)
			}
		}
	}
	if !textPattern(core.PasswordRemoved).MatchString(e.errorCells(res.Upload)["S3"]) {
		t.Errorf("Error cell of S3 = %q, want PASSWORD_REMOVED", e.errorCells(res.Upload)["S3"])
	}
	for _, n := range res.Notes {
		for _, s := range secrets {
			if strings.Contains(n, s) {
				t.Errorf("note %q contains a typed password", n)
			}
		}
	}
	for _, p := range []string{e.path, e.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, s := range append(secrets, temp) {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the password %q in plaintext", filepath.Base(p), s)
			}
		}
	}
}

// editCSV rewrites a downloaded CSV table (header first) with fn and returns its bytes.
func editCSV(t *testing.T, rows [][]string, fn func(header []string, row []string)) []byte {
	t.Helper()
	for _, r := range rows[1:] {
		fn(rows[0], r)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(header, row []string, col, v string) {
	if i := indexOf(header, col); i >= 0 {
		row[i] = v
	}
}

func get(header, row []string, col string) string {
	if i := indexOf(header, col); i >= 0 && i < len(row) {
		return row[i]
	}
	return ""
}

func TestErrorFileReimport(t *testing.T) {
	e := newEnv(t)
	res := e.upload("fall.csv", csvOf(
		"User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Grade Level",
		"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,SCI,Science,3",
		"S1,Student,Ava,Johnson,,SCI,,",
		"S2,Student,Noah,,,SCI,,",                  // fails: no last name; SCI was created by row 2
		"S1,Student,Ava,Johnson,,ART,Art,thirteen", // fails: bad grade; S1 and ART are created by other rows
		"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,ART,,",
	), e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Applied != 3 || res.Failed != 2 || res.UsersCreated != 2 || res.ClassesCreated != 2 {
		t.Fatalf("first import = %s %+v %q", res.Status, res.Counts, res.Notes)
	}
	rows := e.table(res.Upload, core.FileError, core.FormatCSV)
	s1, sci, art := e.user("S1").GUID, e.classes(e.schoolA)["SCI"].GUID, e.classes(e.schoolA)["ART"].GUID
	for _, r := range rows[1:] {
		switch uid := get(rows[0], r, "User ID"); {
		case uid == "S1" && (get(rows[0], r, "User GUID") != s1 || get(rows[0], r, "Class GUID") != art):
			t.Errorf("Error File row of S1 has User GUID %q and Class GUID %q, want %s and %s (created by other rows)",
				get(rows[0], r, "User GUID"), get(rows[0], r, "Class GUID"), s1, art)
		case uid == "S2" && (get(rows[0], r, "User GUID") != "" || get(rows[0], r, "Class GUID") != sci):
			t.Errorf("Error File row of S2 has Class GUID %q, want SCI's %s", get(rows[0], r, "Class GUID"), sci)
		}
	}

	// Fix the cells, keep the Error column, upload the Error File itself.
	fixed := editCSV(t, rows, func(h, r []string) {
		if get(h, r, "User ID") == "S2" {
			set(h, r, "Last Name", "Smith")
		}
		if get(h, r, "Class ID") == "ART" {
			set(h, r, "Class Grade Level", "3")
		}
	})
	res = e.upload("fall_errors.csv", fixed, e.schoolA, admin)
	if res.Status != core.StatusCompleted || res.Warnings != 0 {
		t.Fatalf("re-import of the fixed Error File = %s %+v %q, want Completed without warnings", res.Status, res.Counts, res.Notes)
	}
	if res.UsersCreated != 1 || res.UsersUpdated != 0 || res.ClassesCreated != 0 || res.EnrollmentsAdded != 2 {
		t.Errorf("re-import counts = %+v, want S2 created, S1 only enrolled (its cells are as stored), no class created, 2 enrollments", res.Counts)
	}
	accts := e.accounts(e.schoolA)
	if len(accts) != 3 {
		t.Errorf("%d users after re-import, want 3 (no duplicates)", len(accts))
	}
	classes := e.classes(e.schoolA)
	if len(classes) != 2 || classes["SCI"].Students != 2 || classes["ART"].Students != 1 || classes["ART"].Teachers != 1 || classes["ART"].Grade != "3" {
		t.Errorf("classes after re-import = %+v, want SCI with 2 students and ART with S1 and T1", classes)
	}
}

func TestExportEditReimport(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,", "S2,Student,Noah,Smith,,READ,")...)
	for _, f := range []core.Format{core.FormatCSV, core.FormatXLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := e.svc.ExportUsers(e.ctx, admin, &buf, f, e.schoolA.ID); err != nil {
				t.Fatal(err)
			}
			var rows [][]string
			if f == core.FormatXLSX {
				rows = xlsxRows(t, buf.Bytes())
			} else {
				rows = csvRows(t, buf.Bytes(), ',')
			}
			if len(rows) != 5 || !slices.Equal(rows[0], core.TemplateHeaders(core.ModeAdmin)[:9]) {
				t.Fatalf("export = %q, want columns A–I and 4 users", rows)
			}
			data := editCSV(t, rows, func(h, r []string) {
				if get(h, r, "User ID") == "S2" {
					set(h, r, "Last Name", "Smith-"+string(f))
				}
			})
			res := e.upload("export.csv", data, e.schoolA, admin)
			if res.Status != core.StatusCompleted || res.UsersUpdated != 1 || res.UsersCreated != 0 {
				t.Errorf("re-import of the export = %s %+v %q, want 1 user updated (S2; the others are as stored)", res.Status, res.Counts, res.Notes)
			}
			if got := e.user("S2").LastName; got != "Smith-"+string(f) {
				t.Errorf("S2's last name = %q, want the edited one", got)
			}
			if a := e.user("S1"); a.Password != core.PasswordTemporary {
				t.Errorf("S1's password = %s after re-importing a blank Password, want it kept (temporary)", a.Password)
			}
		})
	}
}

func TestCheckIsDryRun(t *testing.T) {
	lines := append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,",
		"S2,Student,Noah,,,READ,",
		"S3,Student,Liam,Nguyen,,ART,Art")
	for _, tt := range []struct {
		name  string
		setup bool
	}{{"OKEmptyDatabase", false}, {"OKUpdates", true}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.setup {
				e.mustImport(classTeachers...)
			}
			before := e.accounts(core.School{})
			hist, _ := e.svc.History(e.ctx, admin, engine.HistoryFilter{})
			req := engine.UploadRequest{FileName: "r.csv", Data: csvOf(lines...), SchoolID: e.schoolA.ID, Actor: admin}
			dry, err := e.svc.Check(e.ctx, req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.accounts(core.School{}); !reflect.DeepEqual(got, before) {
				t.Errorf("Check changed the users: %d before, %d after", len(before), len(got))
			}
			if h, _ := e.svc.History(e.ctx, admin, engine.HistoryFilter{}); len(h) != len(hist) {
				t.Errorf("Check added %d uploads to the history", len(h)-len(hist))
			}
			if dry.Upload != 0 {
				t.Errorf("Check returned upload %d, want 0", dry.Upload)
			}
			real := e.upload("r.csv", req.Data, e.schoolA, admin)
			real.Upload = 0
			if real.Applied == 0 && dry.Message != "" {
				// A check words "no row applied" without an Error File: TestCheckNoRowApplied.
				dry.Message = real.Message
			}
			if !reflect.DeepEqual(dry, real) {
				t.Errorf("Check = %+v\nImport = %+v\nwant the same", dry, real)
			}
		})
	}
}

func TestUploadedFileKeepsFormat(t *testing.T) {
	e := newEnv(t)
	t.Run("SemicolonCSV", func(t *testing.T) {
		data := []byte("\ufeffUser ID;Role;First Name;Last Name;Password;Nickname\r\nS1;Student;Ava;Johnson;;Avi\r\nS2;Student;Noah;;Secret123x;\r\n")
		res := e.upload("semi.csv", data, e.schoolA, admin)
		b := e.fileBytes(res.Upload, core.FileUploaded, "")
		rows := csvRows(t, b, ';')
		want := [][]string{
			{"User ID", "Role", "First Name", "Last Name", "Password", "Nickname"},
			{"S1", "Student", "Ava", "Johnson", "", "Avi"},
			{"S2", "Student", "Noah", "", "", ""},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("Uploaded File = %q, want %q (semicolons kept, passwords emptied)", rows, want)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		for i, r := range [][]any{
			{"User ID", "Role", "First Name", "Last Name", "Class ID", "Class Name", "Email"},
			{"007", "Teacher", "Maria", "Garcia", "MATH", "Math", "mgarcia@lincoln.example.org"},
			{"0042", "Student", "Ava", "Johnson", "MATH"},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		res := e.upload("roster.xlsx", buf.Bytes(), e.schoolA, admin)
		if res.Status != core.StatusCompleted {
			t.Fatalf("Import = %s %q", res.Status, res.Notes)
		}
		up := e.fileBytes(res.Upload, core.FileUploaded, "")
		if !bytes.HasPrefix(up, []byte("PK\x03\x04")) {
			t.Fatalf("Uploaded File of an XLSX upload is not a workbook: %q", up[:min(len(up), 20)])
		}
		if got := xlsxRows(t, up); got[1][0] != "007" || got[2][0] != "0042" {
			t.Errorf("Uploaded File = %q, want the IDs with their leading zeros", got)
		}
		// The Completed File as XLSX holds the same cells as the CSV download.
		x := e.table(res.Upload, core.FileCompleted, core.FormatXLSX)
		c := e.table(res.Upload, core.FileCompleted, core.FormatCSV)
		for i := range c {
			for len(x[i]) < len(c[i]) {
				x[i] = append(x[i], "") // excelize drops trailing blank cells
			}
		}
		if !reflect.DeepEqual(x, c) {
			t.Errorf("Completed File XLSX = %q\nCSV = %q, want the same cells", x, c)
		}
		if _, ok := e.accounts(core.School{})["0042"]; !ok {
			t.Errorf("no user 0042: the leading zeros were lost")
		}
	})
}

// TestGolden imports the rosters of testdata/engine (not testdata/rosters, whose every
// file core/roster dumps in admin mode for its own golden test) and compares a canonical
// dump of the result and of the Completed and Error files with
// testdata/golden/engine/<case>.txt. Run go test ./core/engine -update to rewrite them.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name    string
		file    string
		setup   []string
		teacher string
	}{
		{name: "mixed", file: "engine_mixed.csv"},
		{name: "teacher", file: "engine_teacher.csv", teacher: "T1",
			setup: append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,")},
		{name: "xlsx", file: "engine_fall.xlsx"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.setup != nil {
				e.mustImport(tt.setup...)
			}
			actor := admin
			if tt.teacher != "" {
				actor = e.teacher(tt.teacher)
			}
			data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "engine", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(time.Minute)
			res := e.upload(tt.file, data, e.schoolA, actor)
			up, err := e.svc.Upload(e.ctx, admin, res.Upload)
			if err != nil {
				t.Fatal(err)
			}
			var d dumper
			d.line("file: %s (%s) by %s, uploaded %s, finished %s", up.FileName, up.Format, up.UploadedBy,
				up.UploadedAt.Format("2006-01-02T15:04:05Z07:00"), up.FinishedAt.Format("2006-01-02T15:04:05Z07:00"))
			d.result(res)
			for _, k := range []core.FileKind{core.FileCompleted, core.FileError} {
				if up.HasFile(k) {
					d.table(string(k), e.table(res.Upload, k, core.FormatCSV))
				}
			}
			golden(t, tt.name+".txt", d.b.String())
		})
	}
}

// TestNewGUIDsAscend: new users' GUIDs are random version-4 GUIDs (SPEC §3.5), handed
// out in ascending order in the order the users are created (their ids), so the GUID
// index is written in order. A failed row in between does not break the order.
func TestNewGUIDsAscend(t *testing.T) {
	e := newEnv(t)
	lines := []string{"User ID,Role,First Name,Last Name"}
	for i := 1; i <= 60; i++ {
		last := "Lima" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		if i == 30 {
			last = "" // fails: a last name is required
		}
		// The User IDs are not in file order: creation order is not the file's.
		lines = append(lines, fmt.Sprintf("S%02d,Student,Ana,%s", (i*37)%61, last))
	}
	if res := e.upload("many.csv", csvOf(lines...), e.schoolA, admin); res.Applied != 59 {
		t.Fatalf("import: %+v, want 59 rows applied", res)
	}
	var as []core.Account
	for _, a := range e.accounts(e.schoolA) {
		as = append(as, a)
	}
	slices.SortFunc(as, func(a, b core.Account) int { return int(a.ID - b.ID) })
	if len(as) != 59 {
		t.Fatalf("%d users, want 59", len(as))
	}
	prev := ""
	for _, a := range as {
		u, err := uuid.Parse(a.GUID)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Errorf("%s: GUID %q is not a version-4 GUID (%v)", a.UserID, a.GUID, err)
		}
		if a.GUID <= prev {
			t.Errorf("%s (id %d): GUID %s does not follow %s", a.UserID, a.ID, a.GUID, prev)
		}
		prev = a.GUID
	}
}

// TestCheckNoRowApplied: a check of a file where no row can be applied says so, without
// the upload's advice to download an Error File a check does not have; the upload of
// the same file gives that advice.
func TestCheckNoRowApplied(t *testing.T) {
	e := newEnv(t)
	req := engine.UploadRequest{FileName: "r.csv", Data: csvOf("User ID,Role,First Name,Last Name", "S5,Student,Sam,"), SchoolID: e.schoolA.ID, Actor: admin}
	dry, err := e.svc.Check(e.ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (core.Issue{Code: core.FileNoRowApplied}).Problem(); dry.Status != core.StatusFailed || dry.Message != want {
		t.Errorf("Check = %s %q, want Failed %q", dry.Status, dry.Message, want)
	}
	real := e.upload("r.csv", req.Data, e.schoolA, admin)
	if want := (core.Issue{Code: core.FileNoRowApplied}).Text(); real.Status != core.StatusFailed || real.Message != want || !strings.Contains(want, "Error File") {
		t.Errorf("Import = %s %q, want Failed %q", real.Status, real.Message, want)
	}
}

// TestTeacherChangesOnlyOwnStudents: a teacher's upload may change only the students of
// the teacher's own classes, as a password reset may. Another teacher's student named by
// Student GUID may be rostered into the teacher's class (the row's other cells blank or
// as stored, as in an Error File), never renamed nor given a password: the red-team round
// found Import Students/Rosters let any teacher set the password of any student of the
// school and sign in as them.
func TestTeacherChangesOnlyOwnStudents(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,", "S5,Student,Eli,Ross,,READ,")...)
	maria := e.teacher("T1")
	s1, s5 := e.user("S1"), e.user("S5")
	math := e.classes(e.schoolA)["MATH"].GUID
	for _, tc := range []struct {
		name, line string
		applied    bool
	}{
		{"ErrRename", s5.GUID + ",S5,Hacked,Ross,,,,", false},
		{"ErrPassword", s5.GUID + ",,,,,Pwned12345X,,", false},
		{"ErrPasswordWhileRostering", s5.GUID + ",S5,Eli,Ross,,Pwned12345X,MATH," + math, false},
		{"ErrUsername", s5.GUID + ",,,,eross2,,,", false},
		{"OKOwnStudent", s1.GUID + ",S1,Avery,Johnson,,,,", true},
		{"OKRosterAsStored", s5.GUID + ",S5,Eli,Ross," + s5.Username + ",,MATH," + math, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.upload("students.csv", csvOf("Student GUID,Student ID,First Name,Last Name,Username,Password,Class ID,Class GUID", tc.line),
				e.schoolA, maria)
			if got := res.Applied == 1; got != tc.applied {
				t.Fatalf("upload %q = %s %q, want applied %v", tc.line, res.Status, res.Notes, tc.applied)
			}
			if !tc.applied && !textPattern(core.UserNotYours).MatchString(strings.Join(res.Notes, "\n")) {
				t.Errorf("upload %q notes %q, want USER_NOT_YOURS", tc.line, res.Notes)
			}
		})
	}
	got := e.user("S5")
	if got.FirstName != "Eli" || got.Username != s5.Username || got.Password != s5.Password {
		t.Errorf("S5 = %s %s (%s), password %v; want Eli, %s, password %v unchanged", got.FirstName, got.LastName, got.Username,
			got.Password, s5.Username, s5.Password)
	}
	if got := e.accounts(e.schoolA)["S5"]; !slices.Contains(got.Classes, "MATH") {
		t.Errorf("S5's classes = %q, want MATH among them (rostered as stored)", got.Classes)
	}
	if a := e.user("S1"); a.FirstName != "Avery" {
		t.Errorf("S1's first name = %q, want Avery (Maria's own student)", a.FirstName)
	}
}

// TestSchoolAdminChangesOnlyOwnSchools: a School Organization Administrator's upload
// may not name by User GUID a user of a school they do not manage: applied, the row would
// change the account and link it to their school, after which every right over it would
// be theirs. The red-team round found a school administrator of one school could so set
// the password of a teacher of another.
func TestSchoolAdminChangesOnlyOwnSchools(t *testing.T) {
	e := newEnv(t)
	res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "b.csv", SchoolID: e.schoolB.ID, Actor: admin,
		Data: csvOf("User ID,Role,First Name,Last Name,Email", "TB,Teacher,Bea,Hart,bhart@washington.example.org")}, nil)
	if err != nil || res.Status != core.StatusCompleted {
		t.Fatalf("setup in school B = %s %q (%v)", res.Status, res.Notes, err)
	}
	e.mustImport("User ID,Role,First Name,Last Name", "SA,Student,Ada,Park")
	sa, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "sadmin", Name: "Sam Lincoln",
		Role: core.OperatorSchoolAdmin, SchoolIDs: []int64{e.schoolA.ID}})
	if err != nil {
		t.Fatal(err)
	}
	schoolAdmin := engine.Actor{Role: core.OperatorSchoolAdmin, OperatorID: sa.ID}
	tb, ada := e.user("TB"), e.user("SA")
	head := "User GUID,User ID,Role,First Name,Last Name,Password"
	if res := e.upload("take.csv", csvOf(head, tb.GUID+",,,Hacked,,Pwned12345X"), e.schoolA, schoolAdmin); res.Applied != 0 ||
		!textPattern(core.UserOtherSchool).MatchString(strings.Join(res.Notes, "\n")) {
		t.Errorf("school admin changing school B's teacher = %s %q, want the row failed with USER_OTHER_SCHOOL", res.Status, res.Notes)
	}
	if got := e.user("TB"); got.FirstName != "Bea" || got.Password != tb.Password {
		t.Errorf("TB = %s, password %v; want Bea, password %v unchanged", got.FirstName, got.Password, tb.Password)
	}
	if _, in := e.accounts(e.schoolA)["TB"]; in {
		t.Errorf("TB was linked to school A")
	}
	if res := e.upload("own.csv", csvOf(head, ada.GUID+",,,Adaline,,"), e.schoolA, schoolAdmin); res.Applied != 1 {
		t.Errorf("school admin changing their own school's student = %s %q, want applied", res.Status, res.Notes)
	}
	// An Organization Administrator links a user to another school, as ever.
	if res := e.upload("link.csv", csvOf(head, tb.GUID+",,,,,"), e.schoolA, admin); res.Applied != 1 {
		t.Errorf("org admin linking school B's teacher to A = %s %q, want applied", res.Status, res.Notes)
	}
}

// TestTakenOwnerNotNamedBeyondReach: a User ID or username that is taken is said to be
// taken, without naming its holder, to a teacher or a School Organization Administrator:
// the red-team round found a teacher could list the name and username of every student
// of the organization with Check File (a dry run leaves no trace), one guessed User ID
// per row. An Organization Administrator still sees who holds it.
func TestTakenOwnerNotNamedBeyondReach(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S5,Student,Eli,Rosswell,,READ,")...)
	sa, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "sadmin", Name: "Sam Lincoln",
		Role: core.OperatorSchoolAdmin, SchoolIDs: []int64{e.schoolB.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		actor  engine.Actor
		school core.School
		named  bool
	}{
		{"Teacher", e.teacher("T1"), e.schoolA, false},
		{"SchoolAdmin", engine.Actor{Role: core.OperatorSchoolAdmin, OperatorID: sa.ID}, e.schoolB, false},
		{"OrgAdmin", admin, e.schoolA, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := []string{"User ID,Role,First Name,Last Name,Username", "S5,Student,Guess,Who,", "S6,Student,Guess,Who," + e.user("S5").Username}
			if tc.actor.TeacherID != 0 {
				lines = []string{"Student ID,First Name,Last Name,Username", "S5,Guess,Who,", "S6,Guess,Who," + e.user("S5").Username}
			}
			res, err := e.svc.Check(e.ctx, engine.UploadRequest{FileName: "guess.csv", Data: csvOf(lines...), SchoolID: tc.school.ID, Actor: tc.actor}, nil)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(res.Notes, "\n")
			if !textPattern(core.UserIDTaken).MatchString(notes) || !textPattern(core.UsernameTaken).MatchString(notes) {
				t.Fatalf("notes %q, want USER_ID_TAKEN and USERNAME_TAKEN", notes)
			}
			if got := strings.Contains(notes, "Rosswell"); got != tc.named {
				t.Errorf("notes %q name the holder: %v, want %v", notes, got, tc.named)
			}
		})
	}
}

// TestSchoolByNameSpacing: a school is found by its name however the spaces inside it
// are typed, as AddSchool stores it with single spaces. Found by the red-team round:
// rosterctl --school "Lincoln  Elementary" (two spaces, pasted from a spreadsheet) said
// there was no such school.
func TestSchoolByNameSpacing(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"Lincoln Elementary", " lincoln  ELEMENTARY ", "Lincoln\u00a0Elementary", "Lincoln\tElementary"} {
		if s, err := e.svc.SchoolByName(e.ctx, admin, name); err != nil || s.ID != e.schoolA.ID {
			t.Errorf("SchoolByName(%q) = %+v, %v; want Lincoln Elementary", name, s, err)
		}
	}
}

// TestUpdatedCountsOnlyChanges: a user counts as updated (in the result, the history and
// rosterctl's output) only when a stored value changes. Rostering a user into a class
// adds an enrollment and updates nobody, whether the row's cells are blank or as
// stored; a change that only a failed row gave is not applied, so not counted; a check
// (dry run) counts what the upload will. Found by the attack round: each such row
// counted as "1 updated".
func TestUpdatedCountsOnlyChanges(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,",
		"S2,Student,Noah,Smith,noah@lincoln.example.org,MATH,",
		"S3,Student,Mia,Chen,,MATH,",
		"S4,Student,Liam,Brown,,MATH,",
		"S5,Student,Zoe,Park,,MATH,",
	)...)
	g := func(id string) string { return e.user(id).GUID }
	read, math := e.classes(e.schoolA)["READ"].GUID, e.classes(e.schoolA)["MATH"].GUID
	data := csvOf("User GUID,User ID,Role,First Name,Last Name,Email,Username,Password,Class ID,Class Start Date,Class GUID",
		g("S1")+",,,,,,,,READ,,"+read, // rostered only, cells blank
		g("S2")+",S2,Student,Noah,Smith,noah@lincoln.example.org,"+e.user("S2").Username+",,READ,,"+read, // as stored
		g("S3")+",,,,Chen-Wu,,,,READ,,"+read,                            // a new last name
		g("S4")+",,,,,liam@lincoln.example.org,,,READ,13/45/2026,"+read, // its only change fails with its row
		g("S4")+",,,,,,,,MATH,,"+math,                                   // already in MATH: applied, nothing added
		g("S5")+",,,,,,,Secret123x,,,",                                  // a new permanent password
	)
	req := engine.UploadRequest{FileName: "roster.csv", Data: data, SchoolID: e.schoolA.ID, Actor: admin}
	check, err := e.svc.Check(e.ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := e.upload("roster.csv", data, e.schoolA, admin)
	want := core.Counts{Rows: 6, Applied: 5, Failed: 1, UsersUpdated: 2, EnrollmentsAdded: 3}
	if res.Status != core.StatusCompletedWithError || res.Counts != want {
		t.Errorf("import = %s %+v %q, want Completed with Errors %+v (S3 and S5 updated; S1, S2, S3 enrolled)", res.Status, res.Counts, res.Notes, want)
	}
	if check.Counts != res.Counts {
		t.Errorf("check counts %+v, import counts %+v: a check counts what the upload does", check.Counts, res.Counts)
	}
	if got := e.user("S3").LastName; got != "Chen-Wu" {
		t.Errorf("S3's last name = %q, want Chen-Wu", got)
	}
	if got := e.user("S4").Email; got != "" {
		t.Errorf("S4's email = %q, want none: only its failed row gave one", got)
	}
	hist, err := e.svc.History(e.ctx, admin, engine.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(hist, func(u core.Upload) bool { return u.ID == res.Upload }); i < 0 || hist[i].UsersUpdated != 2 {
		t.Errorf("history of upload %d = %+v, want 2 users updated", res.Upload, hist)
	}
	// Every applied row is in the Completed File, rostering alone included.
	if rows := e.table(res.Upload, core.FileCompleted, core.FormatCSV); len(rows) != 6 {
		t.Errorf("Completed File has %d rows, want the header and 5 applied rows: %q", len(rows), rows)
	}
}
