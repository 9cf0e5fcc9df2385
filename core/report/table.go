package report

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"iter"
)

// A stored table is how Rosterdesk keeps an upload's Uploaded, Completed and Error Files:
// the header and rows as CSV (RFC 4180, comma-separated, no byte order mark, no cell
// neutralised: only Rosterdesk reads it back), gzip-compressed. Downloads render it as
// CSV or XLSX as asked, so one stored copy serves both formats.

// TableWriter writes a stored table to an io.Writer as its rows come, compressing them on
// a goroutine of its own: compression is a tenth of a large import's work, and this way
// it runs beside the rest. It never holds more than a buffer of rows.
type TableWriter struct {
	cw   csvWriter
	pw   *io.PipeWriter
	done chan error
	rows int
	err  error
}

// NewTableWriter starts a stored table with header on w. Close it, or Abort it, to end
// its goroutine.
func NewTableWriter(w io.Writer, header []string) (*TableWriter, error) {
	pr, pw := io.Pipe()
	t := &TableWriter{pw: pw, done: make(chan error, 1)}
	go func() {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level: no error
		_, err := io.Copy(zw, pr)
		if err == nil {
			err = zw.Close()
		}
		pr.CloseWithError(err) // a writer still writing learns of the failure
		t.done <- err
	}()
	t.cw = csvWriter{bw: bufio.NewWriterSize(pw, 64<<10), delim: ',', width: len(header)}
	if err := t.cw.record(header); err != nil {
		t.Abort()
		return nil, fmt.Errorf("store table: %w", err)
	}
	return t, nil
}

// Write adds a row; the table does not keep row.
func (t *TableWriter) Write(row []string) error {
	if t.err != nil {
		return t.err
	}
	t.rows++
	if err := t.cw.record(row); err != nil {
		t.err = fmt.Errorf("store table: %w", err)
	}
	return t.err
}

// Rows returns how many data rows were written.
func (t *TableWriter) Rows() int { return t.rows }

// Close writes what is buffered, ends the compressed stream and waits for it to reach
// the underlying writer.
func (t *TableWriter) Close() error {
	err := t.err
	if ferr := t.cw.bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("store table: %w", ferr)
	}
	t.pw.Close()
	if zerr := <-t.done; err == nil && zerr != nil {
		err = fmt.Errorf("store table: %w", zerr)
	}
	t.err = errClosed
	return err
}

// Abort abandons the table and ends its goroutine. After Close it does nothing, so a
// caller may defer it whatever happens.
func (t *TableWriter) Abort() {
	if t.err == errClosed {
		return
	}
	t.pw.CloseWithError(errAborted)
	<-t.done
	t.err = errClosed
}

var (
	errClosed  = errors.New("store table: closed")
	errAborted = errors.New("store table: abandoned")
)

// TableReader reads a stored table back, a row at a time. It reads exactly what
// TableWriter (or, for tables stored by earlier versions, encoding/csv's Writer) wrote:
// every cell comes back as it was given, line breaks inside cells included.
type TableReader struct {
	br     *bufio.Reader
	header []string
	err    error
	cell   []byte
}

// NewTableReader reads the header of the stored table in r.
func NewTableReader(r io.Reader) (*TableReader, error) {
	zr, err := gzip.NewReader(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read stored table: %w", err)
	}
	t := &TableReader{br: bufio.NewReaderSize(zr, 64<<10)}
	if t.header, err = t.record(); err != nil {
		return nil, fmt.Errorf("read stored table: %w", err)
	}
	return t, nil
}

// Header returns the table's header row.
func (t *TableReader) Header() []string { return t.header }

// Rows returns the data rows in order. It stops at the first error, which Err then
// returns.
func (t *TableReader) Rows() iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for t.err == nil {
			rec, err := t.record()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.err = fmt.Errorf("read stored table: %w", err)
				return
			}
			if !yield(rec) {
				return
			}
		}
	}
}

// Err returns the error that ended Rows, if any.
func (t *TableReader) Err() error { return t.err }

var errBadQuote = errors.New("a quoted cell does not end with a quote")

// record reads one RFC 4180 record: cells separated by commas, quoted when they hold a
// comma, a quote or a line break, the record ended by LF or CRLF outside quotes.
func (t *TableReader) record() ([]string, error) {
	var rec []string
	c, err := t.br.ReadByte()
	if err != nil {
		return nil, err // io.EOF between records: the table's end
	}
	for {
		t.cell = t.cell[:0]
		if c == '"' {
			for {
				if c, err = t.br.ReadByte(); err != nil {
					return nil, errBadQuote
				}
				if c == '"' {
					if c, err = t.br.ReadByte(); err != nil || c != '"' {
						break // the closing quote; c (or err) is what follows it
					}
				}
				t.cell = append(t.cell, c)
			}
			if err == nil && c == '\r' {
				if c, err = t.br.ReadByte(); err == nil && c != '\n' {
					return nil, errBadQuote
				}
			}
		} else {
			for err == nil && c != ',' && c != '\n' {
				t.cell = append(t.cell, c)
				c, err = t.br.ReadByte()
			}
			if n := len(t.cell); err == nil && c == '\n' && n > 0 && t.cell[n-1] == '\r' {
				t.cell = t.cell[:n-1] // the CR of a CRLF line end
			}
		}
		rec = append(rec, string(t.cell))
		switch {
		case err == io.EOF || err == nil && c == '\n':
			return rec, nil
		case err != nil:
			return nil, err
		case c != ',':
			return nil, errBadQuote
		}
		if c, err = t.br.ReadByte(); err != nil {
			return append(rec, ""), nil // a trailing comma: one more, empty cell
		}
		if c == '\n' {
			return append(rec, ""), nil
		}
	}
}
