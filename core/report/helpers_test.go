package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files and docs/errors.md")

const goldenDir = "../../testdata/golden/report"

// golden compares got with the golden file name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./core/report -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run with -update to accept):\n got: %q\nwant: %q", name, firstDiff(got, want), firstDiff(want, got))
	}
}

// firstDiff returns a window of a around the first byte where a and b differ.
func firstDiff(a, b []byte) []byte {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo, hi := max(i-40, 0), min(i+40, len(a))
	return a[lo:hi]
}

// dumpXLSX re-opens a workbook and returns a canonical text of its contents: each sheet's
// name, then each row as numbered, quoted cells. Comparing this instead of bytes keeps the
// tests independent of how excelize lays out the zip.
func dumpXLSX(t *testing.T, data []byte) string {
	t.Helper()
	f := openXLSX(t, data)
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		fmt.Fprintf(&b, "== sheet %q\n", name)
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("GetRows(%q): %v", name, err)
		}
		for i, row := range rows {
			fmt.Fprintf(&b, "%d:", i+1)
			for _, c := range row {
				fmt.Fprintf(&b, " %q", c)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// isText reports whether style id formats cells as Text ("@").
func isText(t *testing.T, f *excelize.File, id int) bool {
	t.Helper()
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatalf("GetStyle(%d): %v", id, err)
	}
	return st.NumFmt == 49 || st.CustomNumFmt != nil && *st.CustomNumFmt == "@"
}

func isBold(t *testing.T, f *excelize.File, id int) bool {
	t.Helper()
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatalf("GetStyle(%d): %v", id, err)
	}
	return st.Font != nil && st.Font.Bold
}
