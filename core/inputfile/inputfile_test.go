package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, []byte("User ID\r\nS1\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		f, err := Open(roster)
		if err != nil {
			t.Fatalf("Open(%q) = %v, want the file", roster, err)
		}
		defer f.Close()
		b := make([]byte, 7)
		if n, err := f.Read(b); err != nil || string(b[:n]) != "User ID" {
			t.Errorf("Read = %q, %v; want the file's first bytes", b[:n], err)
		}
	})
	for _, tc := range []struct {
		name, path string
		words      []string
	}{
		{"ErrFolder", dir, []string{dir + " is a folder, not a file", instead}},
		{"ErrMissing", filepath.Join(dir, "nope.csv"), []string{"There is no file " + filepath.Join(dir, "nope.csv")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(tc.path)
			if err == nil {
				f.Close()
				t.Fatalf("Open(%q) = a file, want an error", tc.path)
			}
			msg := core.ErrorMessage(err)
			for _, w := range tc.words {
				if !strings.Contains(msg, w) {
					t.Errorf("Open(%q): message %q, want %q in it", tc.path, msg, w)
				}
			}
			if core.ErrorKind(err) != core.KindInvalid {
				t.Errorf("Open(%q): kind %v, want KindInvalid", tc.path, core.ErrorKind(err))
			}
		})
	}
	t.Run("ErrNotAFileIsInTheChain", func(t *testing.T) {
		if _, err := Open(dir); !errors.Is(err, ErrNotAFile) {
			t.Errorf("Open(folder) = %v, want ErrNotAFile in its chain", err)
		}
	})
}
