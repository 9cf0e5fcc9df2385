package oneroster

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// csvFile is one CSV file of a package, read whole: Validate reads the small packages
// Rosterdesk writes this way. Read streams its files instead (csvStream).
type csvFile struct {
	name    string
	bom     bool // the file started with a UTF-8 byte order mark
	loneCR  bool // a line ended in a lone CR
	lfOnly  bool // a line ended in LF without CR
	header  []string
	records []record
}

// record is one data row of a CSV file, with the line it starts on.
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

// errTooBig is returned for a file over the size limit.
var errTooBig = errors.New("file too big")

// readCSVFile reads the CSV file name of fsys whole, at most limit bytes (see openCSV).
func readCSVFile(fsys fs.FS, name string, limit int64) (*csvFile, error) {
	cs, err := openCSV(fsys, name, limit)
	if err != nil {
		return nil, err
	}
	defer cs.Close()
	cf := &csvFile{name: name, header: cs.header}
	for {
		r, err := cs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cf.records = append(cf.records, r)
	}
	cf.bom, cf.loneCR, cf.lfOnly = cs.bom, cs.ends.loneCR, cs.ends.lfOnly
	return cf, nil
}

// csvStream reads one CSV file of a package a record at a time, so that a file of a
// million rows costs the memory of one. A BOM is dropped and noted, lone CRs end lines
// like LF (and are noted), and rows may have any number of cells: the validator, not
// the parser, judges those. A quote left open or a stray quote is an error naming the
// line.
type csvStream struct {
	f      fs.File
	limit  *limitReader
	ends   *lineEnds
	cr     *csv.Reader
	bom    bool     // the file started with a UTF-8 byte order mark
	header []string // nil for an empty file
}

// openCSV opens the CSV file name of fsys and reads its header row. A file over limit
// bytes fails with errTooBig: at once when its size is known (a zip member's is), else
// when the limit is reached.
func openCSV(fsys fs.FS, name string, limit int64) (*csvStream, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err == nil && info.Size() > limit {
		f.Close()
		return nil, errTooBig
	}
	cs := &csvStream{f: f, limit: &limitReader{r: f, left: limit}}
	br := bufio.NewReaderSize(cs.limit, 64<<10)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
		cs.bom = true
	}
	cs.ends = &lineEnds{r: br}
	cs.cr = csv.NewReader(cs.ends)
	cs.cr.FieldsPerRecord = -1
	rec, err := cs.read()
	switch {
	case err == io.EOF:
	case err != nil:
		f.Close()
		return nil, err
	default:
		cs.header = slices.Clone(rec)
	}
	return cs, nil
}

// next returns the next data row, skipping blank lines; io.EOF after the last.
func (cs *csvStream) next() (record, error) {
	for {
		rec, err := cs.read()
		if err != nil {
			return record{}, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		line, _ := cs.cr.FieldPos(0)
		return record{line: line, cells: rec}, nil
	}
}

// parsed is a batch of records parseAhead read, and the error that ended the file after
// them: io.EOF at its end.
type parsed struct {
	records []record
	err     error
}

// parseBatch is how many records parseAhead hands over at a time.
const parseBatch = 256

// parseAhead reads the stream's records on a goroutine of its own and sends them in
// batches, the last with the error that ended them, until stop is closed; it closes
// the channel when it returns. Unzipping and parsing a file then overlap with storing
// what was parsed, which was otherwise one core's work while the other waited.
func (cs *csvStream) parseAhead(stop <-chan struct{}) <-chan parsed {
	out := make(chan parsed, 4)
	go func() {
		defer close(out)
		batch := make([]record, 0, parseBatch)
		for {
			r, err := cs.next()
			if err != nil {
				select {
				case out <- parsed{batch, err}:
				case <-stop:
				}
				return
			}
			batch = append(batch, r)
			if len(batch) == parseBatch {
				select {
				case out <- parsed{records: batch}:
				case <-stop:
					return
				}
				batch = make([]record, 0, parseBatch)
			}
		}
	}()
	return out
}

// read returns the next record as the csv reader gives it, its errors naming the line.
func (cs *csvStream) read() ([]string, error) {
	rec, err := cs.cr.Read()
	switch {
	case err == nil, err == io.EOF:
		return rec, err
	case cs.limit.over:
		return nil, errTooBig
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, errTooBig) {
			return nil, errTooBig
		}
		return nil, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
	}
	return nil, err
}

// Close closes the file.
func (cs *csvStream) Close() error { return cs.f.Close() }

// limitReader reads at most left bytes of r, then fails with errTooBig, so that a file
// whose size was not known up front is not read without end.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.over = true
			return 0, errTooBig
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// lineEnds turns lone CRs (old Mac line ends) into LF as it reads, so that every line
// end ends a row, and notes whether there were lone CRs and bare LFs (not CRLF).
type lineEnds struct {
	r              *bufio.Reader
	prevCR         bool // the last byte handed on was a CR turned into LF, or a CR
	loneCR, lfOnly bool
}

func (l *lineEnds) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		switch p[i] {
		case '\r':
			// A CR is lone unless LF follows; the next byte may be in the next read.
			next, perr := byte(0), error(nil)
			if i+1 < n {
				next = p[i+1]
			} else {
				var b []byte
				b, perr = l.r.Peek(1)
				if len(b) > 0 {
					next = b[0]
				}
			}
			if next != '\n' || perr != nil {
				p[i] = '\n'
				l.loneCR = true
			}
			l.prevCR = true
		case '\n':
			if i > 0 && p[i-1] == '\r' || i == 0 && l.prevCR {
				// the LF of a CRLF
			} else {
				l.lfOnly = true
			}
			l.prevCR = false
		default:
			l.prevCR = false
		}
	}
	return n, err
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
