package engine

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/rosterdesk/rosterdesk/core"
)

// files builds the upload's three files: the Uploaded File (every cell as uploaded, but
// no password), the Completed File (applied rows with GUIDs, usernames and temporary
// passwords filled in) and the Error File (failed rows with an Error column, and the
// GUIDs of users and classes that other rows created, so a fixed Error File re-imports
// without duplicates). Files with no row are not kept.
func (a *applier) files(up *table) (map[core.FileKind][]byte, error) {
	out := make(map[core.FileKind][]byte, 3)

	// Each table is compressed row by row as it is made, never held as [][]string: at
	// 100,000 rows the three tables were some 60 MB of live slices at the import's
	// peak of memory. The Uploaded File (up) was written while the file was read (see
	// job.run), so the rows need not keep their raw cells.
	var err error
	if out[core.FileUploaded], err = up.close(); err != nil {
		return nil, err
	}

	cols := core.TemplateColumns(a.mode)
	header := core.TemplateHeaders(a.mode)
	done, err := newTable(header)
	if err != nil {
		return nil, err
	}
	failed, err := newTable(append(append([]string(nil), header...), core.ErrorHeader))
	if err != nil {
		return nil, err
	}
	// index[c] is column c's position in the template, -1 when the mode has no such column.
	var index [core.NumColumns]int
	for c := range index {
		index[c] = -1
	}
	for i, c := range cols {
		index[c] = i
	}
	cells := make([]string, len(cols), len(cols)+1)
	for _, r := range a.p.rows {
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

// table is a table being stored compactly (unpackTable reads it back): gzip-compressed CSV, header first. Downloads
// render it as CSV or XLSX as asked, so one stored copy serves both formats.
type table struct {
	buf  bytes.Buffer
	zw   *gzip.Writer
	cw   *csv.Writer
	rows int // data rows written
}

func newTable(header []string) (*table, error) {
	t := &table{}
	t.zw, _ = gzip.NewWriterLevel(&t.buf, gzip.BestSpeed)
	t.cw = csv.NewWriter(t.zw)
	if err := t.cw.Write(header); err != nil {
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
	if err := t.cw.Error(); err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	if err := t.zw.Close(); err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	return t.buf.Bytes(), nil
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
