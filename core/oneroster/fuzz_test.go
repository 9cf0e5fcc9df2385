package oneroster

import (
	"context"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// FuzzRead feeds arbitrary users.csv, classes.csv and enrollments.csv into an otherwise
// good package. Read must never panic, and whatever it returns must hold together: rows
// numbered from 2, Raw as wide as the template, no password, and a failure only as an
// invalid-package error.
func FuzzRead(f *testing.F) {
	base := sisPackage()
	f.Add(base[UsersFile], base[ClassesFile], base[EnrollmentsFile])
	f.Add("\ufeffsourcedId,orgSourcedIds,role,username,givenName,familyName\r\nU1,S-LIN,student,u,A,B\r", "", "")
	f.Add(base[UsersFile], `sourcedId,title,schoolSourcedId,termSourcedIds
CL-1,"x""y",S-LIN,"F26,,S27,"
`, "classSourcedId,schoolSourcedId,userSourcedId,role\nCL-1,S-LIN,U-S1,TEACHER\nCL-9,S-LIN,U-9,student\n")
	f.Add("sourcedId,orgSourcedIds,role,username,givenName,familyName,password\nU1,S-LIN,student,u,A,B,pw\nU1,S-LIN,teacher,,,,\n", "", "")
	// Cases found by fuzzing:
	f.Add("sourcedId,orgSourcedIds,role,username,givenName,familyName\n\"", "", "")
	f.Fuzz(func(t *testing.T, users, classes, enrollments string) {
		files := sisPackage()
		files[UsersFile] = users
		files[ClassesFile] = classes
		files[EnrollmentsFile] = enrollments
		for _, mode := range []core.Mode{core.ModeAdmin, core.ModeTeacher} {
			res, err := Read(context.Background(), mapFS(files), Options{School: []string{"S-LIN"}, Mode: mode,
				UserExists: func(string) bool { return true }, ClassGUID: func(s, _ string) string { return s }})
			if err != nil {
				if core.ErrorKind(err) != core.KindInvalid || core.ErrorMessage(err) == "" {
					t.Fatalf("Read: %v, want an invalid-package error with a message", err)
				}
				continue
			}
			width := len(core.TemplateColumns(mode))
			for i, r := range res.Rows {
				if r.Line != i+2 || len(r.Raw) != width || r.Cells[core.ColPassword] != "" {
					t.Fatalf("row %d: Line %d, %d raw cells, password %q", i, r.Line, len(r.Raw), r.Cells[core.ColPassword])
				}
				if r.Origin.File != UsersFile && r.Origin.File != EnrollmentsFile || r.Origin.Line < 2 {
					t.Fatalf("row %d: origin %v", i, r.Origin)
				}
				for _, p := range r.Problems {
					if text := p.Text(); strings.Contains(text, "{") && !strings.Contains(p.Value+p.Other, "{") {
						t.Fatalf("row %d: problem text %q", i, text)
					}
				}
			}
		}
	})
}
