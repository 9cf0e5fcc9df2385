package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core/oneroster"
)

// TestExportOneRosterUsage covers the command lines "export oneroster" refuses before
// it opens a database.
func TestExportOneRosterUsage(t *testing.T) {
	missingDB := filepath.Join(t.TempDir(), "missing.db")
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
		usage  bool
	}{
		{"NoOutput", []string{"export", "oneroster", "--school", "A"}, "-o FILE is required", true},
		{"NotZip", []string{"export", "oneroster", "-o", "roster.csv"}, "-o roster.csv: a OneRoster package is a .zip file", true},
		{"TeacherWithoutSchool", []string{"export", "oneroster", "--teacher", "mgarcia", "-o", "r.zip"}, "--teacher needs --school", true},
		{"NoDatabase", []string{"export", "oneroster", "-o", filepath.Join(t.TempDir(), "r.zip"), "--db", missingDB}, "There is no Rosterdesk database", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runInProcess(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.stderr) || strings.Contains(stderr, "Usage:") != tt.usage {
				t.Errorf("run(%q) = %d, %q; want %d, %q (usage shown: %v)", tt.args, code, stderr, exitUsage, tt.stderr, tt.usage)
			}
		})
	}
	if _, err := os.Stat(missingDB); err == nil {
		t.Errorf("export oneroster created the missing database %s", missingDB)
	}
}

// zipFiles reads a package's CSV files into tables by name, checking on the way that it
// validates against the OneRoster 1.1 CSV binding.
func zipFiles(t *testing.T, path string) map[string]table {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	defer zr.Close()
	found, err := oneroster.Validate(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("%s: %s", filepath.Base(path), f)
	}
	out := map[string]table{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s in %s: %v", f.Name, filepath.Base(path), err)
		}
		out[f.Name] = table{header: recs[0], rows: recs[1:]}
	}
	return out
}

// TestEndToEndOneRoster drives the built rosterctl through OneRoster exports: a school's
// package and the organization's, both valid, the school's users and classes the same as
// its template exports say, a teacher's package of their own classes, and the command
// lines it refuses.
func TestEndToEndOneRoster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	e := &e2e{t: t, dir: t.TempDir(), now: time.Date(2026, 8, 20, 8, 0, 0, 0, time.UTC)}
	e.db = e.path("rosterdesk.db")
	e.must(0, "", "init", "--org", "Lincoln Unified")
	e.must(0, "", "school", "add", lincoln)
	e.must(0, "", "school", "add", roosevelt)
	e.must(3, "", "import", filepath.Join(fixtures, "mixed.csv"), "--school", lincoln, "--as", operator)
	e.must(3, "", "import", "--school", lincoln, "--teacher", "mgarcia", filepath.Join(fixtures, "teacher.csv"))

	t.Run("School", func(t *testing.T) {
		e.t = t
		zipPath := e.path("lincoln.zip")
		e.must(0, "", "export", "oneroster", "--school", lincoln, "-o", zipPath)
		if fi, err := os.Stat(zipPath); err != nil {
			t.Fatal(err)
		} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it holds names and emails", zipPath, fi.Mode().Perm())
		}
		pkg := zipFiles(t, zipPath)

		// Every user of Export Teachers & Students is in users.csv, field for field.
		e.must(0, "", "export", "users", "--school", lincoln, "-o", e.path("users.csv"))
		users := readTable(t, e.path("users.csv"))
		or := pkg[oneroster.UsersFile]
		if len(or.rows) != len(users.rows) {
			t.Errorf("users.csv of the package has %d users, Export Teachers & Students %d", len(or.rows), len(users.rows))
		}
		for _, u := range users.rows {
			r := or.one(t, "sourcedId", users.get(t, u, "User GUID"))
			for orCol, col := range map[string]string{"identifier": "User ID", "givenName": "First Name", "familyName": "Last Name", "email": "Email", "username": "Username"} {
				if or.get(t, r, orCol) != users.get(t, u, col) {
					t.Errorf("user %s: %s = %q, but %s = %q", users.get(t, u, "User ID"), orCol, or.get(t, r, orCol), col, users.get(t, u, col))
				}
			}
			if got, want := or.get(t, r, "role"), strings.ToLower(users.get(t, u, "Role")); got != want {
				t.Errorf("user %s: role = %q, want %q", users.get(t, u, "User ID"), got, want)
			}
			if or.get(t, r, "password") != "" {
				t.Errorf("user %s has a password in the package", users.get(t, u, "User ID"))
			}
		}

		// Every class of Export Classes is in classes.csv, with its primary teacher.
		e.must(0, "", "export", "classes", "--school", lincoln, "-o", e.path("classes.csv"))
		classes := readTable(t, e.path("classes.csv"))
		cls := pkg[oneroster.ClassesFile]
		enr := pkg[oneroster.EnrollmentsFile]
		if len(cls.rows) != len(classes.rows) {
			t.Errorf("classes.csv of the package has %d classes, Export Classes %d", len(cls.rows), len(classes.rows))
		}
		for _, c := range classes.rows {
			guid := classes.get(t, c, "Class GUID")
			r := cls.one(t, "sourcedId", guid)
			if cls.get(t, r, "classCode") != classes.get(t, c, "Class ID") || cls.get(t, r, "title") != classes.get(t, c, "Class Name") {
				t.Errorf("class %s: classCode %q, title %q", classes.get(t, c, "Class ID"), cls.get(t, r, "classCode"), cls.get(t, r, "title"))
			}
			var primary []string
			members := 0
			for _, e := range enr.find(t, "classSourcedId", guid) {
				members++
				if enr.get(t, e, "primary") == "true" {
					primary = append(primary, or.get(t, or.one(t, "sourcedId", enr.get(t, e, "userSourcedId")), "givenName")+" "+
						or.get(t, or.one(t, "sourcedId", enr.get(t, e, "userSourcedId")), "familyName"))
				}
			}
			if want := []string{classes.get(t, c, "Primary Teacher")}; !slices.Equal(primary, want) {
				t.Errorf("class %s: primary teachers %q, want %q", classes.get(t, c, "Class ID"), primary, want)
			}
			if want := atoi(t, classes.get(t, c, "Teachers")) + atoi(t, classes.get(t, c, "Students")); members != want {
				t.Errorf("class %s: %d enrollments, want %d", classes.get(t, c, "Class ID"), members, want)
			}
		}
	})

	// The round trip: Lincoln's package into a fresh database, then exported again,
	// holds the same users, classes and enrolments (SPEC §9).
	t.Run("ImportRoundTrip", func(t *testing.T) {
		e.t = t
		first := e.path("lincoln.zip") // the School step's
		f := &e2e{t: t, dir: e.dir, now: e.now, db: e.path("fresh.db")}
		f.must(0, "", "init", "--org", "Lincoln Unified")
		f.must(0, "", "school", "add", lincoln)
		o := f.must(0, "", "import", "--school", lincoln, "--json", first)
		var res resultJSON
		if err := json.Unmarshal([]byte(o.stdout), &res); err != nil || res.Status != "Completed" || res.Failed != 0 || res.UsersCreated == 0 {
			t.Fatalf("import of the package = %s (%v), want Completed", o.stdout, err)
		}
		f.must(0, "", "export", "oneroster", "--school", lincoln, "-o", e.path("again.zip"))
		before, after := rosterOf(t, zipFiles(t, first)), rosterOf(t, zipFiles(t, e.path("again.zip")))
		if len(before) < 10 {
			t.Fatalf("Lincoln's package holds only %q", before)
		}
		if !slices.Equal(before, after) {
			t.Errorf("after the round trip:\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
		}
		// The same package into the database it came from creates nothing.
		o = e.must(0, "", "import", "--school", lincoln, "--json", first)
		if err := json.Unmarshal([]byte(o.stdout), &res); err != nil || res.UsersCreated+res.ClassesCreated+res.EnrollmentsAdded != 0 {
			t.Errorf("the package into its own database = %s (%v), want nothing created", o.stdout, err)
		}
	})

	// A district SIS's package: Lincoln's rows, one failing on a class the package does
	// not have, named in the Error File with its line in enrollments.csv; a delta
	// package is refused.
	t.Run("ImportDistrict", func(t *testing.T) {
		e.t = t
		f := &e2e{t: t, dir: e.dir, now: e.now, db: e.path("district.db")}
		f.must(0, "", "init", "--org", "Springfield USD")
		f.must(0, "", "school", "add", lincoln)
		files := map[string]string{}
		dir := filepath.Join("..", "..", "testdata", "oneroster", "district")
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			b, err := os.ReadFile(filepath.Join(dir, en.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[en.Name()] = string(b)
		}
		writeZip(t, e.path("sis.zip"), files)
		o := f.must(3, "", "import", "--school", lincoln, "--json", e.path("sis.zip"))
		var res resultJSON
		if err := json.Unmarshal([]byte(o.stdout), &res); err != nil || res.Rows != 9 || res.Applied != 8 || res.Failed != 1 || res.UsersCreated != 6 || res.ClassesCreated != 3 {
			t.Errorf("import of the district package = %s (%v), want 9 rows, 8 applied, 6 users and 3 classes created", o.stdout, err)
		}
		f.must(0, "", "download", "--upload", strconv.FormatInt(res.Upload, 10), "--file", "error", "-o", e.path("sis_errors.csv"))
		errs := readTable(t, e.path("sis_errors.csv"))
		if len(errs.rows) != 1 || !strings.HasPrefix(errs.get(t, errs.rows[0], "Error"), `From enrollments.csv line 10: The class "CL-9"`) {
			t.Errorf("Error File rows = %q, want Liam's row naming enrollments.csv line 10", errs.rows)
		}
		f.must(0, "", "download", "--upload", strconv.FormatInt(res.Upload, 10), "--file", "uploaded", "-o", e.path("sis_uploaded.xlsx"))

		files[oneroster.ManifestFile] = strings.Replace(files[oneroster.ManifestFile], "file.users,bulk", "file.users,delta", 1)
		writeZip(t, e.path("delta.zip"), files)
		o = f.expect(4, "", "import", "--school", lincoln, e.path("delta.zip"))
		if !strings.Contains(o.stdout+o.stderr, oneroster.DeltaMessage) {
			t.Errorf("a delta package: stdout %q, stderr %q; want %q", o.stdout, o.stderr, oneroster.DeltaMessage)
		}
	})

	t.Run("Organization", func(t *testing.T) {
		e.t = t
		e.must(0, "", "export", "oneroster", "-o", e.path("district.zip"))
		orgs := zipFiles(t, e.path("district.zip"))[oneroster.OrgsFile]
		var names []string
		for _, r := range orgs.rows {
			names = append(names, orgs.get(t, r, "type")+" "+orgs.get(t, r, "name"))
		}
		if want := []string{"district Lincoln Unified", "school " + lincoln, "school " + roosevelt}; !slices.Equal(names, want) {
			t.Errorf("orgs.csv = %q, want %q", names, want)
		}
	})

	t.Run("Teacher", func(t *testing.T) {
		e.t = t
		e.must(0, "", "export", "oneroster", "--school", lincoln, "--teacher", "mgarcia", "-o", e.path("garcia.zip"))
		cls := zipFiles(t, e.path("garcia.zip"))[oneroster.ClassesFile]
		var ids []string
		for _, r := range cls.rows {
			ids = append(ids, cls.get(t, r, "classCode"))
		}
		slices.Sort(ids)
		if want := []string{"ART3", "MATH3"}; !slices.Equal(ids, want) {
			t.Errorf("Maria Garcia's classes.csv holds %q, want %q", ids, want)
		}
		e.expect(2, "", "export", "oneroster", "--school", roosevelt, "--teacher", "mgarcia", "-o", e.path("x.zip"))
	})

	t.Run("Refused", func(t *testing.T) {
		e.t = t
		e.expect(2, "", "export", "oneroster", "--school", "Nowhere High", "-o", e.path("x.zip"))
		e.expect(2, "", "export", "oneroster", "--school", lincoln, "-o", e.path("x.xlsx"))
		if _, err := os.Stat(e.path("x.zip")); err == nil {
			t.Errorf("a refused export left %s behind", e.path("x.zip"))
		}
	})
}

// rosterOf is what a package says of users, classes and enrolments, one line each,
// sorted, named by User ID and Class ID rather than by the GUIDs each database makes.
func rosterOf(t *testing.T, pkg map[string]table) []string {
	t.Helper()
	users, classes, terms := pkg[oneroster.UsersFile], pkg[oneroster.ClassesFile], pkg[oneroster.AcademicSessionsFile]
	userID, classID := map[string]string{}, map[string]string{}
	var out []string
	for _, r := range users.rows {
		userID[users.get(t, r, "sourcedId")] = users.get(t, r, "identifier")
		out = append(out, "user "+strings.Join([]string{users.get(t, r, "identifier"), users.get(t, r, "role"), users.get(t, r, "givenName"),
			users.get(t, r, "familyName"), users.get(t, r, "email"), users.get(t, r, "username"), users.get(t, r, "grades")}, "|"))
	}
	for _, r := range classes.rows {
		classID[classes.get(t, r, "sourcedId")] = classes.get(t, r, "classCode")
		term := terms.one(t, "sourcedId", classes.get(t, r, "termSourcedIds"))
		out = append(out, "class "+strings.Join([]string{classes.get(t, r, "classCode"), classes.get(t, r, "title"), classes.get(t, r, "grades"),
			terms.get(t, term, "startDate"), terms.get(t, term, "endDate")}, "|"))
	}
	enr := pkg[oneroster.EnrollmentsFile]
	for _, r := range enr.rows {
		out = append(out, "enrollment "+strings.Join([]string{classID[enr.get(t, r, "classSourcedId")], userID[enr.get(t, r, "userSourcedId")],
			enr.get(t, r, "role"), enr.get(t, r, "primary")}, "|"))
	}
	slices.Sort(out)
	return out
}

// writeZip writes files into a zip at path.
func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write([]byte(files[name]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}
