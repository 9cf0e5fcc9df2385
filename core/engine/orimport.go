package engine

import (
	"context"
	"encoding/binary"
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
// safezip as an XLSX is, oneroster.Stream translates the selected school's records into
// template rows — its records spilled into a temporary file of the private folder, so
// the memory a package needs does not grow with it — and from there on the rows are an
// upload like any other. Each row carries where in the package it came from, for the
// Error File, and the reader's row problems (a reference that does not resolve), which
// fail it like its own cells' do: both are staged with its cells (encodeFrom).

// inRow is a row as the read stage hands it on: the row, and for a row of a OneRoster
// package its origin and problems, encoded (encodeFrom); nil for a template file's.
type inRow struct {
	*core.Row
	from []byte
}

// zipLimits are the limits a package is opened with: safezip's defaults (1 GiB
// unpacked, 250:1 per member), which a district's package is far below.
var zipLimits = safezip.Options{CaseInsensitive: true, SkipJunk: true}

// readRows reads the upload's rows: a template file through the roster reader, a
// OneRoster package through readOneRoster.
func (j *job) readRows(ctx context.Context, src io.ReaderAt, size int64, onHeader func(roster.Info) error, fn func(inRow) error) (roster.Info, error) {
	if f, _ := core.FormatOf(j.name); f == core.FormatOneRoster {
		return j.readOneRoster(ctx, src, size, onHeader, fn)
	}
	return readRoster(ctx, j.name, src, size, j.mode, onHeader, func(r *core.Row) error { return fn(inRow{Row: r}) })
}

// readOneRoster reads the package in src (size bytes) for the upload's school and hands
// its rows to fn, in the template's columns for the upload's mode, after onHeader.
// A package that cannot be imported at all fails with a *core.Error with a file-level
// Code. The reader's warnings come back in the Info, one WARN_ONEROSTER each.
func (j *job) readOneRoster(ctx context.Context, src io.ReaderAt, size int64, onHeader func(roster.Info) error, fn func(inRow) error) (roster.Info, error) {
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
	path, err := j.s.tmp().stagePath()
	if err != nil {
		return info, &core.Error{Kind: core.KindStorage, Op: "import",
			Message: "Rosterdesk could not make its private folder beside the database, so the file could not be imported. Check that you may write to the database's folder.", Err: err}
	}
	spill, err := sqlite.CreateSpill(ctx, path)
	if err != nil {
		return info, err
	}
	defer spill.Remove()
	opts.Spill = spill
	opts.OnRecords = func(int) { j.prog.poll() } // no row yet, but a cancel is still looked for
	var res *oneroster.Result
	err = j.s.db.WithOneRosterLookups(ctx, j.schoolID, func(l *sqlite.OneRosterLookups) error {
		opts.UserExists, opts.UserGUID, opts.ClassGUID = l.UserExists, l.UserGUID, l.ClassGUID
		var err error
		res, err = oneroster.Stream(ctx, pkg, opts, func(r *oneroster.Row) error {
			// The header goes before the first row; a package without rows has none.
			if info.Rows == 0 {
				if err := onHeader(info); err != nil {
					return err
				}
			}
			row := r.Row
			if err := fn(inRow{Row: &row, from: encodeFrom(r.Origin, r.Problems)}); err != nil {
				return err
			}
			info.Rows++
			return nil
		})
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
	if info.Rows == 0 {
		return info, core.NewFileError(core.FileOneRosterEmpty, res.SchoolName, nil)
	}
	for _, w := range res.Warnings {
		info.Warnings = append(info.Warnings, core.Issue{Code: core.WarnOneRoster, Items: []string{strings.TrimSuffix(w, ".")}})
	}
	return info, nil
}

// encodeFrom packs a OneRoster row's origin and problems, to be staged after its cells
// (encodeCells): the file, the line, then each problem's code, value and other, every
// string preceded by its length.
func encodeFrom(o oneroster.Origin, ps []oneroster.Problem) []byte {
	b := appendString(nil, o.File)
	b = binary.AppendUvarint(b, uint64(o.Line))
	for _, p := range ps {
		b = appendString(appendString(appendString(b, string(p.Code)), p.Value), p.Other)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decodeFrom unpacks what encodeFrom packed; ok is false for a template file's row
// (nothing packed).
func decodeFrom(b []byte) (o oneroster.Origin, ps []oneroster.Problem, ok bool) {
	if len(b) == 0 {
		return o, nil, false
	}
	next := func() string {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			b = nil
			return ""
		}
		s := string(b[w : w+int(n)])
		b = b[w+int(n):]
		return s
	}
	o.File = next()
	line, w := binary.Uvarint(b)
	if w <= 0 {
		return o, nil, false
	}
	o.Line, b = int(line), b[w:]
	for len(b) > 0 {
		ps = append(ps, oneroster.Problem{Code: oneroster.ProblemCode(next()), Value: next(), Other: next()})
	}
	return o, ps, true
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
// of its own cells (checkRow) and, for a row of a OneRoster package, the reader's (from,
// encodeFrom's or a staged row's cells, which carry them after the cells).
func (j *job) ownProblems(r *core.Row, from []byte) []core.Issue {
	own := checkRow(r, &j.p)
	if _, ps, ok := decodeFrom(from); ok && len(ps) > 0 {
		issues := make([]core.Issue, 0, len(ps)+len(own))
		for _, p := range ps {
			issues = append(issues, p.Issue())
		}
		own = append(issues, own...)
	}
	return own
}

// errorCell is the Error cell of a failed row: its problems and, for a row of a
// OneRoster package, the file and line of the package it came from first, so the
// record can be found and fixed in the source system too.
func (j *job) errorCell(from []byte, issues []core.Issue) string {
	text := core.JoinIssuesFor(issues, j.mode)
	if o, _, ok := decodeFrom(from); ok {
		return "From " + o.String() + ": " + text
	}
	return text
}

// rowName names row line in the notes: "Row 12", and for a OneRoster package
// "Row 12 (enrollments.csv line 14)".
func (j *job) rowName(line int, from []byte) string {
	if o, _, ok := decodeFrom(from); ok {
		return "Row " + itoa(line) + " (" + o.String() + ")"
	}
	return "Row " + itoa(line)
}
