package engine_test

// Benchmarks of the import and of the upload history, on the rows cmd/rostergen writes.
//
//	go test ./core/engine -run '^$' -bench 'ImportCSV10k|History' -benchmem
//	go test ./core/engine -run '^$' -bench '100k' -benchtime 1x -cpuprofile cpu.out -memprofile mem.out
//
// Each import runs into a fresh database (made with the timer stopped), because a
// second import of the same rows would only find every User ID taken. The 100k
// benchmarks take several seconds an iteration: run them with -benchtime 1x.

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// rosterFile returns a generated roster of n rows in format f.
func rosterFile(b *testing.B, n int, f core.Format) []byte {
	b.Helper()
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, f, gen.Config{Rows: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// freshSchool opens a new database with one school and returns the service and the school.
func freshSchool(b *testing.B, dir string) (*engine.Service, core.School) {
	b.Helper()
	ctx := context.Background()
	svc, err := engine.Open(ctx, filepath.Join(dir, "bench.db"), engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Init(ctx, "Springfield School District"); err != nil {
		b.Fatal(err)
	}
	s, err := svc.AddSchool(ctx, engine.Owner("Benchmark"), "Lincoln Elementary")
	if err != nil {
		b.Fatal(err)
	}
	return svc, s
}

func benchImport(b *testing.B, n int, f core.Format) {
	data := rosterFile(b, n, f)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		svc, s := freshSchool(b, b.TempDir())
		b.StartTimer()
		res, err := svc.Import(ctx, engine.UploadRequest{FileName: "roster." + string(f), Data: data, SchoolID: s.ID,
			Actor: engine.Owner("Benchmark")}, nil)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != core.StatusCompleted || res.Applied != n {
			b.Fatalf("import: %s, %d of %d rows applied; notes: %v", res.Status, res.Applied, n, res.Notes)
		}
		svc.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportCSV10k imports 10,000 new rows (about 8,600 users, 390 classes) from CSV.
func BenchmarkImportCSV10k(b *testing.B) { benchImport(b, 10_000, core.FormatCSV) }

// BenchmarkImportXLSX10k is BenchmarkImportCSV10k from an Excel workbook.
func BenchmarkImportXLSX10k(b *testing.B) { benchImport(b, 10_000, core.FormatXLSX) }

// BenchmarkImportCSV100k imports 100,000 new rows from CSV; use -benchtime 1x.
func BenchmarkImportCSV100k(b *testing.B) { benchImport(b, 100_000, core.FormatCSV) }

// BenchmarkImportXLSX100k imports 100,000 new rows from XLSX; use -benchtime 1x.
func BenchmarkImportXLSX100k(b *testing.B) { benchImport(b, 100_000, core.FormatXLSX) }

// BenchmarkHistory10000 lists a history of 10,000 uploads (three schools, three stored
// files each): all of it, and the first page of 100 that the window shows. The page must
// stay fast however long the history grows.
func BenchmarkHistory10000(b *testing.B) {
	const uploads = 10_000
	dir := b.TempDir()
	svc, _ := freshSchool(b, dir)
	ctx := context.Background()
	for _, name := range []string{"Washington Middle", "Roosevelt High"} {
		if _, err := svc.AddSchool(ctx, engine.Owner("Benchmark"), name); err != nil {
			b.Fatal(err)
		}
	}
	svc.Close()

	// Making 10,000 real uploads would take minutes; rows shaped like finished uploads,
	// written straight into the tables, cost well under a second.
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(dir, "bench.db")))
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + strconv.Itoa(uploads) + `)
		INSERT INTO uploads (file_name, format, school_id, uploaded_by, status, uploaded_at, started_at, finished_at,
			rows_total, rows_applied, rows_failed, users_created, classes_created, enrollments_added, notes)
		SELECT 'roster-' || i || '.csv', 'csv', 1 + i % 3, 'Office ' || (i % 7),
			CASE WHEN i % 10 = 0 THEN 'Completed with Errors' ELSE 'Completed' END,
			'2026-08-01T08:00:00Z', '2026-08-01T08:00:01Z', '2026-08-01T08:00:05Z',
			250, 240 + i % 11, 10 - i % 11, 200, 10, 240, '["Row 4: The User ID is missing."]' FROM n`,
		`INSERT INTO upload_files (upload_id, kind, data) SELECT id, 'uploaded', zeroblob(2000) FROM uploads`,
		`INSERT INTO upload_files (upload_id, kind, data) SELECT id, 'completed', zeroblob(4000) FROM uploads`,
		`INSERT INTO upload_files (upload_id, kind, data) SELECT id, 'error', zeroblob(500) FROM uploads WHERE id % 10 = 0`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	db.Close()

	svc, err = engine.Open(ctx, filepath.Join(dir, "bench.db"), engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	for _, bc := range []struct {
		name string
		f    engine.HistoryFilter
		want int
	}{
		{"all", engine.HistoryFilter{}, uploads},
		{"limit100", engine.HistoryFilter{Limit: 100}, 100},
		{"school/limit100", engine.HistoryFilter{SchoolID: 2, Limit: 100}, 100},
		{"limit100/offset9000", engine.HistoryFilter{Limit: 100, Offset: 9000}, 100},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h, err := svc.History(ctx, engine.Owner("Benchmark"), bc.f)
				if err != nil {
					b.Fatal(err)
				}
				if len(h) != bc.want {
					b.Fatalf("History(%+v) = %d uploads, want %d", bc.f, len(h), bc.want)
				}
			}
		})
	}
}
