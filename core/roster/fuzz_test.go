package roster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
)

// watchdog crashes the fuzzing process when an input takes more than 10 seconds, which
// Go's fuzzer would otherwise only show as a rate of 0 executions a second: an endless
// loop on a hostile file would hang an upload. Call it as defer watchdog(input)().
func watchdog(input []byte) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			panic(fmt.Sprintf("no result after 10s for input %q", input))
		}
	}()
	return func() { close(done) }
}

// fuzzRead reads data and fails on anything but success or a file-level *core.Error.
func fuzzRead(t *testing.T, name string, data []byte, teacher bool) {
	mode := core.ModeAdmin
	if teacher {
		mode = core.ModeTeacher
	}
	info, rows, err := readAll(t, name, data, mode)
	if err != nil {
		var e *core.Error
		if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
			t.Fatalf("Read() error %v (%T) is not a *core.Error with a Code", err, err)
		}
		return
	}
	if info.Rows == 0 || info.Rows != len(rows) {
		t.Fatalf("Read() ok with Info.Rows = %d and %d rows", info.Rows, len(rows))
	}
	prev := 0
	for _, r := range rows {
		if r.Line <= prev {
			t.Fatalf("row lines not increasing: %d after %d", r.Line, prev)
		}
		prev = r.Line
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, tc := range csvCases(f) {
		if len(tc.data) < 64<<10 { // the fuzzer mutates small inputs best
			f.Add(tc.data, tc.mode == core.ModeTeacher)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, teacher bool) {
		fuzzRead(t, "f.csv", data, teacher)
	})
}

func FuzzReadXLSX(f *testing.F) {
	for _, tc := range xlsxCases(f) {
		// Seeds that inflate to megabytes (huge cells, 100,000 columns) compress to a
		// few KB but make every coverage-instrumented run take seconds.
		if len(tc.data) < 64<<10 && !strings.Contains(tc.name, "Cell") && !strings.Contains(tc.name, "TooMany") {
			f.Add(tc.data, tc.mode == core.ModeTeacher)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, teacher bool) {
		fuzzRead(t, "f.xlsx", data, teacher)
	})
}

const benchRows = 100_000

func benchRow(i int) []string {
	return []string{"", fmt.Sprintf("%06d", i), "Student", "Ann", "Lee", "5", fmt.Sprintf("s%d@example.org", i), "", "", "C1", "Math 5", "5", "08/25/2026", "06/10/2027", "", ""}
}

func BenchmarkReadCSV100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.csv")
	var buf bytes.Buffer
	buf.WriteString(adminHeader + "\r\n")
	for i := range benchRows {
		buf.WriteString(strings.Join(benchRow(i), ",") + "\r\n")
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	benchFile(b, path)
}

func BenchmarkReadXLSX100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	toAny := func(s []string) []any {
		out := make([]any, len(s))
		for i := range s {
			out[i] = s[i]
		}
		return out
	}
	if err := sw.SetRow("A1", toAny(strings.Split(adminHeader, ","))); err != nil {
		b.Fatal(err)
	}
	for i := range benchRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toAny(benchRow(i))); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	f.Close()
	benchFile(b, path)
}

// benchFile reads path b.N times and reports, besides the allocation totals, the peak
// heap growth while reading: the figure that must not grow with the row count.
func benchFile(b *testing.B, path string) {
	file, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	st, _ := file.Stat()
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	b.ResetTimer()
	for range b.N {
		n := 0
		_, err := Read(context.Background(), filepath.Base(path), file, st.Size(), core.ModeAdmin, Options{}, func(*core.Row) error {
			n++
			if n%20000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
			return nil
		})
		if err != nil || n != benchRows {
			b.Fatalf("Read() = %v after %d rows", err, n)
		}
	}
	b.StopTimer()
	if peak > base.HeapInuse {
		b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MB")
	}
}
