// Package roster reads uploaded roster files (CSV and XLSX) into core.Rows.
//
// Read streams. A CSV is read a row at a time; an XLSX worksheet's rows are held in a
// compact buffer bounded by Limits.Lookahead until its merged ranges (stored after the
// rows) are known. Memory is bounded whatever the number of rows, and nothing is written
// to disk. Every problem with the file as a whole comes back as a *core.Error carrying a
// catalogue Code, so the engine can fail the upload with words the office can act on.
// docs/reading-files.md says, for the people who make the files, what is read and how.
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

// MaxCellChars is the longest cell, in characters: Excel itself cannot hold more, and
// the catalogue's message says so.
const MaxCellChars = 32767

// Limits keep a hostile or broken file from exhausting memory. A zero field means its
// default; tests lower them through Options, so they can run in parallel.
type Limits struct {
	// Columns is the most cells a row may have, up to its last non-blank cell. The
	// template has 16 columns; anything near the default of 1,000 is a file built by
	// mistake or malice.
	Columns int

	// RowBytes bounds the bytes a single CSV record may span, so that one endless quoted
	// field cannot make the reader buffer the whole file. Default 64 MiB.
	RowBytes int64

	// Unzipped is the most bytes the parts of an XLSX may declare once unzipped, all
	// together. A zip bomb of a few MB can declare terabytes; it is refused before
	// anything is inflated. Default 1 GiB.
	Unzipped int64

	// Ratio is how many times smaller than its unzipped size an XLSX part larger than 1
	// MiB may be stored. Worksheets compress 5 to 20 times, zip bombs about 1,000 times.
	// Default 250.
	Ratio int

	// SharedStrings bounds the memory an XLSX's shared-string table may take once read
	// (its text plus 4 bytes a string). It is the one part held in memory whole. Default
	// 256 MiB.
	SharedStrings int64

	// Lookahead is how many bytes of an XLSX worksheet's rows (in a compact form, about
	// 350 bytes a template row) are held before the first is handed on. Merged ranges are
	// listed at the end of a worksheet, after its rows: a sheet whose rows fit is read
	// once, a larger one is first read to its end for its merged ranges, in an extra pass
	// that skips the rows. Default 64 MiB.
	Lookahead int64
}

// The defaults of Limits.
const (
	defaultColumns             = 1000
	defaultRowBytes      int64 = 64 << 20
	defaultUnzipped      int64 = 1 << 30
	defaultRatio               = 250
	defaultSharedStrings int64 = 256 << 20
	defaultLookahead     int64 = 64 << 20
)

func (l Limits) withDefaults() Limits {
	if l.Columns <= 0 {
		l.Columns = defaultColumns
	}
	if l.RowBytes <= 0 {
		l.RowBytes = defaultRowBytes
	}
	if l.Unzipped <= 0 {
		l.Unzipped = defaultUnzipped
	}
	if l.Ratio <= 0 {
		l.Ratio = defaultRatio
	}
	if l.SharedStrings <= 0 {
		l.SharedStrings = defaultSharedStrings
	}
	if l.Lookahead <= 0 {
		l.Lookahead = defaultLookahead
	}
	return l
}

// Options are Read's optional settings. The zero value reads with the default limits.
type Options struct {
	// OnHeader, when not nil, is called once the header row is mapped and before the
	// first data row, with the Info known by then (Format, Delimiter, Encoding, Header,
	// Columns, Warnings). Its error stops reading and is returned as is.
	OnHeader func(Info) error

	// Limits bound what a file may cost; zero fields are the defaults.
	Limits Limits
}

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
// data row, in order. Every row is freshly allocated, so fn may keep it. An XLSX is read
// from its first visible worksheet.
//
// fn's error stops reading and is returned as is. ctx is checked every few hundred rows
// and its error returned as is. Problems with the file itself return a *core.Error with
// a file-level catalogue Code (core.FileType, core.FileUnreadable, core.FileEncrypted,
// core.FileEmpty, core.FileNoHeader, core.FileMissingHeader, core.FileDupHeader,
// core.FileNoData, core.FileTooBig, core.FileTooManyCols, core.FileCellTooLong,
// core.FileUnclosedQuote). fn may already have been called for earlier rows when such an
// error is found late in the file; the caller must treat the whole upload as failed.
//
// The Info returned holds every warning; the one OnHeader sees holds those known when
// the header was read (unknown columns), not the merged-cell warning, which is known
// only once the rows have been read.
func Read(ctx context.Context, name string, r io.ReaderAt, size int64, mode core.Mode, opts Options, fn func(*core.Row) error) (Info, error) {
	format, ok := core.FormatOf(name)
	if !ok {
		return Info{}, core.NewFileError(core.FileType, "", fmt.Errorf("read %s: unknown extension", name))
	}
	if size <= 0 {
		return Info{Format: format}, core.NewFileError(core.FileEmpty, "", nil)
	}
	rd := newReader(ctx, format, mode, opts, fn)
	var err error
	switch format {
	case core.FormatCSV:
		err = rd.readCSV(r, size)
	case core.FormatXLSX:
		err = rd.readXLSX(r, size)
	}
	return rd.finish(err)
}

func newReader(ctx context.Context, format core.Format, mode core.Mode, opts Options, fn func(*core.Row) error) *reader {
	rd := &reader{ctx: ctx, mode: mode, fn: fn, onHeader: opts.OnHeader, lim: opts.Limits.withDefaults()}
	rd.info.Format = format
	for i := range rd.info.Columns {
		rd.info.Columns[i] = -1
	}
	return rd
}

// finish returns the Info and the error of a read that ended with err.
func (rd *reader) finish(err error) (Info, error) {
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
	lim      Limits
	info     Info
	seen     int // rows seen, blank or not, for the context checks
	// errorCols marks the header's Error columns (an Error File's): their cells are no
	// data, so a row with nothing else is blank.
	errorCols []bool
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
		if len(c) > MaxCellChars && utf8.RuneCountInString(c) > MaxCellChars {
			return cellTooLong(line)
		}
		if !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
		}
		c = unescapeFormula(c)
		cells[i] = c
		if blank && trim(c) != "" && !rd.errorCol(i) {
			blank = false
		}
	}
	if blank {
		return nil
	}
	for n > 0 && trim(cells[n-1]) == "" {
		n--
	}
	if n > rd.lim.Columns {
		return tooManyColumns(n)
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
		if i >= 0 && i < len(cells) {
			row.Cells[c] = trim(cells[i])
		}
	}
	row.Raw = cells
	rd.info.Rows++
	return rd.fn(row)
}

// errorCol reports whether the file's column i is an Error column.
func (rd *reader) errorCol(i int) bool { return i < len(rd.errorCols) && rd.errorCols[i] }

func tooManyColumns(n int) error {
	return core.NewFileError(core.FileTooManyCols, strconv.Itoa(n)+" columns", nil)
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
			} else {
				if rd.errorCols == nil {
					rd.errorCols = make([]bool, len(cells))
				}
				rd.errorCols[i] = true
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
	// Most cells start and end with a printable ASCII character: nothing to trim.
	if len(s) > 0 && ' ' < s[0] && s[0] < 0x7f && ' ' < s[len(s)-1] && s[len(s)-1] < 0x7f {
		return s
	}
	return strings.TrimFunc(s, isTrimmed)
}

func isTrimmed(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b' }

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
