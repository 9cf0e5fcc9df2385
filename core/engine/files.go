package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
)

// WriteUploadFile writes one of an upload's files in format f, if the actor may see the
// upload (ACCESS_UPLOAD otherwise), streamed from its stored table a row at a time. The
// Uploaded File is written in the upload's own format (and CSV delimiter) when f is "".
// It returns an error of kind KindNotFound when the upload or the file does not exist,
// and report.ErrTooManyRows, before writing anything, for an .xlsx longer than an Excel
// sheet.
func (s *Service) WriteUploadFile(ctx context.Context, actor Actor, w io.Writer, id int64, kind core.FileKind, f core.Format) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	rec, err := s.upload(ctx, r, id)
	if err != nil {
		return err
	}
	if !rec.HasFile(kind) {
		return core.Errorf(core.KindNotFound, "Upload %d has no %s.", id, kind.Title())
	}
	if f == "" {
		f = core.Format(rec.Format)
	}
	if f == core.FormatOneRoster {
		// A package's Uploaded File is the table of its translated rows: a template
		// file, given back as CSV (docs/oneroster.md says why not the zip).
		f = core.FormatCSV
	}
	if f == core.FormatXLSX && !report.FitsXLSX(fileRows(rec.Upload, kind)) {
		return report.ErrTooManyRows
	}
	file, err := s.db.File(ctx, id, string(kind))
	if err != nil {
		return err
	}
	t, err := report.NewTableReader(file.Reader())
	if err != nil {
		return fmt.Errorf("read stored %s: %w", kind, err)
	}
	if kind == core.FileUploaded && f == core.FormatCSV {
		delim := ','
		if d := []rune(rec.Delimiter); len(d) == 1 {
			delim = d[0]
		}
		err = report.WriteCSV(w, delim, t.Header(), t.Rows())
	} else {
		err = s.WriteTable(ctx, w, f, kind.Title(), t.Header(), t.Rows())
	}
	return errors.Join(err, t.Err())
}

// fileRows returns how many data rows an upload's file of kind holds, from its counts.
func fileRows(u core.Upload, kind core.FileKind) int {
	switch kind {
	case core.FileCompleted:
		return u.Applied
	case core.FileError:
		return u.Failed
	}
	return u.Rows
}

// ScrubCompletedFiles empties the Password cells of every stored Completed File whose
// temporary passwords have all been used or have expired, and returns how many files it
// emptied (SPEC §12: a Completed File exists to hand temporary passwords out, and once
// none of them can sign in it has no reason to keep them). The engine runs it when
// uploads are first run after a start, which catches the passwords that expired, and
// after every change that can end a temporary password: a first sign-in
// (ChangePassword) and a reset (ResetPassword, a class reset).
func (s *Service) ScrubCompletedFiles(ctx context.Context) (int, error) {
	files, err := s.db.CompletedFilesWithPasswords(ctx)
	if err != nil {
		return 0, err
	}
	now, n := s.now(), 0
	for _, f := range files {
		issued, live := f.IssuedAt, false
		if issued.IsZero() {
			// Stored before the time was recorded: the file itself says whose passwords
			// it holds.
			if issued, live, err = s.livePasswords(ctx, f.Upload, now); err != nil {
				return n, err
			}
			if live {
				if err := s.db.SetTempPasswordsAt(ctx, f.Upload, issued); err != nil {
					return n, err
				}
			}
		} else if live, err = s.db.TemporaryPasswordsLeft(ctx, issued, now); err != nil {
			return n, err
		}
		if live {
			continue
		}
		if err := s.scrub(ctx, f.Upload); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// tidyCompletedFiles is ScrubCompletedFiles after a temporary password was used or
// replaced. Its error is not the caller's: the password change has been made, and the
// next start scrubs again.
func (s *Service) tidyCompletedFiles(ctx context.Context) { _, _ = s.ScrubCompletedFiles(ctx) }

// livePasswords reads upload id's Completed File and reports whether any of its
// temporary passwords still signs in, and when they were issued.
func (s *Service) livePasswords(ctx context.Context, id int64, now time.Time) (time.Time, bool, error) {
	file, err := s.db.File(ctx, id, string(core.FileCompleted))
	if err != nil {
		return time.Time{}, false, err
	}
	t, err := report.NewTableReader(file.Reader())
	if err != nil {
		return time.Time{}, false, err
	}
	guidCol, pwCol := indexOf(t.Header(), core.ColUserGUID), indexOf(t.Header(), core.ColPassword)
	if guidCol < 0 || pwCol < 0 {
		return time.Time{}, false, nil
	}
	batch := map[string]string{}
	check := func() (time.Time, bool, error) {
		guids := make([]string, 0, len(batch))
		for g := range batch {
			guids = append(guids, g)
		}
		states, err := s.db.PasswordStates(ctx, guids)
		if err != nil {
			return time.Time{}, false, err
		}
		for g, pw := range batch {
			st, ok := states[g]
			if ok && signsIn(st.Kind, st.Hash, st.IssuedAt, pw, now) {
				return st.IssuedAt, true, nil
			}
		}
		clear(batch)
		return time.Time{}, false, nil
	}
	for row := range t.Rows() {
		if pwCol < len(row) && guidCol < len(row) && row[pwCol] != "" {
			batch[row[guidCol]] = row[pwCol]
		}
		if len(batch) == 500 {
			if at, live, err := check(); err != nil || live {
				return at, live, err
			}
		}
	}
	if err := t.Err(); err != nil {
		return time.Time{}, false, err
	}
	return check()
}

// indexOf returns the position of column c's header (in either template) in header, or
// -1.
func indexOf(header []string, c core.Column) int {
	for i, h := range header {
		if h == c.HeaderFor(core.ModeAdmin) || h == c.HeaderFor(core.ModeTeacher) {
			return i
		}
	}
	return -1
}

// scrub stores upload id's Completed File again with its Password cells empty.
func (s *Service) scrub(ctx context.Context, id int64) error {
	file, err := s.db.File(ctx, id, string(core.FileCompleted))
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(rewriteTable(file.Reader(), pw, func(header, row []string) {
			if i := indexOf(header, core.ColPassword); i >= 0 && i < len(row) {
				row[i] = ""
			}
		}))
	}()
	err = s.db.ReplaceFile(ctx, id, core.FileCompleted, pr, time.Time{})
	pr.CloseWithError(err) // ends the goroutine if the write stopped first
	return err
}

// rewriteTable copies the stored table in r to w, each row changed by edit.
func rewriteTable(r io.Reader, w io.Writer, edit func(header, row []string)) error {
	t, err := report.NewTableReader(r)
	if err != nil {
		return err
	}
	out, err := report.NewTableWriter(w, t.Header())
	if err != nil {
		return err
	}
	defer out.Abort()
	for row := range t.Rows() {
		edit(t.Header(), row)
		if err := out.Write(row); err != nil {
			return err
		}
	}
	if err := t.Err(); err != nil {
		return err
	}
	return out.Close()
}
