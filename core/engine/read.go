package engine

import (
	"context"
	"errors"
	"io"
	"strings"
	"unicode"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/roster"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The read stage: the file's rows, parsed, go into the stage as they come, and its
// Uploaded File (every cell as uploaded, no password) into the stage's parts. Pure
// parsing: nothing here decides whether a row is right.

// readRoster is the one place the engine calls the roster reader.
func readRoster(ctx context.Context, name string, r io.ReaderAt, size int64, mode core.Mode, onHeader func(roster.Info) error, fn func(*core.Row) error) (roster.Info, error) {
	return roster.Read(ctx, name, r, size, mode, roster.Options{OnHeader: onHeader}, fn)
}

// readBatch is how many rows the parsing goroutine hands over at a time, and readQueue
// how many batches may wait: a few thousand rows in flight at most.
const (
	readBatch = 512
	readQueue = 8
)

// errStopped ends the parsing goroutine when the rows are no longer wanted.
var errStopped = errors.New("reading stopped")

// readResult is what the read stage found.
type readResult struct {
	info roster.Info
	// rows counts the data rows staged.
	rows int
	// header reports that the header row was read, so the Uploaded File holds at least it.
	header bool
	// warnings are the reader's warnings, and the read stage's own.
	warnings []core.Issue
}

// read stages the rows of the file src (size bytes) in st. The file is parsed on a
// goroutine of its own while this one encodes and writes the rows: parsing was a fifth
// of a large import, and this way it overlaps the writes. A failure of the file as a
// whole comes back as the roster reader's *core.Error, with what was read until then in
// the result (and, unless dry, in the stage's Uploaded File).
func (j *job) read(ctx context.Context, st *sqlite.Stage, src io.ReaderAt, size int64) (readResult, error) {
	var res readResult
	var up *uploadedTable
	header := make(chan struct{}) // closed once the header is known
	onHeader := func(info roster.Info) error {
		defer close(header)
		res.header = true
		var err error
		up, res.warnings, err = j.newUploaded(ctx, st, info)
		return err
	}
	batches := make(chan []inRow, readQueue)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		batch := make([]inRow, 0, readBatch)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]inRow, 0, readBatch)
				return nil
			case <-stop:
				return errStopped
			}
		}
		info, err := j.readRows(ctx, src, size, onHeader, func(r inRow) error {
			batch = append(batch, r)
			if len(batch) == readBatch {
				return send()
			}
			return nil
		})
		// The rows read before the file failed as a whole are staged too: the failed
		// upload's Uploaded File and row count show how far it got.
		if ce := (*core.Error)(nil); len(batch) > 0 && (err == nil || errors.As(err, &ce) && ce.Code != "") {
			if serr := send(); err == nil {
				err = serr
			}
		}
		res.info = info
		close(batches)
		done <- err
	}()

	err := j.stageRows(ctx, st, batches, header, &up, &res)
	if err == nil {
		// The parser may have read the last row before a cancel came, and the reader
		// checks the context only every few hundred rows: the cancel still stops here.
		err = ctx.Err()
	}
	if err != nil {
		close(stop)
		for range batches { // let the parser end
		}
	}
	if rerr := <-done; err == nil && !errors.Is(rerr, errStopped) {
		err = rerr
	}
	if ferr := st.FlushRows(ctx); err == nil {
		err = ferr
	}
	// What was read is kept even when the file fails as a whole: the Uploaded File of a
	// failed upload shows how far it got.
	if uerr := up.close(); err == nil {
		err = uerr
	}
	// The warnings known only once every row is read (merged cells).
	for _, w := range res.info.Warnings {
		if w.Code != core.WarnUnknownColumn {
			res.warnings = append(res.warnings, w)
		}
	}
	return res, err
}

// stageRows writes the rows of batches into the stage as they come; its first error
// stops the parsing.
func (j *job) stageRows(ctx context.Context, st *sqlite.Stage, batches <-chan []inRow, header <-chan struct{}, up **uploadedTable, res *readResult) error {
	for batch := range batches {
		<-header // a batch comes after the header: no wait, but up is safe to read
		for _, r := range batch {
			if err := (*up).write(r.Row); err != nil {
				return err
			}
			if r.Cells[core.ColPassword] != "" {
				j.secrets = true
			}
			// A row whose own cells are wrong fails whatever its user and class: the
			// stage records it with the row, for every later pass to read beside it.
			own := len(j.ownProblems(r.Row, r.from)) > 0
			if own {
				j.ownFailed++
			}
			if err := st.AddRow(ctx, sqlite.StagedRow{Line: r.Line, UKey: userKey(r.Row), CKey: classKey(r.Row), Code: masterCode(r.Row), Own: own, Cells: j.keys.encodeCells(r.Row, r.from)}); err != nil {
				return err
			}
			res.rows++
			if res.rows%2000 == 0 {
				j.prog.set(core.PhaseReading, res.rows, 0)
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// uploadedTable writes the Uploaded File into the stage as the rows are read: every cell
// as uploaded but those of the Password column, and of any other column whose header
// says it holds passwords. A nil table (a dry run) writes nothing.
type uploadedTable struct {
	w       *report.TableWriter
	parts   io.WriteCloser
	secret  []int // the columns emptied
	secrets *bool // set when an emptied column held something
	scratch []string
}

// passwordHeader reports whether a column's header says it holds passwords or other
// secrets: the word in English or another language an office may use, or a short form.
func passwordHeader(h string) bool {
	h = strings.ToLower(h)
	for _, w := range []string{"password", "passwd", "passwort", "passcode", "passphrase", "contraseña", "contrasena", "mot de passe", "motdepasse", "senha", "wachtwoord"} {
		if strings.Contains(h, w) {
			return true
		}
	}
	for _, word := range strings.FieldsFunc(h, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		switch word {
		case "pw", "pwd", "pin":
			return true
		}
	}
	return false
}

// newUploaded starts the Uploaded File for a file whose header info describes, and
// returns the read stage's warnings with the reader's: a column whose header says it
// holds passwords is named, instead of being called an unknown column.
func (j *job) newUploaded(ctx context.Context, st *sqlite.Stage, info roster.Info) (*uploadedTable, []core.Issue, error) {
	var warnings []core.Issue
	var secret []int
	for i, h := range info.Header {
		if i == info.Columns[core.ColPassword] || passwordHeader(h) {
			secret = append(secret, i)
			if i != info.Columns[core.ColPassword] {
				warnings = append(warnings, core.Issue{Code: core.WarnPasswordColumn, Value: h})
			}
		}
	}
	// The reader's warnings known at the header are its unknown columns; the others come
	// once every row is read (read adds them then).
	for _, w := range info.Warnings {
		if w.Code != core.WarnUnknownColumn || passwordHeader(w.Value) {
			continue
		}
		warnings = append(warnings, w)
	}
	if j.dry {
		return nil, warnings, nil
	}
	parts := st.Parts(ctx, string(core.FileUploaded))
	w, err := report.NewTableWriter(parts, info.Header)
	if err != nil {
		return nil, nil, err
	}
	return &uploadedTable{w: w, parts: parts, secret: secret, secrets: &j.secrets}, warnings, nil
}

func (t *uploadedTable) write(r *core.Row) error {
	if t == nil {
		return nil
	}
	t.scratch = append(t.scratch[:0], r.Raw...)
	for _, i := range t.secret {
		if i < len(t.scratch) {
			if t.scratch[i] != "" {
				*t.secrets = true
			}
			t.scratch[i] = ""
		}
	}
	return t.w.Write(t.scratch)
}

// close finishes the table and its last part.
func (t *uploadedTable) close() error {
	if t == nil {
		return nil
	}
	return errors.Join(t.w.Close(), t.parts.Close())
}
