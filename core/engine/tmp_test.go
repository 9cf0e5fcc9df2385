package engine

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestStartRemovesLeftStages: the stages a crashed import left in the private folder
// are removed at the next start; those of live processes stay (issue 13 item 12).
func TestStartRemovesLeftStages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rosterdesk.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tmp := s.tmp()
	if err := tmp.ensure(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(tmp.dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("private folder %s: %v, %v; want mode 0700", tmp.dir, fi.Mode(), err)
	}
	files := map[string]bool{ // name → removed at start
		"stage-" + tmp.host + "-999999-deadbeef.db":                     true, // a crashed process of this computer
		"stage-" + tmp.host + "-999999-deadbeef.db-journal":             true,
		"stage-" + tmp.host + "-" + strconv.Itoa(os.Getpid()) + "-a.db": false, // this process
		"stage-00000000-4242-cafe.db":                                   false, // another computer's, recent
		"stage-00000001-4242-cafe.db":                                   true,  // another computer's, a day old
		"cancel-7":                                                      false,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(tmp.dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleAge - time.Hour)
	os.Chtimes(filepath.Join(tmp.dir, "stage-00000001-4242-cafe.db"), old, old)

	if _, err := s.RunPending(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(tmp.dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}
