package engine

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/rosterdesk/rosterdesk/core"
)

// files builds the upload's three files: the Uploaded File (every cell as uploaded, but
// no password), the Completed File (applied rows with GUIDs, usernames and temporary
// passwords filled in) and the Error File (failed rows with an Error column, and the
// GUIDs of users and classes that other rows created, so a fixed Error File re-imports
// without duplicates). Files with no row are not kept. It only reads the plan, which is
// final once prepare has run, so job.run builds the files on a goroutine of their own
// while apply writes the database.
func (a *applier) files(up *table) (_ map[core.FileKind][]byte, err error) {
	out := make(map[core.FileKind][]byte, 3)

	// Each table is compressed row by row as it is made, never held as [][]string: at
	// 100,000 rows the three tables were some 60 MB of live slices at the import's
	// peak of memory. The Uploaded File (up) was written while the file was read (see
	// job.run), so the rows need not keep their raw cells.
	if out[core.FileUploaded], err = up.close(); err != nil {
		return nil, err
	}

	cols := core.TemplateColumns(a.mode)
	header := core.TemplateHeaders(a.mode)
	done, err := newTable(header)
	if err != nil {
		return nil, err
	}
	defer done.discard()
	failed, err := newTable(append(append([]string(nil), header...), core.ErrorHeader))
	if err != nil {
		return nil, err
	}
	defer failed.discard()
	// index[c] is column c's position in the template, -1 when the mode has no such column.
	var index [core.NumColumns]int
	for c := range index {
		index[c] = -1
	}
	for i, c := range cols {
		index[c] = i
	}
	cells := make([]string, len(cols), len(cols)+1)
	for n, r := range a.p.rows {
		if n%4096 == 0 {
			if err := a.ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells = cells[:len(cols)]
		for i, c := range cols {
			cells[i] = r.row.cell(c)
		}
		set := func(col core.Column, v string) {
			if i := index[col]; i >= 0 {
				cells[i] = v
			}
		}
		if !r.failed {
			set(core.ColUserGUID, r.user.guid)
			set(core.ColUsername, r.user.username)
			set(core.ColPassword, r.user.tempPW)
			if r.class != nil {
				set(core.ColClassGUID, r.class.guid)
			}
			if err := done.write(cells); err != nil {
				return nil, err
			}
			continue
		}
		issues := rowIssues(r)
		if r.row.cell(core.ColPassword) != "" {
			set(core.ColPassword, "")
			issues = append(issues, core.Issue{Code: core.PasswordRemoved})
		}
		if r.user.applied && r.user.existing == nil {
			set(core.ColUserGUID, r.user.guid)
		}
		if r.class != nil && r.class.applied && r.class.existing == nil {
			set(core.ColClassGUID, r.class.guid)
		}
		if err := failed.write(append(cells, core.JoinIssues(issues))); err != nil {
			return nil, err
		}
	}
	if done.rows > 0 {
		if out[core.FileCompleted], err = done.close(); err != nil {
			return nil, err
		}
	}
	if failed.rows > 0 {
		if out[core.FileError], err = failed.close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// table is a table being stored compactly (unpackTable reads it back): gzip-compressed
// CSV, header first. Downloads render it as CSV or XLSX as asked, so one stored copy
// serves both formats. The compression runs on a goroutine of its own (see zipper).
type table struct {
	z    *zipper
	cw   *csv.Writer
	rows int // data rows written
}

func newTable(header []string) (*table, error) {
	t := &table{z: newZipper()}
	t.cw = csv.NewWriter(t.z)
	if err := t.cw.Write(header); err != nil {
		t.discard()
		return nil, fmt.Errorf("pack table: %w", err)
	}
	return t, nil
}

// write adds a row; the table does not keep row.
func (t *table) write(row []string) error {
	t.rows++
	if err := t.cw.Write(row); err != nil {
		return fmt.Errorf("pack table: %w", err)
	}
	return nil
}

// close finishes the table and returns its bytes.
func (t *table) close() ([]byte, error) {
	t.cw.Flush()
	b, err := t.z.close()
	if err == nil {
		err = t.cw.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	return b, nil
}

// discard abandons the table, ending its goroutine. It does nothing after close, and a
// nil table may be discarded, so an import can defer it whatever happens.
func (t *table) discard() {
	if t != nil {
		t.z.close()
	}
}

// zipper is an io.Writer that gzips what it is given on a goroutine of its own, handed
// over in chunks. Compressing the three stored tables was a tenth of a 100,000-row
// import's CPU; this way it overlaps the reading, the checks and the SQL writes on a
// second core instead of adding to them. At most zipQueue chunks wait, so a table
// written faster than it compresses holds a bounded amount of memory.
type zipper struct {
	cur    []byte
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	closed bool

	// Owned by the goroutine until done is closed.
	buf bytes.Buffer
	err error
}

const (
	zipChunk = 64 << 10
	zipQueue = 4
)

func newZipper() *zipper {
	z := &zipper{full: make(chan []byte, zipQueue), free: make(chan []byte, zipQueue+1), done: make(chan struct{})}
	go z.run()
	return z
}

func (z *zipper) run() {
	defer close(z.done)
	zw, _ := gzip.NewWriterLevel(&z.buf, gzip.BestSpeed) // a valid level: no error
	for b := range z.full {
		if z.err == nil {
			_, z.err = zw.Write(b)
		}
		select {
		case z.free <- b[:0]:
		default:
		}
	}
	if z.err == nil {
		z.err = zw.Close()
	}
}

// Write queues p for compression; it never fails (a failure shows in close).
func (z *zipper) Write(p []byte) (int, error) {
	if z.closed {
		return 0, errors.New("write to a closed table")
	}
	n := len(p)
	for len(p) > 0 {
		if z.cur == nil {
			select {
			case z.cur = <-z.free:
			default:
				z.cur = make([]byte, 0, zipChunk)
			}
		}
		k := copy(z.cur[len(z.cur):cap(z.cur)], p)
		z.cur, p = z.cur[:len(z.cur)+k], p[k:]
		if len(z.cur) == cap(z.cur) {
			z.full <- z.cur
			z.cur = nil
		}
	}
	return n, nil
}

// close compresses what is left, waits for the goroutine and returns the gzip bytes.
// A second close does nothing but return an error.
func (z *zipper) close() ([]byte, error) {
	if z.closed {
		return nil, errors.New("table closed twice")
	}
	z.closed = true
	if len(z.cur) > 0 {
		z.full <- z.cur
	}
	z.cur = nil
	close(z.full)
	<-z.done
	return z.buf.Bytes(), z.err
}

// unpackTable reads a table stored by packTable.
func unpackTable(b []byte) ([]string, [][]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return header, rows, nil
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, rec)
	}
}
