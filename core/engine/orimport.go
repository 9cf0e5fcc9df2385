package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
	"github.com/rosterdesk/rosterdesk/core/roster"
	"github.com/rosterdesk/rosterdesk/core/safezip"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The read stage of a OneRoster package (a .zip upload): the zip is opened through
// safezip as an XLSX is, oneroster.Read translates the selected school's records into
// template rows, and from there on the rows are an upload like any other. Each row
// keeps where in the package it came from, for the Error File, and the reader's row
// problems (a reference that does not resolve), which fail it like its own cells' do.

// orRows is what the read stage keeps of a package's rows for the later stages: the
// package has been read whole into memory by then, so this costs a fraction of it.
type orRows struct {
	origins  []oneroster.Origin   // by row: Line 2 is origins[0]
	problems map[int][]core.Issue // by line, the rows the reader found problems with
}

// origin returns where row line came from.
func (o *orRows) origin(line int) (oneroster.Origin, bool) {
	if o == nil || line < 2 || line-2 >= len(o.origins) {
		return oneroster.Origin{}, false
	}
	return o.origins[line-2], true
}

// zipLimits are the limits a package is opened with: safezip's defaults (1 GiB
// unpacked, 250:1 per member), which a district's package is far below.
var zipLimits = safezip.Options{CaseInsensitive: true, SkipJunk: true}

// readRows reads the upload's rows: a template file through the roster reader, a
// OneRoster package through readOneRoster.
func (j *job) readRows(ctx context.Context, src io.ReaderAt, size int64, onHeader func(roster.Info) error, fn func(*core.Row) error) (roster.Info, error) {
	if f, _ := core.FormatOf(j.name); f == core.FormatOneRoster {
		return j.readOneRoster(ctx, src, size, onHeader, fn)
	}
	return readRoster(ctx, j.name, src, size, j.mode, onHeader, fn)
}

// readOneRoster reads the package in src (size bytes) for the upload's school and hands
// its rows to fn, in the template's columns for the upload's mode, after onHeader.
// A package that cannot be imported at all fails with a *core.Error with a file-level
// Code. The reader's warnings come back in the Info, one WARN_ONEROSTER each.
func (j *job) readOneRoster(ctx context.Context, src io.ReaderAt, size int64, onHeader func(roster.Info) error, fn func(*core.Row) error) (roster.Info, error) {
	info := roster.Info{Format: core.FormatOneRoster, Delimiter: ',', Encoding: "utf-8", Header: core.TemplateHeaders(j.mode)}
	for c := range info.Columns {
		info.Columns[c] = -1
	}
	for i, c := range core.TemplateColumns(j.mode) {
		info.Columns[c] = i
	}
	if size <= 0 {
		return info, core.NewFileError(core.FileEmpty, "", nil)
	}
	pkg, err := safezip.New(src, size, zipLimits)
	if err != nil {
		if zerr := zipProblem(err); zerr != nil {
			return info, zerr
		}
		return info, core.NewFileError(core.FileOneRosterZip, "it is damaged or incomplete", err)
	}
	school, err := j.s.db.School(ctx, j.schoolID)
	if err != nil {
		return info, err
	}
	opts := oneroster.Options{School: []string{school.GUID, school.Name}, Mode: j.mode}
	if j.mode == core.ModeTeacher {
		// A teacher imports the classes the package gives them, not their colleagues'.
		t, err := j.s.db.UserByID(ctx, j.actor.TeacherID)
		if err != nil {
			return info, err
		}
		opts.Teacher.GUID, opts.Teacher.UserID = t.GUID, t.UserID
	}
	var res *oneroster.Result
	err = j.s.db.WithOneRosterLookups(ctx, j.schoolID, func(l *sqlite.OneRosterLookups) error {
		opts.UserExists, opts.UserGUID, opts.ClassGUID = l.UserExists, l.UserGUID, l.ClassGUID
		var err error
		res, err = oneroster.Read(ctx, pkg, opts)
		return err
	})
	if err != nil {
		if zerr := zipProblem(err); zerr != nil {
			return info, zerr
		}
		return info, err
	}
	if res.Passwords {
		// Never read, but the zip that holds them sits in the database until the run
		// ends: the checkpoint after it must clear the WAL of them too.
		j.secrets = true
	}
	if len(res.Rows) == 0 {
		return info, core.NewFileError(core.FileOneRosterEmpty, res.SchoolName, nil)
	}
	if err := onHeader(info); err != nil {
		return info, err
	}
	j.or = &orRows{origins: make([]oneroster.Origin, len(res.Rows)), problems: map[int][]core.Issue{}}
	// Every row's problems are known before the first row is handed on: the read stage
	// stages rows on another goroutine, which reads them (ownProblems) while this one
	// would still be writing the map.
	for i := range res.Rows {
		r := &res.Rows[i]
		j.or.origins[i] = r.Origin
		for _, p := range r.Problems {
			j.or.problems[r.Line] = append(j.or.problems[r.Line], p.Issue())
		}
	}
	for i := range res.Rows {
		r := &res.Rows[i]
		row := r.Row
		if err := fn(&row); err != nil {
			return info, err
		}
		info.Rows++
	}
	for _, w := range res.Warnings {
		info.Warnings = append(info.Warnings, core.Issue{Code: core.WarnOneRoster, Items: []string{strings.TrimSuffix(w, ".")}})
	}
	return info, nil
}

// zipProblem turns safezip's refusal of a package (when it was opened, or when one of
// its files was read) into the file-level error people see; nil when err is not one.
func zipProblem(err error) error {
	var value string
	switch {
	case errors.Is(err, safezip.ErrTooBig):
		return core.NewFileError(core.FileTooBig, fmt.Sprintf("the zip unpacks to more than %d GB", safezip.DefaultMaxTotal>>30), err)
	case errors.Is(err, safezip.ErrRatio):
		return core.NewFileError(core.FileTooBig, fmt.Sprintf("a file in the zip unpacks to over %d times its size", safezip.DefaultMaxRatio), err)
	case errors.Is(err, safezip.ErrTooMany):
		return core.NewFileError(core.FileTooBig, "the zip holds too many files", err)
	case errors.Is(err, safezip.ErrNotZip):
		value = "it is not a zip archive"
	case errors.Is(err, safezip.ErrUnsafePath):
		value = "a file in it is named to unpack outside its folder"
	case errors.Is(err, safezip.ErrDuplicate):
		value = "two files in it have the same name"
	case errors.Is(err, safezip.ErrNested):
		value = "it holds another zip archive inside it"
	case errors.Is(err, safezip.ErrEncrypted):
		value = "a file in it is protected with a password"
	case errors.Is(err, safezip.ErrUnsupported):
		value = "a file in it is compressed in a way not supported"
	case errors.Is(err, safezip.ErrDamaged):
		value = "it is damaged or incomplete"
	default:
		return nil
	}
	return core.NewFileError(core.FileOneRosterZip, value, err)
}

// ownProblems returns the problems a row fails with whatever its user and class: those
// of its own cells (checkRow) and, for a row of a OneRoster package, the reader's.
func (j *job) ownProblems(r *core.Row) []core.Issue {
	own := checkRow(r, &j.p)
	if j.or != nil {
		if ps := j.or.problems[r.Line]; len(ps) > 0 {
			own = append(append([]core.Issue(nil), ps...), own...)
		}
	}
	return own
}

// errorCell is the Error cell of a failed row: its problems and, for a row of a
// OneRoster package, the file and line of the package it came from first, so the
// record can be found and fixed in the source system too.
func (j *job) errorCell(line int, issues []core.Issue) string {
	text := core.JoinIssues(issues)
	if o, ok := j.or.origin(line); ok {
		return "From " + o.String() + ": " + text
	}
	return text
}

// rowName names row line in the notes: "Row 12", and for a OneRoster package
// "Row 12 (enrollments.csv line 14)".
func (j *job) rowName(line int) string {
	if o, ok := j.or.origin(line); ok {
		return "Row " + itoa(line) + " (" + o.String() + ")"
	}
	return "Row " + itoa(line)
}
