package safezip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// member is one entry of a test archive. raw, when set, is written as the member's
// header with data already compressed (or stored): sizes and CRC are whatever it says.
type member struct {
	name string
	data string
	raw  *zip.FileHeader
}

func archive(tb testing.TB, members ...member) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		var w io.Writer
		var err error
		if m.raw != nil {
			w, err = zw.CreateRaw(m.raw)
		} else {
			w, err = zw.Create(m.name)
		}
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, m.data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	io.WriteString(fw, s)
	fw.Close()
	return b.String()
}

func open(data []byte, opts Options) (*FS, error) {
	return New(bytes.NewReader(data), int64(len(data)), opts)
}

func readMember(f *FS, name string) (string, error) {
	b, err := fs.ReadFile(f, name)
	return string(b), err
}

func TestFSConforms(t *testing.T) {
	data := archive(t,
		member{name: "manifest.csv", data: "propertyName,value\n"},
		member{name: "dir/", data: ""},
		member{name: "dir/users.csv", data: "sourcedId\n1\n"},
		member{name: "a/b/c.txt", data: "deep"},
	)
	f, err := open(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(f, "manifest.csv", "dir/users.csv", "a/b/c.txt"); err != nil {
		t.Fatal(err)
	}
	if got, want := f.Names(), []string{"a/b/c.txt", "dir/users.csv", "manifest.csv"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

func TestOptions(t *testing.T) {
	junk := archive(t,
		member{name: "users.csv", data: "x"},
		member{name: "__MACOSX/._users.csv", data: "apple"},
		member{name: "sub/.DS_Store", data: "apple"},
	)
	t.Run("SkipJunk", func(t *testing.T) {
		f, err := open(junk, Options{SkipJunk: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Names(); !reflect.DeepEqual(got, []string{"users.csv"}) {
			t.Errorf("Names() = %q, want only users.csv", got)
		}
	})
	t.Run("KeepJunk", func(t *testing.T) {
		f, err := open(junk, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(f.Names()); got != 3 {
			t.Errorf("Names() has %d members, want 3", got)
		}
	})
	t.Run("CaseInsensitive", func(t *testing.T) {
		f, err := open(archive(t, member{name: "xl/Workbook.xml", data: "wb"}), Options{CaseInsensitive: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readMember(f, "XL/workbook.XML"); err != nil || got != "wb" {
			t.Errorf("ReadFile(XL/workbook.XML) = %q, %v; want wb", got, err)
		}
	})
	t.Run("CaseSensitive", func(t *testing.T) {
		f, err := open(archive(t, member{name: "Users.csv", data: "x"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readMember(f, "users.csv"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(users.csv) error = %v, want ErrNotExist", err)
		}
	})
	t.Run("Backslashes", func(t *testing.T) {
		f, err := open(archive(t, member{name: `xl\worksheets\sheet1.xml`, data: "s"}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readMember(f, "xl/worksheets/sheet1.xml"); err != nil || got != "s" {
			t.Errorf("ReadFile = %q, %v; want s", got, err)
		}
	})
	t.Run("AllowNested", func(t *testing.T) {
		inner := string(archive(t, member{name: "x.txt", data: "x"}))
		f, err := open(archive(t, member{name: "inner.zip", data: inner}), Options{AllowNested: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readMember(f, "inner.zip"); err != nil || got != inner {
			t.Errorf("ReadFile(inner.zip) = %d bytes, %v; want the inner archive", len(got), err)
		}
	})
}

func TestRefused(t *testing.T) {
	big := strings.Repeat("a", 4<<20)
	bigDeflated := deflate(t, big)
	small := strings.Repeat("<row/>", 100)
	inner := string(archive(t, member{name: "x.txt", data: "x"}))
	cases := []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"ErrNotZip", []byte("User ID,Role\r\nS1,Student\r\n"), Options{}, ErrNotZip},
		{"ErrNotZipEmpty", nil, Options{}, ErrNotZip},
		{"ErrDamagedTruncated", archive(t, member{name: "a.txt", data: "hello"})[:30], Options{}, ErrDamaged},
		{"ErrTooMany", archive(t, member{name: "a", data: "1"}, member{name: "b", data: "2"}, member{name: "c", data: "3"}), Options{MaxFiles: 2}, ErrTooMany},
		{"ErrTooBig", archive(t, member{name: "a", data: strings.Repeat("x", 600)}, member{name: "b", data: strings.Repeat("y", 600)}), Options{MaxTotal: 1000}, ErrTooBig},
		{"ErrTooBigDeclared", archive(t, member{raw: &zip.FileHeader{Name: "a", Method: zip.Deflate, CRC32: 1, CompressedSize64: uint64(len(bigDeflated)), UncompressedSize64: 1 << 40}, data: bigDeflated}), Options{MaxRatio: -1}, ErrTooBig},
		{"ErrRatio", archive(t, member{name: "bomb.xml", data: big}), Options{}, ErrRatio},
		{"ErrTraversal", archive(t, member{name: "../evil.txt", data: "x"}), Options{}, ErrUnsafePath},
		{"ErrTraversalInside", archive(t, member{name: "a/../../evil.txt", data: "x"}), Options{}, ErrUnsafePath},
		{"ErrTraversalBackslash", archive(t, member{name: `a\..\..\evil.txt`, data: "x"}), Options{}, ErrUnsafePath},
		{"ErrAbsolute", archive(t, member{name: "/etc/passwd", data: "x"}), Options{}, ErrUnsafePath},
		{"ErrDriveLetter", archive(t, member{name: `C:\Windows\evil.txt`, data: "x"}), Options{}, ErrUnsafePath},
		{"ErrDuplicate", archive(t, member{name: "users.csv", data: "1"}, member{name: "users.csv", data: "2"}), Options{}, ErrDuplicate},
		{"ErrDuplicateCleaned", archive(t, member{name: "a/users.csv", data: "1"}, member{name: "a//./users.csv", data: "2"}), Options{}, ErrDuplicate},
		{"ErrDuplicateCase", archive(t, member{name: "xl/workbook.xml", data: "1"}, member{name: "XL/Workbook.xml", data: "2"}), Options{CaseInsensitive: true}, ErrDuplicate},
		{"ErrDuplicateFileAndDir", archive(t, member{name: "a", data: "1"}, member{name: "a/b", data: "2"}), Options{}, ErrDuplicate},
		{"ErrNestedByName", archive(t, member{name: "inner.ZIP", data: inner}), Options{}, ErrNested},
		{"ErrEncrypted", archive(t, member{raw: &zip.FileHeader{Name: "a", Method: zip.Store, Flags: 0x1, CRC32: crc32.ChecksumIEEE([]byte(small)), CompressedSize64: uint64(len(small)), UncompressedSize64: uint64(len(small))}, data: small}), Options{}, ErrEncrypted},
		{"ErrUnsupported", archive(t, member{raw: &zip.FileHeader{Name: "a", Method: 12, CRC32: 1, CompressedSize64: 5, UncompressedSize64: 5}, data: "bzip2"}), Options{}, ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := open(tc.data, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("New() = %v, %v; want %v", f, err, tc.want)
			}
		})
	}
}

// TestReadChecked covers what can only be found while a member is inflated.
func TestReadChecked(t *testing.T) {
	body := strings.Repeat("<row><c><v>1</v></c></row>", 1000)
	comp := deflate(t, body)
	crc := crc32.ChecksumIEEE([]byte(body))
	inner := string(archive(t, member{name: "x.txt", data: "x"}))
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"ErrLongerThanDeclared", archive(t, member{raw: &zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: 100}, data: comp}), ErrDamaged},
		{"ErrShorterThanDeclared", archive(t, member{raw: &zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(body)) + 10}, data: comp}), ErrDamaged},
		{"ErrChecksum", archive(t, member{raw: &zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc + 1, CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(body))}, data: comp}), ErrDamaged},
		{"ErrCorruptDeflate", archive(t, member{raw: &zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc, CompressedSize64: 8, UncompressedSize64: uint64(len(body))}, data: "\xff\xff\xff\xff\xff\xff\xff\xff"}), ErrDamaged},
		{"ErrNestedByContent", archive(t, member{name: "xl/worksheets/sheet1.xml", data: inner}), ErrNested},
		{"OK", archive(t, member{raw: &zip.FileHeader{Name: "s.xml", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(body))}, data: comp}), nil},
		{"OKTiny", archive(t, member{name: "s.xml", data: "PK"}), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := open(tc.data, Options{})
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			name := f.Names()[0]
			got, err := readMember(f, name)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ReadFile(%s) = %d bytes, %v; want %v", name, len(got), err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the member %s", err, name)
			}
		})
	}
}

// TestDirectoryBudget builds an archive whose central directory declares few members but
// holds many: the directory must be refused by its size, not read whole.
func TestDirectoryBudget(t *testing.T) {
	var ms []member
	for i := range 200 {
		ms = append(ms, member{name: strings.Repeat("n", 200) + string(rune('a'+i%26)) + strings.Repeat("x", i), data: ""})
	}
	data := archive(t, ms...)
	if _, err := open(data, Options{MaxFiles: 10}); !errors.Is(err, ErrTooMany) {
		t.Fatalf("New() = %v, want ErrTooMany", err)
	}
	if _, err := open(data, Options{}); err != nil {
		t.Fatalf("New() with the default limit = %v", err)
	}
}

func FuzzNew(f *testing.F) {
	f.Add(archive(f, member{name: "a/b.txt", data: "hello"}, member{name: "c.txt", data: strings.Repeat("x", 100)}))
	f.Add(archive(f, member{name: "../x", data: "x"}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, err := open(data, Options{MaxTotal: 1 << 20, MaxFiles: 100})
		if err != nil {
			return
		}
		for _, name := range fsys.Names() {
			if !fs.ValidPath(name) {
				t.Fatalf("Names() holds invalid path %q", name)
			}
			b, err := readMember(fsys, name)
			if err == nil && len(b) > 1<<20 {
				t.Fatalf("member %s read %d bytes past the total limit", name, len(b))
			}
		}
	})
}
