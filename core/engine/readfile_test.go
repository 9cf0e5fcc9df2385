package engine_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// fakeFile is a file whose Stat answers change as the test says: a file being saved
// while it is read, or one claiming a size it does not have.
type fakeFile struct {
	r     *bytes.Reader
	stats []fakeInfo // one per Stat call; the last repeats
	calls int
	read  int // bytes read
}

type fakeInfo struct {
	size int64
	mod  time.Time
	mode fs.FileMode
}

func (f *fakeFile) Stat() (fs.FileInfo, error) {
	i := f.stats[min(f.calls, len(f.stats)-1)]
	f.calls++
	return i, nil
}
func (f *fakeFile) Read(p []byte) (int, error) { n, err := f.r.Read(p); f.read += n; return n, err }
func (f *fakeFile) Close() error               { return nil }

func (i fakeInfo) Name() string       { return "roster.csv" }
func (i fakeInfo) Size() int64        { return i.size }
func (i fakeInfo) Mode() fs.FileMode  { return i.mode }
func (i fakeInfo) ModTime() time.Time { return i.mod }
func (i fakeInfo) IsDir() bool        { return false }
func (i fakeInfo) Sys() any           { return nil }

func TestReadFile(t *testing.T) {
	data := []byte("User ID,Role,First Name,Last Name\r\nS1,Student,Ava,Johnson\r\n")
	n := int64(len(data))
	t0 := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		stats []fakeInfo
		want  core.Code // "" for success
	}{
		{"Unchanged", []fakeInfo{{size: n, mod: t0}}, ""},
		{"GrewWhileRead", []fakeInfo{{size: n, mod: t0}, {size: n + 100, mod: t0.Add(time.Second)}}, core.FileChanged},
		{"RewrittenSameSize", []fakeInfo{{size: n, mod: t0}, {size: n, mod: t0.Add(time.Millisecond)}}, core.FileChanged},
		{"ShorterThanItSays", []fakeInfo{{size: n + 5, mod: t0}}, core.FileChanged},
		// A pipe has no size: whatever comes is the file.
		{"Pipe", []fakeInfo{{size: 0, mod: t0, mode: fs.ModeNamedPipe}}, ""},
		// Refused from its size alone: nothing is read.
		{"Huge", []fakeInfo{{size: 10 << 30, mod: t0}}, core.FileTooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFile{r: bytes.NewReader(data), stats: tc.stats}
			got, err := engine.ReadFile(f)
			var ce *core.Error
			switch {
			case tc.want == "" && (err != nil || !bytes.Equal(got, data)):
				t.Fatalf("ReadFile = %q, %v; want the file", got, err)
			case tc.want != "" && (!errors.As(err, &ce) || ce.Code != tc.want):
				t.Fatalf("ReadFile = %v, want %s", err, tc.want)
			case tc.want != "" && got != nil:
				t.Errorf("ReadFile returned %d bytes with its error", len(got))
			}
			if tc.want == core.FileTooBig && f.read != 0 {
				t.Errorf("a file too big by its size was read (%d bytes)", f.read)
			}
			if ce != nil && (ce.Message == "" || ce.Kind != core.KindInvalid) {
				t.Errorf("error %+v: want plain words, kind invalid", ce)
			}
		})
	}

	// A real file, and one that is sparse and huge: refused at once.
	dir := t.TempDir()
	p := filepath.Join(dir, "roster.csv")
	os.WriteFile(p, data, 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, err := engine.ReadFile(f); err != nil || !bytes.Equal(got, data) {
		t.Errorf("ReadFile(real file) = %q, %v", got, err)
	}
	huge := filepath.Join(dir, "huge.csv")
	if err := os.WriteFile(huge, nil, 0o644); err != nil || os.Truncate(huge, engine.MaxFileBytes+1) != nil {
		t.Skip("cannot make a sparse file here")
	}
	hf, err := os.Open(huge)
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	if _, err := engine.ReadFile(hf); core.ErrorKind(err) != core.KindInvalid || !errors.As(err, new(*core.Error)) {
		t.Errorf("ReadFile(%d-byte file) = %v, want too big", engine.MaxFileBytes+1, err)
	}
}
