package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens scans doc and returns its tokens as text: <name a=v …> for a start tag (/>
// when it closes itself), </name>, "text" for character data; then the error, if any.
// With small set, the input comes one byte at a time, so every token crosses a buffer
// boundary.
func tokens(doc string, small bool, maxText int) string {
	r := strings.NewReader(doc)
	sc := newXMLScanner(r, maxText)
	if small {
		sc.reset(iotest.OneByteReader(strings.NewReader(doc)))
		sc.buf = make([]byte, 16) // grows as a tag needs
	}
	var b strings.Builder
	for {
		switch sc.next(true) {
		case tokStart:
			fmt.Fprintf(&b, "<%s", sc.name)
			for i := range sc.attrs {
				a := &sc.attrs[i]
				fmt.Fprintf(&b, " %s=%s", a.name, sc.value(a))
			}
			if sc.empty {
				b.WriteString("/")
			}
			b.WriteString(">")
		case tokEnd:
			fmt.Fprintf(&b, "</%s>", sc.name)
		case tokText:
			fmt.Fprintf(&b, "%q", sc.text)
			if sc.tooLong {
				b.WriteString("(cut)")
			}
		case tokEOF:
			if sc.err != nil {
				fmt.Fprintf(&b, " error: %v", sc.err)
			}
			return b.String()
		}
	}
}

func TestXMLScanner(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"OK", `<?xml version="1.0"?><a x="1" y='2'><b/>hi</a>`, `<a x=1 y=2><b/>"hi"</a>`},
		{"OKPrefixes", `<x:row r="2"><x:c r:id="rId1" xml:space="preserve"/></x:row>`, `<row r=2><c r:id=rId1 xml:space=preserve/></row>`},
		{"OKGreaterThanInAttribute", `<sheet name="a>b" id="1"/>`, `<sheet name=a>b id=1/>`},
		{"OKSpacesInTag", "<c  r = \"A1\"\n\tt=\"s\" ></c >", `<c r=A1 t=s></c>`},
		{"OKEntities", `<t>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</t>`, `<t>"<>&\"'AB😀"</t>`},
		{"OKEntityInAttribute", `<a v="x&amp;y&#10;z"/>`, `<a v=x&y` + "\n" + `z/>`},
		{"OKUnknownEntityKept", `<t>AT&T &bogus; &</t>`, `<t>"AT&T &bogus; &"</t>`},
		{"OKForbiddenCharRef", `<t>a&#1;b&#xD800;c&#0;</t>`, "<t>\"a\ufffdb\ufffdc\ufffd\"</t>"},
		{"OKLineEnds", "<t>a\r\nb\rc\nd</t>", `<t>"a\nb\nc\nd"</t>`},
		{"OKCarriageReturnReference", "<t>a&#13;b</t>", `<t>"a\rb"</t>`},
		{"OKInvalidUTF8", "<t>Ann\xff\xfeé</t>", "<t>\"Ann\ufffd\ufffdé\"</t>"},
		{"OKControlChars", "<t>A\x01B\x1fC\tD</t>", "<t>\"A\ufffdB\ufffdC\\tD\"</t>"},
		{"OKCDATA", `<t><![CDATA[<b>&amp;]]>tail</t>`, `<t>"<b>&amp;""tail"</t>`},
		{"OKComment", `<a><!-- <b>not a tag</b> -->x</a>`, `<a>"x"</a>`},
		{"OKDoctypeNotExpanded", `<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><t>&lol2;</t>`, `<t>"&lol2;"</t>`},
		{"OKProcessingInstruction", `<a><?pi some > data?>x</a>`, `<a>"x"</a>`},
		{"OKMultibyteAcrossBuffers", `<t>` + strings.Repeat("é", 50) + `</t>`, `<t>"` + strings.Repeat("é", 50) + `"</t>`},
		{"ErrTruncatedTag", `<a><b x="1`, `<a> error: the part ends in the middle of a tag`},
		{"ErrTruncatedCDATA", `<a><![CDATA[abc`, `<a> error: a CDATA section is not closed`},
		{"OKTextAtEnd", `<a>tail`, `<a>"tail"`},
	}
	for _, tc := range cases {
		for _, small := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/small=%v", tc.name, small), func(t *testing.T) {
				if got := tokens(tc.doc, small, 1000); got != tc.want {
					t.Errorf("tokens(%q)\n got %s\nwant %s", tc.doc, got, tc.want)
				}
			})
		}
	}
}

func TestXMLScannerTextCut(t *testing.T) {
	doc := "<t>" + strings.Repeat("a", 100) + "</t><u>ok</u>"
	for _, small := range []bool{false, true} {
		if got, want := tokens(doc, small, 10), `<t>"aaaaaaaaaa"(cut)</t><u>"ok"</u>`; got != want {
			t.Errorf("tokens(small=%v) = %s, want %s", small, got, want)
		}
	}
}

func TestXMLScannerTagTooLong(t *testing.T) {
	doc := `<a x="` + strings.Repeat("y", 3<<20) + `"/>`
	sc := newXMLScanner(strings.NewReader(doc), 100)
	if sc.next(false) != tokEOF || !errors.Is(sc.err, errXMLDamaged) {
		t.Fatalf("next() = %v, err %v; want EOF and damage", sc.kind, sc.err)
	}
}

func TestXMLScannerSkipElement(t *testing.T) {
	doc := `<sheetData><row><c><v>1</v></c><c/></row><!-- </sheetData> --></sheetData><mergeCells/>`
	sc := newXMLScanner(strings.NewReader(doc), 100)
	if sc.next(false) != tokStart || !sc.skipElement() {
		t.Fatal("skipElement failed")
	}
	if sc.next(false) != tokStart || string(sc.name) != "mergeCells" {
		t.Errorf("after skipElement: %q, want mergeCells", sc.name)
	}
}

func TestDecodeXString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a_x000D_b", "a\rb"},
		{"_x005F_x0041_", "_x0041_"},
		{"x_x0041_y_x0042_", "xAyB"},
		{"_x00e9_", "é"},
		{"_xD800_", "\ufffd"},
		{"_x12_", "_x12_"},
		{"_xZZZZ_", "_xZZZZ_"},
		{"snake_case_x", "snake_case_x"},
	} {
		if got := string(decodeXString([]byte(tc.in))); got != tc.want {
			t.Errorf("decodeXString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzXMLScanner(f *testing.F) {
	for _, seed := range []string{
		`<?xml version="1.0"?><a x="1" y='2'><b/>hi</a>`,
		`<t>&lt;&#x1F600;&bogus;</t><![CDATA[x]]><!-- c -->`,
		`<!DOCTYPE x [<!ENTITY a "b">]><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>`,
		"<t>a\r\nb\rc\xff\x01</t>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		defer watchdog(doc)()
		if len(doc) > 4<<10 {
			doc = doc[:4<<10] // read a byte at a time, a long tag costs its length squared
		}
		// The same document read whole and one byte at a time must give the same tokens:
		// where a buffer ends must never change what is read.
		whole := tokens(string(doc), false, 64)
		small := tokens(string(doc), true, 64)
		if whole != small {
			t.Fatalf("tokens differ by buffer size:\nwhole %s\nsmall %s", whole, small)
		}
	})
}
