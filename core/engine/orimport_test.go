package engine_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
)

// districtFiles returns the files of testdata/oneroster/district, a package shaped like
// a district SIS's export (see its README), by name.
func districtFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "oneroster", "district")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// zipOf packs files into a zip, in name order.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err == nil {
			_, err = w.Write([]byte(files[n]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// district returns a catalogue case's file: the district package, changed by change.
func district(change func(f map[string]string)) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		files := districtFiles(t)
		if change != nil {
			change(files)
		}
		return zipOf(t, files)
	}
}

// replace changes old to new in file f of a package, failing when old is not there.
func replace(f map[string]string, file, old, new string) {
	if !strings.Contains(f[file], old) {
		panic(file + " has no " + old)
	}
	f[file] = strings.Replace(f[file], old, new, 1)
}

// withoutE09 drops the district's enrollment in a class that is not in classes.csv.
func withoutE09(f map[string]string) {
	replace(f, oneroster.EnrollmentsFile, "E09,,,CL-9,S-LIN,U-S4,student,false,2026-08-25,2027-06-10\r\n", "")
}

// The catalogue entries of OneRoster packages, each reported by uploading a package
// into Lincoln Elementary (TestCatalog runs them with the others).
func init() {
	catalogCases = append(catalogCases,
		catalogCase{code: core.FileOneRosterZip, name: "district.zip", data: func(t *testing.T) []byte {
			files := districtFiles(t)
			files["../../manifest.csv"] = files[oneroster.ManifestFile]
			return zipOf(t, files)
		}},
		catalogCase{code: core.FileOneRosterNotPackage, name: "district.zip", data: district(func(f map[string]string) { delete(f, oneroster.ManifestFile) })},
		catalogCase{code: core.FileOneRosterDelta, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.ManifestFile, "file.users,bulk", "file.users,delta")
		})},
		catalogCase{code: core.FileOneRosterVersion, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.ManifestFile, "oneroster.version,1.1", "oneroster.version,1.2")
		})},
		catalogCase{code: core.FileOneRosterFile, name: "district.zip", data: district(func(f map[string]string) { delete(f, oneroster.ClassesFile) })},
		catalogCase{code: core.FileOneRosterColumn, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.UsersFile, "givenName", "firstName")
		})},
		catalogCase{code: core.FileOneRosterUnreadable, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.UsersFile, "U-S2,,,true,S-LIN", `U-S2,,,true,"S-LIN`)
		})},
		catalogCase{code: core.FileOneRosterNoSchool, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.OrgsFile, "Lincoln Elementary,school", "Lincoln Elementary,department")
			replace(f, oneroster.OrgsFile, "Roosevelt Middle,school", "Roosevelt Middle,department")
		})},
		catalogCase{code: core.FileOneRosterSchool, name: "district.zip", data: district(func(f map[string]string) {
			replace(f, oneroster.OrgsFile, "Lincoln Elementary", "Lincoln ES")
		})},
		catalogCase{code: core.FileOneRosterEmpty, name: "district.zip", data: district(func(f map[string]string) {
			f[oneroster.UsersFile] = strings.SplitAfter(f[oneroster.UsersFile], "\n")[0]
			f[oneroster.EnrollmentsFile] = strings.SplitAfter(f[oneroster.EnrollmentsFile], "\n")[0]
		})},
		catalogCase{code: core.WarnOneRoster, name: "district.zip", data: district(withoutE09)},

		catalogCase{code: core.OneRosterClassMissing, name: "district.zip", on: "S2004", data: district(nil)},
		catalogCase{code: core.OneRosterUserMissing, name: "district.zip", data: district(func(f map[string]string) {
			f[oneroster.EnrollmentsFile] += "E13,,,CL-1,S-LIN,U-404,student,,,\r\n"
		})},
		catalogCase{code: core.OneRosterSchoolMissing, name: "district.zip", on: "S2004", data: district(func(f map[string]string) {
			replace(f, oneroster.ClassesFile, `scheduled,Room 5,S-LIN,`, `scheduled,Room 5,S-9,`)
		})},
		catalogCase{code: core.OneRosterTermMissing, name: "district.zip", on: "S2003", data: district(func(f map[string]string) {
			replace(f, oneroster.ClassesFile, "S-LIN,F26,English", "S-LIN,W27,English")
		})},
		catalogCase{code: core.OneRosterTermDates, name: "district.zip", on: "S2003", data: district(func(f map[string]string) {
			replace(f, oneroster.AcademicSessionsFile, "Fall 2026,term,2026-08-25", "Fall 2026,term,2026-13-45")
		})},
		catalogCase{code: core.OneRosterClassID, name: "district.zip", on: "S2003", data: district(func(f map[string]string) {
			replace(f, oneroster.ClassesFile, "CL-3,,,Reading K,KG,CO-2,RK-1,", "CL 3,,,Reading K,KG,CO-2,RK 1,")
			replace(f, oneroster.EnrollmentsFile, "E08,,,CL-3,", "E08,,,CL 3,")
		})},
		catalogCase{code: core.OneRosterUserIDShared, name: "district.zip", on: "S2002", data: district(func(f map[string]string) {
			replace(f, oneroster.UsersFile, "{Local:S2001},Ava,Johnson,Marie,S2001,", "{Local:S2002},Ava,Johnson,Marie,S2002,")
		})},
		catalogCase{code: core.OneRosterDuplicateID, name: "district.zip", on: "S2002", data: district(func(f map[string]string) {
			f[oneroster.UsersFile] += "U-S2,,,true,S-LIN,student,nsmith2,{Local:S2102},Nora,Smith,,S2102,,,,,03,,\r\n"
		})},
	)
}

// TestImportOneRosterDistrict imports the district SIS package into Lincoln Elementary:
// Lincoln's 9 rows (8 applied, E09 failing because its class CL-9 is not in classes.csv),
// Roosevelt, the parent and the administrator skipped with a count in the notes, the
// Uploaded File a template table of the rows, the Error File naming the package line.
// Importing it again changes nothing and fails no existing class.
func TestImportOneRosterDistrict(t *testing.T) {
	e := newEnv(t)
	pkg := zipOf(t, districtFiles(t))
	// Check File first: the same outcome, nothing written.
	dry, err := e.svc.Check(e.ctx, engine.UploadRequest{FileName: "district.zip", Data: pkg, SchoolID: e.schoolA.ID, Actor: admin}, nil)
	if err != nil || dry.Status != core.StatusCompletedWithError || dry.Applied != 8 || dry.UsersCreated != 6 || len(e.accounts(core.School{})) != 0 {
		t.Fatalf("Check = %+v, %v; want 8 of 9 rows, 6 users to create, none created", dry, err)
	}
	res := e.upload("district.zip", pkg, e.schoolA, admin)
	want := core.Counts{Rows: 9, Applied: 8, Failed: 1, UsersCreated: 6, ClassesCreated: 3, EnrollmentsAdded: 8, Warnings: res.Warnings}
	if res.Status != core.StatusCompletedWithError || res.Counts != want {
		t.Fatalf("Import = %s %+v %q, want Completed with Errors %+v", res.Status, res.Counts, res.Notes, want)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, w := range []string{
		"Warning: Read from the OneRoster package: Only Lincoln Elementary was read; the package's other school was skipped.",
		"2 students and teachers of other schools only were skipped",
		"users who are neither students nor teachers",
		`Row 10 (enrollments.csv line 10): The class "CL-9" (classSourcedId) is not in classes.csv.`,
	} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}

	// The users and classes as Lincoln's rows made them.
	accounts := e.accounts(e.schoolA)
	for id, want := range map[string]string{"T1001": "Teacher Maria Garcia  mgarcia@springfield.example.org", "T1002": "Teacher James O'Connor  joconnor@springfield.example.org",
		"S2001": "Student Ava Johnson 3 ", "S2003": "Student Sofía Hernández K ", "S2004": "Student Liam Nguyen 1 "} {
		a := accounts[id]
		if got := strings.Join([]string{string(a.Role), a.FullName(), a.Grade, a.Email}, " "); got != want {
			t.Errorf("user %s = %q, want %q", id, got, want)
		}
	}
	if len(accounts) != 6 {
		t.Errorf("Lincoln has %d users, want 6", len(accounts))
	}
	if n := len(e.accounts(e.schoolB)); n != 0 {
		t.Errorf("Washington Middle has %d users, want none", n)
	}
	classes := e.classes(e.schoolA)
	for id, want := range map[string]string{
		"CL-1": "Math 3 - Section 1|3|2026-08-25|2027-06-10|Maria Garcia|2|1",
		"CL-2": "Math 3 - Section 2|3|2026-08-25|2027-06-10|Maria Garcia|1|2",
		"RK-1": "Reading K|K|2026-08-25|2027-01-15|James O'Connor|1|1",
	} {
		c := classes[id]
		got := strings.Join([]string{c.Name, c.Grade, c.Start, c.End, c.Teacher, itoa(c.Students), itoa(c.Teachers)}, "|")
		if got != want {
			t.Errorf("class %s = %q, want %q", id, got, want)
		}
	}

	// The Uploaded File is the translated rows in the template's columns.
	up := e.table(res.Upload, core.FileUploaded, "")
	if len(up) != 10 || strings.Join(up[0], ",") != strings.Join(core.TemplateHeaders(core.ModeAdmin), ",") {
		t.Fatalf("Uploaded File = %q, want the template header and 9 rows", up)
	}
	if got := strings.Join(up[1], ","); got != ",T1001,Teacher,Maria,Garcia,,mgarcia@springfield.example.org,mgarcia@springfield.example.org,,CL-1,Math 3 - Section 1,3,2026-08-25,2027-06-10,," {
		t.Errorf("Uploaded File row 2 = %q", got)
	}

	// The Error File: Liam's row in class CL-9, naming the package's line, and fixable.
	errs := e.table(res.Upload, core.FileError, core.FormatCSV)
	if len(errs) != 2 {
		t.Fatalf("Error File = %q, want one row", errs)
	}
	row := errs[1]
	if cell := row[len(row)-1]; !strings.HasPrefix(cell, `From enrollments.csv line 10: The class "CL-9" (classSourcedId) is not in classes.csv.`) {
		t.Errorf("Error cell = %q", cell)
	}
	if row[1] != "S2004" || row[9] != "" {
		t.Errorf("Error File row = %q, want Liam's cells and no Class ID", row)
	}
	// Its User GUID is Liam's, whom E06 created; uploaded again as it is (a CSV, the
	// Error column ignored), the row adds nothing new and applies.
	if row[0] != e.user("S2004").GUID {
		t.Errorf("Error File User GUID = %q, want Liam's %s", row[0], e.user("S2004").GUID)
	}
	if res := e.upload("district_errors.csv", e.fileBytes(res.Upload, core.FileError, core.FormatCSV), e.schoolA, admin); res.Status != core.StatusCompleted || res.Applied != 1 || res.UsersCreated != 0 {
		t.Errorf("the Error File uploaded again = %s %+v %q, want Completed, 1 row applied, no user created", res.Status, res.Counts, res.Notes)
	}

	// The same package again: every user is found by User ID and every class by its
	// Class ID, so nothing is created twice and no class fails for existing.
	again := e.upload("district.zip", pkg, e.schoolA, admin)
	if again.Status != core.StatusCompletedWithError || again.Applied != 8 || again.UsersCreated != 0 || again.ClassesCreated != 0 || again.EnrollmentsAdded != 0 {
		t.Errorf("second import = %s %+v %q, want the same 8 rows applied, nothing created", again.Status, again.Counts, again.Notes)
	}
}

// TestOneRosterRoundTripImport exports Lincoln as a OneRoster package, uploads that zip
// into a fresh database, and exports again: apart from the GUIDs the new database
// makes, the two packages are the same (users, classes, primary teachers, enrollments,
// terms, courses). Uploading the first package into the database it came from updates
// every user by GUID and joins every class, creating nothing.
func TestOneRosterRoundTripImport(t *testing.T) {
	ctx := context.Background()
	svc := sampleService(t)
	lincoln := schoolNamed(t, svc, "Lincoln Elementary")
	first := exportOneRoster(t, svc, lincoln.ID, engine.Owner("Test"))

	samePackages(t, first, importFresh(t, "lincoln.zip", first))

	again, err := svc.Import(ctx, engine.UploadRequest{FileName: "lincoln.zip", Data: first, SchoolID: lincoln.ID, Actor: engine.Owner("Test")}, nil)
	if err != nil || again.Status != core.StatusCompleted || again.UsersCreated != 0 || again.ClassesCreated != 0 || again.EnrollmentsAdded != 0 {
		t.Errorf("the package into its own database = %+v, %v; want Completed, nothing created", again, err)
	}
}

// TestImportOneRosterHostileZips: a package is opened as an uploaded workbook is, and
// what a hostile or broken zip holds fails the upload before anything is read, with
// the reason in plain words. __MACOSX/ and .DS_Store are ignored.
func TestImportOneRosterHostileZips(t *testing.T) {
	member := func(name string, data []byte) func(*zip.Writer) error {
		return func(zw *zip.Writer) error {
			w, err := zw.Create(name)
			if err == nil {
				_, err = w.Write(data)
			}
			return err
		}
	}
	build := func(t *testing.T, extra ...func(*zip.Writer) error) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		files := districtFiles(t)
		withoutE09(files)
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := member(n, []byte(files[n]))(zw); err != nil {
				t.Fatal(err)
			}
		}
		for _, add := range extra {
			if err := add(zw); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name  string
		extra []func(*zip.Writer) error
		data  []byte
		code  core.Code // "": the upload is Completed
		want  string
	}{
		{name: "Junk", extra: []func(*zip.Writer) error{member("__MACOSX/._users.csv", []byte{0, 5, 22, 7}), member(".DS_Store", []byte{0, 0, 0, 1})}},
		{name: "Bomb", extra: []func(*zip.Writer) error{member("notes.csv", bytes.Repeat([]byte{','}, 64<<20))},
			code: core.FileTooBig, want: "over 250 times its size"},
		{name: "DeclaredHuge", extra: []func(*zip.Writer) error{func(zw *zip.Writer) error {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "big.csv", Method: zip.Deflate, CompressedSize64: 5, UncompressedSize64: 2 << 30})
			if err == nil {
				_, err = w.Write([]byte{1, 2, 3, 4, 5})
			}
			return err
		}}, code: core.FileTooBig, want: "over 250 times its size"},
		{name: "Traversal", extra: []func(*zip.Writer) error{member("../users.csv", []byte("x"))},
			code: core.FileOneRosterZip, want: "outside its folder"},
		{name: "Absolute", extra: []func(*zip.Writer) error{member("/etc/users.csv", []byte("x"))},
			code: core.FileOneRosterZip, want: "outside its folder"},
		{name: "Duplicate", extra: []func(*zip.Writer) error{member("users.csv", []byte("x"))},
			code: core.FileOneRosterZip, want: "two files in it have the same name"},
		{name: "DuplicateInOtherCase", extra: []func(*zip.Writer) error{member("USERS.csv", []byte("x"))},
			code: core.FileOneRosterZip, want: "two files in it have the same name"},
		{name: "Nested", extra: []func(*zip.Writer) error{member("inner.zip", []byte("PK\x03\x04"))},
			code: core.FileOneRosterZip, want: "another zip archive"},
		{name: "NestedRenamed", data: func() []byte {
			files := districtFiles(t)
			withoutE09(files)
			files[oneroster.AcademicSessionsFile] = string(zipOf(t, map[string]string{"a.csv": "x"}))
			return zipOf(t, files)
		}(), code: core.FileOneRosterZip, want: "another zip archive"},
		{name: "NotAZip", data: []byte("sourcedId,status\r\n"), code: core.FileOneRosterZip, want: "it is not a zip archive"},
		{name: "Truncated", data: build(t)[:2000], code: core.FileOneRosterZip, want: "damaged or incomplete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			data := tc.data
			if data == nil {
				data = build(t, tc.extra...)
			}
			res := e.upload("district.zip", data, e.schoolA, admin)
			if tc.code == "" {
				if res.Status != core.StatusCompleted || res.Applied != 8 {
					t.Errorf("Import = %s %+v %q, want Completed with 8 rows", res.Status, res.Counts, res.Notes)
				}
				return
			}
			if res.Status != core.StatusFailed || !textPattern(tc.code).MatchString(res.Message) || !strings.Contains(res.Message, tc.want) {
				t.Errorf("Import = %s %q, want Failed with %s saying %q", res.Status, res.Message, tc.code, tc.want)
			}
			if n := len(e.accounts(core.School{})); n != 0 {
				t.Errorf("a refused package left %d users", n)
			}
		})
	}
}

// TestImportOneRosterPasswordsAndTeacher: a password in users.csv is never imported (the
// new student gets a temporary password, and neither the Uploaded File nor the Completed
// File holds the package's), and a teacher's upload (Import Students/Rosters) of a
// district's package takes only students, of the teacher's own classes.
func TestImportOneRosterPasswordsAndTeacher(t *testing.T) {
	e := newEnv(t)
	// The district's teachers, and Reading K of James O'Connor, exist already.
	e.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Grade Level",
		"T1001,Teacher,Maria,Garcia,mgarcia@springfield.example.org,,,",
		"T1002,Teacher,James,O'Connor,joconnor@springfield.example.org,RK-1,Reading K,K")
	files := districtFiles(t)
	withoutE09(files)
	replace(files, oneroster.UsersFile, "S2003,,,,,KG,,", "S2003,,,,,KG,Secret2026x,")
	pkg := zipOf(t, files)

	res := e.upload("district.zip", pkg, e.schoolA, e.teacher("T1002"))
	// James teaches Math 3 - Section 2 (with Maria) and Reading K: Liam and Sofía.
	if res.Status != core.StatusCompleted || res.Rows != 2 || res.UsersCreated != 2 || res.ClassesCreated != 1 {
		t.Fatalf("teacher's import = %s %+v %q %q, want Completed: 2 rows, 2 students and 1 class created", res.Status, res.Counts, res.Message, res.Notes)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, w := range []string{"teachers were skipped: Import Students/Rosters imports students only",
		"1 class of another teacher was skipped", "2 students who are only in other teachers' classes were skipped",
		"The package holds passwords; Rosterdesk never imports them"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
	accounts := e.accounts(e.schoolA)
	if _, ok := accounts["S2001"]; ok {
		t.Errorf("Ava, a student of Maria's class only, was imported by James")
	}
	sofia := accounts["S2003"]
	if sofia.Password != core.PasswordTemporary || !slices.Contains(sofia.Classes, "RK-1") {
		t.Errorf("Sofía = %+v, want a temporary password and class RK-1", sofia)
	}
	if c := e.classes(e.schoolA)["CL-2"]; c.Teacher != "James O'Connor" || c.Students != 1 {
		t.Errorf("class CL-2 = %+v, want James's, with Liam", c)
	}
	for _, kind := range []core.FileKind{core.FileUploaded, core.FileCompleted} {
		rows := e.table(res.Upload, kind, core.FormatCSV)
		if strings.Join(rows[0], ",") != strings.Join(core.TemplateHeaders(core.ModeTeacher), ",") {
			t.Errorf("%s header = %q, want the teacher template's", kind, rows[0])
		}
		for _, r := range rows {
			if slices.Contains(r, "Secret2026x") {
				t.Errorf("%s holds the package's password: %q", kind, r)
			}
		}
	}
}
