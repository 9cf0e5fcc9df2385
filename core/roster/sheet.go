package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// xlsxReader streams one worksheet into the reader.
//
// A worksheet lists its merged ranges after its rows, so rows are first scanned into a
// compact buffer (rowBuf); once the end of the sheet is reached, its merged ranges are
// known and the buffered rows are handed on with them. A sheet whose rows do not fit in
// Limits.Lookahead is scanned once more, quickly, for its merged ranges alone, before
// its first rows are handed on. Memory stays bounded either way.
type xlsxReader struct {
	rd       *reader
	pkg      fs.FS
	part     string
	sst      *sharedStrings
	styles   styles
	date1904 bool

	sc   *xmlScanner
	slow bool // never take fastCell's path (tests compare the two)
	line int  // the number of the last row scanned
	done bool // </sheetData> was read
	buf  rowBuf
	mg   *merger

	own     []byte     // the text of the row being scanned
	val, is []byte     // a cell's text as it is read
	kinds   []cellKind // the kind of each cell of the row being handed on, by column
}

// cellKind says what a cell's value is, for the conversions that depend on the column
// (dates) and on the merged ranges.
type cellKind uint8

const (
	kindText    cellKind = iota // a string, as written
	kindNumber                  // a number as written; numFmt says how it is shown
	kindISODate                 // a date cell (t="d"): an ISO 8601 date and time
	kindShared                  // a shared string, by index (in rowBuf only)
	kindLong    cellKind = 0x80 // flag: the text was longer than maxCellBytes and cut
)

func (x *xlsxReader) read() error {
	f, err := openPart(x.pkg, x.part)
	if errors.Is(err, fs.ErrNotExist) {
		return damaged("the workbook is damaged: its worksheet is missing", err)
	}
	if err != nil {
		return partError("the worksheet is damaged", err)
	}
	defer f.Close()
	x.sc = newXMLScanner(f, maxCellBytes)
	found, err := seekSheetData(x.sc)
	if err != nil {
		return partError("the worksheet is damaged", err)
	}
	if !found {
		return nil // no rows: the caller says the file is empty
	}
	for {
		if err := x.scanRows(x.rd.lim.Lookahead); err != nil {
			return err
		}
		if x.mg == nil {
			var merges []cellRange
			if x.done {
				merges, err = readMerges(x.sc)
			} else {
				merges, err = x.prescanMerges()
			}
			if err != nil {
				return err
			}
			x.mg = newMerger(merges)
		}
		if err := x.emit(); err != nil {
			return err
		}
		if x.done {
			break
		}
	}
	// Read to the end of the part, whichever way its merged ranges were found, so that
	// its length and checksum are checked.
	if err := drain(x.sc); err != nil {
		return partError("the worksheet is damaged", err)
	}
	if w := x.mg.warning(); w != nil {
		x.rd.info.Warnings = append(x.rd.info.Warnings, *w)
	}
	return nil
}

// seekSheetData moves sc past the <sheetData> start tag. It reports false for a sheet
// without rows (no sheetData, or an empty one).
func seekSheetData(sc *xmlScanner) (bool, error) {
	for {
		switch sc.next(false) {
		case tokStart:
			if string(sc.name) == "sheetData" {
				if sc.empty {
					return false, drain(sc)
				}
				return true, nil
			}
		case tokEOF:
			return false, sc.err
		}
	}
}

// scanRows scans rows into x.buf until it holds limit bytes or the sheet's rows end.
func (x *xlsxReader) scanRows(limit int64) error {
	x.buf.reset()
	for n := 0; x.buf.size < limit; n++ {
		if n%ctxEvery == ctxEvery-1 {
			if err := x.rd.ctx.Err(); err != nil {
				return err
			}
		}
		switch x.sc.next(false) {
		case tokStart:
			if string(x.sc.name) != "row" {
				if !x.sc.skipElement() {
					return x.damagedRows()
				}
				continue
			}
			if err := x.scanRow(); err != nil {
				return err
			}
		case tokEnd:
			if !x.sc.endOf("sheetData") {
				return partError(fmt.Sprintf("the worksheet is damaged after row %d", x.line), x.sc.mismatch())
			}
			x.done = true
			return nil
		case tokEOF:
			return x.damagedRows()
		}
	}
	return nil
}

// damagedRows is the error for a worksheet whose rows end before </sheetData>: a
// truncated part must fail the file, not drop its last rows.
func (x *xlsxReader) damagedRows() error {
	if errors.Is(x.sc.err, errXMLDamaged) || x.sc.err == nil {
		return damaged(fmt.Sprintf("the worksheet is damaged after row %d", x.line), eofError(x.sc))
	}
	return partError("the worksheet is damaged", x.sc.err)
}

// scanRow scans the row whose start tag is current into x.buf.
func (x *xlsxReader) scanRow() error {
	sc := x.sc
	line := x.line + 1
	if v, ok := sc.attr("r"); ok {
		n, ok := parseUint(v)
		if !ok || n <= x.line {
			return damaged("the worksheet is damaged: its rows are out of order", fmt.Errorf("row %q after row %d", v, x.line))
		}
		line = n
	}
	x.line = line
	x.own = x.own[:0]
	if !sc.empty {
		if err := x.scanCells(line); err != nil {
			return err
		}
	}
	x.buf.addRow(line, string(x.own))
	return nil
}

// scanCells scans the cells of row line, up to its end tag.
func (x *xlsxReader) scanCells(line int) error {
	sc := x.sc
	col := -1
	for {
		if !x.slow {
			if ok, err := x.fastCell(&col); err != nil {
				return err
			} else if ok {
				continue
			}
		}
		switch sc.next(false) {
		case tokStart:
			if string(sc.name) != "c" {
				if !sc.skipElement() {
					return x.damagedRows()
				}
				continue
			}
			col++
			for i := range sc.attrs {
				if a := &sc.attrs[i]; a.is("r") {
					c, ok := parseColumn(a.value)
					if !ok {
						return damaged(fmt.Sprintf("the worksheet is damaged in row %d", line), fmt.Errorf("cell reference %q", a.value))
					}
					col = c
				}
			}
			if err := x.scanCell(col); err != nil {
				return err
			}
		case tokEnd:
			if !sc.endOf("row") {
				return partError(fmt.Sprintf("the worksheet is damaged in row %d", line), sc.mismatch())
			}
			return nil
		case tokEOF:
			return x.damagedRows()
		}
	}
}

// fastCell reads a cell straight from the scanner's buffer when it has one of the shapes
// spreadsheet programs write (<c r="A2" s="1" t="s"><v>12</v></c>, an inline string
// <is><t>text</t></is>, a formula before its value) and lies wholly in the buffer. It
// reports false, having consumed nothing, for anything else, which scanCell then reads:
// the two must read a cell the same way (FuzzSheetCells checks that they do).
func (x *xlsxReader) fastCell(col *int) (bool, error) {
	sc := x.sc
	b := sc.buf[sc.pos:sc.end]
	i := 0
	for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
		i++
	}
	if len(b)-i < 4 || b[i] != '<' || b[i+1] != 'c' || xmlClass[b[i+2]]&xmlNameEnd == 0 {
		return false, nil
	}
	i += 2
	c, t, style := *col+1, byte('n'), 0
	for {
		for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
			i++
		}
		if i+1 >= len(b) {
			return false, nil
		}
		if b[i] == '>' {
			i++
			break
		}
		if b[i] == '/' {
			if b[i+1] != '>' {
				return false, nil
			}
			sc.pos += i + 2
			*col = c
			return true, nil
		}
		ns := i
		for i < len(b) && xmlClass[b[i]]&(xmlNameEnd|xmlEquals) == 0 {
			i++
		}
		ne := i
		if i+1 >= len(b) || b[i] != '=' || b[i+1] != '"' {
			return false, nil
		}
		j := bytes.IndexByte(b[i+2:], '"')
		if j < 0 {
			return false, nil
		}
		v := b[i+2 : i+2+j]
		i += j + 3
		if needsDecode(v) {
			return false, nil
		}
		switch string(b[ns:ne]) {
		case "r":
			cc, ok := parseColumn(v)
			if !ok {
				return false, nil
			}
			c = cc
		case "t":
			t = cellType(v)
		case "s":
			style, _ = parseUint(v)
		}
	}
	// The content: v, is and f elements, then </c>. Text holds no '<', so every '<' met
	// starts markup; a comment, CDATA or anything unexpected falls to scanCell.
	var v, is []byte
	var hasV, hasIS, preserve bool
	for {
		for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
			i++
		}
		rest := b[i:]
		if len(rest) < 4 || rest[0] != '<' {
			return false, nil
		}
		switch rest[1] {
		case '/':
			if string(rest[:4]) != "</c>" {
				return false, nil
			}
			i += len("</c>")
		case 'v':
			switch {
			case string(rest[:3]) == "<v>":
				k := bytes.IndexByte(rest[3:], '<')
				if k < 0 || !bytes.HasPrefix(rest[3+k:], []byte("</v>")) {
					return false, nil
				}
				v, hasV = rest[3:3+k], true
				i += 3 + k + 4
			case string(rest[:4]) == "<v/>":
				hasV = true
				i += 4
			default:
				return false, nil
			}
			continue
		case 'i':
			open := 0
			switch {
			case bytes.HasPrefix(rest, []byte("<is><t>")):
				open = len("<is><t>")
			case bytes.HasPrefix(rest, []byte(`<is><t xml:space="preserve">`)):
				open = len(`<is><t xml:space="preserve">`)
			default:
				return false, nil
			}
			k := bytes.IndexByte(rest[open:], '<')
			if k < 0 || !bytes.HasPrefix(rest[open+k:], []byte("</t></is>")) {
				return false, nil
			}
			is, hasIS, preserve = rest[open:open+k], true, open > len("<is><t>")
			i += open + k + len("</t></is>")
			continue
		case 'f':
			// A formula: its cached value is in v. Its text holds no '<'.
			if c := rest[2]; c != '>' && c != ' ' && c != '/' {
				return false, nil
			}
			k := bytes.IndexByte(rest, '>')
			if k < 0 {
				return false, nil
			}
			if rest[k-1] == '/' {
				i += k + 1
				continue
			}
			e := bytes.IndexByte(rest[k:], '<')
			if e < 0 || !bytes.HasPrefix(rest[k+e:], []byte("</f>")) {
				return false, nil
			}
			i += k + e + len("</f>")
			continue
		default:
			return false, nil
		}
		break
	}
	// Decode into scratch space only when the text needs it: most cells are plain.
	long := false
	if needsDecode(v) {
		x.val = appendDecoded(x.val[:0], v, true)
		v = x.val
	}
	if needsDecode(is) {
		x.is = appendDecoded(x.is[:0], is, true)
		is = x.is
	}
	if !preserve {
		is = trimXMLSpace(is) // as readRichText does
	}
	if len(v) > maxCellBytes || len(is) > maxCellBytes {
		long = true
	}
	if err := x.addValue(c, t, style, v, hasV, is, hasIS, long); err != nil {
		return false, err
	}
	sc.pos += i
	*col = c
	return true, nil
}

// scanCell scans the cell whose start tag is current, in column col, into x.buf.
func (x *xlsxReader) scanCell(col int) error {
	sc := x.sc
	t, style := byte('n'), 0
	for i := range sc.attrs {
		switch a := &sc.attrs[i]; {
		case a.is("t"):
			t = cellType(sc.value(a))
		case a.is("s"):
			style, _ = parseUint(sc.value(a))
		}
	}
	if sc.empty {
		return nil
	}
	var hasV, hasIS, long bool
	x.val, x.is = x.val[:0], x.is[:0]
	for {
		var err error
		var cut bool
		switch sc.next(false) {
		case tokStart:
			switch string(sc.name) {
			case "v":
				if !sc.empty {
					x.val, cut, err = readText(sc, x.val[:0], "v")
				}
				hasV = true
			case "is":
				if !sc.empty {
					x.is, cut, err = readRichText(sc, x.is[:0], "is")
				}
				hasIS = true
			default: // f (the formula; its cached value is in v), extLst
				if !sc.skipElement() {
					return x.damagedRows()
				}
			}
			if err != nil {
				return partError(fmt.Sprintf("the worksheet is damaged in row %d", x.line), err)
			}
			long = long || cut
			continue
		case tokEnd:
			if !sc.endOf("c") {
				return partError(fmt.Sprintf("the worksheet is damaged in row %d", x.line), sc.mismatch())
			}
		case tokEOF:
			return x.damagedRows()
		}
		break
	}
	return x.addValue(col, t, style, x.val, hasV, x.is, hasIS, long)
}

// addValue adds a cell to the row being scanned: its type t (see cellType), style index,
// the text of its v element and of its is element (an inline string), already decoded.
func (x *xlsxReader) addValue(col int, t byte, style int, v []byte, hasV bool, is []byte, hasIS, long bool) error {
	kind := kindText
	switch t {
	case 's':
		v = trimASCII(v)
		if !hasV || len(v) == 0 {
			return nil
		}
		i, ok := parseUint(v)
		if !ok || i >= x.sst.len() {
			return damaged(fmt.Sprintf("the worksheet is damaged in row %d", x.line), fmt.Errorf("shared string %q does not exist", v))
		}
		x.buf.addShared(col, i)
		return nil
	case 'i': // inlineStr: the value is in is, or in v for some writers
		if hasIS {
			v = is
		}
		v = decodeXString(v)
	case 'S': // str, the string result of a formula
		v = decodeXString(v)
	case 'b':
		switch string(v) {
		case "1":
			v = []byte("TRUE")
		case "0":
			v = []byte("FALSE")
		}
	case 'd':
		kind = kindISODate
	case 'n':
		kind = kindNumber
	}
	if len(v) == 0 {
		return nil
	}
	nf := numFmt{}
	if kind == kindNumber {
		nf = x.styles.of(style)
		if nf.class == fmtZeroPad {
			v = padZeros(v, int(nf.width))
		}
	}
	if long {
		kind |= kindLong
	}
	start := len(x.own)
	x.own = append(x.own, v...)
	x.buf.addCell(col, kind, nf.class, start, len(x.own))
	return nil
}

// cellType maps a cell's t attribute to one byte: 's' shared string, 'i' inline string,
// 'S' formula string, 'b' boolean, 'e' error, 'd' date, 'n' number (also the default).
func cellType(t []byte) byte {
	switch string(t) {
	case "", "n":
		return 'n'
	case "s":
		return 's'
	case "inlineStr":
		return 'i'
	case "str":
		return 'S'
	case "b":
		return 'b'
	case "e":
		return 'e'
	case "d":
		return 'd'
	}
	return 'e' // unknown: the text as written
}

// emit hands the buffered rows on, in order.
func (x *xlsxReader) emit() error {
	rd := x.rd
	for _, br := range x.buf.rows {
		recs := br.recs
		width, wide := 0, 0
		for _, r := range recs {
			if r.kind&kindLong != 0 {
				return cellTooLong(br.line)
			}
			if int(r.col) < rd.lim.Columns {
				width = max(width, int(r.col)+1)
			} else if trim(x.value(br, r)) != "" {
				wide = int(r.col) + 1
			}
		}
		if wide > 0 {
			return tooManyColumns(wide)
		}
		cells := make([]string, width)
		kinds := slices.Grow(x.kinds[:0], width)[:width]
		clear(kinds)
		for _, r := range recs {
			if int(r.col) < width {
				cells[r.col] = x.value(br, r)
				kinds[r.col] = r.kind&^kindLong | cellKind(r.fmt)<<4
			}
		}
		x.kinds = kinds
		x.mg.capture(br.line, cells, kinds, rd.info.Header != nil)
		if rd.info.Header != nil && !isBlank(cells) {
			cells, kinds = x.mg.fill(br.line, cells, kinds)
			x.dates(cells, kinds)
		}
		if err := rd.row(br.line, cells); err != nil {
			return err
		}
	}
	return nil
}

// value returns the text of a buffered cell: a substring of its row's own text, or a
// shared string.
func (x *xlsxReader) value(br bufRow, r cellRec) string {
	if r.kind&^kindLong == kindShared {
		v, _ := x.sst.get(int(r.a))
		return v
	}
	return br.own[r.a:r.b]
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if trim(c) != "" {
			return false
		}
	}
	return true
}

// dates turns the numbers of the class date columns into YYYY-MM-DD: Excel keeps a date
// as the number of days since 1900 (or 1904), shown through a date format. A number with
// an explicit number format is left as written, for the row checks to refuse.
func (x *xlsxReader) dates(cells []string, kinds []cellKind) {
	for _, c := range [...]core.Column{core.ColClassStart, core.ColClassEnd} {
		i := x.rd.info.Columns[c]
		if i < 0 || i >= len(cells) {
			continue
		}
		k, class := kinds[i]&0x0F, fmtClass(kinds[i]>>4)
		switch {
		case k == kindNumber && (class == fmtGeneral || class == fmtDate):
			if d, ok := excelDate(trim(cells[i]), x.date1904); ok {
				cells[i] = d
			}
		case k == kindISODate:
			if d, ok := isoDate(trim(cells[i])); ok {
				cells[i] = d
			}
		}
	}
}

// excelDate turns an Excel serial number of days such as "46258" or "46258.75" into
// YYYY-MM-DD. Anything else is left for the row checks.
func excelDate(v string, date1904 bool) (string, bool) {
	if v == "" || strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return "", false
	}
	n, err := strconv.ParseFloat(v, 64)
	// 1 is 1900-01-01 and 2958465 is 9999-12-31, the range Excel itself shows as dates.
	if err != nil || n < 1 || n >= 2958466 || math.IsNaN(n) {
		return "", false
	}
	days := int(n)
	var t time.Time
	if date1904 {
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	} else {
		// Excel counts 1900-02-29, a day that never was (Lotus 1-2-3's leap-year bug):
		// serials from 61 on are one day ahead, and 60 is that day, shown as 1900-02-29.
		if days == 60 {
			return "1900-02-29", true
		}
		if days > 60 {
			days--
		}
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	}
	return t.Format("2006-01-02"), true
}

// isoDate takes the date of an ISO 8601 date and time ("2026-08-25T00:00:00Z").
func isoDate(v string) (string, bool) {
	if len(v) < 10 {
		return "", false
	}
	if _, err := time.Parse("2006-01-02", v[:10]); err != nil {
		return "", false
	}
	return v[:10], true
}

// prescanMerges reads the worksheet part once more, from the start, for its merged
// ranges alone: the rows are skipped without being decoded. Damage it meets is left for
// the main pass to report, where it knows the row: the file fails either way.
func (x *xlsxReader) prescanMerges() ([]cellRange, error) {
	f, err := openPart(x.pkg, x.part)
	if err != nil {
		return nil, partError("the worksheet is damaged", err)
	}
	defer f.Close()
	sc := newXMLScanner(f, maxCellBytes)
	if found, err := seekSheetData(sc); err != nil || !found || !sc.skipElement() {
		return nil, nil
	}
	merges, err := readMerges(sc)
	var ce *core.Error
	if err != nil && !(errors.As(err, &ce) && ce.Code == core.FileTooBig) {
		return nil, nil
	}
	return merges, err
}

// readMerges reads the merged ranges that follow the rows, to the end of the part.
func readMerges(sc *xmlScanner) ([]cellRange, error) {
	var merges []cellRange
	for {
		switch sc.next(false) {
		case tokStart:
			if string(sc.name) != "mergeCell" {
				continue
			}
			ref, _ := sc.attr("ref")
			r, ok := parseRange(ref)
			if !ok {
				continue // a range we cannot read copies nothing
			}
			if len(merges) >= maxMerges {
				return nil, core.NewFileError(core.FileTooBig, fmt.Sprintf("it has more than %d merged ranges", maxMerges), nil)
			}
			merges = append(merges, r)
		case tokEOF:
			if sc.err != nil {
				return nil, partError("the worksheet is damaged", sc.err)
			}
			return merges, nil
		}
	}
}

// rowBuf holds scanned rows: for each row its number and its own text (every value but
// the shared strings, one after another, in one allocation that the row's cells will
// share), and for each cell a small record. A template row takes about 350 bytes. Cell
// records are kept in chunks that are reused, so a large buffer is never copied to grow.
type rowBuf struct {
	rows     []bufRow
	cur      []cellRec   // the chunk being filled
	full     [][]cellRec // chunks filled since the last reset
	spare    [][]cellRec // chunks to reuse
	rowStart int         // where the row being scanned starts in cur
	size     int64       // bytes held, roughly
}

type bufRow struct {
	line int
	own  string
	recs []cellRec
}

// cellRec is a buffered cell: its column, kind and number format class, and where its
// value is: own[a:b], or the shared string a.
type cellRec struct {
	col  int32
	kind cellKind
	fmt  fmtClass
	a, b uint32
}

const (
	bufRowSize  = 56 // bytes of a bufRow
	cellRecSize = 16
	recChunk    = 16 << 10
)

func (b *rowBuf) reset() {
	b.spare = append(b.spare, b.full...)
	b.full = b.full[:0]
	b.rows, b.cur, b.rowStart, b.size = b.rows[:0], b.cur[:0], 0, 0
}

// addRow ends the row being scanned: its cells are the records added since the last
// addRow.
func (b *rowBuf) addRow(line int, own string) {
	recs := b.cur[b.rowStart:len(b.cur):len(b.cur)]
	b.rows = append(b.rows, bufRow{line: line, own: own, recs: recs})
	b.rowStart = len(b.cur)
	b.size += bufRowSize + int64(len(own)) + int64(len(recs))*cellRecSize
}

func (b *rowBuf) add(r cellRec) {
	if len(b.cur) == cap(b.cur) {
		b.nextChunk()
	}
	b.cur = append(b.cur, r)
}

// nextChunk moves the row being scanned to a fresh chunk, at least twice its size: a
// row's records stay together.
func (b *rowBuf) nextChunk() {
	partial := b.cur[b.rowStart:]
	var next []cellRec
	if n := len(b.spare); n > 0 && 2*len(partial) <= recChunk {
		next, b.spare = b.spare[n-1][:0], b.spare[:n-1]
	} else {
		next = make([]cellRec, 0, max(recChunk, 2*len(partial)))
	}
	next = append(next, partial...)
	if cap(b.cur) == recChunk {
		b.full = append(b.full, b.cur)
	}
	b.cur, b.rowStart = next, 0
}

func (b *rowBuf) addCell(col int, kind cellKind, class fmtClass, start, end int) {
	b.add(cellRec{col: int32(col), kind: kind, fmt: class, a: uint32(start), b: uint32(end)})
}

func (b *rowBuf) addShared(col, i int) {
	b.add(cellRec{col: int32(col), kind: kindShared, a: uint32(i)})
}

// parseUint parses a decimal number of at most 9 digits.
func parseUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func trimASCII(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// maxColumn is the most columns a reference may name: XFD, Excel's last, is 16,384, and
// three letters go to ZZZ.
const maxColumn = 18278

// parseColumn returns the 0-based column of a cell reference such as "J12" or "$J$12".
// The row part is not needed: the row element says which row the cell is in.
func parseColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	start := i
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxColumn {
			return 0, false
		}
	}
	if i == start {
		return 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if _, ok := parseUint(ref[i:]); !ok {
		return 0, false
	}
	return col - 1, true
}

// parseCellRef parses a reference such as "J12" into its 0-based column and 1-based row.
func parseCellRef(ref []byte) (col, row int, ok bool) {
	col, ok = parseColumn(ref)
	if !ok {
		return 0, 0, false
	}
	i := 0
	for i < len(ref) && (ref[i] == '$' || ref[i]|0x20 >= 'a' && ref[i]|0x20 <= 'z') {
		i++
	}
	row, ok = parseUint(ref[i:])
	return col, row, ok && row >= 1
}

// cellRange is a merged range: rows r1 to r2 (1-based) and columns c1 to c2 (0-based),
// inclusive.
type cellRange struct{ r1, c1, r2, c2 int }

// parseRange parses "J2:J4". A range of one cell, or one we cannot read, is refused.
func parseRange(ref []byte) (cellRange, bool) {
	a, b, ok := strings.Cut(string(ref), ":")
	if !ok {
		return cellRange{}, false
	}
	c1, r1, ok1 := parseCellRef([]byte(a))
	c2, r2, ok2 := parseCellRef([]byte(b))
	if !ok1 || !ok2 {
		return cellRange{}, false
	}
	r := cellRange{r1: min(r1, r2), c1: min(c1, c2), r2: max(r1, r2), c2: max(c1, c2)}
	if r.r1 == r.r2 && r.c1 == r.c2 {
		return cellRange{}, false
	}
	return r, true
}

func (r cellRange) String() string {
	return columnName(r.c1) + strconv.Itoa(r.r1) + ":" + columnName(r.c2) + strconv.Itoa(r.r2)
}

// columnName returns the letters of a 0-based column: 0 is A, 26 is AA.
func columnName(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append(b, byte('A'+(c-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}
