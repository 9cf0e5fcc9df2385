package report

import (
	"iter"
	"runtime"
	"strconv"
	"testing"
)

// table yields n rows of 16 columns shaped like an export: GUIDs, IDs with leading zeros,
// names, emails and class columns. The row slice is reused, as a database scanner would.
func table(n int) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		row := make([]string, 16)
		for i := range n {
			id := strconv.Itoa(100000 + i)
			row[0] = "3f2504e0-4f89-41d3-9a0c-0305e82c" + id[:4]
			row[1] = "00" + id
			row[2] = "Student"
			row[3] = "Ann-Marie"
			row[4] = "O'Connor"
			row[5] = "7"
			row[6] = "s" + id + "@example.org"
			row[7] = "aoconnor" + id
			row[8] = ""
			row[9] = "MATH-7-" + id[4:]
			row[10] = "Math 7, period " + id[5:]
			row[11] = "7"
			row[12] = "08/25/2026"
			row[13] = "06/10/2027"
			row[14] = ""
			row[15] = "-" + id // a cell CSV must neutralise
			if !yield(row) {
				return
			}
		}
	}
}

var benchHeader = []string{
	"User GUID", "User ID", "Role", "First Name", "Last Name", "Grade Level", "Email", "Username",
	"Password", "Class ID", "Class Name", "Class Grade Level", "Class Start Date", "Class End Date",
	"Master Code", "Class GUID",
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func BenchmarkWriteCSV100k(b *testing.B) {
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		w := &countWriter{}
		if err := WriteCSV(w, ',', benchHeader, table(100_000)); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/1e6, "MB-out")
}

func BenchmarkWriteXLSX100k(b *testing.B) {
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		w := &countWriter{}
		if err := WriteXLSX(w, Sheet{Name: "Users", Header: benchHeader, Rows: table(100_000)}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/1e6, "MB-out")
}

// chunkWriter records the largest single write, to tell a stream from one big copy.
type chunkWriter struct {
	n, largest int64
	calls      int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	w.largest = max(w.largest, int64(len(p)))
	w.calls++
	return len(p), nil
}

// TestWriteXLSXBoundedMemory writes a workbook far larger than memory should hold and
// checks that the live heap stays flat while rows stream through excelize's temporary
// file, and that the zip reaches the writer in pieces rather than as one buffered copy.
func TestWriteXLSXBoundedMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes 200,000 rows")
	}
	const n = 200_000
	var peak uint64
	rows := func(yield func([]string) bool) {
		i := 0
		for row := range table(n) {
			if i%25_000 == 0 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			i++
			if !yield(row) {
				return
			}
		}
	}
	w := &chunkWriter{}
	if err := WriteXLSX(w, Sheet{Name: "Users", Header: benchHeader, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d rows, %.1f MB in %d writes (largest %d B); peak live heap %.1f MB",
		n, float64(w.n)/1e6, w.calls, w.largest, float64(peak)/1e6)
	// excelize holds up to 16 MB of sheet XML before spilling to its temporary file,
	// while the sheet is several hundred MB of XML.
	const limit = 64 << 20
	if peak > limit {
		t.Errorf("peak live heap %d MB, want under %d MB", peak>>20, limit>>20)
	}
	if w.largest > 1<<20 {
		t.Errorf("largest write %d bytes of %d: the workbook was buffered before writing", w.largest, w.n)
	}
}
