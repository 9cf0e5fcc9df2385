package oneroster

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// Snapshot is what a package is made from: the organization, the schools it covers, and
// their users and classes, as plain values. Users and classes refer to each other and to
// schools by GUID.
type Snapshot struct {
	Org     Org
	Schools []School
	Users   []User
	Classes []Class
	// Today is when the package is made (the engine's clock, so tests and ROSTERDESK_NOW
	// decide it). Classes without dates are put in the school year that holds it, and the
	// zip's entries carry it as their time. Zero means the computer's clock.
	Today time.Time
}

// Org is the organization (district).
type Org struct {
	GUID string
	Name string
}

// School is one school of the organization.
type School struct {
	GUID string
	Name string
}

// User is a teacher or a student.
type User struct {
	GUID      string
	UserID    string
	Role      core.Role
	FirstName string
	LastName  string
	Grade     string // Rosterdesk's form: PK, K, 1–12 or ""
	Email     string
	Username  string
	// Schools are the GUIDs of the user's schools. Only those in the snapshot are written.
	Schools []string
}

// Class is a class of a school, with its teachers and students.
type Class struct {
	GUID    string
	School  string // the school's GUID
	ClassID string
	Name    string
	Grade   string // Rosterdesk's form: PK, K, 1–12 or ""
	Start   string // YYYY-MM-DD or ""
	End     string // YYYY-MM-DD or ""
	// Primary is the GUID of the primary teacher. When it is not among Teachers, the
	// first teacher (in the package's order) is written as primary, so every class with
	// a teacher has exactly one.
	Primary  string
	Teachers []string // user GUIDs
	Students []string // user GUIDs
}

// SystemName and SystemCode name Rosterdesk in the manifest's source.* properties.
const (
	SystemName = "Rosterdesk"
	SystemCode = "RD"
)

// entry is one CSV file of a package being written.
type entry struct {
	name   string
	header []string
	rows   [][]string
}

// Write writes s as a OneRoster 1.1 CSV bulk package: a zip holding manifest.csv and
// orgs.csv, academicSessions.csv, courses.csv, classes.csv, users.csv and
// enrollments.csv. Each file is UTF-8 without a BOM, RFC 4180 with CRLF line ends, and
// its header exactly as the binding orders it; status and dateLastModified are blank
// (bulk). The output depends only on s: records are sorted by name and ID, and the
// sourcedIds Rosterdesk derives (courses, terms, enrollments) are the same in every
// export of the same data. A file with no record (a school without classes) is marked
// absent in the manifest and left out, since the binding forbids files without data rows.
//
// It returns an error of kind core.KindInternal when s is inconsistent (a class of a
// school not in s, a member who is not among s.Users, a GUID that is not a valid
// sourcedId): the package would not be valid, so nothing usable is written.
func Write(w io.Writer, s *Snapshot) error {
	files, err := build(s)
	if err != nil {
		return err
	}
	return writeZip(w, files, s.Today)
}

// writeZip writes files into a zip, each stamped with at (or 1 January 1980, the zip
// format's first day, when at is zero).
func writeZip(w io.Writer, files []entry, at time.Time) error {
	if at.IsZero() {
		at = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: at.UTC()})
		if err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := writeCSV(fw, f.header, f.rows); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write package: %w", err)
	}
	return nil
}

// writeCSV writes one RFC 4180 file: CRLF line ends, a field quoted only when it holds
// a comma, a quote or a line break (lists therefore come out as one quoted cell). There
// is no formula neutralisation: a OneRoster file is read by programs, not opened in
// Excel, and a value starting with = + - @ must reach them unchanged.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// builder holds the snapshot's records in package order while the files are made.
type builder struct {
	s        *Snapshot
	schools  []School
	school   map[string]int // school GUID → position in schools
	users    []*User
	user     map[string]*User
	userPos  map[string]int
	classes  []*Class
	userOrgs map[string][]string // user GUID → school GUIDs written in orgSourcedIds
}

// build makes the package's files from s.
func build(s *Snapshot) ([]entry, error) {
	b := &builder{s: s, school: map[string]int{}, user: map[string]*User{}, userPos: map[string]int{}, userOrgs: map[string][]string{}}
	if err := b.order(); err != nil {
		return nil, err
	}
	terms, classTerm := b.terms()
	courses, classCourse := b.courses()
	files := []entry{
		{name: OrgsFile, header: Header(OrgsFile), rows: b.orgRows()},
		{name: AcademicSessionsFile, header: Header(AcademicSessionsFile), rows: terms},
		{name: CoursesFile, header: Header(CoursesFile), rows: courses},
		{name: ClassesFile, header: Header(ClassesFile), rows: b.classRows(classTerm, classCourse)},
		{name: UsersFile, header: Header(UsersFile), rows: b.userRows()},
		{name: EnrollmentsFile, header: Header(EnrollmentsFile), rows: b.enrollmentRows()},
	}
	present := files[:0]
	var manifest [][]string
	manifest = append(manifest, []string{"manifest.version", "1.0"}, []string{"oneroster.version", "1.1"})
	written := map[string]bool{}
	for _, f := range files {
		if len(f.rows) > 0 {
			written[manifestKey(f.name)] = true
			present = append(present, f)
		}
	}
	for _, name := range dataFiles {
		mode := "absent"
		if written["file."+name] {
			mode = "bulk"
		}
		manifest = append(manifest, []string{"file." + name, mode})
	}
	manifest = append(manifest, []string{"source.systemName", SystemName}, []string{"source.systemCode", SystemCode})
	return append([]entry{{name: ManifestFile, header: []string{"propertyName", "value"}, rows: manifest}}, present...), nil
}

// order sorts the snapshot's records into package order and checks that every GUID is a
// valid sourcedId and every reference is in the snapshot.
func (b *builder) order() error {
	bad := func(what, guid string) error {
		return &core.Error{Kind: core.KindInternal, Op: "write OneRoster package",
			Message: fmt.Sprintf("The %s %q cannot be written to a OneRoster package.", what, guid)}
	}
	if !ValidSourcedID(b.s.Org.GUID) {
		return bad("organization GUID", b.s.Org.GUID)
	}
	b.schools = append([]School(nil), b.s.Schools...)
	sort.SliceStable(b.schools, func(i, j int) bool {
		return less(core.Key(b.schools[i].Name), core.Key(b.schools[j].Name), b.schools[i].GUID, b.schools[j].GUID)
	})
	for i, sc := range b.schools {
		if !ValidSourcedID(sc.GUID) || b.school[sc.GUID] != 0 || sc.GUID == b.s.Org.GUID {
			return bad("school GUID", sc.GUID)
		}
		b.school[sc.GUID] = i + 1 // 0 means "not in the snapshot"
	}

	for i := range b.s.Users {
		u := &b.s.Users[i]
		if !ValidSourcedID(u.GUID) || b.user[u.GUID] != nil {
			return bad("user GUID", u.GUID)
		}
		b.users = append(b.users, u)
		b.user[u.GUID] = u
	}
	// Teachers first, then by name, as Export Teachers & Students lists them. The keys
	// are folded once per user, not once per comparison.
	type sortKey struct {
		teacher         bool
		last, first, id string
	}
	keys := make(map[*User]sortKey, len(b.users))
	for _, u := range b.users {
		keys[u] = sortKey{u.Role == core.RoleTeacher, core.Key(u.LastName), core.Key(u.FirstName), core.Key(u.UserID)}
	}
	sort.SliceStable(b.users, func(i, j int) bool {
		a, c := keys[b.users[i]], keys[b.users[j]]
		switch {
		case a.teacher != c.teacher:
			return a.teacher
		case a.last != c.last:
			return a.last < c.last
		case a.first != c.first:
			return a.first < c.first
		}
		return less(a.id, c.id, b.users[i].GUID, b.users[j].GUID)
	})
	for i, u := range b.users {
		b.userPos[u.GUID] = i
		for _, sc := range u.Schools {
			if b.school[sc] != 0 && !contains(b.userOrgs[u.GUID], sc) {
				b.userOrgs[u.GUID] = append(b.userOrgs[u.GUID], sc)
			}
		}
	}

	seen := map[string]bool{}
	for i := range b.s.Classes {
		c := &b.s.Classes[i]
		if !ValidSourcedID(c.GUID) || seen[c.GUID] || b.user[c.GUID] != nil {
			return bad("class GUID", c.GUID)
		}
		seen[c.GUID] = true
		if b.school[c.School] == 0 {
			return bad("school of class", c.School)
		}
		for _, m := range append(append([]string(nil), c.Teachers...), c.Students...) {
			if b.user[m] == nil {
				return bad("member of class "+c.ClassID+",", m)
			}
			// A member of a class is a member of its school, whatever the links say, so
			// the enrollment's school is among the user's orgs.
			if !contains(b.userOrgs[m], c.School) {
				b.userOrgs[m] = append(b.userOrgs[m], c.School)
			}
		}
		b.classes = append(b.classes, c)
	}
	sort.SliceStable(b.classes, func(i, j int) bool {
		a, c := b.classes[i], b.classes[j]
		if a.School != c.School {
			return b.school[a.School] < b.school[c.School]
		}
		return less(core.Key(a.ClassID), core.Key(c.ClassID), a.GUID, c.GUID)
	})
	for _, u := range b.users {
		orgs := b.userOrgs[u.GUID]
		sort.Slice(orgs, func(i, j int) bool { return b.school[orgs[i]] < b.school[orgs[j]] })
	}
	return nil
}

// less orders by key, then by GUID so that equal keys still sort the same way.
func less(ka, kb, guidA, guidB string) bool {
	if ka != kb {
		return ka < kb
	}
	return guidA < guidB
}

func (b *builder) orgRows() [][]string {
	rows := [][]string{{b.s.Org.GUID, "", "", b.s.Org.Name, "district", "", ""}}
	for _, sc := range b.schools {
		rows = append(rows, []string{sc.GUID, "", "", sc.Name, "school", "", b.s.Org.GUID})
	}
	return rows
}

// termDates returns the dates of the term a class is written in. A class without both
// dates is put in the school year (1 July to 30 June) that holds its one date, or, with
// no date at all, the day the package is made: academicSessions need both dates, and
// every class needs a term.
func (b *builder) termDates(c *Class) (start, end string) {
	start, end = c.Start, c.End
	switch {
	case start != "" && end != "":
		return start, end
	case start != "":
		t, _ := time.Parse("2006-01-02", start)
		y := schoolYearOf(t)
		return start, fmt.Sprintf("%d-06-30", y+1)
	case end != "":
		t, _ := time.Parse("2006-01-02", end)
		y := schoolYearOf(t)
		return fmt.Sprintf("%d-07-01", y), end
	}
	today := b.s.Today
	if today.IsZero() {
		today = time.Now()
	}
	y := schoolYearOf(today)
	return fmt.Sprintf("%d-07-01", y), fmt.Sprintf("%d-06-30", y+1)
}

// schoolYearOf returns the calendar year a school year holding t starts in (1 July).
func schoolYearOf(t time.Time) int {
	if t.Month() >= time.July {
		return t.Year()
	}
	return t.Year() - 1
}

// terms makes academicSessions.csv: one term per distinct date range of the classes,
// sorted by dates. It returns the rows and each class's term sourcedId.
func (b *builder) terms() ([][]string, map[*Class]string) {
	type term struct{ start, end string }
	byClass := map[*Class]string{}
	seen := map[term]string{}
	var list []term
	for _, c := range b.classes {
		start, end := b.termDates(c)
		t := term{start, end}
		id, ok := seen[t]
		if !ok {
			id = derivedID(b.s.Org.GUID, "term", start, end)
			seen[t] = id
			list = append(list, t)
		}
		byClass[c] = id
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].start != list[j].start {
			return list[i].start < list[j].start
		}
		return list[i].end < list[j].end
	})
	rows := make([][]string, 0, len(list))
	for _, t := range list {
		title := "Term " + t.start + " to " + t.end
		rows = append(rows, []string{seen[t], "", "", title, "term", t.start, t.end, "", t.end[:4]})
	}
	return rows, byClass
}

// courses makes courses.csv: one course per distinct Class Name and grade in a school,
// in class order. It returns the rows and each class's course sourcedId.
func (b *builder) courses() ([][]string, map[*Class]string) {
	byClass := map[*Class]string{}
	seen := map[string]bool{}
	type course struct {
		id, school, title, grade string
	}
	var list []course
	for _, c := range b.classes {
		grade := CEDSGrade(c.Grade)
		id := derivedID(c.School, "course", c.Name, grade)
		byClass[c] = id
		if !seen[id] {
			seen[id] = true
			list = append(list, course{id, c.School, c.Name, grade})
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, c := list[i], list[j]
		if a.school != c.school {
			return b.school[a.school] < b.school[c.school]
		}
		if ka, kc := core.Key(a.title), core.Key(c.title); ka != kc {
			return ka < kc
		}
		if a.title != c.title {
			return a.title < c.title
		}
		return a.grade < c.grade
	})
	rows := make([][]string, 0, len(list))
	for _, c := range list {
		rows = append(rows, []string{c.id, "", "", "", c.title, "", c.grade, c.school, "", ""})
	}
	return rows, byClass
}

func (b *builder) classRows(term, course map[*Class]string) [][]string {
	rows := make([][]string, 0, len(b.classes))
	for _, c := range b.classes {
		rows = append(rows, []string{c.GUID, "", "", c.Name, CEDSGrade(c.Grade), course[c], c.ClassID,
			"scheduled", "", c.School, term[c], "", "", ""})
	}
	return rows
}

func (b *builder) userRows() [][]string {
	rows := make([][]string, 0, len(b.users))
	for _, u := range b.users {
		orgs := b.userOrgs[u.GUID]
		if len(orgs) == 0 {
			// orgSourcedIds is required: a user linked to no school belongs to the district.
			orgs = []string{b.s.Org.GUID}
		}
		grade := ""
		if u.Role == core.RoleStudent {
			grade = CEDSGrade(u.Grade)
		}
		rows = append(rows, []string{u.GUID, "", "", "true", strings.Join(orgs, ","), strings.ToLower(string(u.Role)),
			u.Username, formatUserID("Local", u.UserID), u.FirstName, u.LastName, "", u.UserID, u.Email, "", "", "", grade, ""})
	}
	return rows
}

// enrollmentRows makes enrollments.csv, class by class: the primary teacher, the other
// teachers, then the students, each in user order.
func (b *builder) enrollmentRows() [][]string {
	var rows [][]string
	for _, c := range b.classes {
		teachers := b.sorted(c.Teachers)
		primary := ""
		if len(teachers) > 0 {
			primary = teachers[0]
			if contains(teachers, c.Primary) {
				primary = c.Primary
			}
		}
		if primary != "" {
			rows = append(rows, b.enrollment(c, primary, "teacher", "true"))
		}
		for _, t := range teachers {
			if t != primary {
				rows = append(rows, b.enrollment(c, t, "teacher", "false"))
			}
		}
		for _, s := range b.sorted(c.Students) {
			rows = append(rows, b.enrollment(c, s, "student", ""))
		}
	}
	return rows
}

// sorted returns the user GUIDs in package order, each once.
func (b *builder) sorted(guids []string) []string {
	out := make([]string, 0, len(guids))
	seen := make(map[string]bool, len(guids))
	for _, g := range guids {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return b.userPos[out[i]] < b.userPos[out[j]] })
	return out
}

func (b *builder) enrollment(c *Class, user, role, primary string) []string {
	return []string{derivedID(c.GUID, "enrollment", user), "", "", c.GUID, c.School, user, role, primary, "", ""}
}
