package engine

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/roster"
)

// files builds the upload's three files: the Uploaded File (every cell as uploaded, but
// no password), the Completed File (applied rows with GUIDs, usernames and temporary
// passwords filled in) and the Error File (failed rows with an Error column, and the
// GUIDs of users and classes that other rows created, so a fixed Error File re-imports
// without duplicates). Files with no row are not kept.
func (a *applier) files(info roster.Info) (map[core.FileKind][]byte, error) {
	out := make(map[core.FileKind][]byte, 3)
	pwIdx := info.Columns[core.ColPassword]

	var up [][]string
	for _, r := range a.p.rows {
		raw := append([]string(nil), r.row.Raw...)
		if pwIdx >= 0 && pwIdx < len(raw) {
			raw[pwIdx] = ""
		}
		up = append(up, raw)
	}
	var err error
	if out[core.FileUploaded], err = packTable(info.Header, up); err != nil {
		return nil, err
	}

	cols := core.TemplateColumns(a.mode)
	header := core.TemplateHeaders(a.mode)
	var done, failed [][]string
	for _, r := range a.p.rows {
		cells := make([]string, len(cols), len(cols)+1)
		for i, c := range cols {
			cells[i] = r.row.Cells[c]
		}
		set := func(col core.Column, v string) {
			for i, c := range cols {
				if c == col {
					cells[i] = v
				}
			}
		}
		if !r.failed {
			set(core.ColUserGUID, r.user.guid)
			set(core.ColUsername, r.user.username)
			set(core.ColPassword, r.user.tempPW)
			if r.class != nil {
				set(core.ColClassGUID, r.class.guid)
			}
			done = append(done, cells)
			continue
		}
		issues := rowIssues(r)
		if r.row.Cells[core.ColPassword] != "" {
			set(core.ColPassword, "")
			issues = append(issues, core.Issue{Code: core.PasswordRemoved})
		}
		if r.user.applied && r.user.existing == nil {
			set(core.ColUserGUID, r.user.guid)
		}
		if r.class != nil && r.class.applied && r.class.existing == nil {
			set(core.ColClassGUID, r.class.guid)
		}
		failed = append(failed, append(cells, core.JoinIssues(issues)))
	}
	if len(done) > 0 {
		if out[core.FileCompleted], err = packTable(header, done); err != nil {
			return nil, err
		}
	}
	if len(failed) > 0 {
		if out[core.FileError], err = packTable(append(append([]string(nil), header...), core.ErrorHeader), failed); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// packTable stores a table compactly: gzip-compressed CSV, header first. Downloads render
// it as CSV or XLSX as asked, so one stored copy serves both formats.
func packTable(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	cw := csv.NewWriter(zw)
	if err := cw.Write(header); err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	if err := cw.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pack table: %w", err)
	}
	return buf.Bytes(), nil
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
