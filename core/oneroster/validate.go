package oneroster

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"
)

// Finding is one way a package departs from the OneRoster 1.1 CSV binding or from
// Rosterdesk's export profile.
type Finding struct {
	File    string // "users.csv"; "" for the package as a whole
	Line    int    // the line in File; 0 for the file as a whole
	Field   string // the column, when the finding is about one
	Message string
}

// String returns the finding as one line: "users.csv line 4, givenName: is required".
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, " line %d", f.Line)
	}
	if f.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// maxValidateFile bounds the bytes Validate reads of one file.
const maxValidateFile = 1 << 30

// Validate checks the package whose files are at the root of fsys, and returns what it
// finds, in file and line order; none when the package conforms. An error means the
// package could not be read at all.
//
// It checks what the 1.1 CSV binding requires — manifest.csv and its properties, each
// declared file present and each absent one missing, no file without data rows, headers
// exactly as the binding orders them (extension columns named metadata.* only to their
// right), required values, enumerations, dates, years, booleans, CEDS grades, userIds,
// unique sourcedIds, and every reference resolving inside the package to a record of
// the right file (a school for schoolSourcedId) — plus Rosterdesk's export profile:
// UTF-8 without BOM, CRLF line ends, bulk files only with status and dateLastModified
// blank, sourcedIds of at most 100 characters of [A-Za-z0-9._-], schoolYear the end
// date's year, password blank, an enrollment's school that of its class, each user in a
// class once, and exactly one primary teacher in every class that has a teacher.
func Validate(fsys fs.FS) ([]Finding, error) {
	v := &validator{fsys: fsys, ids: map[string]map[string]bool{}, orgType: map[string]string{}}
	if err := v.run(); err != nil {
		return nil, err
	}
	sort.SliceStable(v.found, func(i, j int) bool {
		a, b := v.found[i], v.found[j]
		if a.File != b.File {
			return fileOrder(a.File) < fileOrder(b.File)
		}
		return a.Line < b.Line
	})
	return v.found, nil
}

// fileOrder puts findings about the package first, then the manifest, then the data
// files in package order.
func fileOrder(name string) int {
	switch name {
	case "":
		return -2
	case ManifestFile:
		return -1
	}
	for i, t := range tables {
		if t.name == name {
			return i
		}
	}
	return len(tables)
}

type validator struct {
	fsys    fs.FS
	found   []Finding
	files   []*csvFile                 // the data files present, in package order
	ids     map[string]map[string]bool // file → sourcedIds defined in it
	orgType map[string]string          // org sourcedId → type
	modes   map[string]string          // manifest file.* property → value
}

func (v *validator) add(file string, line int, field, format string, args ...any) {
	v.found = append(v.found, Finding{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) run() error {
	entries, err := fs.ReadDir(v.fsys, ".")
	if err != nil {
		return fmt.Errorf("read package: %w", err)
	}
	present := map[string]bool{}
	for _, e := range entries {
		present[e.Name()] = true
		if e.IsDir() {
			v.add("", 0, "", "the package holds a folder %q; its files belong at the root", e.Name())
		}
	}
	if !present[ManifestFile] {
		v.add("", 0, "", "manifest.csv is missing")
		return nil
	}
	if err := v.manifest(); err != nil {
		return err
	}
	declared := map[string]bool{ManifestFile: true}
	for _, name := range dataFiles {
		file := name + ".csv"
		mode, ok := v.modes["file."+name]
		if !ok {
			continue // already reported by manifest
		}
		if mode != "absent" {
			declared[file] = true
		}
		switch {
		case mode == "absent" && present[file]:
			v.add(ManifestFile, 0, "", "%s is in the package but the manifest says file.%s is absent", file, name)
		case mode != "absent" && !present[file]:
			v.add(ManifestFile, 0, "", "the manifest says file.%s is %s but the package has no %s", name, mode, file)
		}
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && name != ManifestFile && !contains(dataFiles, strings.TrimSuffix(name, ".csv")) {
			v.add("", 0, "", "the package holds %s, which is not a file of OneRoster 1.1", name)
		}
	}
	for _, t := range tables {
		if !declared[t.name] || !present[t.name] {
			continue
		}
		if err := v.dataFile(&t); err != nil {
			return err
		}
	}
	v.references()
	v.enrollments()
	return nil
}

// read reads a file of the package and checks its encoding and line ends; nil when it
// cannot be parsed (reported).
func (v *validator) read(name string) (*csvFile, error) {
	cf, err := readCSVFile(v.fsys, name, maxValidateFile)
	switch {
	case errors.Is(err, errTooBig):
		v.add(name, 0, "", "the file is larger than 1 GB")
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		v.add(name, 0, "", "the file is missing")
		return nil, nil
	case err != nil && strings.HasPrefix(err.Error(), "line "):
		v.add(name, 0, "", "not RFC 4180 CSV: %v", err)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if cf.bom {
		v.add(name, 0, "", "the file starts with a byte order mark (BOM); Rosterdesk writes UTF-8 without one")
	}
	if cf.loneCR || cf.lfOnly {
		v.add(name, 0, "", "lines must end in CRLF (RFC 4180)")
	}
	if cf.header == nil {
		v.add(name, 0, "", "the file is empty: it needs a header row")
		return nil, nil
	}
	for _, h := range cf.header {
		if !utf8.ValidString(h) {
			v.add(name, 1, "", "the header is not UTF-8")
			return nil, nil
		}
	}
	return cf, nil
}

func (v *validator) manifest() error {
	cf, err := v.read(ManifestFile)
	if err != nil || cf == nil {
		return err
	}
	if len(cf.header) != 2 || cf.header[0] != "propertyName" || cf.header[1] != "value" {
		v.add(ManifestFile, 1, "", "the header must be propertyName,value, not %s", strings.Join(cf.header, ","))
		return nil
	}
	v.modes = map[string]string{}
	props := map[string]string{}
	for _, r := range cf.records {
		if len(r.cells) != 2 {
			v.add(ManifestFile, r.line, "", "a row has %d cells, the header 2", len(r.cells))
			continue
		}
		name, value := r.cells[0], r.cells[1]
		if _, dup := props[name]; dup {
			v.add(ManifestFile, r.line, "", "property %s appears twice", name)
			continue
		}
		props[name] = value
		if strings.HasPrefix(name, "file.") {
			if !contains(dataFiles, strings.TrimPrefix(name, "file.")) {
				v.add(ManifestFile, r.line, "", "%s is not a file of OneRoster 1.1", name)
				continue
			}
			switch value {
			case "absent", "bulk":
			case "delta":
				v.add(ManifestFile, r.line, "", "%s is delta; Rosterdesk writes bulk packages only", name)
			default:
				v.add(ManifestFile, r.line, "", "%s must be absent, bulk or delta, not %q", name, value)
			}
			v.modes[name] = value
		}
	}
	for _, want := range [][2]string{{"manifest.version", "1.0"}, {"oneroster.version", "1.1"}} {
		switch got, ok := props[want[0]]; {
		case !ok:
			v.add(ManifestFile, 0, "", "property %s is missing", want[0])
		case got != want[1]:
			v.add(ManifestFile, 0, "", "%s must be %s, not %q", want[0], want[1], got)
		}
	}
	for _, name := range dataFiles {
		if _, ok := props["file."+name]; !ok {
			v.add(ManifestFile, 0, "", "property file.%s is missing", name)
		}
	}
	return nil
}

// dataFile checks one data file and records its sourcedIds for the reference checks.
func (v *validator) dataFile(t *table) error {
	cf, err := v.read(t.name)
	if err != nil || cf == nil {
		return err
	}
	want := Header(t.name)
	got := cf.header
	if len(got) < len(want) || strings.Join(got[:len(want)], ",") != strings.Join(want, ",") {
		v.add(t.name, 1, "", "the header must be %s, not %s", strings.Join(want, ","), strings.Join(got, ","))
		return nil
	}
	for _, h := range got[len(want):] {
		if !strings.HasPrefix(h, "metadata.") {
			v.add(t.name, 1, "", "column %q is not in the binding (extension columns are named metadata.*)", h)
		}
	}
	if len(cf.records) == 0 {
		v.add(t.name, 0, "", "the file has no data rows; a file without data must be left out and marked absent")
	}
	mode := v.modes[manifestKey(t.name)]
	ids := map[string]bool{}
	v.ids[t.name] = ids
	for _, r := range cf.records {
		if len(r.cells) != len(got) {
			v.add(t.name, r.line, "", "the row has %d cells, the header %d", len(r.cells), len(got))
			continue
		}
		for i, col := range t.columns {
			v.value(t.name, r.line, col, r.cells[i], mode)
		}
		id := r.cells[0]
		if ids[id] {
			v.add(t.name, r.line, "sourcedId", "%q is used by another row of the file", id)
		}
		ids[id] = true
		switch t.name {
		case OrgsFile:
			v.orgType[id] = r.cells[4]
		case AcademicSessionsFile:
			start, end, year := r.cells[5], r.cells[6], r.cells[8]
			if validDate(start) && validDate(end) {
				if end < start {
					v.add(t.name, r.line, "endDate", "%s is before startDate %s", end, start)
				}
				if validYear(year) && year != end[:4] {
					v.add(t.name, r.line, "schoolYear", "%s is not the year of endDate %s", year, end)
				}
			}
		case UsersFile:
			if r.cells[len(t.columns)-1] != "" {
				v.add(t.name, r.line, "password", "must be blank: Rosterdesk never exports passwords")
			}
		}
	}
	cf.name = t.name
	v.files = append(v.files, cf)
	return nil
}

// value checks one cell against its column.
func (v *validator) value(file string, line int, col column, s, mode string) {
	bad := func(format string, args ...any) { v.add(file, line, col.name, format, args...) }
	if strings.ContainsAny(s, "\r\n") {
		bad("holds a line break, which the binding does not permit in a field")
		return
	}
	if !utf8.ValidString(s) {
		bad("is not UTF-8")
		return
	}
	if (col.name == "status" || col.name == "dateLastModified") && mode == "bulk" {
		if s != "" {
			bad("must be blank in a bulk file, not %q", s)
		}
		return
	}
	if s == "" {
		if col.required {
			bad("is required")
		}
		return
	}
	switch col.kind {
	case kindID, kindRef:
		if !ValidSourcedID(s) {
			bad("%q is not 1 to %d characters of letters, digits, '.', '_' and '-'", s, MaxSourcedID)
		}
	case kindRefList:
		for _, id := range strings.Split(s, ",") {
			if !ValidSourcedID(id) {
				bad("%q is not a list of sourcedIds separated by commas", s)
				return
			}
		}
	case kindEnum:
		if !contains(col.enum, s) {
			bad("%q is not one of %s", s, strings.Join(col.enum, ", "))
		}
	case kindDate:
		if !validDate(s) {
			bad("%q is not a date written YYYY-MM-DD", s)
		}
	case kindDateTime:
		if !validDateTime(s) {
			bad("%q is not an ISO 8601 date and time", s)
		}
	case kindYear:
		if !validYear(s) {
			bad("%q is not a year written YYYY", s)
		}
	case kindBool:
		if s != "true" && s != "false" {
			bad("must be true or false, not %q", s)
		}
	case kindGrades:
		for _, g := range strings.Split(s, ",") {
			if !contains(cedsGrades, g) {
				bad("%q is not a CEDS grade (%s)", g, strings.Join(cedsGrades, ", "))
			}
		}
	case kindUserIDs:
		if _, ok := parseUserIDs(s, true); !ok || strings.Contains(s, ", ") {
			bad("%q is not a list of {type:identifier}", s)
		}
	}
}

// references checks that every reference resolves to a record of the file it points
// into, and that a schoolSourcedId points at a school.
func (v *validator) references() {
	for _, cf := range v.files {
		t, _ := tableNamed(cf.name)
		for _, r := range cf.records {
			if len(r.cells) != len(cf.header) {
				continue
			}
			for i, col := range t.columns {
				if col.kind != kindRef && col.kind != kindRefList || r.cells[i] == "" {
					continue
				}
				for _, id := range strings.Split(r.cells[i], ",") {
					if !v.ids[col.ref][id] {
						v.add(cf.name, r.line, col.name, "%q is not a sourcedId of %s", id, col.ref)
						continue
					}
					if col.name == "schoolSourcedId" && v.orgType[id] != "school" {
						v.add(cf.name, r.line, col.name, "%q is an org of type %s, not a school", id, v.orgType[id])
					}
				}
			}
		}
	}
}

// enrollments checks what the profile promises of enrollments: the class's school, each
// user once per class, primary only for teachers, and one primary teacher per class.
func (v *validator) enrollments() {
	classSchool := map[string]string{}
	var enr *csvFile
	for _, cf := range v.files {
		switch cf.name {
		case ClassesFile:
			for _, r := range cf.records {
				if len(r.cells) == len(cf.header) {
					classSchool[r.cells[0]] = r.cells[9]
				}
			}
		case EnrollmentsFile:
			enr = cf
		}
	}
	if enr == nil {
		return
	}
	type member struct{ class, user string }
	seen := map[member]int{}
	primaries := map[string]int{}
	teachers := map[string]int{}
	var order []string
	for _, r := range enr.records {
		if len(r.cells) != len(enr.header) {
			continue
		}
		class, school, user, role, primary := r.cells[3], r.cells[4], r.cells[5], r.cells[6], r.cells[7]
		if cs, ok := classSchool[class]; ok && cs != school {
			v.add(enr.name, r.line, "schoolSourcedId", "%q is not the school of class %q (%q)", school, class, cs)
		}
		if first, dup := seen[member{class, user}]; dup {
			v.add(enr.name, r.line, "", "user %q is enrolled in class %q again (first on line %d)", user, class, first)
		} else {
			seen[member{class, user}] = r.line
		}
		if role != "teacher" && primary == "true" {
			v.add(enr.name, r.line, "primary", "only a teacher can be primary")
		}
		if role == "teacher" {
			if teachers[class] == 0 && primaries[class] == 0 {
				order = append(order, class)
			}
			teachers[class]++
			if primary == "true" {
				primaries[class]++
			}
		}
	}
	for _, class := range order {
		if n := primaries[class]; n != 1 {
			v.add(enr.name, 0, "primary", "class %q has %d primary teachers, not one", class, n)
		}
	}
}
