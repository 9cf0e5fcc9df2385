package oneroster

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// GUIDs of the test snapshot, readable at a glance.
const (
	orgG     = "00000000-0000-4000-8000-000000000001"
	lincolnG = "00000000-0000-4000-8000-00000000000a"
	washG    = "00000000-0000-4000-8000-00000000000b"
	garciaG  = "00000000-0000-4000-8000-000000000101"
	oconG    = "00000000-0000-4000-8000-000000000102"
	avaG     = "00000000-0000-4000-8000-000000000201"
	noahG    = "00000000-0000-4000-8000-000000000202"
	zoeG     = "00000000-0000-4000-8000-000000000203"
	mathG    = "00000000-0000-4000-8000-000000000301"
	readG    = "00000000-0000-4000-8000-000000000302"
	sciG     = "00000000-0000-4000-8000-000000000303"
)

// testDay is the day test packages are made.
var testDay = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)

// district is a snapshot of a small district: a teacher in two schools, a class without
// dates, one with only a start date, a student in two classes, values that start like
// spreadsheet formulas and values with commas and quotes.
func district() *Snapshot {
	return &Snapshot{
		Org:     Org{GUID: orgG, Name: "Springfield, \"Unified\" District"},
		Schools: []School{{GUID: washG, Name: "@Washington Middle"}, {GUID: lincolnG, Name: "Lincoln Elementary"}},
		Users: []User{
			{GUID: zoeG, UserID: "S2003", Role: core.RoleStudent, FirstName: "Zoë", LastName: "Smith-Brown", Grade: "K", Username: "zsmith", Schools: []string{lincolnG}},
			{GUID: avaG, UserID: "S2001", Role: core.RoleStudent, FirstName: "Ava", LastName: "Johnson", Grade: "3", Username: "ajohnson", Schools: []string{lincolnG}},
			{GUID: garciaG, UserID: "T1001", Role: core.RoleTeacher, FirstName: "Maria", LastName: "Garcia", Email: "mgarcia@example.org", Username: "mgarcia", Schools: []string{washG, lincolnG}},
			{GUID: noahG, UserID: "S2002", Role: core.RoleStudent, FirstName: "Noah", LastName: "Smith", Grade: "12", Email: "noah@example.org", Username: "nsmith", Schools: []string{washG}},
			{GUID: oconG, UserID: "T1002", Role: core.RoleTeacher, FirstName: "James", LastName: "O'Connor", Email: "joconnor@example.org", Username: "joconnor", Schools: []string{lincolnG}},
		},
		Classes: []Class{
			{GUID: readG, School: lincolnG, ClassID: "READ3B", Name: "=Reading, \"3B\"", Grade: "K", Primary: oconG, Teachers: []string{garciaG, oconG}, Students: []string{zoeG, avaG}},
			{GUID: mathG, School: lincolnG, ClassID: "MATH3A", Name: "+Math 3A", Grade: "3", Start: "2026-08-25", End: "2027-06-10", Primary: garciaG, Teachers: []string{garciaG}, Students: []string{avaG}},
			{GUID: sciG, School: washG, ClassID: "SCI12", Name: "-Science", Grade: "12", Start: "2026-09-02", Teachers: []string{garciaG}, Students: []string{noahG}},
		},
		Today: testDay,
	}
}

// write writes s and returns the package's files by name.
func write(t *testing.T, s *Snapshot) map[string]string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return unzip(t, b.Bytes())
}

func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// mapFS turns files into an fs.FS.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	return m
}

// validate validates files and returns the findings as strings.
func validate(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	found, err := Validate(fsys)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var out []string
	for _, f := range found {
		out = append(out, f.String())
	}
	return out
}

// lines returns a CSV's lines without their CRLF.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}
