package report

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
)

// Sheet is one worksheet of a workbook written by WriteXLSX.
type Sheet struct {
	// Name is the sheet's tab name; it is sanitised with SheetName and made unique.
	Name string
	// Header is the first row, bold and frozen. Empty means no header row.
	Header []string
	// Rows are the data rows. Nil means none.
	Rows iter.Seq[[]string]
	// Widths are column widths in characters; a missing or zero width is sized from the
	// header and the first rows.
	Widths []float64
	// Wrap wraps long text within cells, for sheets of prose such as Instructions.
	Wrap bool

	// bold lists data rows (0-based) shown bold, as section headings inside a sheet.
	bold map[int]bool
}

const (
	// sampleRows is how many rows are held back to size columns: enough to see typical
	// values, few enough that memory stays bounded whatever the row count.
	sampleRows = 200
	minWidth   = 8
	maxWidth   = 60
	// maxSheetName is Excel's limit, counted in UTF-16 units.
	maxSheetName = 31
)

// Options are the settings of a file being written that most callers leave at their
// zero value.
type Options struct {
	// TmpDir is the folder where a workbook's rows wait once a sheet outgrows what
	// excelize keeps in memory (16 MiB of its XML), until the file is written; "" is the
	// system's temporary folder. Nothing waits there for a CSV file. A caller writing
	// secrets (temporary passwords) passes a folder only it may read, and one it cleans
	// after a crash: excelize removes its files when the workbook is written, but a
	// process killed meanwhile leaves them behind.
	TmpDir string
}

// Write writes a table (header and rows) to w in format f: CSV with comma delimiters, or an
// XLSX workbook with one sheet named sheet (sanitised to Excel's rules). An empty header
// writes no header row.
func (o Options) Write(w io.Writer, f core.Format, sheet string, header []string, rows iter.Seq[[]string]) error {
	switch f {
	case core.FormatCSV:
		return WriteCSV(w, ',', header, rows)
	case core.FormatXLSX:
		return o.WriteXLSX(w, Sheet{Name: sheet, Header: header, Rows: rows})
	}
	return fmt.Errorf("write report: unknown format %q", f)
}

// WriteXLSX writes sheets to w as one Excel workbook, with Options' zero value: see
// Options.WriteXLSX.
func WriteXLSX(w io.Writer, sheets ...Sheet) error { return Options{}.WriteXLSX(w, sheets...) }

// WriteXLSX writes sheets to w as one Excel workbook. Every cell is a text cell in a
// column formatted as Text ("@"), so Excel neither drops leading zeros nor turns values
// into dates or formulas, and stays text when people type into the file before
// re-uploading it. Rows are streamed through excelize's StreamWriter, which spills a
// sheet past its in-memory threshold to a temporary file in o.TmpDir, and the zip is
// written straight to w, so memory stays bounded for any row count.
func (o Options) WriteXLSX(w io.Writer, sheets ...Sheet) (err error) {
	if len(sheets) == 0 {
		return errors.New("write xlsx: no sheets")
	}
	f := excelize.NewFile(excelize.Options{TmpDir: o.TmpDir})
	defer func() {
		// Close removes the stream writers' temporary files.
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write xlsx: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	names := uniqueSheetNames(sheets)
	first := f.GetSheetName(0)
	for i, name := range names {
		if i == 0 {
			err = f.SetSheetName(first, name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("write xlsx: sheet %q: %w", name, err)
		}
	}
	for i, s := range sheets {
		if err := writeSheet(f, names[i], s, st); err != nil {
			return fmt.Errorf("write xlsx: sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	// excelize would build the whole zip in a bytes.Buffer before copying it to w; handing
	// it a zip writer on w itself streams the archive instead, and leaves that buffer empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

type styles struct {
	text, bold, wrap, boldWrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	// 49 is Excel's built-in "@" (Text) format.
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, err
	}
	if st.bold, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}); err != nil {
		return st, err
	}
	top := &excelize.Alignment{WrapText: true, Vertical: "top"}
	if st.wrap, err = f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: top}); err != nil {
		return st, err
	}
	if st.boldWrap, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Alignment: top}); err != nil {
		return st, err
	}
	return st, nil
}

// sheetWriter streams one sheet's rows.
type sheetWriter struct {
	sw          *excelize.StreamWriter
	s           Sheet
	text, bold  int
	r           int // the next row number
	data        int // data rows written, for Sheet.bold
	cells       []excelize.Cell
	values      []any
	sample      [][]string
	initialized bool
}

func writeSheet(f *excelize.File, name string, s Sheet, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	w := &sheetWriter{sw: sw, s: s, text: st.text, bold: st.bold, r: 1}
	if s.Wrap {
		w.text, w.bold = st.wrap, st.boldWrap
	}
	if s.Rows != nil {
		for row := range s.Rows {
			if err := w.row(row); err != nil {
				return err
			}
		}
	}
	if err := w.start(); err != nil {
		return err
	}
	return sw.Flush()
}

// row writes one data row. Column styles and widths must precede the first row, so the
// first rows are held back (copied: the caller may reuse its slice) until there are enough
// to size the columns from real values rather than from the header alone.
func (w *sheetWriter) row(cells []string) error {
	if !w.initialized {
		w.sample = append(w.sample, slices.Clone(cells))
		if len(w.sample) < sampleRows {
			return nil
		}
		return w.start()
	}
	return w.put(cells, w.data)
}

// start sets up the columns, then writes the header and the held-back rows. It does
// nothing the second time.
func (w *sheetWriter) start() error {
	if w.initialized {
		return nil
	}
	w.initialized = true
	widths := columnWidths(w.s.Header, w.sample, w.s.Widths)
	if n := len(widths); n > 0 {
		if n > excelize.MaxColumns {
			return fmt.Errorf("%d columns, more than Excel's %d", n, excelize.MaxColumns)
		}
		if err := w.sw.SetColStyle(1, n, w.text); err != nil {
			return err
		}
		// Last column first: excelize puts each column it sets ahead of those it
		// already has, and Excel wants the <col> elements in column order (it offers to
		// repair the sheet otherwise, and other readers drop the widths and formats).
		for i := n - 1; i >= 0; i-- {
			if err := w.sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
				return err
			}
		}
	}
	if len(w.s.Header) > 0 {
		if err := w.sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
		}); err != nil {
			return err
		}
		if err := w.put(w.s.Header, -1); err != nil {
			return err
		}
	}
	for _, row := range w.sample {
		if err := w.put(row, w.data); err != nil {
			return err
		}
	}
	w.sample = nil
	return nil
}

// FitsXLSX reports whether a table of rows data rows, under its header row, fits an
// Excel sheet. A caller that knows the length of a table before writing it asks first,
// rather than writing a million rows to learn it from ErrTooManyRows.
func FitsXLSX(rows int) bool { return rows < excelize.TotalRows }

// ErrTooManyRows refuses a table longer than an Excel sheet: the CSV of the same table
// has no such limit, which is what the person needs to hear, not "try again".
var ErrTooManyRows = &core.Error{Kind: core.KindInvalid, Op: "write xlsx",
	Message: "This table has more rows than an Excel sheet holds (" + core.Thousands(excelize.TotalRows) + ", with the header row). Save it as CSV (.csv) instead: a CSV file has no row limit."}

// put writes cells as the next row: the header when data is -1, else data row number data.
func (w *sheetWriter) put(cells []string, data int) error {
	if w.r > excelize.TotalRows {
		return ErrTooManyRows
	}
	if len(cells) > excelize.MaxColumns {
		return fmt.Errorf("row %d has %d cells, more than Excel's %d columns", w.r, len(cells), excelize.MaxColumns)
	}
	style := w.text
	if data < 0 || w.s.bold[data] {
		style = w.bold
	}
	if data >= 0 {
		w.data++
	}
	// SetRow takes []any; pointers into one reused []Cell box without allocating, where
	// Cell values would cost an allocation per cell.
	if len(cells) > len(w.cells) {
		w.cells = make([]excelize.Cell, len(cells))
		w.values = make([]any, len(cells))
		for i := range w.cells {
			w.values[i] = &w.cells[i]
		}
	}
	for i, c := range cells {
		w.cells[i] = excelize.Cell{StyleID: style}
		if c != "" {
			// A nil value leaves an empty cell that still carries the Text style.
			w.cells[i].Value = CleanXLSX(c)
		}
	}
	err := w.sw.SetRow("A"+strconv.Itoa(w.r), w.values[:len(cells)])
	w.r++
	return err
}

// columnWidths returns one width per column of the table: the caller's where given, else
// the longest of the header (bold, so a little wider) and the sampled cells, bounded so
// one long cell does not push every other column off screen.
func columnWidths(header []string, sample [][]string, given []float64) []float64 {
	n := len(header)
	for _, row := range sample {
		n = max(n, len(row))
	}
	n = max(n, len(given))
	widths := make([]float64, n)
	for i := range widths {
		if i < len(given) && given[i] > 0 {
			widths[i] = min(given[i], excelize.MaxColumnWidth)
			continue
		}
		w := 0
		if i < len(header) {
			w = displayWidth(header[i]) + 1
		}
		for _, row := range sample {
			if i < len(row) {
				w = max(w, displayWidth(row[i]))
			}
		}
		widths[i] = float64(min(max(w+2, minWidth), maxWidth))
	}
	return widths
}

// displayWidth approximates how many character cells s takes in Excel: East Asian wide
// characters take two. Only the longest line of a multi-line cell counts.
func displayWidth(s string) int {
	best, w := 0, 0
	for _, r := range s {
		switch {
		case r == '\n':
			best, w = max(best, w), 0
		case wide(r):
			w += 2
		default:
			w++
		}
	}
	return max(best, w)
}

func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115F || // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF || // CJK radicals … Yi
		r >= 0xAC00 && r <= 0xD7A3 || // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF || // CJK compatibility ideographs
		r >= 0xFF00 && r <= 0xFF60 || // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6 ||
		r >= 0x20000 && r <= 0x3FFFD)
}

// CleanXLSX returns s fit for a workbook cell: bytes that are not valid UTF-8 become
// U+FFFD, and characters XML 1.0 forbids (control characters other than tab, line feed
// and carriage return, U+FFFE and U+FFFF) are removed, because Excel reports a workbook
// holding them as damaged.
func CleanXLSX(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if !xmlChar(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

func xmlChar(r rune) bool {
	if r < 0x20 {
		return r == '\t' || r == '\n' || r == '\r'
	}
	return r != 0xFFFE && r != 0xFFFF
}

// SheetName returns name made into a valid Excel sheet name: the characters [ ] : * ? / \
// become "-", control characters are dropped, leading and trailing apostrophes and spaces
// are trimmed, it is cut to 31 UTF-16 units, "History" (reserved by Excel) becomes
// "History 1", and an empty name becomes "Sheet".
func SheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '-'
		case r < 0x20 || r == 0x7F || !xmlChar(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = trimSheetName(name)
	name = trimSheetName(cutUTF16(name, maxSheetName))
	switch {
	case name == "":
		return "Sheet"
	case strings.EqualFold(name, "History"):
		return name + " 1"
	}
	return name
}

func trimSheetName(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '\'' || r == ' ' })
}

// cutUTF16 cuts s to at most n UTF-16 units without splitting a character.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// uniqueSheetNames sanitises each sheet's name and numbers repeats, which Excel (ignoring
// case) refuses.
func uniqueSheetNames(sheets []Sheet) []string {
	names := make([]string, len(sheets))
	seen := make(map[string]bool, len(sheets))
	for i, s := range sheets {
		base := SheetName(s.Name)
		name := base
		for k := 2; seen[strings.ToLower(name)]; k++ {
			suffix := " (" + strconv.Itoa(k) + ")"
			name = trimSheetName(cutUTF16(base, maxSheetName-len(suffix))) + suffix
		}
		seen[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}
