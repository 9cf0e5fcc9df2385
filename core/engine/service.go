package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// Open opens (creating if needed) the database at path, applies migrations and returns
// the service. Close it when done. It refuses a path that is not a file, a file that is
// not a Rosterdesk database and a database made by a newer Rosterdesk, without changing
// them (see sqlite.Open).
func Open(ctx context.Context, path string, opts Options) (*Service, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return newService(db, opts), nil
}

// OpenReadOnly opens the database at path for reading only, for the commands that only
// show what is there (history, downloads, exports): nothing in the file changes, and a
// database the user may only read, or one on a read-only disk, opens too. Methods that
// write fail with an error of kind KindStorage. There must be a database at path.
func OpenReadOnly(ctx context.Context, path string, opts Options) (*Service, error) {
	db, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	return newService(db, opts), nil
}

func newService(db *sqlite.DB, opts Options) *Service {
	s := &Service{db: db, now: opts.Now, owner: opts.Owner, owners: newOwnerWatch(opts)}
	if s.now == nil {
		s.now = time.Now
	}
	s.host, _ = os.Hostname()
	if s.owner == "" {
		s.owner = fmt.Sprintf("%s/%d/%s", s.host, os.Getpid(), newGUID()[:8])
	}
	return s
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
	name := strings.TrimSpace(orgName)
	if name == "" {
		return core.Org{}, core.Errorf(core.KindInvalid, "Type the organization's name, for example \"Springfield School District\".")
	}
	return s.db.InitOrg(ctx, name, s.now())
}

// Org returns the organization, or an error of kind KindNotInitialized.
func (s *Service) Org(ctx context.Context) (core.Org, error) { return s.db.Org(ctx) }

func cleanName(what, name string) (string, error) {
	if strings.ContainsFunc(name, core.Unprintable) {
		return "", core.Errorf(core.KindInvalid, "A %s name cannot contain control characters (line breaks, tabs or escape codes). Type it on one line.", what)
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 100 {
		return "", core.Errorf(core.KindInvalid, "Type a %s name of 1 to 100 characters.", what)
	}
	return name, nil
}

// AddSchool adds a school; names are unique, case-insensitively.
func (s *Service) AddSchool(ctx context.Context, name string) (core.School, error) {
	name, err := cleanName("school", name)
	if err != nil {
		return core.School{}, err
	}
	return s.db.AddSchool(ctx, name, s.now())
}

// RenameSchool renames school id.
func (s *Service) RenameSchool(ctx context.Context, id int64, name string) error {
	name, err := cleanName("school", name)
	if err != nil {
		return err
	}
	return s.db.RenameSchool(ctx, id, name)
}

// Schools lists the schools by name.
func (s *Service) Schools(ctx context.Context) ([]core.School, error) { return s.db.Schools(ctx) }

// SchoolByName finds a school by name, case-insensitively.
func (s *Service) SchoolByName(ctx context.Context, name string) (core.School, error) {
	sc, err := s.db.SchoolByName(ctx, name)
	if core.ErrorKind(err) == core.KindNotFound {
		return sc, core.Errorf(core.KindNotFound, "There is no school named %q. List the schools with: rosterctl school list.", name)
	}
	return sc, err
}

// Teachers lists the teachers of a school, by last name.
func (s *Service) Teachers(ctx context.Context, schoolID int64) ([]core.Account, error) {
	return s.db.Accounts(ctx, sqlite.AccountFilter{SchoolID: schoolID, TeachersOnly: true})
}

// UserByUsername finds an account by username, case-insensitively.
func (s *Service) UserByUsername(ctx context.Context, username string) (core.Account, error) {
	c, err := s.db.UserByUsername(ctx, username)
	return c.Account, err
}

// Accounts lists the teachers and students of a school whose name, User ID, username or
// email contains query (all of them when query is ""), teachers first, then by name. A
// teacher actor sees students only.
func (s *Service) Accounts(ctx context.Context, schoolID int64, actor Actor, query string) ([]core.Account, error) {
	return s.db.Accounts(ctx, sqlite.AccountFilter{SchoolID: schoolID, StudentsOnly: actor.TeacherID != 0, Query: query})
}

// Classes lists the classes of a school; a teacher actor sees only their own.
func (s *Service) Classes(ctx context.Context, schoolID int64, actor Actor) ([]core.Class, error) {
	return s.db.Classes(ctx, schoolID, actor.TeacherID)
}

// WriteTemplate writes the Blank Template for mode in format f.
func (s *Service) WriteTemplate(w io.Writer, f core.Format, mode core.Mode) error {
	return report.Template(w, f, mode)
}

// teacherActor checks that a teacher actor is a teacher of the school.
func (s *Service) checkActor(ctx context.Context, schoolID int64, actor Actor) error {
	if actor.TeacherID == 0 {
		return nil
	}
	a, err := s.db.UserByID(ctx, actor.TeacherID)
	if err != nil {
		return err
	}
	if a.Role != core.RoleTeacher {
		return core.Errorf(core.KindInvalid, "%s %s is not a teacher, so cannot use Import Students/Rosters.", a.FirstName, a.LastName)
	}
	in, err := s.db.InSchool(ctx, actor.TeacherID, schoolID)
	if err != nil {
		return err
	}
	if !in {
		return core.Errorf(core.KindInvalid, "%s %s does not teach at this school. Select one of the teacher's schools.", a.FirstName, a.LastName)
	}
	return nil
}

// ExportUsers writes Export Teachers & Students for a school (teacher actor: Export
// Students), re-importable to update accounts by GUID. Password is always blank.
func (s *Service) ExportUsers(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor Actor) error {
	if err := s.checkActor(ctx, schoolID, actor); err != nil {
		return err
	}
	accts, err := s.db.Accounts(ctx, sqlite.AccountFilter{SchoolID: schoolID, StudentsOnly: actor.TeacherID != 0})
	if err != nil {
		return err
	}
	mode := actor.Mode()
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
	return report.Write(w, f, sheet, header, rows)
}

// ExportClasses writes Export Classes for a school (teacher actor: their classes), one
// row per class with its Class GUID and class columns.
func (s *Service) ExportClasses(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor Actor) error {
	if err := s.checkActor(ctx, schoolID, actor); err != nil {
		return err
	}
	classes, err := s.db.Classes(ctx, schoolID, actor.TeacherID)
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
	return report.Write(w, f, "Classes", header, rows)
}

// usDate writes a stored YYYY-MM-DD date as MM/DD/YYYY, the template's first form.
func usDate(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("01/02/2006")
}

// Upload returns one upload of the history.
func (s *Service) Upload(ctx context.Context, id int64) (core.Upload, error) {
	r, err := s.db.Upload(ctx, id)
	return r.Upload, err
}

// History lists uploads, newest first.
func (s *Service) History(ctx context.Context, f HistoryFilter) ([]core.Upload, error) {
	return s.db.History(ctx, f.SchoolID, f.Limit, f.Offset)
}

// WriteUploadFile writes one of an upload's files in format f. The Uploaded File is
// written in the upload's own format when f is "".
func (s *Service) WriteUploadFile(ctx context.Context, w io.Writer, id int64, kind core.FileKind, f core.Format) error {
	rec, err := s.db.Upload(ctx, id)
	if err != nil {
		return err
	}
	if !rec.HasFile(kind) {
		return core.Errorf(core.KindNotFound, "Upload %d has no %s.", id, kindTitle(kind))
	}
	data, err := s.db.File(ctx, id, string(kind))
	if err != nil {
		return err
	}
	header, rows, err := unpackTable(data)
	if err != nil {
		return fmt.Errorf("read stored %s: %w", kind, err)
	}
	if f == "" {
		f = core.Format(rec.Format)
	}
	if kind == core.FileUploaded && f == core.FormatCSV {
		delim := ','
		if d := []rune(rec.Delimiter); len(d) == 1 {
			delim = d[0]
		}
		return report.WriteCSV(w, delim, header, report.Rows(rows))
	}
	return report.Write(w, f, kindTitle(kind), header, report.Rows(rows))
}

func kindTitle(k core.FileKind) string {
	switch k {
	case core.FileUploaded:
		return "Uploaded File"
	case core.FileCompleted:
		return "Completed File"
	case core.FileError:
		return "Error File"
	}
	return string(k)
}
