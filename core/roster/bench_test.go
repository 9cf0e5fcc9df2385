package roster

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
)

const benchRows = 100_000

var benchData = sync.OnceValues(func() (map[string][]byte, error) {
	cfg := gen.Config{Rows: benchRows, Seed: 1}
	out := map[string][]byte{}
	for _, f := range []core.Format{core.FormatCSV, core.FormatXLSX} {
		var buf bytes.Buffer
		if _, err := gen.Write(&buf, f, cfg); err != nil {
			return nil, err
		}
		out[string(f)] = buf.Bytes()
	}
	rows, _ := gen.Rows(cfg)
	shared, err := sharedStringsXLSX(gen.Header(), rows)
	out["xlsx-shared"] = shared
	return out, err
})

// BenchmarkRead100k reads the same 100,000-row roster (cmd/rostergen's, seed 1, the one
// scripts/bench.sh imports) as CSV, as XLSX as Rosterdesk writes it (inline strings,
// like the Completed and Error Files), and as XLSX as Excel saves it (shared strings).
// Besides the time, it reports ns/row, the CPU time of the whole process per row (the
// XLSX reader inflates on a second goroutine, so CPU time is more than the time on two
// cores), and the peak heap growth, which must not grow with the row count.
func BenchmarkRead100k(b *testing.B) {
	files, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"csv", "xlsx", "xlsx-shared"} {
		b.Run(name, func(b *testing.B) {
			data := files[name]
			file := "roster." + strings.TrimSuffix(name, "-shared")
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var base runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&base)
			var peak uint64
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				n := 0
				_, err := Read(context.Background(), file, bytes.NewReader(data), int64(len(data)), core.ModeAdmin, Options{}, func(*core.Row) error {
					if n++; n%20000 == 0 {
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
			rows := float64(b.N * benchRows)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/rows, "cpu-ns/row")
			if peak > base.HeapInuse {
				b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MB")
			}
		})
	}
}

// sharedStringsXLSX writes rows as Excel saves a workbook: every text once in the
// shared-string table, cells referring to it by index.
func sharedStringsXLSX(header []string, rows func(func([]string) bool)) ([]byte, error) {
	index := map[string]int{}
	var sst []string
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>`)
	line := 0
	writeRow := func(cells []string) bool {
		line++
		fmt.Fprintf(&sheet, `<row r="%d" spans="1:%d">`, line, len(cells))
		for i, v := range cells {
			if v == "" {
				continue
			}
			k, ok := index[v]
			if !ok {
				k = len(sst)
				index[v] = k
				sst = append(sst, v)
			}
			ref, _ := excelize.CoordinatesToCellName(i+1, line)
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
		}
		sheet.WriteString(`</row>`)
		return true
	}
	writeRow(header)
	rows(writeRow)
	sheet.WriteString(`</sheetData></worksheet>`)
	var strs strings.Builder
	fmt.Fprintf(&strs, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, v := range sst {
		strs.WriteString(`<si><t>` + html.EscapeString(v) + `</t></si>`)
	}
	strs.WriteString(`</sst>`)
	parts := minimalParts("")
	parts[3][1] = strings.Replace(parts[3][1], "</Relationships>",
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, 1)
	parts[4][1] = sheet.String()
	parts = append(parts, [2]string{"xl/sharedStrings.xml", strs.String()})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return buf.Bytes(), err
}
