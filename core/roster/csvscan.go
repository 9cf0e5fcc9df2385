package roster

import (
	"bytes"
	"fmt"
	"io"
)

// csvScanner splits decoded CSV text into records. It is RFC 4180 with what real files
// need besides:
//
//   - CR, LF and CRLF all end a record, mixed in one file: "CSV (Macintosh)" files end
//     their lines with a lone CR, and a file edited on two systems mixes them. Inside a
//     quoted field each of them becomes "\n", the line break Excel keeps in a cell.
//   - Every line ending ends a record, so an empty line is an empty record: the records'
//     numbers are the rows a spreadsheet shows.
//   - A quote inside an unquoted field is kept as a character (Ann "Annie" Lee), and so
//     is a lone quote inside a quoted field that is not followed by the delimiter or a
//     line end, as encoding/csv's LazyQuotes does.
//   - A quoted field that is still open at the end of the file, or that spans a line
//     break and holds such a lone quote, is an error naming the row where the quote
//     opened: either way a quote went missing, and reading on would swallow the rows
//     that follow into one cell.
//
// Fields past Limits.Columns are not kept; a non-blank one makes the row an error that
// says how wide it is. A record longer than Limits.RowBytes is an error too.
type csvScanner struct {
	window
	delim byte
	stop  [256]bool // the bytes that end an unquoted field: delim, CR, LF
	lim   Limits

	row  int // the number of the record last returned
	line int // the physical line at pos, for messages

	rec    []byte // the current record's kept fields, one after another
	ends   []int  // where each kept field ends in rec
	extra  []byte // a field past the column limit, to tell whether it is blank
	width  int    // 1 + index of the last non-blank field past the column limit
	nbytes int64  // bytes of the current record so far
}

// quoteError says a quote opened in row (line of the file) is never properly closed.
type quoteError struct{ row, line int }

func (e *quoteError) Error() string {
	return fmt.Sprintf("the quote that opens a cell in row %d (line %d of the file) is never properly closed", e.row, e.line)
}

// rowTooBig says a record is longer than limit bytes.
type rowTooBig struct{ limit int64 }

func (e *rowTooBig) Error() string { return fmt.Sprintf("a row is longer than %d bytes", e.limit) }

const csvBufSize = 64 << 10

func newCSVScanner(r io.Reader, lim Limits) *csvScanner {
	s := &csvScanner{window: window{r: r, buf: make([]byte, csvBufSize)}, lim: lim, line: 1}
	s.setDelim(',')
	return s
}

func (s *csvScanner) setDelim(d byte) {
	s.delim = d
	s.stop = [256]bool{}
	s.stop[d], s.stop['\r'], s.stop['\n'] = true, true, true
}

// fill reads more input after buf[pos:end], which it moves to the front. It returns
// false when no more input comes.
func (s *csvScanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	n := copy(s.buf, s.buf[s.pos:s.end])
	s.pos, s.end = 0, n
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	return s.readMore()
}

// more makes sure at least n bytes are buffered at pos, if the input has them.
func (s *csvScanner) more(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// detectDelimiter picks the delimiter of the first non-blank line: the one of comma,
// semicolon and tab found most often outside quotes, comma when none is. It looks at the
// first 64 KiB only; a header line is far shorter.
func (s *csvScanner) detectDelimiter() byte {
	s.more(csvBufSize)
	b := s.buf[s.pos:s.end]
	for len(b) > 0 {
		ln := b
		if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
			ln, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(bytes.Trim(ln, " \t,;\v\f")) == 0 {
			continue
		}
		var counts [3]int // comma, semicolon, tab
		quoted := false
		for _, c := range ln {
			switch c {
			case '"':
				quoted = !quoted
			case ',':
				if !quoted {
					counts[0]++
				}
			case ';':
				if !quoted {
					counts[1]++
				}
			case '\t':
				if !quoted {
					counts[2]++
				}
			}
		}
		best := 0
		for i := 1; i < 3; i++ {
			if counts[i] > counts[best] {
				best = i
			}
		}
		s.setDelim(",;\t"[best])
		return s.delim
	}
	return s.delim
}

// next returns the next record's fields (a fresh slice of strings sharing one
// allocation) and its row number, or io.EOF after the last record.
func (s *csvScanner) next() ([]string, int, error) {
	if s.pos >= s.end && !s.fill() {
		if s.err != nil {
			return nil, 0, s.err
		}
		return nil, 0, io.EOF
	}
	s.row++
	s.rec, s.ends, s.width, s.nbytes = s.rec[:0], s.ends[:0], 0, 0
	for field := 0; ; field++ {
		keep := field < s.lim.Columns
		if !keep {
			s.extra = s.extra[:0]
		}
		endOfRecord, err := s.field(keep)
		if err != nil {
			return nil, 0, err
		}
		if keep {
			s.ends = append(s.ends, len(s.rec))
		} else if trim(string(s.extra)) != "" {
			s.width = field + 1
		}
		if endOfRecord {
			break
		}
	}
	if s.width > 0 {
		return nil, 0, tooManyColumns(s.width)
	}
	all := string(s.rec)
	fields := make([]string, len(s.ends))
	prev := 0
	for i, e := range s.ends {
		fields[i] = all[prev:e]
		prev = e
	}
	return fields, s.row, nil
}

// field reads one field at pos, appending its text to rec (or extra when !keep), and
// consumes what ends it: the delimiter, a line end or the end of the input. It reports
// whether the record ended.
func (s *csvScanner) field(keep bool) (bool, error) {
	if !s.more(1) {
		return true, s.err
	}
	if s.buf[s.pos] == '"' {
		return s.quoted(keep)
	}
	for {
		b := s.buf[s.pos:s.end]
		i := 0
		for i < len(b) && !s.stop[b[i]] {
			i++
		}
		s.add(keep, b[:i])
		s.pos += i
		if err := s.count(i); err != nil {
			return false, err
		}
		if i < len(b) {
			return s.terminator()
		}
		if !s.fill() {
			return true, s.err
		}
	}
}

// quoted reads a quoted field; pos is at its opening quote.
func (s *csvScanner) quoted(keep bool) (bool, error) {
	openRow, openLine := s.row, s.line
	stray, lines := false, false
	// A quoted cell that has run over line breaks past the row limit is a quote never
	// closed, not a real cell: say so, with its row, as for a file under the limit.
	count := func(n int) error {
		err := s.count(n)
		if err != nil && lines {
			return &quoteError{row: openRow, line: openLine}
		}
		return err
	}
	s.pos++
	if err := count(1); err != nil {
		return false, err
	}
	for {
		if !s.more(1) {
			if s.err != nil {
				return false, s.err
			}
			return false, &quoteError{row: openRow, line: openLine}
		}
		b := s.buf[s.pos:s.end]
		i := 0
		for i < len(b) && b[i] != '"' && b[i] != '\r' && b[i] != '\n' {
			i++
		}
		s.add(keep, b[:i])
		s.pos += i
		if err := count(i); err != nil {
			return false, err
		}
		if i == len(b) {
			continue
		}
		switch b[i] {
		case '\r', '\n':
			s.lineEnd()
			s.add(keep, []byte{'\n'})
			lines = true
		case '"':
			s.more(2)
			s.pos++
			if err := count(1); err != nil {
				return false, err
			}
			if s.pos >= s.end {
				return true, s.err // the closing quote ends the input
			}
			switch c := s.buf[s.pos]; {
			case c == '"':
				s.add(keep, []byte{'"'})
				s.pos++
				if err := count(1); err != nil {
					return false, err
				}
			case c == s.delim || c == '\r' || c == '\n':
				return s.terminator()
			default:
				s.add(keep, []byte{'"'})
				stray = true
			}
		}
		if stray && lines {
			return false, &quoteError{row: openRow, line: openLine}
		}
	}
}

// terminator consumes the delimiter or line end at pos and reports whether the record
// ended.
func (s *csvScanner) terminator() (bool, error) {
	if s.buf[s.pos] == s.delim {
		s.pos++
		return false, s.count(1)
	}
	s.lineEnd()
	return true, nil
}

// lineEnd consumes the CR, LF or CRLF at pos.
func (s *csvScanner) lineEnd() {
	if s.buf[s.pos] == '\r' {
		s.more(2)
		if s.pos+1 < s.end && s.buf[s.pos+1] == '\n' {
			s.pos++
		}
	}
	s.pos++
	s.line++
}

func (s *csvScanner) add(keep bool, b []byte) {
	if keep {
		s.rec = append(s.rec, b...)
	} else {
		s.extra = append(s.extra, b...)
	}
}

// count adds n bytes to the current record and fails once it is longer than the limit:
// one endless quoted field must not make the reader hold the whole file.
func (s *csvScanner) count(n int) error {
	s.nbytes += int64(n)
	if s.nbytes > s.lim.RowBytes {
		return &rowTooBig{limit: s.lim.RowBytes}
	}
	return nil
}
