package cards

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// pdfDoc collects the numbered objects of one PDF file and writes them with their
// cross-reference table. It is only what login cards need: pages of vector paths and
// text in Type 3 fonts, compressed streams, an Info dictionary; no incremental updates,
// no encryption.
type pdfDoc struct {
	objs [][]byte // objs[n-1] is the body of object n
	// zw is reused for every stream: a new flate writer allocates about a megabyte of
	// tables, and a Type 3 font has one stream per glyph.
	zw *zlib.Writer
	z  bytes.Buffer
}

// alloc reserves an object number, to be filled by set: pages refer to their parent and
// to fonts that are only written once every page is known.
func (d *pdfDoc) alloc() int {
	d.objs = append(d.objs, nil)
	return len(d.objs)
}

func (d *pdfDoc) set(n int, body string) { d.objs[n-1] = []byte(body) }

// add appends an object and returns its number.
func (d *pdfDoc) add(body string) int {
	n := d.alloc()
	d.set(n, body)
	return n
}

// addStream appends a Flate-compressed stream object; extra holds further dictionary
// entries ("/Subtype /Type1C" and the like), or is empty.
func (d *pdfDoc) addStream(extra string, data []byte) int {
	d.z.Reset()
	if d.zw == nil {
		d.zw = zlib.NewWriter(&d.z)
	} else {
		d.zw.Reset(&d.z)
	}
	d.zw.Write(data) // a bytes.Buffer does not fail
	d.zw.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< /Length %d /Filter /FlateDecode%s >>\nstream\n", d.z.Len(), extra)
	b.Write(d.z.Bytes())
	b.WriteString("\nendstream")
	n := d.alloc()
	d.objs[n-1] = b.Bytes()
	return n
}

// writeTo writes the whole file. The file identifier is a digest of the objects, so the
// same cards give the same bytes.
func (d *pdfDoc) writeTo(w io.Writer, root, info int) error {
	bw := bufio.NewWriter(w)
	var off int64
	put := func(b []byte) {
		n, _ := bw.Write(b) // the first error is kept by bufio and returned by Flush
		off += int64(n)
	}
	put([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))
	offsets := make([]int64, len(d.objs))
	sum := md5.New()
	for i, body := range d.objs {
		if body == nil {
			return fmt.Errorf("pdf object %d was reserved but never written", i+1)
		}
		offsets[i] = off
		put([]byte(strconv.Itoa(i+1) + " 0 obj\n"))
		put(body)
		put([]byte("\nendobj\n"))
		sum.Write(body)
	}
	xref := off
	var b strings.Builder
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(d.objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	id := fmt.Sprintf("%x", sum.Sum(nil))
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(d.objs)+1, root, info, id, id, xref)
	put([]byte(b.String()))
	return bw.Flush()
}

// pdfText is s as a PDF text string: literal when it is printable ASCII, else UTF-16BE
// with a byte-order mark, in hex, which every reader takes for any script.
func pdfText(s string) string {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	return "<FEFF" + utf16Hex(s) + ">"
}

// utf16Hex is s in UTF-16BE as upper-case hex digits.
func utf16Hex(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// num formats a coordinate with at most two decimals (a hundredth of a point is far below
// what any printer resolves) and no trailing zeros, which keeps content streams small.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if strings.ContainsRune(s, '.') {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
