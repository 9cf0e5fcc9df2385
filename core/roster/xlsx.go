package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/safezip"
)

// The XLSX reader is our own: archive/zip (through safezip's checks) and xmlScanner. It
// reads the workbook's package relationships, the workbook (sheet order and visibility,
// the 1904 date system), the styles (number formats), the shared strings, then streams
// the first visible worksheet. Nothing is written to disk: a workbook of typed passwords
// must leave no copy behind, even after a crash.

// maxCellBytes is the most bytes of a cell's text kept: more bytes than this are more
// than MaxCellChars characters, whatever they are, so the cell is too long anyway.
const maxCellBytes = 4*MaxCellChars + 4

// Bounds on the small parts, which are parsed into memory: far beyond any real workbook,
// they only stop a hostile one from growing our tables without end.
const (
	maxSheets  = 1 << 16 // sheets in the workbook, relationships in a part
	maxStyles  = 1 << 20 // cell formats (Excel allows 64,000)
	maxNumFmts = 1 << 16
	maxMerges  = 1 << 18 // merged ranges in the worksheet
)

// The relationship types, by the last element of their URI: the transitional and the
// strict dialect differ only before it.
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

func (rd *reader) readXLSX(r io.ReaderAt, size int64) error {
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
	pkg, err := safezip.New(r, size, safezip.Options{
		MaxTotal:        rd.lim.Unzipped,
		MaxRatio:        rd.lim.Ratio,
		CaseInsensitive: true, // part names are case-insensitive (Open Packaging Conventions)
	})
	if err != nil {
		return zipError(err, rd.lim)
	}
	return rd.readPackage(pkg, false)
}

// readPackage reads the workbook in pkg, the parts of a checked archive. slow turns the
// worksheet's fast path off, for the tests that compare the two.
func (rd *reader) readPackage(pkg fs.FS, slow bool) error {
	wb, err := readWorkbook(pkg)
	if err != nil {
		return err
	}
	var st styles
	if wb.styles != "" {
		if st, err = readStyles(pkg, wb.styles); err != nil {
			return err
		}
	}
	var sst *sharedStrings
	if wb.sharedStrings != "" {
		if sst, err = readSharedStrings(pkg, wb.sharedStrings, rd.lim.SharedStrings); err != nil {
			return err
		}
	}
	x := &xlsxReader{rd: rd, pkg: pkg, part: wb.sheet, sst: sst, styles: st, date1904: wb.date1904, slow: slow}
	return x.read()
}

// zipError turns safezip's refusal into the file-level error people see.
func zipError(err error, lim Limits) error {
	switch {
	case errors.Is(err, safezip.ErrTooBig):
		return core.NewFileError(core.FileTooBig, "it unpacks to more than "+byteSize(lim.Unzipped), err)
	case errors.Is(err, safezip.ErrRatio):
		return core.NewFileError(core.FileTooBig, fmt.Sprintf("a part of it unpacks to more than %d times its size", lim.Ratio), err)
	case errors.Is(err, safezip.ErrTooMany):
		return core.NewFileError(core.FileTooBig, "it holds too many parts", err)
	case errors.Is(err, safezip.ErrNotZip):
		return core.NewFileError(core.FileType, "", err)
	}
	return damaged("the workbook is damaged or incomplete", err)
}

// partError turns an error met while reading a part into the file-level error.
func partError(what string, err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, safezip.ErrDamaged) {
		return damaged("the workbook is damaged: a part does not match its index", err)
	}
	return damaged(what, err)
}

func damaged(value string, err error) error {
	return core.NewFileError(core.FileUnreadable, value, fmt.Errorf("read xlsx: %w", err))
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

// workbook is what the reader needs of the workbook part and its relationships.
type workbook struct {
	sheet         string // the first visible worksheet's part
	sharedStrings string // "" when the workbook has none
	styles        string
	date1904      bool
}

var errNoSheet = errors.New("the workbook has no visible worksheet")

func readWorkbook(pkg fs.FS) (workbook, error) {
	var wb workbook
	// The package's relationships name the workbook part; xl/workbook.xml is where every
	// program puts it, so a package without them is still read.
	main := "xl/workbook.xml"
	if rels, err := readRels(pkg, "_rels/.rels", ""); err == nil {
		for _, rel := range rels {
			if strings.HasSuffix(rel.typ, relOfficeDocument) {
				main = rel.target
				break
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return wb, partError("the workbook is damaged", err)
	}
	rels, err := readRels(pkg, relsPath(main), path.Dir(main))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return wb, partError("the workbook is damaged", err)
	}
	byID := make(map[string]rel, len(rels))
	for _, rel := range rels {
		byID[rel.id] = rel
		switch {
		case strings.HasSuffix(rel.typ, relSharedStrings) && wb.sharedStrings == "":
			wb.sharedStrings = rel.target
		case strings.HasSuffix(rel.typ, relStyles) && wb.styles == "":
			wb.styles = rel.target
		}
	}

	f, err := pkg.Open(main)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return wb, damaged("it is not an Excel workbook", err)
		}
		return wb, partError("the workbook is damaged", err)
	}
	defer f.Close()
	sc := newXMLScanner(f, maxCellBytes)
	sheets := 0
	for sc.next(false) != tokEOF {
		if sc.kind != tokStart {
			continue
		}
		switch string(sc.name) {
		case "workbookPr":
			if v, ok := sc.attr("date1904"); ok {
				wb.date1904 = isTrue(v)
			}
		case "sheet":
			if sheets++; sheets > maxSheets {
				return wb, damaged("the workbook is damaged", errors.New("too many sheets"))
			}
			if wb.sheet != "" {
				continue
			}
			if state, _ := sc.attr("state"); string(state) == "hidden" || string(state) == "veryHidden" {
				continue
			}
			id, _ := sc.attrPrefixed("id")
			// Only a worksheet has rows: a chart sheet or a macro sheet first is skipped.
			if rel, ok := byID[string(id)]; ok && strings.HasSuffix(rel.typ, relWorksheet) {
				wb.sheet = rel.target
			}
		}
	}
	if err := drain(sc); err != nil {
		return wb, partError("the workbook is damaged", err)
	}
	if wb.sheet == "" {
		if sheets == 0 {
			return wb, core.NewFileError(core.FileEmpty, "", errNoSheet)
		}
		return wb, damaged("it has no visible worksheet", errNoSheet)
	}
	return wb, nil
}

func isTrue(v []byte) bool { return string(v) == "1" || string(v) == "true" }

// drain reads the rest of a part, so that archive/zip checks its size and checksum, and
// returns the first error met.
func drain(sc *xmlScanner) error {
	for sc.next(false) != tokEOF {
	}
	return sc.err
}

// rel is one relationship of a part.
type rel struct{ id, typ, target string }

// relsPath returns the relationships part of part: xl/workbook.xml has
// xl/_rels/workbook.xml.rels.
func relsPath(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// readRels reads a relationships part, resolving each internal target against base, the
// folder of the part they belong to.
func readRels(pkg fs.FS, name, base string) ([]rel, error) {
	f, err := pkg.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := newXMLScanner(f, maxCellBytes)
	var rels []rel
	for sc.next(false) != tokEOF {
		if sc.kind != tokStart || string(sc.name) != "Relationship" {
			continue
		}
		if mode, _ := sc.attr("TargetMode"); string(mode) == "External" {
			continue
		}
		if len(rels) >= maxSheets {
			return nil, errors.New("too many relationships")
		}
		id, _ := sc.attr("Id")
		typ, _ := sc.attr("Type")
		target, _ := sc.attr("Target")
		rels = append(rels, rel{id: string(id), typ: string(typ), target: resolvePart(base, string(target))})
	}
	return rels, drain(sc)
}

// resolvePart resolves a relationship's target against base: "/xl/x.xml" is from the
// package's root, "worksheets/sheet1.xml" from base.
func resolvePart(base, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	if base == "" {
		base = "."
	}
	return path.Join(base, target)
}

// styles maps a cell's style index (its s attribute) to the class of its number format.
type styles []numFmt

func (st styles) of(s int) numFmt {
	if s < 0 || s >= len(st) {
		return numFmt{}
	}
	return st[s]
}

func readStyles(pkg fs.FS, name string) (styles, error) {
	f, err := pkg.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // every cell is then General, as Excel shows it
	}
	if err != nil {
		return nil, partError("the workbook's styles are damaged", err)
	}
	defer f.Close()
	sc := newXMLScanner(f, maxCellBytes)
	custom := map[int]string{}
	var ids []int
	depth, inXfs := 0, -1
	for {
		switch sc.next(false) {
		case tokStart:
			depth++
			switch string(sc.name) {
			case "numFmt":
				id, ok1 := sc.attr("numFmtId")
				code, ok2 := sc.attr("formatCode")
				n, err := strconv.Atoi(string(id))
				if ok1 && ok2 && err == nil && len(custom) < maxNumFmts {
					custom[n] = string(code)
				}
			case "cellXfs":
				inXfs = depth
			case "xf":
				// cellStyleXfs holds xf elements too; only those of cellXfs are the cells'.
				if inXfs >= 0 && depth == inXfs+1 {
					if len(ids) >= maxStyles {
						return nil, damaged("the workbook's styles are damaged", errors.New("too many cell formats"))
					}
					id := 0
					if v, ok := sc.attr("numFmtId"); ok {
						id, _ = strconv.Atoi(string(v))
					}
					ids = append(ids, id)
				}
			}
			if sc.empty {
				depth--
			}
		case tokEnd:
			if depth == inXfs {
				inXfs = -1
			}
			depth--
		case tokEOF:
			if sc.err != nil {
				return nil, partError("the workbook's styles are damaged", sc.err)
			}
			st := make(styles, len(ids))
			for i, id := range ids {
				if code, ok := custom[id]; ok {
					st[i] = classifyCode(code)
				} else {
					st[i] = classifyBuiltin(id)
				}
			}
			return st, nil
		}
	}
}

// sharedStrings is the workbook's shared-string table, held as one string and the end
// of each entry in it: one allocation however many entries, and a cell's value is a
// substring that costs nothing.
type sharedStrings struct {
	text    string
	ends    []uint32
	tooLong map[int]bool // entries longer than maxCellBytes, kept cut
}

func (ss *sharedStrings) get(i int) (string, bool) {
	start := uint32(0)
	if i > 0 {
		start = ss.ends[i-1]
	}
	return ss.text[start:ss.ends[i]], ss.tooLong[i]
}

func (ss *sharedStrings) len() int {
	if ss == nil {
		return 0
	}
	return len(ss.ends)
}

// readSharedStrings reads the table, failing once it would take more than limit bytes of
// memory.
func readSharedStrings(pkg fs.FS, name string, limit int64) (*sharedStrings, error) {
	f, err := pkg.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, partError("the workbook's shared strings are damaged", err)
	}
	defer f.Close()
	sc := newXMLScanner(f, maxCellBytes)
	ss := &sharedStrings{}
	var text strings.Builder
	var item []byte
	var long bool
	for {
		switch sc.next(false) {
		case tokStart:
			if string(sc.name) != "si" {
				continue
			}
			item, long = item[:0], false
			if !sc.empty {
				var err error
				if item, long, err = readRichText(sc, item, "si"); err != nil {
					return nil, partError("the workbook's shared strings are damaged", err)
				}
			}
			item = decodeXString(item)
			if int64(text.Len())+int64(len(item))+4*int64(len(ss.ends)+1) > limit || text.Len()+len(item) > 1<<32-1 {
				return nil, core.NewFileError(core.FileTooBig, "its shared strings take more than "+byteSize(limit), nil)
			}
			if long {
				if ss.tooLong == nil {
					ss.tooLong = map[int]bool{}
				}
				ss.tooLong[len(ss.ends)] = true
			}
			text.Write(item)
			ss.ends = append(ss.ends, uint32(text.Len()))
		case tokEOF:
			if sc.err != nil {
				return nil, partError("the workbook's shared strings are damaged", sc.err)
			}
			ss.text = text.String()
			return ss, nil
		}
	}
}

// readRichText reads the content of a string item (an si or an is element, whose start
// tag is current) and appends its text to dst: the text of its t element, or of the t
// elements of its rich-text runs (r), but not of its phonetic runs (rPh), which hold a
// reading guide and are not part of the value. Excel does not show the spaces around
// the text of a plain t element without xml:space="preserve", so they are dropped;
// the t elements of runs are kept as written (a space between two runs is part of the
// value, "Mary" and " Ann"). long says the text was cut at
// maxCellBytes. name is the item's element name, which its end tag must repeat.
func readRichText(sc *xmlScanner, dst []byte, name string) ([]byte, bool, error) {
	long := false
	for depth := 1; depth > 0; {
		switch sc.next(false) {
		case tokStart:
			switch string(sc.name) {
			case "t":
				if sc.empty {
					continue
				}
				space, _ := sc.attr("space")
				trim := depth == 1 && string(space) != "preserve"
				start := len(dst)
				var err error
				var cut bool
				if dst, cut, err = readText(sc, dst, "t"); err != nil {
					return dst, long, err
				}
				if trim {
					dst = append(dst[:start], trimXMLSpace(dst[start:])...)
				}
				long = long || cut
			case "r":
				if !sc.empty {
					depth++
				}
			default: // rPh, rPr, phoneticPr and anything unknown
				if !sc.skipElement() {
					return dst, long, eofError(sc)
				}
			}
		case tokEnd:
			if depth--; depth == 0 && !sc.endOf(name) || depth > 0 && !sc.endOf("r") {
				return dst, long, sc.mismatch()
			}
		case tokEOF:
			return dst, long, eofError(sc)
		}
	}
	if len(dst) > maxCellBytes {
		dst, long = dst[:maxCellBytes], true
	}
	return dst, long, nil
}

// readText appends the text of the element whose start tag is current (named name) up to
// its end tag; long says it was cut at maxCellBytes.
func readText(sc *xmlScanner, dst []byte, name string) ([]byte, bool, error) {
	long := false
	for depth := 1; depth > 0; {
		switch sc.next(true) {
		case tokText:
			if len(dst) < maxCellBytes {
				dst = append(dst, sc.text...)
			}
			long = long || sc.tooLong || len(dst) > maxCellBytes
		case tokStart:
			if !sc.empty {
				depth++
			}
		case tokEnd:
			if depth--; depth == 0 && !sc.endOf(name) {
				return dst, long, sc.mismatch()
			}
		case tokEOF:
			return dst, long, eofError(sc)
		}
	}
	return dst, long, nil
}

// eofError is the error for a part that ended where it may not.
func eofError(sc *xmlScanner) error {
	if sc.err != nil {
		return sc.err
	}
	return damagedf("the part ends early")
}

// decodeXString decodes, in place, the _xHHHH_ escapes with which Excel writes
// characters XML cannot hold (a carriage return is _x000D_; an underscore that would
// start an escape is _x005F_), as excelize and Excel read them. An escape of a
// character Go cannot hold (a surrogate) becomes U+FFFD.
func decodeXString(b []byte) []byte {
	i := bytes.IndexByte(b, '_')
	if i < 0 {
		return b
	}
	if j := bytes.Index(b[i:], []byte("_x")); j < 0 {
		return b
	} else {
		i += j
	}
	out := b[:i]
	for i < len(b) {
		if i+7 <= len(b) && b[i] == '_' && b[i+1] == 'x' && b[i+6] == '_' && isHex4(b[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			r := rune(v)
			if 0xD800 <= r && r <= 0xDFFF {
				r = '\uFFFD'
			}
			// out never overtakes i: an escape is 7 bytes and a rune at most 3.
			out = utf8.AppendRune(out, r)
			i += 7
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

// trimXMLSpace removes the white space XML knows (space, tab, CR, LF) around b.
func trimXMLSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
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
