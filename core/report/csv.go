package report

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
)

// bom makes Excel read the file as UTF-8; without it Excel on Windows assumes the ANSI code
// page and garbles every accented name. It also keeps a file whose first header is "ID"
// from being mistaken by Excel for a SYLK file.
const bom = "\uFEFF"

// Neutralize returns s as it must be written to a CSV cell so that a spreadsheet shows it as
// text: a cell that begins with =, +, -, @, tab or carriage return gets a leading apostrophe,
// because Excel would otherwise evaluate it as a formula (CSV injection). Every other cell is
// returned unchanged.
func Neutralize(s string) string {
	if dangerous(s) {
		return "'" + s
	}
	return s
}

func dangerous(s string) bool { return core.FormulaStart(s) }

// WriteCSV writes header and rows to w as CSV with the delimiter delim (',', ';' or '\t'):
// a UTF-8 byte order mark, CRLF line ends, RFC 4180 quoting, and every cell that Excel
// would run as a formula neutralised (see Neutralize) and quoted. Bytes that are not valid
// UTF-8 become U+FFFD. Rows shorter than the header are padded with empty cells so strict
// CSV readers see a rectangular table. An empty header writes no header line.
func WriteCSV(w io.Writer, delim rune, header []string, rows iter.Seq[[]string]) error {
	switch delim {
	case ',', ';', '\t':
	default:
		return fmt.Errorf("write csv: delimiter %q not supported", delim)
	}
	cw := csvWriter{bw: bufio.NewWriterSize(w, 64<<10), delim: byte(delim), width: len(header), neutralize: true}
	cw.bw.WriteString(bom)
	if len(header) > 0 {
		cw.record(header)
	}
	if rows != nil {
		for row := range rows {
			// A full disk must stop a 100,000-row export now, not after it has
			// formatted every row into the void.
			if err := cw.record(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	if err := cw.bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// csvWriter writes RFC 4180 records. It is the one CSV writer: downloads (WriteCSV)
// neutralise formulas for Excel, and stored tables (TableWriter), which only Rosterdesk
// reads back, keep every cell exactly as it was.
type csvWriter struct {
	bw         *bufio.Writer
	delim      byte
	width      int
	neutralize bool
}

// record writes one line and returns the writer's sticky error, if any.
func (cw *csvWriter) record(cells []string) error {
	n := max(len(cells), cw.width)
	if n == 1 && (len(cells) == 0 || cells[0] == "") {
		// A lone empty field would be a blank line, which readers skip as no row at all.
		cw.bw.WriteString(`""`)
	}
	for i := range n {
		if i > 0 {
			cw.bw.WriteByte(cw.delim)
		}
		if i < len(cells) {
			cw.field(cells[i])
		}
	}
	_, err := cw.bw.WriteString("\r\n")
	return err
}

func (cw *csvWriter) field(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	neutral := cw.neutralize && dangerous(s)
	if !neutral && !cw.needsQuotes(s) {
		cw.bw.WriteString(s)
		return
	}
	cw.bw.WriteByte('"')
	if neutral {
		cw.bw.WriteByte('\'')
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		cw.bw.WriteString(s[:i+1])
		cw.bw.WriteByte('"')
		s = s[i+1:]
	}
	cw.bw.WriteString(s)
	cw.bw.WriteByte('"')
}

// needsQuotes reports whether s must be quoted to survive a round trip: it holds the
// delimiter, a quote or a line break, or it has surrounding spaces that some readers trim.
func (cw *csvWriter) needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\r', '\n', cw.delim:
			return true
		}
	}
	return false
}
