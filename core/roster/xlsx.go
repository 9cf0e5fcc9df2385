package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
)

func (rd *reader) readXLSX(r io.ReaderAt, size int64) error {
	rd.xlsx = true
	rd.dates[core.ColClassStart] = true
	rd.dates[core.ColClassEnd] = true

	head := make([]byte, min(size, 8))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return core.NewFileError(core.FileUnreadable, "it could not be opened", fmt.Errorf("read xlsx: %w", err))
	}
	if bytes.Equal(head, magicOLE) {
		return oleError(r, size)
	}
	if !bytes.HasPrefix(head, []byte("PK")) {
		return core.NewFileError(core.FileType, "", errors.New("read xlsx: not a zip archive"))
	}
	if err := checkZip(r, size); err != nil {
		return err
	}

	f, err := openWorkbook(r, size)
	if err != nil {
		return core.NewFileError(core.FileUnreadable, "the workbook is damaged", fmt.Errorf("open xlsx: %w", err))
	}
	defer f.Close() // removes the temporary files excelize spooled large parts to

	sanitizeParts(f)
	rows, shown, err := firstSheet(f, &rd.date04)
	if err != nil {
		if errors.Is(err, errNoSheet) {
			return core.NewFileError(core.FileEmpty, "", err)
		}
		return core.NewFileError(core.FileUnreadable, "the first worksheet is damaged", fmt.Errorf("read xlsx: %w", err))
	}
	defer rows.Close()
	if shown != nil {
		defer shown.Close()
	}

	raw, formatted := excelize.Options{RawCellValue: true}, excelize.Options{}
	for line := 1; ; line++ {
		cells, ok, err := nextRow(rows, raw)
		if err != nil {
			return core.NewFileError(core.FileUnreadable, fmt.Sprintf("row %d of the first worksheet is damaged", line), fmt.Errorf("read xlsx: %w", err))
		}
		if !ok {
			return nil
		}
		if shown != nil {
			if text, ok, err := nextRow(shown, formatted); ok && err == nil {
				keepZeros(cells, text)
			}
		}
		if err := rd.row(line, cells); err != nil {
			return err
		}
	}
}

var errNoSheet = errors.New("the workbook has no worksheet")

// checkZip refuses a damaged zip, and a zip bomb by the sizes its directory declares:
// archive/zip fails an entry that inflates past its declared size, so the declared sizes
// are a bound on what excelize can unpack.
func checkZip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return core.NewFileError(core.FileUnreadable, "the workbook is damaged or incomplete", fmt.Errorf("open xlsx: %w", err))
	}
	var total, inMemory uint64
	for _, zf := range zr.File {
		u := zf.UncompressedSize64
		total += u
		if total > uint64(MaxUnzipSize) || total < u {
			return core.NewFileError(core.FileTooBig, fmt.Sprintf("it unpacks to more than %s", byteSize(MaxUnzipSize)), nil)
		}
		name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		spooled := strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
		if !spooled || u <= uint64(StreamPartSize) {
			inMemory += u
		}
	}
	if inMemory > uint64(MaxInMemoryParts) {
		return core.NewFileError(core.FileTooBig, fmt.Sprintf("its parts hold more than %s", byteSize(MaxInMemoryParts)), nil)
	}
	// Inflate every part once against its declared size and checksum: excelize reads a
	// part into a buffer of the declared size and ignores archive/zip's complaint when the
	// data runs longer, so a directory that understates a sheet would silently drop rows.
	// The declared total is bounded above, so this pass is bounded too.
	for _, zf := range zr.File {
		if err := verifyPart(zf); err != nil {
			return core.NewFileError(core.FileUnreadable, "the workbook is damaged: a part does not match its index", fmt.Errorf("check xlsx part %s: %w", zf.Name, err))
		}
	}
	return nil
}

func verifyPart(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

func byteSize(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return strconv.FormatInt(n>>30, 10) + " GB"
	}
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// oleError explains an OLE compound file named .xlsx: Excel stores a password-protected
// workbook that way, with streams named EncryptionInfo and EncryptedPackage, and an old
// .xls looks the same from outside. The stream names are looked for in the raw bytes
// (directory entries hold them in UTF-16LE) rather than by parsing the container: a
// parser trusts the sector counts in the header, and a hostile header can make it
// allocate gigabytes (found by FuzzReadXLSX with github.com/richardlehane/mscfb).
func oleError(r io.ReaderAt, size int64) error {
	found, err := containsAny(io.NewSectionReader(r, 0, size), utf16le("EncryptionInfo"), utf16le("EncryptedPackage"))
	if err != nil {
		return core.NewFileError(core.FileUnreadable, "it could not be read to the end", fmt.Errorf("read ole: %w", err))
	}
	if found {
		return core.NewFileError(core.FileEncrypted, "", nil)
	}
	return core.NewFileError(core.FileType, "", errors.New("read xlsx: an old-style .xls workbook"))
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// containsAny reports whether r holds any of the patterns, reading it in constant memory.
func containsAny(r io.Reader, patterns ...[]byte) (bool, error) {
	keep := 0
	for _, p := range patterns {
		keep = max(keep, len(p)-1)
	}
	buf := make([]byte, 64<<10)
	have := 0
	for {
		n, err := io.ReadFull(r, buf[have:])
		have += n
		for _, p := range patterns {
			if bytes.Contains(buf[:have], p) {
				return true, nil
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		// Keep the tail so a name split across two reads is still seen.
		have = copy(buf, buf[have-keep:have])
	}
}

// The excelize calls below turn a panic into an error: excelize parses hostile XML and
// no file may crash the app. fn is never called under these recovers, so a bug of the
// caller still panics.

func openWorkbook(r io.ReaderAt, size int64) (f *excelize.File, err error) {
	defer recoverTo(&err)
	return excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    MaxUnzipSize,
		UnzipXMLSizeLimit: min(StreamPartSize, MaxUnzipSize),
	})
}

// firstSheet returns the rows of the first worksheet read raw and, when the workbook has
// a zero-padding number format, the same rows again as Excel shows them (see keepZeros).
func firstSheet(f *excelize.File, date1904 *bool) (rows, shown *excelize.Rows, err error) {
	defer recoverTo(&err)
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		*date1904 = *props.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errNoSheet
	}
	if rows, err = f.Rows(sheets[0]); err != nil {
		return nil, nil, err
	}
	if hasZeroPadFormat(f) {
		if shown, err = f.Rows(sheets[0]); err != nil {
			shown = nil // the raw values still import; only padding is lost
		}
	}
	return rows, shown, nil
}

// hasZeroPadFormat reports whether the workbook defines a number format such as
// "000000", which offices use to show IDs stored as numbers with their leading zeros.
// Only then is the sheet read a second time, formatted: most workbooks pay nothing.
func hasZeroPadFormat(f *excelize.File) bool {
	if f.Styles == nil || f.Styles.NumFmts == nil {
		return false
	}
	for _, nf := range f.Styles.NumFmts.NumFmt {
		if nf != nil && isZeroPad(nf.FormatCode) {
			return true
		}
	}
	return false
}

func isZeroPad(code string) bool {
	code, _, _ = strings.Cut(code, ";")
	return len(code) >= 2 && strings.Trim(code, "0") == ""
}

// keepZeros puts back the leading zeros that a zero-padding format shows for an ID
// stored as a number (123 shown as 000123), and changes nothing else: numbers are
// otherwise kept raw so that Excel's display rounding never alters an ID.
func keepZeros(raw, shown []string) {
	for i := range min(len(raw), len(shown)) {
		r, s := raw[i], shown[i]
		if len(s) > len(r) && r != "" && isDigits(r) && isDigits(s) && strings.TrimLeft(s, "0") == strings.TrimLeft(r, "0") {
			raw[i] = s
		}
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func nextRow(rows *excelize.Rows, opts excelize.Options) (cells []string, ok bool, err error) {
	defer recoverTo(&err)
	if !rows.Next() {
		return nil, false, rows.Error()
	}
	cells, err = rows.Columns(opts)
	return cells, true, err
}

// sanitizeParts replaces invalid UTF-8 and characters XML forbids in the parts excelize
// holds in memory. Its XML decoder stops at the first such byte and excelize drops the
// error, so without this a row with one bad byte would silently end the sheet there.
// Parts spooled to temporary files (over StreamPartSize) are left as they are.
func sanitizeParts(f *excelize.File) {
	f.Pkg.Range(func(k, v any) bool {
		name, _ := k.(string)
		b, _ := v.([]byte)
		if strings.HasSuffix(strings.ToLower(name), ".xml") {
			if clean, changed := sanitizeXML(b); changed {
				f.Pkg.Store(k, clean)
			}
		}
		return true
	})
}

// sanitizeXML returns b with invalid UTF-8 and the control characters XML 1.0 forbids
// replaced by U+FFFD, and whether anything changed.
func sanitizeXML(b []byte) ([]byte, bool) {
	bad := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' }
	if utf8.Valid(b) && bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 && bad(byte(r)) }) < 0 {
		return b, false
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 || r < 0x20 && bad(byte(r)) {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out, true
}

func recoverTo(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("panic: %v", p)
	}
}

// excelDate turns the raw value of a date cell, an Excel serial number of days such as
// "46258" or "46258.0", into YYYY-MM-DD. Anything else is left for the row checks.
func excelDate(v string, date1904 bool) (string, bool) {
	if v == "" || strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return "", false
	}
	n, err := strconv.ParseFloat(v, 64)
	// 1 is 1900-01-01 and 2958465 is 9999-12-31, the range Excel itself shows as dates.
	if err != nil || n < 1 || n >= 2958466 || math.IsNaN(n) {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}
