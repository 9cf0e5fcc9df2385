package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

	sc := newCSVScanner(text, rd.lim)
	rd.info.Delimiter = rune(sc.detectDelimiter())
	for {
		rec, line, err := sc.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		if err := rd.row(line, rec); err != nil {
			return err
		}
	}
}

// csvError turns a failure of the text layers into the file-level error people see;
// errors that already are file-level pass through.
func csvError(err error) error {
	var qe *quoteError
	var ce *core.Error
	switch {
	case errors.As(err, &ce):
		return err
	case errors.Is(err, errBinary):
		return core.NewFileError(core.FileUnreadable, errBinary.Error(), err)
	case errors.As(err, &qe):
		is := core.Issue{Code: core.FileUnclosedQuote, Rows: []int{qe.row}}
		return &core.Error{Kind: core.KindInvalid, Op: "read file", Code: is.Code, Message: is.Text(), Err: err}
	}
	var tb *rowTooBig
	if errors.As(err, &tb) {
		// One row is one user: a row this long is no roster, and splitting the file would
		// not help (a quote never closed across lines is told as such by the scanner).
		return core.NewFileError(core.FileUnreadable, fmt.Sprintf("a row is longer than %s, which no roster's row is", byteSize(tb.limit)), err)
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
