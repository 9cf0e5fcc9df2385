package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// xmlScanner is a small, non-validating pull parser for the parts of a workbook. It
// exists because encoding/xml decodes a worksheet several times slower than the inflater
// produces it, and a workbook must read about as fast as the same rows in CSV.
//
// It knows just enough XML for SpreadsheetML: start, end and self-closing tags with
// quoted attributes (a '>' inside an attribute value does not end the tag), character
// data with the five named entities and numeric character references, CDATA sections,
// and comments, processing instructions and a DOCTYPE, which it skips. It never expands
// a user-defined entity, so a "billion laughs" DOCTYPE costs nothing. Element and
// attribute names are compared by local name: the prefix, and so the namespace, is
// ignored, which reads both the transitional and the strict dialect.
//
// Text is sanitised rather than refused: invalid UTF-8 and the control characters XML
// forbids become U+FFFD, and line ends are normalised to "\n" as XML requires. A workbook
// with one bad byte must not end the sheet there silently. Damage that leaves no sensible
// reading (a tag cut off by the end of the part, a tag longer than maxTag) is an error.
type xmlScanner struct {
	window // its err is also set by damage found

	maxTag  int // the longest tag (with its attributes) accepted
	maxText int // text beyond this many bytes is dropped and TooLong set

	// The current token, valid until the next call of next.
	kind    tokKind
	name    []byte // local name of a start or end tag
	empty   bool   // a start tag that closes itself: <c/>
	attrs   []xmlAttr
	text    []byte // decoded character data of a tokText
	tooLong bool   // tokText: the text was longer than maxText and was cut there

	scratch []byte // decoded text that did not fit the zero-copy path
	aval    []byte // decoded attribute value
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// xmlAttr is an attribute of the current tag: its name (with any prefix) and raw value,
// slices of the scanner's buffer.
type xmlAttr struct {
	name, value []byte
}

// errXMLDamaged is wrapped by every error of the scanner that is not the reader's.
var errXMLDamaged = errors.New("damaged XML")

const (
	xmlBufSize    = 64 << 10
	defaultMaxTag = 1 << 20
)

func newXMLScanner(r io.Reader, maxText int) *xmlScanner {
	return &xmlScanner{window: window{r: r, buf: make([]byte, xmlBufSize)}, maxTag: defaultMaxTag, maxText: maxText}
}

// reset points the scanner at a new reader, keeping its buffers.
func (s *xmlScanner) reset(r io.Reader) {
	*s = xmlScanner{window: window{r: r, buf: s.buf}, maxTag: s.maxTag, maxText: s.maxText, scratch: s.scratch[:0], aval: s.aval[:0], attrs: s.attrs[:0]}
}

// fill reads more input, keeping buf[keep:end] at the front. It returns false at the end
// of the input or on an error (then s.err is set).
func (s *xmlScanner) fill(keep int) bool {
	if s.err != nil || s.eof {
		return false
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.pos -= keep
		s.end = n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.maxTag+xmlBufSize {
			s.err = damagedf("a tag is longer than %d bytes", s.maxTag)
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	return s.readMore()
}

// window is the input buffer of both scanners: buf[pos:end] is read and not yet used.
type window struct {
	r   io.Reader
	buf []byte
	pos int
	end int
	eof bool  // r has no more
	err error // sticky: r failed
}

// readMore reads into buf[end:], which must have room, and reports whether it read
// anything. A Read may return 0 bytes and no error: it reads until it has something.
func (w *window) readMore() bool {
	for {
		n, err := w.r.Read(w.buf[w.end:])
		w.end += n
		switch {
		case err == io.EOF:
			w.eof = true
		case err != nil:
			w.err = err
		case n == 0:
			continue
		}
		return n > 0
	}
}

func damagedf(format string, args ...any) error {
	return &xmlError{msg: fmt.Sprintf(format, args...)}
}

type xmlError struct{ msg string }

func (e *xmlError) Error() string { return e.msg }
func (e *xmlError) Unwrap() error { return errXMLDamaged }

// next moves to the next token. Character data is returned only when wantText is true;
// otherwise it is skipped without being decoded. At the end of the input it returns
// tokEOF; s.err then says whether the input ended cleanly.
func (s *xmlScanner) next(wantText bool) tokKind {
	s.attrs = s.attrs[:0]
	s.empty = false
	s.tooLong = false
	for {
		if s.pos >= s.end {
			if !s.fill(s.pos) {
				s.kind = tokEOF
				return tokEOF
			}
		}
		if s.buf[s.pos] != '<' {
			if wantText {
				s.readText()
				if s.err != nil {
					s.kind = tokEOF
					return tokEOF
				}
				s.kind = tokText
				return tokText
			}
			if i := bytes.IndexByte(s.buf[s.pos:s.end], '<'); i >= 0 {
				s.pos += i
			} else {
				s.pos = s.end
			}
			continue
		}
		// Markup: make sure the buffer holds enough to tell which kind.
		for s.end-s.pos < 9 && s.fill(s.pos) {
		}
		b := s.buf[s.pos:s.end]
		switch {
		case len(b) >= 2 && b[1] == '/':
			if !s.tag(true) {
				return s.stop()
			}
			return tokEnd
		case len(b) >= 9 && string(b[:9]) == "<![CDATA[":
			if !wantText {
				if !s.skipPast("]]>") {
					return s.stop()
				}
				continue
			}
			s.readCDATA()
			if s.err != nil {
				return s.stop()
			}
			s.kind = tokText
			return tokText
		case len(b) >= 4 && string(b[:4]) == "<!--":
			if !s.skipPast("-->") {
				return s.stop()
			}
		case len(b) >= 2 && b[1] == '?':
			if !s.skipPast("?>") {
				return s.stop()
			}
		case len(b) >= 2 && b[1] == '!':
			if !s.skipDecl() {
				return s.stop()
			}
		default:
			if !s.tag(false) {
				return s.stop()
			}
			return tokStart
		}
	}
}

// stop ends the scan: a clean end of input is tokEOF with no error, anything cut off is
// damage.
func (s *xmlScanner) stop() tokKind {
	if s.err == nil {
		s.err = damagedf("the part ends in the middle of a tag")
	}
	s.kind = tokEOF
	return tokEOF
}

// tag parses the tag at s.pos (a start tag, or an end tag when end is set).
func (s *xmlScanner) tag(end bool) bool {
	i := 1
	if end {
		i = 2
	}
	for {
		b := s.buf[s.pos:s.end]
		if n, ok := s.parseTag(b, i, end); ok {
			s.pos += n
			if end {
				s.kind = tokEnd
			} else {
				s.kind = tokStart
			}
			return true
		}
		if s.err != nil || !s.fill(s.pos) {
			return false
		}
	}
}

// parseTag parses the tag at the start of b, name starting at i. It reports the tag's
// length, or false when b ends before the tag does.
func (s *xmlScanner) parseTag(b []byte, i int, end bool) (int, bool) {
	s.attrs = s.attrs[:0]
	start := i
	for i < len(b) && xmlClass[b[i]]&xmlNameEnd == 0 {
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	s.name = localName(b[start:i])
	for {
		for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '>':
			return i + 1, true
		case '/':
			if i+1 >= len(b) {
				return 0, false
			}
			if b[i+1] == '>' {
				s.empty = !end
				return i + 2, true
			}
			i++
			continue
		}
		// An attribute: name, '=', quoted value. Anything malformed is skipped a byte at a
		// time rather than refused; the tag still ends at its '>'.
		ns := i
		for i < len(b) && xmlClass[b[i]]&(xmlNameEnd|xmlEquals) == 0 {
			i++
		}
		ne := i
		for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		if b[i] != '=' {
			if ne == ns {
				i++ // a stray character
			}
			continue
		}
		i++
		for i < len(b) && xmlClass[b[i]]&xmlSpace != 0 {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		q := b[i]
		if q != '"' && q != '\'' {
			continue
		}
		j := bytes.IndexByte(b[i+1:], q)
		if j < 0 {
			return 0, false
		}
		if !end {
			s.attrs = append(s.attrs, xmlAttr{name: b[ns:ne], value: b[i+1 : i+1+j]})
		}
		i += j + 2
	}
}

// xmlClass classifies bytes for the tag parser.
var xmlClass = func() (t [256]uint8) {
	for _, c := range []byte{' ', '\t', '\n', '\r'} {
		t[c] |= xmlSpace | xmlNameEnd
	}
	t['>'] |= xmlNameEnd
	t['/'] |= xmlNameEnd
	t['='] |= xmlEquals
	return t
}()

const (
	xmlSpace uint8 = 1 << iota
	xmlNameEnd
	xmlEquals
)

func isSpace(c byte) bool { return xmlClass[c]&xmlSpace != 0 }

// localName strips a namespace prefix.
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// attr returns the decoded value of the current tag's attribute with local name name.
// The value is valid until the next call of attr or next.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	for i := range s.attrs {
		if a := &s.attrs[i]; a.is(name) {
			return s.value(a), true
		}
	}
	return nil, false
}

// is reports whether the attribute's local name is name.
func (a *xmlAttr) is(name string) bool {
	n := a.name
	if len(n) < len(name) {
		return false
	}
	if len(n) > len(name) && n[len(n)-len(name)-1] != ':' {
		return false
	}
	return string(n[len(n)-len(name):]) == name
}

// prefixed reports whether the attribute's name has a namespace prefix.
func (a *xmlAttr) prefixed() bool { return bytes.IndexByte(a.name, ':') >= 0 }

// value returns the attribute's decoded value, valid until the next call of value or
// next.
func (s *xmlScanner) value(a *xmlAttr) []byte {
	if !needsDecode(a.value) {
		return a.value
	}
	s.aval = appendDecoded(s.aval[:0], a.value, false)
	return s.aval
}

// attrPrefixed returns the value of the attribute with local name name that has a
// namespace prefix (r:id), as opposed to one without (id).
func (s *xmlScanner) attrPrefixed(name string) ([]byte, bool) {
	for i := range s.attrs {
		if a := &s.attrs[i]; a.prefixed() && a.is(name) {
			return s.value(a), true
		}
	}
	return nil, false
}

// readText reads character data at s.pos up to the next '<', decoded.
func (s *xmlScanner) readText() {
	b := s.buf[s.pos:s.end]
	if i := bytes.IndexByte(b, '<'); i >= 0 && !needsDecode(b[:i]) {
		// The common case: plain text, wholly in the buffer.
		s.text = b[:i]
		s.pos += i
		if len(s.text) > s.maxText {
			s.text, s.tooLong = s.text[:s.maxText], true
		}
		return
	}
	s.scratch = s.scratch[:0]
	for {
		b := s.buf[s.pos:s.end]
		i := bytes.IndexByte(b, '<')
		chunk := b
		if i >= 0 {
			chunk = b[:i]
		} else if !s.eof {
			chunk = b[:safeCut(b, true)]
		}
		s.appendText(chunk)
		s.pos += len(chunk)
		if i >= 0 || s.eof && s.pos >= s.end {
			break
		}
		if !s.fill(s.pos) {
			if s.err != nil {
				return
			}
			// The input ended inside text: what is left is text too.
			s.appendText(s.buf[s.pos:s.end])
			s.pos = s.end
			break
		}
	}
	s.text = s.scratch
}

// appendText appends decoded text to s.scratch, up to maxText bytes.
func (s *xmlScanner) appendText(chunk []byte) {
	if s.tooLong {
		return
	}
	s.scratch = appendDecoded(s.scratch, chunk, true)
	if len(s.scratch) > s.maxText {
		s.scratch, s.tooLong = s.scratch[:s.maxText], true
	}
}

// safeCut returns how much of b, text that continues past the buffer, can be decoded
// now: not a final '\r' (it may start "\r\n"), a final incomplete UTF-8 sequence and,
// when entities is set, a final incomplete entity.
func safeCut(b []byte, entities bool) int {
	n := len(b)
	if amp := bytes.LastIndexByte(b, '&'); entities && amp >= 0 && n-amp <= maxEntity && bytes.IndexByte(b[amp:], ';') < 0 {
		n = amp
	}
	for k := 1; k <= utf8.UTFMax && k <= n; k++ {
		if c := b[n-k]; c >= 0x80 {
			if utf8.RuneStart(c) {
				if !utf8.FullRune(b[n-k : n]) {
					n -= k
				}
				break
			}
		} else {
			break
		}
	}
	if n > 0 && b[n-1] == '\r' {
		n--
	}
	return n
}

// readCDATA reads a CDATA section at s.pos.
func (s *xmlScanner) readCDATA() {
	s.pos += len("<![CDATA[")
	s.scratch = s.scratch[:0]
	for {
		b := s.buf[s.pos:s.end]
		if i := bytes.Index(b, []byte("]]>")); i >= 0 {
			s.appendCDATA(b[:i])
			s.pos += i + 3
			s.text = s.scratch
			return
		}
		// Keep what may be the start of "]]>" and a split rune or CRLF for later.
		n := max(len(b)-2, 0)
		n = min(n, safeCut(b[:n], false))
		s.appendCDATA(b[:n])
		s.pos += n
		if !s.fill(s.pos) {
			if s.err == nil {
				s.err = damagedf("a CDATA section is not closed")
			}
			return
		}
	}
}

func (s *xmlScanner) appendCDATA(chunk []byte) {
	if s.tooLong {
		return
	}
	s.scratch = appendClean(s.scratch, chunk)
	if len(s.scratch) > s.maxText {
		s.scratch, s.tooLong = s.scratch[:s.maxText], true
	}
}

// skipPast moves s.pos past the next occurrence of end.
func (s *xmlScanner) skipPast(end string) bool {
	from := s.pos + 2 // past "<!" or "<?"
	for {
		if from <= s.end {
			if i := bytes.Index(s.buf[from:s.end], []byte(end)); i >= 0 {
				s.pos = from + i + len(end)
				return true
			}
		}
		// Keep the bytes that may start end; drop the rest as it streams by.
		s.pos = max(from, s.end-len(end)+1)
		from = s.pos
		if !s.fill(s.pos) {
			return false
		}
		from = s.pos
	}
}

// skipDecl skips a <!DOCTYPE …> or other declaration, with any internal subset in
// brackets. Nothing in it is used.
func (s *xmlScanner) skipDecl() bool {
	depth := 0
	var quote byte
	i := s.pos + 2
	for {
		for ; i < s.end; i++ {
			c := s.buf[i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '[':
				depth++
			case c == ']':
				depth--
			case c == '>' && depth <= 0:
				s.pos = i + 1
				return true
			}
		}
		// Keep nothing: the declaration is skipped as it streams by.
		s.pos = s.end
		i = 0
		if !s.fill(s.pos) {
			return false
		}
		i = s.pos
	}
}

// endOf reports whether the current token is the end tag of an element called name. The
// reader checks the end tags of the elements it reads into, so that a part whose tags do
// not match fails rather than being read with its structure shifted.
func (s *xmlScanner) endOf(name string) bool {
	return s.kind == tokEnd && string(s.name) == name
}

// mismatch is the error for an end tag that does not close the element it should.
func (s *xmlScanner) mismatch() error {
	return damagedf("an end tag </%s> where another was expected", s.name)
}

// skipElement skips the content of the element whose start tag is the current token, up
// to and including its end tag.
func (s *xmlScanner) skipElement() bool {
	if s.kind != tokStart || s.empty {
		return true
	}
	depth := 1
	for depth > 0 {
		switch s.next(false) {
		case tokStart:
			if !s.empty {
				depth++
			}
		case tokEnd:
			depth--
		case tokEOF:
			return false
		}
	}
	return true
}

// maxEntity is the longest entity or character reference decoded: "&#x10FFFF;".
const maxEntity = 10

// needsDecode reports whether text must go through appendDecoded: it holds an entity, a
// carriage return, a control character or a byte that may start invalid UTF-8.
func needsDecode(b []byte) bool {
	for _, c := range b {
		if decodeSpecial[c] {
			return true
		}
	}
	return false
}

var decodeSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 && c != '\t' && c != '\n' || c == '&' || c >= 0x80
	}
	return t
}()

// appendDecoded appends b to dst with entities and character references decoded,
// invalid UTF-8 and forbidden control characters replaced by U+FFFD and, when text is
// set, "\r\n" and "\r" turned into "\n".
func appendDecoded(dst, b []byte, text bool) []byte {
	for len(b) > 0 {
		c := b[0]
		switch {
		case c == '&':
			r, n := decodeEntity(b)
			if n == 0 {
				dst = append(dst, '&')
				b = b[1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
			b = b[n:]
		case c == '\r' && text:
			dst = append(dst, '\n')
			if len(b) > 1 && b[1] == '\n' {
				b = b[1:]
			}
			b = b[1:]
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			dst = append(dst, "\uFFFD"...)
			b = b[1:]
		case c < 0x80:
			dst = append(dst, c)
			b = b[1:]
		default:
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n <= 1 {
				dst = append(dst, "\uFFFD"...)
				b = b[1:]
				continue
			}
			dst = append(dst, b[:n]...)
			b = b[n:]
		}
	}
	return dst
}

// appendClean is appendDecoded without entities, for CDATA.
func appendClean(dst, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return appendDecoded(dst, b, true)
		}
		dst = appendDecoded(dst, b[:i], true)
		dst = append(dst, '&')
		b = b[i+1:]
	}
	return dst
}

// decodeEntity decodes the entity or character reference at the start of b ("&amp;",
// "&#10;"), returning the rune and the bytes used, or 0 bytes when b does not start with
// one (the '&' is then kept as it is). A reference to a character XML forbids decodes to
// U+FFFD.
func decodeEntity(b []byte) (rune, int) {
	end := bytes.IndexByte(b[:min(len(b), maxEntity)], ';')
	if end < 2 {
		return 0, 0
	}
	name := b[1:end]
	switch string(name) {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, 0
	}
	var v rune
	for _, d := range digits {
		var x rune
		switch {
		case '0' <= d && d <= '9':
			x = rune(d - '0')
		case base == 16 && 'a' <= d && d <= 'f':
			x = rune(d-'a') + 10
		case base == 16 && 'A' <= d && d <= 'F':
			x = rune(d-'A') + 10
		default:
			return 0, 0
		}
		v = v*rune(base) + x
		if v > utf8.MaxRune {
			return utf8.RuneError, end + 1
		}
	}
	if !isXMLChar(v) {
		return utf8.RuneError, end + 1
	}
	return v, end + 1
}

// isXMLChar reports whether XML 1.0 allows r in a document.
func isXMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case 0xD800 <= r && r <= 0xDFFF:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return r <= utf8.MaxRune
}
