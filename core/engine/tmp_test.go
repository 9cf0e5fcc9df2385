package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
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
	// This process's own, in use: a stage and a spill folder it made.
	stage, err := tmp.stagePath()
	if err != nil {
		t.Fatal(err)
	}
	spill, err := tmp.spillDir()
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(spill)          // made again below, with a file in it
	files := map[string]bool{ // name → removed at start
		"stage-" + tmp.host + "-999999-deadbeef.db":         true, // a crashed process of this computer
		"stage-" + tmp.host + "-999999-deadbeef.db-journal": true,
		filepath.Base(stage):                                false, // this process's
		filepath.Base(stage) + "-journal":                   false,
		// Named with this process's id but not made by it: an earlier process that had
		// the same id (in a container, every run may be process 1) crashed.
		"stage-" + tmp.host + "-" + strconv.Itoa(os.Getpid()) + "-a.db": true,
		"stage-00000000-4242-cafe.db":                                   false, // another computer's, recent
		"stage-00000001-4242-cafe.db":                                   true,  // another computer's, a day old
		"cancel-7":                                                      false,
		// A workbook's spill folder, left by a crashed process, with a file in it.
		"spill-" + tmp.host + "-999999-deadbeef":                     true,
		filepath.Base(spill):                                         false,
		"spill-" + tmp.host + "-" + strconv.Itoa(os.Getpid()) + "-a": true,
	}
	for name := range files {
		p := filepath.Join(tmp.dir, name)
		if strings.HasPrefix(name, "spill-") {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			p = filepath.Join(p, "excelize-123")
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
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

// TestWriteTableSpillsPrivately: a workbook large enough for excelize to spill its rows
// to disk (the Completed File of a large upload, with its temporary passwords) spills
// them into a folder of the private folder, never into the system's temporary folder,
// and that folder is gone once the file is written (issue 13 item 12). Where no
// private folder can be made (a database on a read-only disk), the rows stay in
// memory: still nothing in the system's folder.
func TestWriteTableSpillsPrivately(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noPrivate bool // a file stands where the private folder would be made
	}{{"private folder", false}, {"no private folder", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dbDir, system := t.TempDir(), t.TempDir() // made before TMPDIR changes: t.TempDir uses it
			t.Setenv("TMPDIR", system)
			s, err := Open(ctx, filepath.Join(dbDir, "rosterdesk.db"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if tc.noPrivate {
				if err := os.WriteFile(s.tmp().dir, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			spilled := func() (n int) {
				t.Helper()
				dirs, _ := filepath.Glob(filepath.Join(s.tmp().dir, "spill-*"))
				for _, d := range dirs {
					es, err := os.ReadDir(d)
					if err != nil {
						t.Fatal(err)
					}
					n += len(es)
				}
				return n
			}
			inSystem := func() []string {
				t.Helper()
				es, err := os.ReadDir(system)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, e := range es {
					names = append(names, e.Name())
				}
				return names
			}
			// Past excelize's 16 MiB threshold: 8,000 rows of about 2.4 KB of sheet XML.
			const n = 8_000
			pad := strings.Repeat("x", 250)
			sawSpill := false
			rows := func(yield func([]string) bool) {
				row := make([]string, 8)
				for i := range n {
					for c := range row {
						row[c] = "Temporary-" + strconv.Itoa(i) + "-" + pad
					}
					if i%500 == 0 {
						if got := inSystem(); len(got) > 0 {
							t.Fatalf("row %d: files in the system's temporary folder: %q", i, got)
						}
						sawSpill = sawSpill || spilled() > 0
					}
					if !yield(row) {
						return
					}
				}
			}
			var buf bytes.Buffer
			if err := s.WriteTable(ctx, &buf, core.FormatXLSX, "Completed File", make([]string, 8), rows); err != nil {
				t.Fatal(err)
			}
			if sawSpill == tc.noPrivate {
				t.Errorf("rows spilled into the private folder: %v, want %v", sawSpill, !tc.noPrivate)
			}
			if got := inSystem(); len(got) > 0 {
				t.Errorf("files left in the system's temporary folder: %q", got)
			}
			if dirs, _ := filepath.Glob(filepath.Join(s.tmp().dir, "spill-*")); len(dirs) > 0 {
				t.Errorf("spill folders left: %q", dirs)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("PK")) || buf.Len() < 100<<10 { // the rows compress well, but not to nothing
				t.Errorf("not the workbook: %d bytes", buf.Len())
			}
		})
	}
}

// TestTakeOverRemovesStage: the stage of a process that died in the middle of an upload
// goes when its upload is taken over, not only at the next start: a process killed just
// before this one started may still have counted as running at the start's clean-up
// (found killing rosterctl import with kill -9 and running resume at once).
func TestTakeOverRemovesStage(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tmp := s.tmp()
	if err := tmp.ensure(); err != nil {
		t.Fatal(err)
	}
	stage := filepath.Join(tmp.dir, "stage-"+tmp.host+"-999999-deadbeef.db")
	if err := os.WriteFile(stage, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s.alive(s.host+"/999999/deadbeef", time.Now()) {
		t.Fatal("a process whose pid is free counts as alive")
	}
	if _, err := os.Stat(stage); !os.IsNotExist(err) {
		t.Errorf("the dead process's stage is still there after the take-over (%v)", err)
	}
}

// TestWriteTableRemovesDeadSpill: the spill folder of a workbook whose writer was killed
// (a download of a large upload's Completed File, stopped with kill -9 or a closed
// console: 33 MB of rows with temporary passwords in plain text) is removed by the next
// workbook written, as atomicfile removes a killed save's temporary file. Only imports
// and the window's start removed it, so someone who only downloads kept it for good.
func TestWriteTableRemovesDeadSpill(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.tmp().ensure(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(s.tmp().dir, "spill-"+s.tmp().host+"-999999-deadbeef")
	if err := os.Mkdir(dead, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, "excelize-1"), []byte("<t>Temp-Pass-1</t>"), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := func(yield func([]string) bool) { yield([]string{"S1", "Temp-Pass-2"}) }
	if err := s.WriteTable(ctx, &bytes.Buffer{}, core.FormatXLSX, "Completed File", []string{"User ID", "Password"}, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the killed writer's spill folder is still there (%v)", err)
	}
}
