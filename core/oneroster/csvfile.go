package oneroster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// csvFile is one CSV file of a package, read whole.
type csvFile struct {
	name    string
	bom     bool // the file started with a UTF-8 byte order mark
	loneCR  bool // a line ended in a lone CR
	lfOnly  bool // a line ended in LF without CR
	header  []string
	records []record
}

// record is one data row of a csvFile, with the line it starts on.
type record struct {
	line  int
	cells []string
}

// cell returns the record's cell in column i, "" when i < 0 or the row is short.
func (r *record) cell(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// errTooBig is returned by readCSVFile for a file over the size limit.
var errTooBig = errors.New("file too big")

// readCSVFile reads the CSV file name of fsys, at most limit bytes. A BOM is dropped
// and noted, lone CRs end lines like LF (and are noted), and rows may have any number of
// cells: the validator, not the parser, judges those. A quote left open or a stray
// quote is an error naming the line.
func readCSVFile(fsys fs.FS, name string, limit int64) (*csvFile, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooBig
	}
	cf := &csvFile{name: name}
	if rest, ok := bytes.CutPrefix(data, []byte("\ufeff")); ok {
		cf.bom, data = true, rest
	}
	data, cf.loneCR, cf.lfOnly = normalizeLineEnds(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if cf.header == nil {
			cf.header = rec
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		cf.records = append(cf.records, record{line: line, cells: rec})
	}
	return cf, nil
}

// normalizeLineEnds turns lone CRs (old Mac line ends) into LF, so that every line end
// ends a row, and says whether there were lone CRs and bare LFs (not CRLF).
func normalizeLineEnds(data []byte) (out []byte, loneCR, lfOnly bool) {
	for i, c := range data {
		switch c {
		case '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				loneCR = true
			}
		case '\n':
			if i == 0 || data[i-1] != '\r' {
				lfOnly = true
			}
		}
	}
	if !loneCR {
		return data, false, lfOnly
	}
	out = make([]byte, len(data))
	for i, c := range data {
		if c == '\r' && (i+1 >= len(data) || data[i+1] != '\n') {
			c = '\n'
		}
		out[i] = c
	}
	return out, true, lfOnly
}

// columnIndex maps header names to their positions.
type columnIndex map[string]int

// index returns the position of each header. exact compares names as the binding
// writes them; otherwise case and surrounding spaces are ignored. A name that appears
// twice keeps its first position.
func index(header []string, exact bool) columnIndex {
	m := make(columnIndex, len(header))
	for i, h := range header {
		if !exact {
			h = strings.ToLower(strings.TrimSpace(h))
		}
		if _, dup := m[h]; !dup {
			m[h] = i
		}
	}
	return m
}

// at returns the position of column name, -1 when absent.
func (m columnIndex) at(name string, exact bool) int {
	if !exact {
		name = strings.ToLower(name)
	}
	if i, ok := m[name]; ok {
		return i
	}
	return -1
}
