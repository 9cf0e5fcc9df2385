package oneroster

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// DeltaMessage is why Read refuses a delta package, word for word.
const DeltaMessage = "Rosterdesk imports bulk packages; export a full package from the source system."

// DefaultMaxFileBytes is how much of one CSV file Read reads when Options.MaxFileBytes
// is 0: ten times the users.csv of a large district.
const DefaultMaxFileBytes = 256 << 20

// Options say which school of a package Read translates, and how.
type Options struct {
	// School picks the package's school: each value is compared with the schools'
	// sourcedIds, then with their names (as core.Key compares them). The engine passes the
	// selected Rosterdesk school's GUID and name. A package with one school needs no match;
	// one with several fails when nothing matches.
	School []string
	// Mode is the tool the upload runs in. In core.ModeTeacher teachers are skipped and
	// the rows have no Role, as in the teacher template.
	Mode core.Mode
	// UserExists reports whether guid is the GUID of an existing Rosterdesk user. A user
	// whose sourcedId it accepts gets it as User GUID, and so updates that user; any
	// other user is matched by User ID. Nil: no sourcedId is taken for a User GUID.
	UserExists func(guid string) bool
	// UserGUID returns the GUID of the existing Rosterdesk user whose User ID is userID,
	// or "". A user of the package whose sourcedId is not an existing user's GUID but
	// whose User ID is taken gets that user's GUID, so a package exported again by the
	// same SIS updates the users the first import made rather than failing each row as a
	// second user with a taken User ID. Nil: no user is matched by User ID here (the
	// import then treats the row as a new user, as a template row without a GUID).
	UserGUID func(userID string) string
	// ClassGUID returns the GUID of the selected school's class whose GUID is sourcedID
	// or whose Class ID is classID, or "" for a class the school does not have. It fills
	// Class GUID, so an existing class is joined rather than created twice. Nil: "".
	ClassGUID func(sourcedID, classID string) string
	// MaxFileBytes bounds the bytes read of each CSV file; 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
	// Teacher is the teacher who uploads, in core.ModeTeacher: their User GUID and User
	// ID. A class whose teachers in the package do not include them (by sourcedId or by
	// a User ID candidate) is another teacher's: it is skipped, with its students that
	// are in no class of theirs. A class with no teacher in the package is kept (the
	// import makes the uploading teacher its teacher). Empty: every class is kept.
	Teacher struct{ GUID, UserID string }
}

// Row is one template row translated from a package.
type Row struct {
	core.Row
	// Origin is the record the row stands for: the enrollment of a user in a class, or
	// the user (users.csv) of a row without a class.
	Origin Origin
	// Problems are why the row cannot be imported; the import fails it with these, like
	// any other row error.
	Problems []Problem
}

// Result is a package translated for one school.
type Result struct {
	// SchoolID and SchoolName are the sourcedId and name of the package's school read.
	SchoolID   string
	SchoolName string
	// Rows are in a stable order: class by class (classes.csv order), each class's
	// primary teacher first, then its other teachers and its students (enrollments.csv
	// order); then the users in no class of the school (users.csv order). Row.Line counts
	// from 2, as in a template file whose header is row 1.
	Rows    []Row
	Skipped Skipped
	// Warnings say in plain words what was skipped or ignored.
	Warnings []string
	// Passwords reports that users.csv holds passwords. Read never reads them, but a
	// caller that kept the package's bytes somewhere should know they are there.
	Passwords bool
}

// Skipped counts the records Read left out, for the import's summary.
type Skipped struct {
	Schools      int // other schools of the package
	OtherRoles   int // users who are neither students nor teachers (parents, administrators…)
	Teachers     int // teachers, in Import Students/Rosters
	OtherSchools int // students and teachers of other schools only
	Classes      int // classes of other schools
	Enrollments  int // enrollments in other schools' classes, or of users left out
	Deleted      int // records whose status is tobedeleted
	Duplicates   int // enrollments of a user in a class already read
	// In Import Students/Rosters (Options.Teacher): other teachers' classes, and the
	// students who are in those classes only.
	OtherTeachersClasses, OtherTeachersStudents int
}

// Read translates the OneRoster 1.1 bulk package in fsys (manifest.csv at its root, or
// in its one folder) into template rows for one school. It reads manifest.csv, orgs.csv
// and users.csv, and classes.csv, enrollments.csv and academicSessions.csv when the
// package has them; courses.csv and the other files are not needed and not read.
//
// It is lenient where real exports differ and the meaning is clear: a BOM, CRLF or CR
// line ends, header names in any case and order, metadata.* and ext_* columns, status
// active or inactive in a bulk file, grades without zero padding, booleans in any case,
// file names in any case. It is strict where it matters: a missing manifest.csv,
// orgs.csv or users.csv, a missing required column, a delta package (refused with
// DeltaMessage), a package of another OneRoster version, or several schools none of
// which Options.School names fail the whole package with a *core.Error of kind
// core.KindInvalid whose message says what to do. A reference that does not resolve
// fails only the rows that need it, through Row.Problems. Passwords are never read.
func Read(ctx context.Context, fsys fs.FS, opts Options) (*Result, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	rd := &reader{ctx: ctx, opts: opts, res: &Result{}}
	if err := rd.run(fsys); err != nil {
		return nil, err
	}
	return rd.res, nil
}

// packageError is a problem with the package as a whole: a file-level entry of core's
// catalogue, which says what is wrong and what to do.
func packageError(is core.Issue, cause error) error {
	return &core.Error{Kind: core.KindInvalid, Op: "read OneRoster package", Code: is.Code, Message: is.Text(), Err: cause}
}

// unreadable is the error for a file of the package (or the zip, file "The zip") that
// cannot be read, and why.
func unreadable(file, why string, cause error) error {
	return packageError(core.Issue{Code: core.FileOneRosterUnreadable, Value: file, Other: why}, cause)
}

// The records Read keeps, with the line each came from.
type (
	orgRec struct {
		id, name, typ string
		line          int
	}
	termRec struct {
		start, end string // "" when not a valid date
		line       int
	}
	userRec struct {
		id, role, first, last, grade, email, username string
		orgs                                          []string
		ids                                           []string // User ID candidates, best first
		line                                          int
		userID                                        string // the User ID chosen
		inSchool                                      bool
		rowed                                         bool // has an enrollment row
		elsewhere                                     bool // enrolled in a class of another teacher (Options.Teacher)
		problems                                      []Problem
	}
	classRec struct {
		id, title, code, school, grade string
		terms                          []string
		line                           int
		classID                        string
		start, end                     string
		problems                       []Problem
	}
	enrollRec struct {
		class, school, user, role string
		primary                   bool
		line                      int
	}
)

type reader struct {
	ctx     context.Context
	opts    Options
	res     *Result
	fsys    fs.FS
	names   map[string]string // lower-case file name → name in the package
	modes   map[string]string // lower-case data file name → manifest value
	seen    int
	school  *orgRec
	orgs    map[string]*orgRec
	terms   map[string]*termRec
	termsOK bool // academicSessions.csv was read and has records
	users   map[string]*userRec
	userSeq []*userRec
	deleted map[string]bool // "file:sourcedId" of the records marked tobedeleted
	classes map[string]*classRec
	clsSeq  []*classRec
	enrolls []enrollRec
	// classTeachers are the users each class has teacher enrollments for, read even in
	// Import Students/Rosters, where teachers are not imported (Options.Teacher).
	classTeachers map[string][]string
	// Counts behind the warnings.
	ignoredCols  map[string][]string
	unmapped     int // users and classes whose grades Rosterdesk has no level for
	combined     int // users and classes with several grades
	passwords    bool
	unknownOrgs  int
	absentButSet []string
}

func (rd *reader) tick() error {
	rd.seen++
	if rd.seen%1024 == 0 {
		return rd.ctx.Err()
	}
	return nil
}

func (rd *reader) run(fsys fs.FS) error {
	root, _, err := fsRoot(fsys)
	if err != nil {
		return unreadable("The list of files", err.Error(), err)
	}
	rd.fsys = root
	entries, err := fs.ReadDir(root, ".")
	if err != nil {
		return unreadable("The list of files", err.Error(), err)
	}
	rd.names = map[string]string{}
	for _, e := range entries {
		if !e.IsDir() && !ignoredName(e.Name()) && !strings.HasPrefix(e.Name(), "._") {
			rd.names[strings.ToLower(e.Name())] = e.Name()
		}
	}
	if err := rd.manifest(); err != nil {
		return err
	}
	rd.orgs, rd.terms, rd.users, rd.classes = map[string]*orgRec{}, map[string]*termRec{}, map[string]*userRec{}, map[string]*classRec{}
	rd.deleted = map[string]bool{}
	for _, step := range []func() error{rd.readOrgs, rd.chooseSchool, rd.readTerms, rd.readUsers, rd.readClasses, rd.readEnrollments} {
		if err := step(); err != nil {
			return err
		}
	}
	rd.assignUserIDs()
	rd.assignClassIDs()
	rd.rows()
	rd.warnings()
	rd.res.Passwords = rd.passwords
	return nil
}

// file returns the package's name for file (any case), "" when it is missing or the
// manifest marks it absent.
func (rd *reader) file(name string) string {
	key := strings.ToLower(name)
	actual, ok := rd.names[key]
	if !ok {
		return ""
	}
	if rd.modes[key] == "absent" {
		return ""
	}
	return actual
}

func (rd *reader) manifest() error {
	name, ok := rd.names[strings.ToLower(ManifestFile)]
	if !ok {
		return packageError(core.Issue{Code: core.FileOneRosterNotPackage}, nil)
	}
	cf, err := rd.load(name)
	if err != nil {
		return err
	}
	ix := index(cf.header, false)
	pn, pv := ix.at("propertyName", false), ix.at("value", false)
	for _, col := range []struct {
		name string
		pos  int
	}{{"propertyName", pn}, {"value", pv}} {
		if col.pos < 0 {
			return packageError(core.Issue{Code: core.FileOneRosterColumn, Value: col.name, Other: ManifestFile}, nil)
		}
	}
	rd.modes = map[string]string{}
	version := ""
	for _, r := range cf.records {
		prop, value := strings.TrimSpace(r.cell(pn)), strings.TrimSpace(r.cell(pv))
		switch {
		case strings.EqualFold(prop, "oneroster.version"):
			version = value
		case len(prop) > len("file.") && strings.EqualFold(prop[:len("file.")], "file."):
			mode := strings.ToLower(value)
			if mode == "delta" {
				return packageError(core.Issue{Code: core.FileOneRosterDelta, Value: prop[len("file."):] + ".csv"}, nil)
			}
			rd.modes[strings.ToLower(prop[len("file."):])+".csv"] = mode
		}
	}
	if version != "" && version != "1.1" && !strings.HasPrefix(version, "1.1.") {
		return packageError(core.Issue{Code: core.FileOneRosterVersion, Value: version}, nil)
	}
	for file, mode := range rd.modes {
		_, present := rd.names[file]
		switch {
		case mode == "bulk" && !present:
			return packageError(core.Issue{Code: core.FileOneRosterFile, Value: file, Other: "though manifest.csv lists it"}, nil)
		case mode == "absent" && present:
			rd.absentButSet = append(rd.absentButSet, rd.names[file])
		}
	}
	sort.Strings(rd.absentButSet)
	return nil
}

// load reads one CSV file of the package.
func (rd *reader) load(name string) (*csvFile, error) {
	cf, err := readCSVFile(rd.fsys, name, rd.opts.MaxFileBytes)
	switch {
	case errors.Is(err, errTooBig):
		return nil, unreadable(name, "it is larger than "+core.Thousands(int(rd.opts.MaxFileBytes>>20))+" MB, too large to read", err)
	case err != nil:
		return nil, unreadable(name, err.Error(), err)
	case cf.header == nil:
		return nil, unreadable(name, "it is empty: it has no header row", nil)
	}
	return cf, nil
}

// columns reads file's header: the position of each column the reader uses, an error
// naming a required one that is missing, and ignored columns noted for a warning
// (metadata.* and ext_* extensions are ignored silently).
func (rd *reader) columns(cf *csvFile, required []string) (map[string]int, error) {
	ix := index(cf.header, false)
	t, _ := tableNamed(cf.name)
	pos := map[string]int{}
	for _, c := range t.columns {
		pos[c.name] = ix.at(c.name, false)
	}
	for _, name := range required {
		if pos[name] < 0 {
			return nil, packageError(core.Issue{Code: core.FileOneRosterColumn, Value: name, Other: cf.name}, nil)
		}
	}
	for _, h := range cf.header {
		low := strings.ToLower(strings.TrimSpace(h))
		if low == "" || strings.HasPrefix(low, "metadata.") || strings.HasPrefix(low, "ext_") {
			continue
		}
		known := false
		for _, c := range t.columns {
			if strings.EqualFold(c.name, low) {
				known = true
			}
		}
		if !known {
			if rd.ignoredCols == nil {
				rd.ignoredCols = map[string][]string{}
			}
			rd.ignoredCols[cf.name] = append(rd.ignoredCols[cf.name], strings.TrimSpace(h))
		}
	}
	return pos, nil
}

// dataFile loads one of the six files by its binding name; nil, nil when the package
// does not have it and it is optional.
func (rd *reader) dataFile(name string, required bool, cols []string) (*csvFile, map[string]int, error) {
	actual := rd.file(name)
	if actual == "" {
		if required {
			return nil, nil, packageError(core.Issue{Code: core.FileOneRosterFile, Value: name, Other: "which Rosterdesk needs"}, nil)
		}
		return nil, nil, nil
	}
	cf, err := rd.load(actual)
	if err != nil {
		return nil, nil, err
	}
	cf.name = name
	pos, err := rd.columns(cf, cols)
	if err != nil {
		return nil, nil, err
	}
	return cf, pos, nil
}

// fields is one record of a file, read by column name.
type fields struct {
	r   *record
	pos map[string]int
}

// get returns the value of column name, trimmed; "" when the file has no such column.
func (f fields) get(name string) string {
	return strings.TrimSpace(f.r.cell(f.pos[name]))
}

// each reads file name (see dataFile) and calls fn with each record, checking ctx as it
// goes. A record marked tobedeleted is counted and skipped, and noted so that
// enrollments in it are skipped too rather than failing for a record the package has;
// blank, active and inactive (which some bulk exports write) are all read.
func (rd *reader) each(name string, required bool, cols []string, fn func(f fields)) error {
	cf, pos, err := rd.dataFile(name, required, cols)
	if err != nil || cf == nil {
		return err
	}
	for i := range cf.records {
		if err := rd.tick(); err != nil {
			return err
		}
		f := fields{&cf.records[i], pos}
		if strings.EqualFold(f.get("status"), "tobedeleted") {
			rd.res.Skipped.Deleted++
			rd.deleted[name+":"+f.get("sourcedId")] = true
			continue
		}
		fn(f)
	}
	return nil
}

func (rd *reader) readOrgs() error {
	return rd.each(OrgsFile, true, []string{"sourcedId", "name", "type"}, func(f fields) {
		o := &orgRec{id: f.get("sourcedId"), name: f.get("name"), typ: strings.ToLower(f.get("type")), line: f.r.line}
		if _, dup := rd.orgs[o.id]; o.id != "" && !dup {
			rd.orgs[o.id] = o
		}
	})
}

// chooseSchool picks the school to read (see Options.School).
func (rd *reader) chooseSchool() error {
	var schools []*orgRec
	for _, o := range rd.orgs {
		if o.typ == "school" {
			schools = append(schools, o)
		}
	}
	sort.Slice(schools, func(i, j int) bool { return schools[i].line < schools[j].line })
	if len(schools) == 0 {
		return packageError(core.Issue{Code: core.FileOneRosterNoSchool}, nil)
	}
	pick := func() *orgRec {
		for _, want := range rd.opts.School {
			want = strings.TrimSpace(want)
			if want == "" {
				continue
			}
			for _, s := range schools {
				if s.id == want {
					return s
				}
			}
			var named []*orgRec
			for _, s := range schools {
				if core.Key(s.name) == core.Key(want) {
					named = append(named, s)
				}
			}
			if len(named) == 1 {
				return named[0]
			}
		}
		if len(schools) == 1 {
			return schools[0]
		}
		return nil
	}
	rd.school = pick()
	if rd.school == nil {
		names := make([]string, len(schools))
		for i, s := range schools {
			names[i] = strconv.Quote(s.name)
		}
		want := ""
		for _, w := range rd.opts.School {
			if w = strings.TrimSpace(w); w != "" {
				want = w
				break
			}
		}
		return packageError(core.Issue{Code: core.FileOneRosterSchool, Count: len(schools), Items: names, Value: want}, nil)
	}
	rd.res.SchoolID, rd.res.SchoolName = rd.school.id, rd.school.name
	rd.res.Skipped.Schools = len(schools) - 1
	return nil
}

func (rd *reader) readTerms() error {
	err := rd.each(AcademicSessionsFile, false, []string{"sourcedId", "startDate", "endDate"}, func(f fields) {
		id := f.get("sourcedId")
		t := &termRec{line: f.r.line}
		t.start, _ = readDate(f.get("startDate"))
		t.end, _ = readDate(f.get("endDate"))
		if _, dup := rd.terms[id]; id != "" && !dup {
			rd.terms[id] = t
		}
	})
	rd.termsOK = len(rd.terms) > 0
	return err
}

func (rd *reader) readUsers() error {
	cols := []string{"sourcedId", "orgSourcedIds", "role", "username", "givenName", "familyName"}
	return rd.each(UsersFile, true, cols, func(f fields) {
		if f.get("password") != "" {
			rd.passwords = true // and never read further
		}
		u := &userRec{
			id: f.get("sourcedId"), role: strings.ToLower(f.get("role")),
			first: f.get("givenName"), last: f.get("familyName"),
			email: f.get("email"), username: f.get("username"),
			orgs: splitList(f.get("orgSourcedIds")), line: f.r.line,
		}
		if u.id == "" {
			return // nothing can refer to it
		}
		u.grade = rd.grade(f.get("grades"))
		u.ids = userIDCandidates(f.get("identifier"), f.get("userIds"))
		for _, o := range u.orgs {
			if o == rd.school.id {
				u.inSchool = true
			}
			if rd.orgs[o] == nil {
				rd.unknownOrgs++
			}
		}
		rd.userSeq = append(rd.userSeq, u)
		if first, dup := rd.users[u.id]; dup {
			p := Problem{Code: ProblemDuplicateID, Value: u.id, Other: UsersFile}
			first.problems = appendProblem(first.problems, p)
			u.problems = appendProblem(u.problems, p)
			return
		}
		rd.users[u.id] = u
	})
}

// grade reads a grades cell, counting what could not be mapped for the warnings.
func (rd *reader) grade(list string) string {
	g, unmapped := templateGrade(list)
	switch {
	case len(unmapped) > 0 && g == "" && len(splitList(list)) == len(unmapped):
		rd.unmapped++
	case g == "" && len(splitList(list)) > len(unmapped):
		rd.combined++
	}
	return g
}

// userIDCandidates lists the values that may become a user's User ID, best first: the
// identifier, the {Local:…} userId, then the other userIds.
func userIDCandidates(identifier, userIDs string) []string {
	var out []string
	if identifier != "" {
		out = append(out, identifier)
	}
	ids, _ := parseUserIDs(userIDs, false)
	for _, id := range ids {
		if strings.EqualFold(id.typ, "Local") {
			out = append(out, id.id)
		}
	}
	for _, id := range ids {
		if !strings.EqualFold(id.typ, "Local") {
			out = append(out, id.id)
		}
	}
	return out
}

func (rd *reader) readClasses() error {
	return rd.each(ClassesFile, false, []string{"sourcedId", "title", "schoolSourcedId", "termSourcedIds"}, func(f fields) {
		c := &classRec{
			id: f.get("sourcedId"), title: f.get("title"), code: f.get("classCode"),
			school: f.get("schoolSourcedId"), terms: splitList(f.get("termSourcedIds")), line: f.r.line,
		}
		if c.id == "" {
			return
		}
		if first, dup := rd.classes[c.id]; dup {
			first.problems = appendProblem(first.problems, Problem{Code: ProblemDuplicateID, Value: c.id, Other: ClassesFile})
			return
		}
		rd.classes[c.id] = c
		switch {
		case c.school == rd.school.id:
		case rd.orgs[c.school] != nil:
			rd.res.Skipped.Classes++
			return // another school's class: enrollments in it are skipped
		default:
			c.problems = appendProblem(c.problems, Problem{Code: ProblemSchoolMissing, Value: c.school, Other: c.id})
		}
		c.grade = rd.grade(f.get("grades"))
		rd.dates(c)
		rd.clsSeq = append(rd.clsSeq, c)
	})
}

// dates sets a class's dates from its terms: the earliest start and the latest end.
// Without academicSessions.csv the class has no dates; with it, a term it does not have
// fails the class's rows.
func (rd *reader) dates(c *classRec) {
	if !rd.termsOK {
		return
	}
	for _, id := range c.terms {
		t, ok := rd.terms[id]
		switch {
		case !ok:
			c.problems = appendProblem(c.problems, Problem{Code: ProblemTermMissing, Value: id, Other: c.id})
			continue
		case t.start == "" || t.end == "":
			c.problems = appendProblem(c.problems, Problem{Code: ProblemTermDates, Value: id, Other: c.id})
			continue
		}
		if c.start == "" || t.start < c.start {
			c.start = t.start
		}
		if c.end == "" || t.end > c.end {
			c.end = t.end
		}
	}
}

func (rd *reader) readEnrollments() error {
	type member struct{ class, user string }
	seen := map[member]bool{}
	cols := []string{"classSourcedId", "schoolSourcedId", "userSourcedId", "role"}
	return rd.each(EnrollmentsFile, false, cols, func(f fields) {
		e := enrollRec{class: f.get("classSourcedId"), school: f.get("schoolSourcedId"),
			user: f.get("userSourcedId"), role: strings.ToLower(f.get("role")), line: f.r.line}
		e.primary, _ = parseBool(f.get("primary"))
		switch {
		case rd.deleted[UsersFile+":"+e.user] && rd.users[e.user] == nil,
			rd.deleted[ClassesFile+":"+e.class] && rd.classes[e.class] == nil, // a record the package deletes
			!rd.enrollmentInSchool(e),
			e.role != "student" && e.role != "teacher":
			rd.res.Skipped.Enrollments++
			return
		}
		if u := rd.users[e.user]; u != nil {
			if u.role == "teacher" && e.role == "teacher" {
				if rd.classTeachers == nil {
					rd.classTeachers = map[string][]string{}
				}
				rd.classTeachers[e.class] = append(rd.classTeachers[e.class], e.user)
			}
			if !rd.imported(u) {
				rd.res.Skipped.Enrollments++
				return
			}
			u.inSchool = true
		}
		m := member{e.class, e.user}
		if seen[m] {
			rd.res.Skipped.Duplicates++
			return
		}
		seen[m] = true
		rd.enrolls = append(rd.enrolls, e)
	})
}

// enrollmentInSchool reports whether an enrollment belongs to the school read: its
// class is one of the school's, or, when the class cannot be found (or its school), the
// enrollment itself names the school.
func (rd *reader) enrollmentInSchool(e enrollRec) bool {
	c := rd.classes[e.class]
	switch {
	case c == nil:
		return e.school == rd.school.id
	case c.school == rd.school.id:
		return true
	case rd.orgs[c.school] != nil:
		return false
	}
	return e.school == rd.school.id
}

// imported reports whether a user's role is one the import takes: students, and
// teachers unless the upload runs in Import Students/Rosters.
func (rd *reader) imported(u *userRec) bool {
	switch u.role {
	case "student":
		return true
	case "teacher":
		return rd.opts.Mode != core.ModeTeacher
	}
	return false
}

// fsRoot returns the folder of fsys that holds manifest.csv: the root, or a single
// top-level folder when the zip was made by compressing a folder.
func fsRoot(fsys fs.FS) (fs.FS, string, error) {
	if _, err := fs.Stat(fsys, ManifestFile); err == nil {
		return fsys, "", nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, "", err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !ignoredName(e.Name()) {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		if _, err := fs.Stat(fsys, path.Join(dirs[0], ManifestFile)); err == nil {
			sub, err := fs.Sub(fsys, dirs[0])
			return sub, dirs[0] + "/", err
		}
	}
	return fsys, "", nil
}

// ignoredName reports whether a zip member is one that archivers add and a package
// never means: macOS's __MACOSX folder and .DS_Store files.
func ignoredName(name string) bool {
	return name == "__MACOSX" || name == ".DS_Store"
}
