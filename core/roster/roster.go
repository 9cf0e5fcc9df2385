// Package roster reads uploaded roster files (CSV and XLSX) into core.Rows.
//
// Read streams: it never holds more than one row of the file at a time (plus the
// buffers of the CSV decoder or of excelize), so a 100,000-row file costs no more
// memory than a 10-row one. Every problem with the file as a whole comes back as a
// *core.Error carrying a catalogue Code, so the engine can fail the upload with words
// the office can act on.
package roster

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
)

// Limits that keep a hostile or broken file from exhausting memory or disk. They are
// variables so tests can lower them; production code must not change them.
var (
	// MaxColumns is the most cells a row may have (up to its last non-blank cell). The
	// template has 16 columns; anything near this is a file built by mistake or malice.
	MaxColumns = 1000

	// MaxCellChars is the longest cell, in characters: Excel itself cannot hold more.
	MaxCellChars = 32767

	// MaxRowBytes bounds the bytes a single CSV record may span, so one endless quoted
	// field cannot make the CSV decoder buffer the whole file.
	MaxRowBytes int64 = 64 << 20

	// MaxUnzipSize is the most bytes an XLSX may declare once unzipped. A zip bomb of a
	// few MB can declare terabytes; it is refused before anything is inflated.
	MaxUnzipSize int64 = 1 << 30

	// MaxInMemoryParts bounds the unzipped bytes of the XLSX parts excelize keeps in
	// memory (everything but large worksheets and shared strings, which it spools to
	// temporary files).
	MaxInMemoryParts int64 = 256 << 20

	// StreamPartSize is the unzipped size above which excelize spools a worksheet or the
	// shared strings to a temporary file instead of memory.
	StreamPartSize int64 = 16 << 20
)

// ctxEvery is how many rows pass between checks of the context: often enough for the
// Cancel button to feel instant, rarely enough to cost nothing.
const ctxEvery = 256

// Info describes a file that was read.
type Info struct {
	Format    core.Format // core.FormatCSV or core.FormatXLSX
	Delimiter rune        // CSV only: ',', ';' or '\t'
	Encoding  string      // CSV only: "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
	Header    []string    // the header row as written (trimmed)
	// Columns holds the index in the file's row of each template column, -1 if absent.
	Columns  [core.NumColumns]int
	Warnings []core.Issue // e.g. WarnUnknownColumn for each unknown header
	Rows     int          // non-blank data rows passed to fn
}

// Read reads a whole uploaded file: the format comes from name's extension (.csv or
// .xlsx, any case) and is checked against the content. It maps the header row (the
// first non-blank row) to the template columns of mode and calls fn for every non-blank
// data row, in order. Every row is freshly allocated, so fn may keep it.
//
// fn's error stops reading and is returned as is. ctx is checked every few hundred rows
// and its error returned as is. Problems with the file itself return a *core.Error with
// a file-level catalogue Code (core.FileType, core.FileUnreadable, core.FileEncrypted,
// core.FileEmpty, core.FileNoHeader, core.FileMissingHeader, core.FileDupHeader,
// core.FileNoData, core.FileTooBig, core.FileTooManyCols, core.FileCellTooLong).
// fn may already have been called for earlier rows when such an error is found late in
// the file; the caller must treat the whole upload as failed.
func Read(ctx context.Context, name string, r io.ReaderAt, size int64, mode core.Mode, fn func(row *core.Row) error) (Info, error) {
	return ReadWith(ctx, name, r, size, mode, ReadOptions{}, fn)
}

// ReadOptions are Read's optional hooks, for callers that process the file as it
// streams rather than keep every row.
type ReadOptions struct {
	// OnHeader, when not nil, is called once the header row is mapped and before the
	// first data row, with the Info known by then (Format, Delimiter, Encoding, Header,
	// Columns, Warnings). Its error stops reading and is returned as is.
	OnHeader func(Info) error
}

// ReadWith is Read with options.
func ReadWith(ctx context.Context, name string, r io.ReaderAt, size int64, mode core.Mode, opts ReadOptions, fn func(row *core.Row) error) (Info, error) {
	format, ok := core.FormatOf(name)
	if !ok {
		return Info{}, core.NewFileError(core.FileType, "", fmt.Errorf("read %s: unknown extension", name))
	}
	if size <= 0 {
		return Info{Format: format}, core.NewFileError(core.FileEmpty, "", nil)
	}
	rd := &reader{ctx: ctx, mode: mode, fn: fn, onHeader: opts.OnHeader}
	rd.info.Format = format
	for i := range rd.info.Columns {
		rd.info.Columns[i] = -1
	}
	var err error
	switch format {
	case core.FormatCSV:
		err = rd.readCSV(r, size)
	case core.FormatXLSX:
		err = rd.readXLSX(r, size)
	}
	if err == nil {
		switch {
		case rd.info.Header == nil:
			err = core.NewFileError(core.FileEmpty, "", nil)
		case rd.info.Rows == 0:
			err = core.NewFileError(core.FileNoData, "", nil)
		}
	}
	return rd.info, err
}

// reader holds the state shared by the CSV and XLSX readers: the header mapping and the
// row numbering.
type reader struct {
	ctx      context.Context
	mode     core.Mode
	fn       func(row *core.Row) error
	onHeader func(Info) error
	info     Info
	dates    [core.NumColumns]bool // columns whose Excel serial numbers become dates (XLSX)
	xlsx     bool
	date04   bool // the workbook counts days from 1904
	seen     int  // rows seen, blank or not, for the context checks
}

// row handles one row of the file as it comes: line is its spreadsheet row number and
// cells its values in file order (the slice is kept as the Row's Raw).
func (rd *reader) row(line int, cells []string) error {
	rd.seen++
	if rd.seen%ctxEvery == 0 {
		if err := rd.ctx.Err(); err != nil {
			return err
		}
	}
	n := len(cells)
	blank := true
	for i, c := range cells {
		c = strings.TrimSuffix(c, "\r")
		if len(c) > MaxCellChars && utf8.RuneCountInString(c) > MaxCellChars {
			return cellTooLong(line)
		}
		if !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
		}
		c = unescapeFormula(c)
		cells[i] = c
		if trim(c) != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	for n > 0 && trim(cells[n-1]) == "" {
		n--
	}
	if n > MaxColumns {
		return core.NewFileError(core.FileTooManyCols, strconv.Itoa(n)+" columns", nil)
	}
	if rd.info.Header == nil {
		return rd.header(cells[:n])
	}
	row := &core.Row{Line: line}
	// Raw keeps the row as wide as the header, and wider only for non-blank cells.
	if width := max(n, len(rd.info.Header)); len(cells) < width {
		raw := make([]string, width)
		copy(raw, cells)
		cells = raw
	} else {
		cells = cells[:width]
	}
	for c, i := range rd.info.Columns {
		if i < 0 || i >= len(cells) {
			continue
		}
		v := trim(cells[i])
		if rd.dates[c] {
			if d, ok := excelDate(v, rd.date04); ok {
				v = d
				cells[i] = d
			}
		}
		row.Cells[c] = v
	}
	row.Raw = cells
	rd.info.Rows++
	return rd.fn(row)
}

// header maps the header row to the template columns.
func (rd *reader) header(cells []string) error {
	h := make([]string, len(cells))
	matched := false
	var unknown []core.Issue
	for i, c := range cells {
		h[i] = trim(c)
		if h[i] == "" {
			continue
		}
		key := core.HeaderKey(h[i])
		col, ok := headerIndex[key]
		if !ok {
			if key != errorKey {
				unknown = append(unknown, core.Issue{Code: core.WarnUnknownColumn, Value: h[i]})
			}
			continue
		}
		matched = true
		if rd.info.Columns[col] >= 0 {
			return core.NewFileError(core.FileDupHeader, col.HeaderFor(rd.mode), nil)
		}
		rd.info.Columns[col] = i
	}
	if !matched {
		return core.NewFileError(core.FileNoHeader, "", nil)
	}
	for _, col := range requiredColumns(rd.mode) {
		if rd.info.Columns[col] < 0 {
			return core.NewFileError(core.FileMissingHeader, col.HeaderFor(rd.mode), nil)
		}
	}
	rd.info.Header = h
	rd.info.Warnings = unknown
	if rd.onHeader != nil {
		return rd.onHeader(rd.info)
	}
	return nil
}

// requiredColumns returns the headers a file must have in mode, in template order.
func requiredColumns(mode core.Mode) []core.Column {
	if mode == core.ModeTeacher {
		return []core.Column{core.ColUserID, core.ColFirstName, core.ColLastName}
	}
	return []core.Column{core.ColUserID, core.ColRole, core.ColFirstName, core.ColLastName}
}

var errorKey = core.HeaderKey(core.ErrorHeader)

// headerIndex maps every accepted header key (header, teacher header and aliases) to
// its column.
var headerIndex = func() map[string]core.Column {
	m := make(map[string]core.Column)
	for c := core.Column(0); c < core.NumColumns; c++ {
		spec := core.Columns[c]
		for _, h := range append([]string{spec.Header, spec.TeacherHeader}, spec.Aliases...) {
			if h != "" {
				m[core.HeaderKey(h)] = c
			}
		}
	}
	return m
}()

// trim removes surrounding white space, including the invisible characters spreadsheets
// and web forms leave behind (BOM, zero-width space).
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
	})
}

// unescapeFormula undoes the apostrophe our CSV writer puts before a cell that Excel
// would otherwise run as a formula, so a downloaded file re-imports to the same values.
func unescapeFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}

func cellTooLong(line int) error {
	is := core.Issue{Code: core.FileCellTooLong, Rows: []int{line}}
	return &core.Error{Kind: core.KindInvalid, Op: "read file", Code: is.Code, Message: is.Text()}
}
