package engine_test

// The cost of a teacher's login cards in a school with many large uploads:
//
//	go test ./core/engine -run '^$' -bench TeacherCards -benchtime 20x
//
// Setting up imports 100,000 rows (about a minute); the figures go in
// docs/performance.md.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// BenchmarkTeacherCards prints the login cards of a teacher of the first of 20 uploads of
// 5,000 rows into one school, each upload a different set of people with its own
// temporary passwords.
func BenchmarkTeacherCards(b *testing.B) {
	const uploads, rows = 20, 5_000
	ctx := context.Background()
	clk := &clock{t: t0}
	svc, err := engine.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), engine.Options{Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	if _, err := svc.Init(ctx, "Springfield School District"); err != nil {
		b.Fatal(err)
	}
	school, err := svc.AddSchool(ctx, engine.Owner("Benchmark"), "Lincoln Elementary")
	if err != nil {
		b.Fatal(err)
	}
	for k := range uploads {
		data := prefixedRoster(b, rows, fmt.Sprintf("%02d", k))
		res, err := svc.Import(ctx, engine.UploadRequest{FileName: fmt.Sprintf("roster-%02d.csv", k), Data: data,
			SchoolID: school.ID, Actor: engine.Owner("Benchmark")}, nil)
		if err != nil || res.Status != core.StatusCompleted {
			b.Fatalf("import %d: %v, %s %q", k, err, res.Status, res.Notes)
		}
		clk.Add(time.Minute) // each upload issues its passwords at its own time
	}
	teacher, err := svc.Accounts(ctx, engine.Owner("Benchmark"), school.ID, "T00000001")
	if err != nil || len(teacher) != 1 {
		b.Fatalf("the first upload's first teacher: %+v, %v", teacher, err)
	}
	b.ResetTimer()
	for range b.N {
		res, err := svc.WriteLoginCards(ctx, engine.Owner("Benchmark"), &pdfFile{}, engine.CardSource{Teacher: teacher[0].ID},
			oneUp)
		if err != nil {
			b.Fatal(err)
		}
		if res.Cards == 0 || res.NoPassword != 0 {
			b.Fatalf("cards = %+v, want every student's password", res)
		}
	}
}

// prefixedRoster is a generated roster of n rows whose User IDs and Class IDs start with
// prefix and whose students' emails are left out (usernames made from the IDs), so that rosters of different prefixes hold
// different people and classes.
func prefixedRoster(b *testing.B, n int, prefix string) []byte {
	b.Helper()
	var gen1 bytes.Buffer
	if _, err := gen.Write(&gen1, core.FormatCSV, gen.Config{Rows: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(gen1.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		id := r[col["User ID"]]
		if id[0] == 'T' {
			r[col["User ID"]] = "T" + prefix + id[1:]
		} else {
			r[col["User ID"]] = prefix + id
		}
		if c := r[col["Class ID"]]; c != "" {
			r[col["Class ID"]] = "K" + prefix + "-" + c
		}
		if e := r[col["Email"]]; e != "" && id[0] == 'T' {
			r[col["Email"]] = "k" + prefix + "." + e
		} else {
			r[col["Email"]] = ""
		}
		r[col["Master Code"]] = ""
		r[col["Username"]] = strings.ToLower("u" + r[col["User ID"]]) // made ones would repeat
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(recs); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}
