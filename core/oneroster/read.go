package oneroster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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
	// OnRecords, when set, is called every 1,024 records read and rows made, with how
	// many so far: a package's first row comes only once all its records are read, and
	// until then the caller has nothing else to go by (to look for a cancel, say).
	OnRecords func(n int)
	// Spill is the empty database the package's users, classes and enrollments are kept
	// in while they are translated (see Spill). Nil: a database in memory, for tests and
	// small packages; an import gives a temporary file, so its memory stays bounded.
	Spill Spill
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
	// from 2, as in a template file whose header is row 1. Read fills it; Stream hands
	// the rows on in the same order instead and leaves it nil.
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
//
// Read returns every row in Result.Rows; Stream hands them on one at a time instead.
func Read(ctx context.Context, fsys fs.FS, opts Options) (*Result, error) {
	var rows []Row
	res, err := Stream(ctx, fsys, opts, func(r *Row) error {
		rows = append(rows, *r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Rows = rows
	return res, nil
}

// Stream translates the package in fsys as Read does, but calls fn with each row, in the
// order of Result.Rows, instead of keeping them: with Options.Spill a temporary file,
// its memory does not grow with the package. The files are read a record at a time into
// the spill, and the rows come out of it a class at a time, so every problem with the
// package as a whole is found before the first row; an error of fn, of ctx or of the
// spill stops it. The Result it returns has no Rows.
func Stream(ctx context.Context, fsys fs.FS, opts Options, fn func(*Row) error) (*Result, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Spill == nil {
		conn, closeSpill, err := memorySpill(ctx)
		if err != nil {
			return nil, fmt.Errorf("open spill: %w", err)
		}
		defer closeSpill()
		opts.Spill = conn
	}
	rd := &reader{ctx: ctx, opts: opts, res: &Result{}, db: opts.Spill, emit: fn, stmts: map[string]*sql.Stmt{}}
	err := rd.run(fsys)
	for _, st := range rd.stmts {
		err = errors.Join(err, st.Close())
	}
	if err != nil {
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

// The records Read keeps in memory (orgs and terms: a package has a few hundred at
// most), and those it reads back from the spill, with the line each came from.
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
		ids                                           []string // User ID candidates, best first
		line                                          int
		userID                                        string // the User ID chosen
		problems                                      []Problem
	}
	classRec struct {
		id, title, grade string
		line             int
		classID          string
		start, end       string
		problems         []Problem
	}
)

type reader struct {
	ctx     context.Context
	opts    Options
	res     *Result
	db      Spill
	emit    func(*Row) error
	fsys    fs.FS
	names   map[string]string // lower-case file name → name in the package
	modes   map[string]string // lower-case data file name → manifest value
	seen    int
	school  *orgRec
	orgs    map[string]*orgRec
	terms   map[string]*termRec
	termsOK bool // academicSessions.csv was read and has records
	classes int  // classes of the school read (and of schools orgs.csv lacks)
	rows    int  // rows handed on
	stmts   map[string]*sql.Stmt
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
		if rd.opts.OnRecords != nil {
			rd.opts.OnRecords(rd.seen)
		}
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
	rd.orgs, rd.terms = map[string]*orgRec{}, map[string]*termRec{}
	if _, err := rd.db.ExecContext(rd.ctx, spillSchema); err != nil {
		return fmt.Errorf("create spill: %w", err)
	}
	for _, step := range []func() error{rd.readOrgs, rd.chooseSchool, rd.readTerms, rd.readUsers, rd.readClasses,
		rd.readEnrollments, rd.duplicateUsers, rd.assignUserIDs, rd.assignClassIDs, rd.rowsOut} {
		if err := step(); err != nil {
			return err
		}
	}
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
	cs, err := rd.open(name)
	if err != nil {
		return err
	}
	defer cs.Close()
	ix := index(cs.header, false)
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
	for {
		r, err := cs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rd.fileError(name, err)
		}
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

// open opens one CSV file of the package and reads its header.
func (rd *reader) open(name string) (*csvStream, error) {
	cs, err := openCSV(rd.fsys, name, rd.opts.MaxFileBytes)
	if err != nil {
		return nil, rd.fileError(name, err)
	}
	if cs.header == nil {
		cs.Close()
		return nil, unreadable(name, "it is empty: it has no header row", nil)
	}
	return cs, nil
}

// fileError is the error for file name that cannot be read, and why.
func (rd *reader) fileError(name string, err error) error {
	if errors.Is(err, errTooBig) {
		return unreadable(name, "it is larger than "+core.Thousands(int(rd.opts.MaxFileBytes>>20))+" MB, too large to read", err)
	}
	return unreadable(name, err.Error(), err)
}

// columns reads file's header: the position of each column the reader uses, an error
// naming a required one that is missing, and ignored columns noted for a warning
// (metadata.* and ext_* extensions are ignored silently).
func (rd *reader) columns(file string, header []string, required []string) (map[string]int, error) {
	ix := index(header, false)
	t, _ := tableNamed(file)
	pos := map[string]int{}
	for _, c := range t.columns {
		pos[c.name] = ix.at(c.name, false)
	}
	for _, name := range required {
		if pos[name] < 0 {
			return nil, packageError(core.Issue{Code: core.FileOneRosterColumn, Value: name, Other: file}, nil)
		}
	}
	for _, h := range header {
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
			rd.ignoredCols[file] = append(rd.ignoredCols[file], strings.TrimSpace(h))
		}
	}
	return pos, nil
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

// each reads one of the six files by its binding name, a record at a time, and calls fn
// with each, checking ctx as it goes; a file the package does not have is an error when
// required, else nothing to read. A record marked tobedeleted is counted and skipped,
// and a user's or a class's noted, so that enrollments in it are skipped too rather
// than failing for a record the package has; blank, active and inactive (which some
// bulk exports write) are all read.
func (rd *reader) each(name string, required bool, cols []string, fn func(f fields) error) error {
	actual := rd.file(name)
	if actual == "" {
		if required {
			return packageError(core.Issue{Code: core.FileOneRosterFile, Value: name, Other: "which Rosterdesk needs"}, nil)
		}
		return nil
	}
	cs, err := rd.open(actual)
	if err != nil {
		return err
	}
	defer cs.Close()
	pos, err := rd.columns(name, cs.header, cols)
	if err != nil {
		return err
	}
	deleted := newInserter(rd.db, "deleted", "file", "id")
	deleted.tail = " ON CONFLICT DO NOTHING"
	stop := make(chan struct{})
	batches := cs.parseAhead(stop)
	defer func() {
		close(stop)
		for range batches { // let the parsing goroutine end before the file is closed
		}
	}()
	for p := range batches {
		for i := range p.records {
			if err := rd.tick(); err != nil {
				return err
			}
			f := fields{&p.records[i], pos}
			if strings.EqualFold(f.get("status"), "tobedeleted") {
				rd.res.Skipped.Deleted++
				if name == UsersFile || name == ClassesFile {
					if err := deleted.add(rd.ctx, name, f.get("sourcedId")); err != nil {
						return err
					}
				}
				continue
			}
			if err := fn(f); err != nil {
				return err
			}
		}
		if p.err == io.EOF {
			break
		}
		if p.err != nil {
			return rd.fileError(actual, p.err)
		}
	}
	return deleted.flush(rd.ctx)
}

func (rd *reader) readOrgs() error {
	return rd.each(OrgsFile, true, []string{"sourcedId", "name", "type"}, func(f fields) error {
		o := &orgRec{id: f.get("sourcedId"), name: f.get("name"), typ: strings.ToLower(f.get("type")), line: f.r.line}
		if _, dup := rd.orgs[o.id]; o.id != "" && !dup {
			rd.orgs[o.id] = o
		}
		return nil
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
	err := rd.each(AcademicSessionsFile, false, []string{"sourcedId", "startDate", "endDate"}, func(f fields) error {
		id := f.get("sourcedId")
		t := &termRec{line: f.r.line}
		t.start, _ = readDate(f.get("startDate"))
		t.end, _ = readDate(f.get("endDate"))
		if _, dup := rd.terms[id]; id != "" && !dup {
			rd.terms[id] = t
		}
		return nil
	})
	rd.termsOK = len(rd.terms) > 0
	return err
}

// idSep joins a user's User ID candidates in the spill: no identifier holds it.
const idSep = "\x1f"

func (rd *reader) readUsers() error {
	cols := []string{"sourcedId", "orgSourcedIds", "role", "username", "givenName", "familyName"}
	users := newInserter(rd.db, "users", "line", "id", "role", "first", "last", "grade", "email", "username",
		"ids", "user_id", "id_key", "in_school")
	err := rd.each(UsersFile, true, cols, func(f fields) error {
		if f.get("password") != "" {
			rd.passwords = true // and never read further
		}
		id := f.get("sourcedId")
		if id == "" {
			return nil // nothing can refer to it
		}
		grade := rd.grade(f.get("grades"))
		ids := userIDCandidates(f.get("identifier"), f.get("userIds"))
		inSchool := false
		for _, o := range splitList(f.get("orgSourcedIds")) {
			if o == rd.school.id {
				inSchool = true
			}
			if rd.orgs[o] == nil {
				rd.unknownOrgs++
			}
		}
		userID := chooseUserID(id, ids)
		idKey := ""
		if userID != "" {
			idKey = core.Key(userID)
		}
		return users.add(rd.ctx, f.r.line, id, strings.ToLower(f.get("role")), f.get("givenName"), f.get("familyName"),
			grade, f.get("email"), f.get("username"), strings.Join(ids, idSep), userID, nullable(idKey), inSchool)
	})
	if err != nil {
		return err
	}
	return users.flush(rd.ctx)
}

// chooseUserID chooses a user's User ID: the first candidate that is a valid User ID,
// else the sourcedId when it is one, else the first candidate as it is (so the row fails
// naming it).
func chooseUserID(sourcedID string, candidates []string) string {
	for _, c := range candidates {
		if core.ValidUserID(c) {
			return c
		}
	}
	if core.ValidUserID(sourcedID) {
		return sourcedID
	}
	if len(candidates) > 0 {
		return candidates[0]
	}
	return ""
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

// readClasses stores the first record of each class. Classes are a small part of a
// package (a class has tens of enrollments), so each is looked up as it is read: a
// repeated sourcedId fails the first record's rows and is otherwise left out.
func (rd *reader) readClasses() error {
	return rd.each(ClassesFile, false, []string{"sourcedId", "title", "schoolSourcedId", "termSourcedIds"}, func(f fields) error {
		id, school := f.get("sourcedId"), f.get("schoolSourcedId")
		if id == "" {
			return nil
		}
		var line int
		var problems sql.NullString
		err := rd.queryRow(`SELECT line, problems FROM classes WHERE id = ?`, []any{id}, &line, &problems)
		switch {
		case err == nil:
			ps, err := decodeProblems(problems)
			if err != nil {
				return err
			}
			return rd.setProblems("classes", line, appendProblem(ps, Problem{Code: ProblemDuplicateID, Value: id, Other: ClassesFile}))
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var ps []Problem
		place, grade, start, end, code := 1, "", "", "", f.get("classCode")
		switch {
		case school == rd.school.id:
		case rd.orgs[school] != nil:
			place = 2 // another school's class: enrollments in it are skipped
			rd.res.Skipped.Classes++
		default:
			place = 0
			ps = appendProblem(ps, Problem{Code: ProblemSchoolMissing, Value: school, Other: id})
		}
		if place != 2 {
			rd.classes++
			grade = rd.grade(f.get("grades"))
			start, end, ps = rd.dates(id, splitList(f.get("termSourcedIds")), ps)
		}
		codeKey := ""
		if core.ValidClassID(code) {
			codeKey = core.Key(code)
		}
		insert, err := rd.prepared(`
			INSERT INTO classes (line, id, place, title, code, code_key, grade, start, end, problems)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err == nil {
			_, err = insert.ExecContext(rd.ctx, f.r.line, id, place, f.get("title"), code, nullable(codeKey), grade, start, end, encodeProblems(ps))
		}
		if err != nil {
			return fmt.Errorf("store class: %w", err)
		}
		return nil
	})
}

// dates returns a class's dates from its terms: the earliest start and the latest end.
// Without academicSessions.csv the class has no dates; with it, a term it does not have
// fails the class's rows.
func (rd *reader) dates(id string, terms []string, ps []Problem) (start, end string, _ []Problem) {
	if !rd.termsOK {
		return "", "", ps
	}
	for _, tid := range terms {
		t, ok := rd.terms[tid]
		switch {
		case !ok:
			ps = appendProblem(ps, Problem{Code: ProblemTermMissing, Value: tid, Other: id})
			continue
		case t.start == "" || t.end == "":
			ps = appendProblem(ps, Problem{Code: ProblemTermDates, Value: tid, Other: id})
			continue
		}
		if start == "" || t.start < start {
			start = t.start
		}
		if end == "" || t.end > end {
			end = t.end
		}
	}
	return start, end, ps
}

// readEnrollments stores each enrollment resolved against the users and classes read:
// which user record it names, whether it is another school's or a deleted record's (or
// of a role the import does not take), whether it makes its user one of the class's
// teachers. One statement does a batch of them, the lookups made inside SQLite. Then
// each user or class repeated is marked, and the users an enrollment puts in the school.
func (rd *reader) readEnrollments() error {
	enrolls := newInserter(rd.db, "enrollments", "line", "class", "school", "user", "role", "rank")
	enrolls.after = []any{rd.school.id, rd.opts.Mode != core.ModeTeacher}
	enrolls.wrap = func(values string) string {
		return `
			WITH v (line, class, school, user, role, rank) AS (VALUES ` + values + `),
			e AS (
				SELECT v.*, u.line AS uline, u.role AS urole, c.place AS place
				FROM v
				LEFT JOIN users u ON u.line = (SELECT min(line) FROM users WHERE id = v.user)
				LEFT JOIN classes c ON c.id = v.class),
			f AS (
				SELECT e.*, (
					uline IS NULL AND EXISTS (SELECT 1 FROM deleted WHERE file = 'users.csv' AND id = e.user)
					OR place IS NULL AND EXISTS (SELECT 1 FROM deleted WHERE file = 'classes.csv' AND id = e.class)
					OR CASE place WHEN 1 THEN 0 WHEN 2 THEN 1 ELSE school != ? END
					OR role NOT IN ('student', 'teacher')) AS skip
				FROM e)
			INSERT INTO enrollments (line, class, user, rank, uline, state, teaches)
			SELECT line, class, user, rank, uline,
				CASE
					WHEN skip THEN ` + strconv.Itoa(enrollmentSkipped) + `
					WHEN urole IS NOT NULL AND NOT (urole = 'student' OR urole = 'teacher' AND ?) THEN ` + strconv.Itoa(enrollmentNotImported) + `
					ELSE ` + strconv.Itoa(enrollmentKept) + `
				END,
				NOT skip AND role = 'teacher' AND urole IS 'teacher'
			FROM f`
	}
	cols := []string{"classSourcedId", "schoolSourcedId", "userSourcedId", "role"}
	err := rd.each(EnrollmentsFile, false, cols, func(f fields) error {
		role := strings.ToLower(f.get("role"))
		primary, _ := parseBool(f.get("primary"))
		return enrolls.add(rd.ctx, f.r.line, f.get("classSourcedId"), f.get("schoolSourcedId"), f.get("userSourcedId"), role, rank(role, primary))
	})
	if err != nil {
		return err
	}
	if err := enrolls.flush(rd.ctx); err != nil {
		return err
	}

	// A user enrolled in a class of the school is in the school, whatever orgSourcedIds
	// says; an enrollment repeated is read once.
	for _, q := range []string{`
		UPDATE enrollments SET state = ` + strconv.Itoa(enrollmentRepeated) + `
		WHERE state = ` + strconv.Itoa(enrollmentKept) + ` AND EXISTS (
			SELECT 1 FROM enrollments o
			WHERE o.class = enrollments.class AND o.user = enrollments.user AND o.line < enrollments.line
				AND o.state = ` + strconv.Itoa(enrollmentKept) + `)`, `
		UPDATE users SET in_school = 1
		WHERE NOT in_school AND EXISTS (
			SELECT 1 FROM enrollments
			WHERE uline = users.line AND state IN (` + strconv.Itoa(enrollmentKept) + `, ` + strconv.Itoa(enrollmentRepeated) + `))`,
	} {
		if _, err := rd.db.ExecContext(rd.ctx, q); err != nil {
			return fmt.Errorf("resolve enrollments: %w", err)
		}
	}
	var skipped, repeated sql.NullInt64
	err = rd.queryRow(`SELECT sum(state IN (?1, ?2)), sum(state = ?3) FROM enrollments`,
		[]any{enrollmentSkipped, enrollmentNotImported, enrollmentRepeated}, &skipped, &repeated)
	rd.res.Skipped.Enrollments += int(skipped.Int64)
	rd.res.Skipped.Duplicates += int(repeated.Int64)
	return err
}

// imported is the SQL condition that user record u's role is one the import takes:
// students, and teachers unless the upload runs in Import Students/Rosters.
func (rd *reader) imported(u string) string {
	if rd.opts.Mode == core.ModeTeacher {
		return u + `.role = 'student'`
	}
	return u + `.role IN ('student', 'teacher')`
}

// prepared returns query prepared, once per text: the queries made for each class
// would otherwise be parsed again each time.
func (rd *reader) prepared(query string) (*sql.Stmt, error) {
	if st := rd.stmts[query]; st != nil {
		return st, nil
	}
	st, err := rd.db.PrepareContext(rd.ctx, query)
	if err != nil {
		return nil, err
	}
	rd.stmts[query] = st
	return st, nil
}

// query runs query and calls fn for each row; the rows are closed before it returns.
func (rd *reader) query(query string, args []any, fn func(*sql.Rows) error) error {
	st, err := rd.prepared(query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(rd.ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// queryRow runs query, which returns at most one row, into dest; sql.ErrNoRows when
// it returns none.
func (rd *reader) queryRow(query string, args []any, dest ...any) error {
	found := false
	err := rd.query(query, args, func(rows *sql.Rows) error {
		found = true
		return rows.Scan(dest...)
	})
	if err == nil && !found {
		return sql.ErrNoRows
	}
	return err
}

// setProblems replaces the problems of the record on line of table (users or classes).
func (rd *reader) setProblems(table string, line int, ps []Problem) error {
	_, err := rd.db.ExecContext(rd.ctx, `UPDATE `+table+` SET problems = ? WHERE line = ?`, encodeProblems(ps), line)
	if err != nil {
		return fmt.Errorf("store problems: %w", err)
	}
	return nil
}

// addProblem adds p to the problems of the record on line of table.
func (rd *reader) addProblem(table string, line int, p Problem) error {
	var s sql.NullString
	if err := rd.queryRow(`SELECT problems FROM `+table+` WHERE line = ?`, []any{line}, &s); err != nil {
		return fmt.Errorf("read problems: %w", err)
	}
	ps, err := decodeProblems(s)
	if err != nil {
		return err
	}
	return rd.setProblems(table, line, appendProblem(ps, p))
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
