package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// Open opens (creating if needed) the database at path, applies migrations and returns
// the service. Close it when done. It refuses a path that is not a file, a file that is
// not a Rosterdesk database and a database made by a newer Rosterdesk, without changing
// them (see sqlite.Open).
//
// Upgrading a database made by an older Rosterdesk needs its write lock: while another
// program or another Rosterdesk holds it, opts.OnWait hears who (a Wait with Locked,
// after BusyNoticeAfter) and when it is free again, as for every write.
func Open(ctx context.Context, path string, opts Options) (*Service, error) {
	return open(ctx, path, false, opts)
}

func open(ctx context.Context, path string, readOnly bool, opts Options) (*Service, error) {
	s := newService(opts)
	db, err := sqlite.OpenWith(ctx, path, sqlite.Options{ReadOnly: readOnly, Busy: s.busyWait()})
	if err != nil {
		return nil, err
	}
	s.db = db
	return s, nil
}

// OpenReadOnly opens the database at path for reading only, for the commands that only
// show what is there (history, downloads, exports): nothing in the file changes, and a
// database the user may only read, or one on a read-only disk, opens too. Methods that
// write fail with an error of kind KindStorage. There must be a database at path.
// A database made by an older Rosterdesk is upgraded first, which waits for the write
// lock as Open says.
func OpenReadOnly(ctx context.Context, path string, opts Options) (*Service, error) {
	return open(ctx, path, true, opts)
}

// newService returns the service of opts; open sets its database.
func newService(opts Options) *Service {
	s := &Service{now: opts.Now, owner: opts.Owner, hash: accountHasher{}, owners: newOwnerWatch(opts), opts: opts.withDefaults()}
	if s.now == nil {
		s.now = time.Now
	}
	s.host, _ = os.Hostname()
	if s.owner == "" {
		s.owner = fmt.Sprintf("%s/%d/%s", s.host, os.Getpid(), newGUID()[:8])
	}
	return s
}

// busyWait is how the service's database waits for another connection's write lock:
// for Options.BusyWait, telling onBusy.
func (s *Service) busyWait() sqlite.BusyWait {
	return sqlite.BusyWait{Limit: s.opts.BusyWait, Notify: s.onBusy}
}

// Close closes the database.
func (s *Service) Close() error { return s.db.Close() }

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

// DBPath returns the path of the open database.
func (s *Service) DBPath() string { return s.db.Path }

// Init creates the organization if the database has none; it is idempotent, and an
// existing organization keeps its name.
func (s *Service) Init(ctx context.Context, orgName string) (core.Org, error) {
	// The name heads the window and the sign-in screen: it obeys a school name's rules.
	if strings.TrimSpace(orgName) == "" {
		return core.Org{}, core.Errorf(core.KindInvalid, "Type the organization's name, for example \"Springfield School District\".")
	}
	name, err := cleanName("organization", orgName)
	if err != nil {
		return core.Org{}, err
	}
	return s.db.InitOrg(ctx, name, s.now())
}

// Org returns the organization, or an error of kind KindNotInitialized.
func (s *Service) Org(ctx context.Context) (core.Org, error) { return s.db.Org(ctx) }

// cleanName checks the name of a school or an organization (what) as a person typed it:
// no control or text-direction characters, runs of spaces made one, 1 to 100 characters.
func cleanName(what, name string) (string, error) {
	a := "a"
	if strings.HasPrefix(what, "o") {
		a = "an"
	}
	if strings.ContainsFunc(name, core.Unprintable) {
		return "", core.Errorf(core.KindInvalid, "%s %s name cannot contain control characters (line breaks, tabs or escape codes). Type it on one line.", strings.ToUpper(a[:1])+a[1:], what)
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 100 {
		return "", core.Errorf(core.KindInvalid, "Type %s %s name of 1 to 100 characters.", a, what)
	}
	// The name reaches every export, the OneRoster orgs.csv among them, which is written
	// as it is: a spreadsheet opening it would run a name read as a formula.
	if core.FormulaStart(name) {
		return "", core.Errorf(core.KindInvalid, "%s %s name cannot start with =, +, - or @, which spreadsheet programs read as the start of a formula. Start it with a letter or a digit.", strings.ToUpper(a[:1])+a[1:], what)
	}
	// Names are told apart by core.Key, which keeps these: "So\u200buth" would be a
	// second school that looks like South in every list.
	if strings.ContainsFunc(name, invisible) {
		return "", core.Errorf(core.KindInvalid, "%s %s name cannot contain invisible characters (a zero-width space, a soft hyphen, a byte-order mark): with one, a name looks like another and is not. Type the name instead of pasting it.", strings.ToUpper(a[:1])+a[1:], what)
	}
	return name, nil
}

// invisible reports whether r is a formatting character that shows as nothing, except
// the joiners that Persian, Indic and emoji spellings need (U+200C, U+200D).
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
}

// AddSchool adds a school; names are unique, compared by core.Key. Only an
// Organization Administrator may.
func (s *Service) AddSchool(ctx context.Context, actor Actor, name string) (core.School, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.School{}, err
	}
	if err := r.orgAdmin("add a school"); err != nil {
		return core.School{}, err
	}
	name, err = cleanName("school", name)
	if err != nil {
		return core.School{}, err
	}
	return s.db.AddSchool(ctx, name, s.now())
}

// RenameSchool renames school id. Only an Organization Administrator may.
func (s *Service) RenameSchool(ctx context.Context, actor Actor, id int64, name string) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	if err := r.orgAdmin("rename a school"); err != nil {
		return err
	}
	name, err = cleanName("school", name)
	if err != nil {
		return err
	}
	return s.db.RenameSchool(ctx, id, name)
}

// Schools lists the schools the actor reaches, by name: every school for an
// Organization Administrator, their own for a School Organization Administrator, the
// schools a teacher teaches in for a teacher.
func (s *Service) Schools(ctx context.Context, actor Actor) ([]core.School, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Schools(ctx)
	if err != nil || r.all {
		return all, err
	}
	var out []core.School
	for _, sc := range all {
		if r.reaches(sc.ID) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// SchoolByName finds a school by name (compared by core.Key, its spaces as AddSchool
// stores them: single) among those the actor reaches. It returns KindNotFound when no
// school has the name and ACCESS_SCHOOL when the actor does not reach it.
func (s *Service) SchoolByName(ctx context.Context, actor Actor, name string) (core.School, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.School{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	sc, err := s.db.SchoolByName(ctx, name)
	if core.ErrorKind(err) == core.KindNotFound {
		return sc, core.Errorf(core.KindNotFound, "There is no school named %q.", strings.TrimSpace(name))
	}
	if err != nil {
		return sc, err
	}
	return s.school(ctx, r, sc.ID)
}

// Teachers lists the teachers of a school, by last name, for an administrator of the
// school.
func (s *Service) Teachers(ctx context.Context, actor Actor, schoolID int64) ([]core.Account, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := r.admin("list a school's teachers"); err != nil {
		return nil, err
	}
	if _, err := s.school(ctx, r, schoolID); err != nil {
		return nil, err
	}
	return s.db.Accounts(ctx, sqlite.AccountFilter{SchoolID: schoolID, TeachersOnly: true})
}

// TeacherSchools lists, by name, the schools teacher account teacherID teaches in that
// the actor reaches. A teacher may ask only about themselves; an administrator only
// about a teacher of their schools.
func (s *Service) TeacherSchools(ctx context.Context, actor Actor, teacherID int64) ([]core.School, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	t, err := s.db.UserByID(ctx, teacherID)
	if err != nil {
		return nil, err
	}
	if r.isTeacher() && t.ID != r.teacher.ID || !r.isTeacher() && t.Role != core.RoleTeacher {
		return nil, core.Refusal(core.KindDenied, core.AccessAccount, t.FullName()+" ("+t.Username+")", "")
	}
	all, err := s.db.UserSchools(ctx, teacherID)
	if err != nil {
		return nil, err
	}
	var out []core.School
	for _, sc := range all {
		if r.isTeacher() || r.reaches(sc.ID) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 && len(all) > 0 {
		return nil, core.Refusal(core.KindDenied, core.AccessAccount, t.FullName()+" ("+t.Username+")", "")
	}
	return out, nil
}

// UserByUsername finds a teacher's or student's account by username (compared by
// core.Key), among the accounts the actor reaches. It returns KindNotFound when no user
// has the username and ACCESS_ACCOUNT when the actor does not reach it.
func (s *Service) UserByUsername(ctx context.Context, actor Actor, username string) (core.Account, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.Account{}, err
	}
	a, err := s.db.UserByUsername(ctx, username)
	if err != nil {
		return a, err
	}
	return a, s.account(ctx, r, a)
}

// TeacherActor returns the actor with exactly the rights of the teacher whose username
// is given, as rosterctl --teacher acts: only an Organization Administrator (who reaches
// everything already) may take a teacher's rights on. name labels the uploads; empty
// means the teacher's name.
func (s *Service) TeacherActor(ctx context.Context, actor Actor, username, name string) (Actor, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return Actor{}, err
	}
	if err := r.orgAdmin("act as a teacher"); err != nil {
		return Actor{}, err
	}
	t, err := s.db.UserByUsername(ctx, username)
	if err != nil {
		return Actor{}, err
	}
	if t.Role != core.RoleTeacher {
		return Actor{}, core.Refusal(core.KindInvalid, core.AdminNotTeacher, t.Username, "")
	}
	return Actor{Name: orDefault(strings.TrimSpace(name), t.FullName()), Role: core.OperatorTeacher, TeacherID: t.ID}, nil
}

// accountFilter returns the filter of the accounts r sees in school schoolID (0: every
// school, for an Organization Administrator only).
func (s *Service) accountFilter(ctx context.Context, r rights, schoolID int64) (sqlite.AccountFilter, error) {
	if schoolID == 0 {
		if !r.all {
			return sqlite.AccountFilter{}, core.Refusal(core.KindDenied, core.AccessOrgAdmin, "list the accounts of every school", "")
		}
		return sqlite.AccountFilter{}, nil
	}
	if _, err := s.school(ctx, r, schoolID); err != nil {
		return sqlite.AccountFilter{}, err
	}
	f := sqlite.AccountFilter{SchoolID: schoolID}
	if r.isTeacher() {
		f.StudentsOnly, f.TeacherID = true, r.teacher.ID
	}
	return f, nil
}

// Accounts lists the teachers and students of a school whose name, User ID, username or
// email contains query (all of them when query is ""), teachers first, then by name. A
// teacher sees the students of their own classes only; school 0 lists every school's
// accounts, for an Organization Administrator.
func (s *Service) Accounts(ctx context.Context, actor Actor, schoolID int64, query string) ([]core.Account, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err := s.accountFilter(ctx, r, schoolID)
	if err != nil {
		return nil, err
	}
	f.Query = query
	return s.db.Accounts(ctx, f)
}

// Classes lists the classes of a school; a teacher sees only their own.
func (s *Service) Classes(ctx context.Context, actor Actor, schoolID int64) ([]core.Class, error) {
	r, err := s.rightsIn(ctx, actor, schoolID)
	if err != nil {
		return nil, err
	}
	return s.db.Classes(ctx, schoolID, r.teacher.ID)
}

// WriteTemplate writes the Blank Template for mode in format f.
func (s *Service) WriteTemplate(w io.Writer, f core.Format, mode core.Mode) error {
	return report.Template(w, f, mode)
}

// checkActor checks that actor may upload into school schoolID (an Organization
// Administrator anywhere, a School Organization Administrator into their schools, a
// teacher into the schools they teach in) and returns the actor as the upload records
// it, labelled with the account's name when it has none.
func (s *Service) checkActor(ctx context.Context, schoolID int64, actor Actor) (Actor, error) {
	if actor.TeacherID != 0 && !actor.isTeacher() {
		// An administrator role carrying a teacher would import in Import Users/Rosters
		// yet be recorded as the teacher's upload: refuse the mix.
		return Actor{}, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(core.OperatorTeacher), "")
	}
	r, err := s.rightsIn(ctx, actor, schoolID)
	if err != nil {
		return Actor{}, err
	}
	return r.actor(), nil
}

// ExportUsers writes Export Teachers & Students for a school (teacher: Export Students,
// the students of their own classes), re-importable to update accounts by GUID.
// Password is always blank.
func (s *Service) ExportUsers(ctx context.Context, actor Actor, w io.Writer, f core.Format, schoolID int64) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	filter, err := s.accountFilter(ctx, r, schoolID)
	if err != nil {
		return err
	}
	accts, err := s.db.Accounts(ctx, filter)
	if err != nil {
		return err
	}
	mode := r.actor().Mode()
	var cols []core.Column
	for _, c := range core.TemplateColumns(mode) {
		if c <= core.ColPassword {
			cols = append(cols, c)
		}
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.HeaderFor(mode)
	}
	rows := func(yield func([]string) bool) {
		for _, a := range accts {
			v := map[core.Column]string{
				core.ColUserGUID: a.GUID, core.ColUserID: a.UserID, core.ColRole: string(a.Role), core.ColFirstName: a.FirstName,
				core.ColLastName: a.LastName, core.ColGrade: a.Grade, core.ColEmail: a.Email, core.ColUsername: a.Username,
			}
			cells := make([]string, len(cols))
			for i, c := range cols {
				cells[i] = v[c]
			}
			if !yield(cells) {
				return
			}
		}
	}
	sheet := "Teachers and Students"
	if mode == core.ModeTeacher {
		sheet = "Students"
	}
	return s.WriteTable(ctx, w, f, sheet, header, rows)
}

// ExportClasses writes Export Classes for a school (teacher: their own classes), one
// row per class with its Class GUID and class columns.
func (s *Service) ExportClasses(ctx context.Context, actor Actor, w io.Writer, f core.Format, schoolID int64) error {
	classes, err := s.Classes(ctx, actor, schoolID)
	if err != nil {
		return err
	}
	cols := []core.Column{core.ColClassID, core.ColClassName, core.ColClassGrade, core.ColClassStart, core.ColClassEnd, core.ColMasterCode, core.ColClassGUID}
	header := make([]string, 0, len(cols)+3)
	for _, c := range cols {
		header = append(header, c.String())
	}
	header = append(header, "Primary Teacher", "Teachers", "Students")
	rows := func(yield func([]string) bool) {
		for _, c := range classes {
			if !yield([]string{c.ClassID, c.Name, c.Grade, usDate(c.Start), usDate(c.End), strings.Join(c.MasterCodes, " "), c.GUID,
				c.Teacher, itoa(c.Teachers), itoa(c.Students)}) {
				return
			}
		}
	}
	return s.WriteTable(ctx, w, f, "Classes", header, rows)
}

// usDate writes a stored YYYY-MM-DD date as MM/DD/YYYY, the template's first form.
func usDate(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("01/02/2006")
}

// Upload returns one upload of the history, if the actor may see it (ACCESS_UPLOAD
// otherwise): a teacher their own uploads, an administrator their schools'.
func (s *Service) Upload(ctx context.Context, actor Actor, id int64) (core.Upload, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.Upload{}, err
	}
	rec, err := s.upload(ctx, r, id)
	return rec.Upload, err
}

func (s *Service) upload(ctx context.Context, r rights, id int64) (sqlite.UploadRecord, error) {
	rec, err := s.db.Upload(ctx, id)
	if err != nil {
		return rec, err
	}
	if !r.seesUpload(rec.Upload) {
		return sqlite.UploadRecord{}, core.Refusal(core.KindDenied, core.AccessUpload, itoa(int(id)), "")
	}
	return rec, nil
}

// History lists the uploads the actor may see, newest first: a teacher's own uploads
// only, a School Organization Administrator's schools', every upload for an
// Organization Administrator. A filter's school must be one the actor reaches.
func (s *Service) History(ctx context.Context, actor Actor, f HistoryFilter) ([]core.Upload, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	q := r.uploadFilter()
	if f.SchoolID != 0 {
		if _, err := s.school(ctx, r, f.SchoolID); err != nil {
			return nil, err
		}
		q.SchoolIDs = []int64{f.SchoolID}
	}
	q.Limit, q.Offset = f.Limit, f.Offset
	return s.db.Uploads(ctx, q)
}
