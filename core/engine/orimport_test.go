package engine_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
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
