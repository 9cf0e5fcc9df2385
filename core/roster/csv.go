package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/rosterdesk/rosterdesk/core"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	magicZip   = []byte("PK\x03\x04")
	magicOLE   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// errBinary says the bytes are not text in any encoding we read.
var errBinary = errors.New("the file contains binary data, not text")

// errRowTooBig says one CSV record spans more than Limits.RowBytes.
var errRowTooBig = errors.New("row too big")

// peekSize is how much of the decoded text delimiter detection may look at; a header
// line is far shorter.
const peekSize = 64 << 10

func (rd *reader) readCSV(r io.ReaderAt, size int64) error {
	head := make([]byte, min(size, 8))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return core.NewFileError(core.FileUnreadable, "it could not be opened", fmt.Errorf("read csv: %w", err))
	}
	if bytes.HasPrefix(head, magicZip) || bytes.HasPrefix(head, magicOLE) {
		// An Excel workbook renamed to .csv: the fix is to save it properly, not to
		// guess what the person meant.
		return core.NewFileError(core.FileType, "", errors.New("read csv: the file is an Excel workbook"))
	}

	var (
		skip int64
		text io.Reader
	)
	src := func() io.Reader { return io.NewSectionReader(r, skip, size-skip) }
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		rd.info.Encoding, skip = "utf-8-bom", 3
		if err := scan8bit(io.NewSectionReader(r, skip, size-skip), nil); err != nil {
			return csvError(err)
		}
		text = src()
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		order, name := unicode.LittleEndian, "utf-16le"
		if head[0] == 0xFE {
			order, name = unicode.BigEndian, "utf-16be"
		}
		rd.info.Encoding, skip = name, 2
		text = &nulGuard{r: transform.NewReader(src(), unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder())}
	default:
		valid := true
		if err := scan8bit(io.NewSectionReader(r, 0, size), &valid); err != nil {
			return csvError(err)
		}
		if valid {
			rd.info.Encoding = "utf-8"
			text = src()
		} else {
			rd.info.Encoding = "windows-1252"
			text = transform.NewReader(src(), charmap.Windows1252.NewDecoder())
		}
	}

	guard := &rowGuard{r: text, limit: rd.lim.RowBytes}
	br := bufio.NewReaderSize(guard, peekSize)
	rd.info.Delimiter = detectDelimiter(br)
	cr := csv.NewReader(br)
	cr.Comma = rd.info.Delimiter
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1

	// Spreadsheet row numbers count records, and encoding/csv silently drops empty
	// lines that a spreadsheet shows as empty rows: recover them from the line
	// positions (a quoted newline moves the physical line but not the row).
	line, prevEnd := 0, 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		guard.mark = cr.InputOffset()
		start, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		end := last + strings.Count(rec[len(rec)-1], "\n")
		line += max(start-prevEnd, 1)
		prevEnd = end
		for i, c := range rec {
			rec[i] = strings.TrimSuffix(c, "\r")
		}
		if err := rd.row(line, rec); err != nil {
			return err
		}
	}
}

// csvError turns a failure of the text layers into the file-level error people see;
// errors that already are file-level (or come from fn or ctx) pass through.
func csvError(err error) error {
	switch {
	case errors.Is(err, errBinary):
		return core.NewFileError(core.FileUnreadable, errBinary.Error(), err)
	case errors.Is(err, errRowTooBig):
		return core.NewFileError(core.FileTooBig, "a row is too long", err)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return core.NewFileError(core.FileUnreadable, fmt.Sprintf("row %d is not valid CSV", pe.StartLine), err)
	}
	return core.NewFileError(core.FileUnreadable, "it could not be read to the end", fmt.Errorf("read csv: %w", err))
}

// scan8bit reads the whole file once, in constant memory, to tell text from binary and,
// when valid is not nil, whether the bytes are UTF-8 (else they are taken as
// Windows-1252, which any byte sequence decodes as). The encoding must be known before
// the first row is decoded, and an invalid byte may be anywhere.
func scan8bit(r io.Reader, valid *bool) error {
	buf := make([]byte, 64<<10)
	var carry []byte
	var total, controls int64
	for {
		n, err := io.ReadFull(r, buf[len(carry):])
		chunk := buf[:len(carry)+n]
		for _, b := range chunk[len(carry):] {
			if b < 0x20 {
				switch b {
				case 0:
					return errBinary
				case '\t', '\n', '\r', '\v', '\f', 0x1a, 0x1b:
				default:
					controls++
				}
			}
		}
		total += int64(n)
		if valid != nil && *valid {
			cut := len(chunk)
			for i := len(chunk) - 1; i >= 0 && i >= len(chunk)-utf8.UTFMax+1; i-- {
				if utf8.RuneStart(chunk[i]) {
					if !utf8.FullRune(chunk[i:]) {
						cut = i
					}
					break
				}
			}
			if err != nil {
				cut = len(chunk) // a truncated rune at the end is invalid
			}
			if !utf8.Valid(chunk[:cut]) {
				*valid = false
			}
			carry = append(carry[:0], chunk[cut:]...)
			if !*valid {
				carry = carry[:0]
			}
			copy(buf, carry)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	// Text files carry the odd stray control character; binary files are full of them.
	if controls > 0 && controls*64 > total {
		return errBinary
	}
	return nil
}

// detectDelimiter picks the delimiter of the first non-blank line: the one of comma,
// semicolon and tab found most often outside quotes, comma when none is.
func detectDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(peekSize)
	for len(b) > 0 {
		lineEnd := bytes.IndexByte(b, '\n')
		var ln []byte
		if lineEnd < 0 {
			ln, b = b, nil
		} else {
			ln, b = b[:lineEnd], b[lineEnd+1:]
		}
		if len(bytes.Trim(ln, " \t\r,;\v\f")) == 0 {
			continue
		}
		counts := map[rune]int{}
		quoted := false
		for _, c := range ln {
			switch c {
			case '"':
				quoted = !quoted
			case ',', ';', '\t':
				if !quoted {
					counts[rune(c)]++
				}
			}
		}
		best := ','
		for _, d := range []rune{';', '\t'} {
			if counts[d] > counts[best] {
				best = d
			}
		}
		return best
	}
	return ','
}

// nulGuard fails on a NUL character in decoded text: UTF-16 text has none, so one means
// the file is not text.
// The error is sticky because bufio hands a read error out only once.
type nulGuard struct {
	r   io.Reader
	err error
}

func (g *nulGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if bytes.IndexByte(p[:n], 0) >= 0 {
		g.err = errBinary
		return 0, g.err
	}
	return n, err
}

// rowGuard stops the CSV decoder once it has read more than limit bytes past the end of
// the last complete record, which bounds the memory a single record can take.
type rowGuard struct {
	r     io.Reader
	limit int64
	n     int64 // bytes read so far
	mark  int64 // offset of the end of the last record
}

func (g *rowGuard) Read(p []byte) (int, error) {
	if g.n-g.mark > g.limit+peekSize {
		return 0, errRowTooBig // sticky: bufio hands a read error out only once
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}
