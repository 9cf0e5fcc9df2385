// Package safezip opens a zip archive that came from someone else (an uploaded workbook,
// a OneRoster package) as a read-only fs.FS, after checking it against limits that keep
// a hostile archive from exhausting memory or disk, or from naming files it should not.
//
// New refuses, before anything is inflated: more members than Options.MaxFiles (the
// central directory is read under a byte budget, so a directory of millions of entries is
// refused before it is held in memory); declared unpacked sizes that add up to more than
// Options.MaxTotal; a member compressed more than Options.MaxRatio times (zip bombs run at
// about 1000:1); member names that are absolute or climb out with "..", and two members
// with the same name; encrypted members and unknown compression methods; and, unless
// Options.AllowNested, a member named *.zip. Reading a member then checks, as it is
// inflated, that it is exactly as long as declared and matches its CRC-32 (archive/zip
// does both at the end of the member, so read members to the end), and that it is not
// itself a zip archive.
//
// Nothing is written anywhere: members are inflated straight from the archive's bytes
// each time they are opened.
package safezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// The errors New and reading a member return, wrapped with the member's name where there
// is one. Test for them with errors.Is.
var (
	// ErrNotZip says the bytes are not a zip archive at all.
	ErrNotZip = errors.New("not a zip archive")
	// ErrDamaged says the archive's directory or a member's data is damaged: truncated,
	// longer or shorter than declared, or failing its checksum.
	ErrDamaged = errors.New("damaged zip archive")
	// ErrTooMany says the archive has more members than Options.MaxFiles.
	ErrTooMany = errors.New("too many files in the zip archive")
	// ErrTooBig says the members unpack to more than Options.MaxTotal.
	ErrTooBig = errors.New("the zip archive unpacks to too much data")
	// ErrRatio says a member is compressed more than Options.MaxRatio times.
	ErrRatio = errors.New("a member is compressed suspiciously well")
	// ErrUnsafePath says a member's name is absolute or climbs out of the archive.
	ErrUnsafePath = errors.New("unsafe member name")
	// ErrDuplicate says two members have the same name.
	ErrDuplicate = errors.New("two members have the same name")
	// ErrNested says a member is itself a zip archive.
	ErrNested = errors.New("a zip archive inside the zip archive")
	// ErrEncrypted says a member is encrypted.
	ErrEncrypted = errors.New("an encrypted member")
	// ErrUnsupported says a member uses a compression method other than store or deflate.
	ErrUnsupported = errors.New("an unsupported compression method")
)

// Defaults for the zero values of Options.
const (
	DefaultMaxFiles       = 10_000
	DefaultMaxTotal int64 = 1 << 30
	DefaultMaxRatio       = 250
)

// ratioFloor is the declared size under which a member's compression ratio is not
// checked: a small, very repetitive part (styles, a content-types list) compresses far
// better than real data without costing anything to unpack.
const ratioFloor = 1 << 20

// dirEntryBudget is the central directory bytes allowed per member: a real entry is 46
// bytes plus its name and extra fields, far below this.
const dirEntryBudget = 1 << 10

// Options are the limits and conventions of one kind of archive. The zero value is the
// defaults, for an archive whose members are compared by exact name.
type Options struct {
	// MaxFiles is the most members the archive may have; 0 means DefaultMaxFiles.
	MaxFiles int
	// MaxTotal bounds the sum of the declared unpacked sizes of the members; 0 means
	// DefaultMaxTotal.
	MaxTotal int64
	// MaxRatio bounds how many times smaller than its unpacked size a member larger than
	// 1 MiB may be stored; 0 means DefaultMaxRatio, a negative value no limit.
	MaxRatio int
	// CaseInsensitive makes names match ignoring ASCII case, as the Open Packaging
	// Conventions of .xlsx files require; two names that differ only in case are then
	// duplicates.
	CaseInsensitive bool
	// SkipJunk hides the __MACOSX/ folder and .DS_Store files that the macOS Finder adds
	// to archives it makes.
	SkipJunk bool
	// AllowNested lets members be zip archives themselves. By default a member named
	// *.zip is refused by New, and any member whose content is a zip archive fails when
	// read.
	AllowNested bool
}

func (o Options) withDefaults() Options {
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	if o.MaxRatio == 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	return o
}

// FS is a checked archive. It implements fs.FS, fs.ReadDirFS and fs.StatFS; directories
// are implied by the members' names.
type FS struct {
	opts  Options
	files map[string]*zip.File // by key (see FS.key)
	dirs  map[string][]fs.DirEntry
	names []string // every member's name, sorted
}

// New checks the archive held in r (size bytes) and returns a view of its members.
func New(r io.ReaderAt, size int64, opts Options) (*FS, error) {
	opts = opts.withDefaults()
	budget := &budgetReaderAt{r: r, left: int64(opts.MaxFiles)*dirEntryBudget + 66<<10}
	zr, err := zip.NewReader(budget, size)
	budget.off = true
	switch {
	case errors.Is(err, errBudget):
		return nil, ErrTooMany
	case errors.Is(err, zip.ErrInsecurePath):
		// The reader is usable; names are checked below, with our own rules.
	case errors.Is(err, zip.ErrFormat) && !hasZipMagic(r):
		return nil, ErrNotZip
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if len(zr.File) > opts.MaxFiles {
		return nil, ErrTooMany
	}
	f := &FS{opts: opts, files: make(map[string]*zip.File, len(zr.File)), dirs: map[string][]fs.DirEntry{".": nil}}
	var total uint64
	for _, zf := range zr.File {
		name, dir, err := cleanName(zf.Name)
		if err != nil {
			return nil, err
		}
		if name == "" || opts.SkipJunk && isJunk(name) {
			continue
		}
		if dir {
			if err := f.addDir(name); err != nil {
				return nil, err
			}
			continue
		}
		if err := checkMember(zf, r, size, opts); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		total += zf.UncompressedSize64
		if total > uint64(opts.MaxTotal) || total < zf.UncompressedSize64 {
			return nil, ErrTooBig
		}
		if err := f.addFile(name, zf); err != nil {
			return nil, err
		}
	}
	for k := range f.dirs {
		slices.SortFunc(f.dirs[k], func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	slices.Sort(f.names)
	return f, nil
}

// checkMember applies the per-member rules that need no inflating.
func checkMember(zf *zip.File, r io.ReaderAt, size int64, opts Options) error {
	if zf.Flags&0x1 != 0 {
		return ErrEncrypted
	}
	if zf.Method != zip.Store && zf.Method != zip.Deflate {
		return ErrUnsupported
	}
	if !opts.AllowNested && strings.EqualFold(path.Ext(zf.Name), ".zip") {
		return ErrNested
	}
	u, c := zf.UncompressedSize64, zf.CompressedSize64
	if opts.MaxRatio > 0 && u > ratioFloor && u/uint64(opts.MaxRatio) > c {
		return ErrRatio
	}
	// The compressed bytes must really be in the archive: the ratio is then a bound on
	// the work per byte uploaded.
	off, err := zf.DataOffset()
	if err != nil || off < 0 || c > uint64(size) || uint64(off) > uint64(size)-c {
		return fmt.Errorf("%w: its data lies outside the archive", ErrDamaged)
	}
	return nil
}

// cleanName returns the slash-separated, cleaned form of a member's name, whether it
// names a directory, or ErrUnsafePath.
func cleanName(raw string) (name string, dir bool, err error) {
	name = strings.ReplaceAll(raw, `\`, "/")
	dir = strings.HasSuffix(name, "/")
	if strings.IndexByte(name, 0) >= 0 || strings.HasPrefix(name, "/") || len(name) >= 2 && name[1] == ':' {
		return "", false, fmt.Errorf("%q: %w", raw, ErrUnsafePath)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "", false, fmt.Errorf("%q: %w", raw, ErrUnsafePath)
		}
	}
	name = path.Clean(name)
	if name == "." {
		return "", dir, nil
	}
	if !fs.ValidPath(name) {
		return "", false, fmt.Errorf("%q: %w", raw, ErrUnsafePath)
	}
	return name, dir, nil
}

func isJunk(name string) bool {
	return name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") || path.Base(name) == ".DS_Store"
}

// key is the map key of a cleaned name.
func (f *FS) key(name string) string {
	if f.opts.CaseInsensitive {
		return asciiLower(name)
	}
	return name
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (f *FS) addFile(name string, zf *zip.File) error {
	k := f.key(name)
	if _, ok := f.files[k]; ok {
		return fmt.Errorf("%s: %w", name, ErrDuplicate)
	}
	if _, ok := f.dirs[k]; ok {
		return fmt.Errorf("%s: %w", name, ErrDuplicate)
	}
	parent := path.Dir(name)
	if err := f.addDir(parent); err != nil {
		return err
	}
	f.files[k] = zf
	pk := f.key(parent)
	f.dirs[pk] = append(f.dirs[pk], fs.FileInfoToDirEntry(fileInfo{name: path.Base(name), zf: zf}))
	f.names = append(f.names, name)
	return nil
}

// addDir records name and its parents as directories.
func (f *FS) addDir(name string) error {
	for name != "." {
		k := f.key(name)
		if _, ok := f.files[k]; ok {
			return fmt.Errorf("%s: %w", name, ErrDuplicate)
		}
		if _, ok := f.dirs[k]; ok {
			return nil
		}
		f.dirs[k] = nil
		parent := path.Dir(name)
		pk := f.key(parent)
		if _, ok := f.dirs[pk]; !ok {
			if err := f.addDir(parent); err != nil {
				return err
			}
		}
		f.dirs[pk] = append(f.dirs[pk], fs.FileInfoToDirEntry(fileInfo{name: path.Base(name), dir: true}))
		name = parent
	}
	return nil
}

// Names returns the name of every member, sorted, without directories.
func (f *FS) Names() []string { return slices.Clone(f.names) }

// Open opens the member or directory called name.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	k := f.key(name)
	if zf, ok := f.files[k]; ok {
		rc, err := zf.Open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w: %v", ErrDamaged, err)}
		}
		return &file{name: name, zf: zf, rc: rc, nested: !f.opts.AllowNested}, nil
	}
	if entries, ok := f.dirs[k]; ok {
		return &dir{info: fileInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists the directory called name, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	entries, ok := f.dirs[f.key(name)]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(entries), nil
}

// Stat describes the member or directory called name.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	k := f.key(name)
	if zf, ok := f.files[k]; ok {
		return fileInfo{name: path.Base(name), zf: zf}, nil
	}
	if _, ok := f.dirs[k]; ok {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// file is an open member. Its Read fails with ErrDamaged when the data is longer or
// shorter than declared or fails its checksum, and with ErrNested when it is a zip.
type file struct {
	name   string
	zf     *zip.File
	rc     io.ReadCloser
	nested bool // refuse a zip inside
	head   []byte
	read   int64
	err    error
}

var zipMagic = []byte("PK\x03\x04")

func (f *file) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if f.nested && f.read < int64(len(zipMagic)) {
		// Read far enough to see whether the member starts like a zip archive.
		for len(f.head) < len(zipMagic) {
			var b [4]byte
			n, err := f.rc.Read(b[:len(zipMagic)-len(f.head)])
			f.head = append(f.head, b[:n]...)
			if err != nil {
				if err == io.EOF && len(f.head) < len(zipMagic) {
					break
				}
				if err != io.EOF {
					return 0, f.fail(err)
				}
			}
		}
		if bytes.Equal(f.head, zipMagic) {
			return 0, f.fail(ErrNested)
		}
		n := copy(p, f.head[f.read:])
		f.read += int64(n)
		if n > 0 {
			return n, nil
		}
	}
	n, err := f.rc.Read(p)
	f.read += int64(n)
	if err != nil && err != io.EOF {
		return n, f.fail(err)
	}
	return n, err
}

// fail makes err sticky, naming the member, and classifies archive/zip's errors.
func (f *file) fail(err error) error {
	if !errors.Is(err, ErrNested) {
		err = fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	f.err = &fs.PathError{Op: "read", Path: f.name, Err: err}
	return f.err
}

func (f *file) Stat() (fs.FileInfo, error) { return fileInfo{name: path.Base(f.name), zf: f.zf}, nil }
func (f *file) Close() error               { return f.rc.Close() }

// dir is an open directory.
type dir struct {
	info    fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}

// fileInfo describes a member (zf set) or a directory.
type fileInfo struct {
	name string
	zf   *zip.File
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64 {
	if i.zf == nil {
		return 0
	}
	return int64(i.zf.UncompressedSize64)
}
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time {
	if i.zf == nil {
		return time.Time{}
	}
	return i.zf.Modified
}
func (i fileInfo) IsDir() bool { return i.dir }
func (i fileInfo) Sys() any    { return nil }

// errBudget stops zip.NewReader once it has read more of the central directory than
// Options.MaxFiles members can need.
var errBudget = errors.New("central directory too large")

type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
	off  bool // the budget applies only while the directory is read
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if !b.off {
		if b.left < int64(len(p)) {
			return 0, errBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

func hasZipMagic(r io.ReaderAt) bool {
	var b [2]byte
	_, err := r.ReadAt(b[:], 0)
	return err == nil && b[0] == 'P' && b[1] == 'K'
}
