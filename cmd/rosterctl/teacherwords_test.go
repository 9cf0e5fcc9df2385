package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTeacherCheckSpeaksOfStudents: rosterctl --teacher import --dry-run (the teacher's
// Check) prints what is wrong with the teacher template's column names and nouns
// ("Student ID", "Student GUID", "student", "Export Students"), as the teacher's file
// says them, and counts students; the administrator's check of the same rows keeps the
// administrator's words.
func TestTeacherCheckSpeaksOfStudents(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	staff := write("staff.csv", "User ID,Role,First Name,Last Name,Email,Username,Class ID,Class Name\r\n"+
		"T1,Teacher,Maria,Garcia,mgarcia@oak.example.org,mgarcia,MATH,Math 3A\r\n")
	mustRun(t, db, append(oakSchool, []string{"import", "--school", "Oak School", staff})...)

	rows := []string{",,Ann,Lee", "not-a-guid,S20,Bo,Ray", ",S30,Cy,Fox"}
	for _, tc := range []struct {
		name, header, role string
		args               []string
		want               []string
	}{
		{"Teacher", "Student GUID,Student ID,First Name,Last Name", "", []string{"--teacher", "mgarcia"}, []string{
			"Dry run (nothing was changed): Completed with Errors",
			"  Students: 1 created, 0 updated. Classes: 0 created. Enrollments: 0 added.",
			"  Row 2: Student ID is missing. Type the student's ID from your student information system (letters and digits).",
			`  Row 3: "not-a-guid" is not a valid Student GUID. Leave Student GUID blank to create a new student, or copy the GUID exactly from an Export Students file.`,
		}},
		{"Admin", "User GUID,User ID,Role,First Name,Last Name", "Student,", nil, []string{
			"Dry run (nothing was changed): Completed with Errors",
			"  Users: 1 created, 0 updated. Classes: 0 created. Enrollments: 0 added.",
			"  Row 2: User ID is missing. Type the user's ID from your student information system (letters and digits).",
			`  Row 3: "not-a-guid" is not a valid User GUID. Leave User GUID blank to create a new user, or copy the GUID exactly from an Export Teachers & Students file.`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := []string{tc.header}
			for _, r := range rows {
				f := strings.SplitN(r, ",", 3)
				lines = append(lines, f[0]+","+f[1]+","+tc.role+f[2])
			}
			file := write(tc.name+".csv", strings.Join(lines, "\r\n")+"\r\n")
			args := append([]string{"import", "--school", "Oak School", "--dry-run", "--db", db}, tc.args...)
			code, stdout, stderr := runInProcess(t, "", append(args, file)...)
			if code != exitCompletedErrs {
				t.Fatalf("rosterctl %q = %d, %q %q; want %d", args, code, stdout, stderr, exitCompletedErrs)
			}
			got := strings.Split(stdout, "\n")
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("rosterctl %q printed:\n%s\nwant the line %q", args, stdout, w)
				}
			}
		})
	}
}
