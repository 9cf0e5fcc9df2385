package engine_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/engine")

// t0 is the injected "now" every test starts at.
var t0 = time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)

// clock is an injected clock that tests move forward; safe for concurrent use, since
// progress callbacks and the service read it from the running upload.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a service over a fresh database file with an organization and two schools.
type env struct {
	t       testing.TB
	ctx     context.Context
	svc     *engine.Service
	clock   *clock
	path    string
	schoolA core.School // Lincoln Elementary: where uploads go unless told otherwise
	schoolB core.School // Washington Middle
}

// admin is the administrator every test uploads as.
var admin = engine.Owner("Pat Office")

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{t: tb, ctx: context.Background(), clock: &clock{t: t0}, path: filepath.Join(tb.TempDir(), "rosterdesk.db")}
	e.svc = e.open("")
	if _, err := e.svc.Init(e.ctx, "Springfield School District"); err != nil {
		tb.Fatalf("Init: %v", err)
	}
	var err error
	if e.schoolA, err = e.svc.AddSchool(e.ctx, admin, "Lincoln Elementary"); err != nil {
		tb.Fatalf("AddSchool: %v", err)
	}
	if e.schoolB, err = e.svc.AddSchool(e.ctx, admin, "Washington Middle"); err != nil {
		tb.Fatalf("AddSchool: %v", err)
	}
	return e
}

// open opens another service on the env's database file, closed when the test ends.
func (e *env) open(owner string) *engine.Service {
	e.t.Helper()
	svc, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, Owner: owner})
	if err != nil {
		e.t.Fatalf("Open(%q): %v", e.path, err)
	}
	e.t.Cleanup(func() { svc.Close() })
	return svc
}

// csvOf joins lines into a CSV file's bytes.
func csvOf(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

// upload imports a file into school as actor and fails the test on an error.
func (e *env) upload(name string, data []byte, school core.School, actor engine.Actor) engine.Result {
	e.t.Helper()
	res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: name, Data: data, SchoolID: school.ID, Actor: actor}, nil)
	if err != nil {
		e.t.Fatalf("Import(%s): %v", name, err)
	}
	return res
}

// mustImport uploads CSV lines into school A as the administrator and requires every row
// to apply.
func (e *env) mustImport(lines ...string) engine.Result {
	e.t.Helper()
	res := e.upload("setup.csv", csvOf(lines...), e.schoolA, admin)
	if res.Status != core.StatusCompleted {
		e.t.Fatalf("setup import: status %s, message %q, notes %q; want Completed", res.Status, res.Message, res.Notes)
	}
	return res
}

// accounts returns every user of the database by User ID (school 0: every school).
func (e *env) accounts(school core.School) map[string]core.Account {
	e.t.Helper()
	as, err := e.svc.Accounts(e.ctx, admin, school.ID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	out := make(map[string]core.Account, len(as))
	for _, a := range as {
		out[a.UserID] = a
	}
	return out
}

// user returns the user with User ID id, in any school.
func (e *env) user(id string) core.Account {
	e.t.Helper()
	a, ok := e.accounts(core.School{})[id]
	if !ok {
		e.t.Fatalf("no user with User ID %s", id)
	}
	return a
}

// classes returns the classes of school by Class ID.
func (e *env) classes(school core.School) map[string]core.Class {
	e.t.Helper()
	cs, err := e.svc.Classes(e.ctx, admin, school.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make(map[string]core.Class, len(cs))
	for _, c := range cs {
		out[c.ClassID] = c
	}
	return out
}

// teacher returns the Teacher-role actor of the teacher with User ID id.
func (e *env) teacher(id string) engine.Actor {
	e.t.Helper()
	a := e.user(id)
	return engine.Actor{Name: a.FirstName + " " + a.LastName, TeacherID: a.ID}
}

// fileBytes downloads one of an upload's files.
func (e *env) fileBytes(id int64, kind core.FileKind, f core.Format) []byte {
	e.t.Helper()
	var buf bytes.Buffer
	if err := e.svc.WriteUploadFile(e.ctx, admin, &buf, id, kind, f); err != nil {
		e.t.Fatalf("WriteUploadFile(%d, %s, %q): %v", id, kind, f, err)
	}
	return buf.Bytes()
}

// table downloads one of an upload's files and returns its rows, header first, with
// the CSV writer's formula apostrophes removed. XLSX files are read by cell, never
// compared as bytes.
func (e *env) table(id int64, kind core.FileKind, f core.Format) [][]string {
	e.t.Helper()
	b := e.fileBytes(id, kind, f)
	if f == core.FormatXLSX {
		return xlsxRows(e.t, b)
	}
	return csvRows(e.t, b, ',')
}

func csvRows(tb testing.TB, b []byte, delim rune) [][]string {
	tb.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = delim
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("read CSV download: %v", err)
	}
	for _, row := range rows {
		for i, c := range row {
			if len(c) >= 2 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				row[i] = c[1:]
			}
		}
	}
	return rows
}

func xlsxRows(tb testing.TB, b []byte) [][]string {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("open XLSX download: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatalf("read XLSX download: %v", err)
	}
	return rows
}

// column returns the cells of column header in a table (header row first), one per row.
func column(tb testing.TB, rows [][]string, header string) []string {
	tb.Helper()
	if len(rows) == 0 {
		tb.Fatalf("empty table, want a %q column", header)
	}
	i := indexOf(rows[0], header)
	if i < 0 {
		tb.Fatalf("table header %q has no %q column", rows[0], header)
	}
	var out []string
	for _, r := range rows[1:] {
		if i < len(r) {
			out = append(out, r[i])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// errorCells returns the Error column of an upload's Error File, keyed by the row's
// User ID (Student ID in a teacher's upload), or by its position when that is blank.
func (e *env) errorCells(id int64) map[string]string {
	e.t.Helper()
	up, err := e.svc.Upload(e.ctx, admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	if !up.HasFile(core.FileError) {
		return out
	}
	rows := e.table(id, core.FileError, core.FormatCSV)
	ids := column(e.t, rows, core.ColUserID.HeaderFor(up.Mode))
	errs := column(e.t, rows, core.ErrorHeader)
	for i := range ids {
		k := ids[i]
		if k == "" {
			k = fmt.Sprintf("#%d", i+1)
		}
		if out[k] != "" {
			out[k] += " | "
		}
		out[k] += errs[i]
	}
	return out
}

// textPattern matches the text of any issue of code, whatever fills its placeholders,
// in the words of an administrator's upload or of a teacher's (core.Mode.Words).
func textPattern(code core.Code) *regexp.Regexp {
	e, ok := core.Lookup(code)
	if !ok {
		panic("no catalogue entry " + string(code))
	}
	var alts []string
	for _, mode := range []core.Mode{core.ModeAdmin, core.ModeTeacher} {
		problem, fix := e.TextsFor(mode)
		q := regexp.QuoteMeta(problem + " " + fix)
		// "{count} rows" reads "1 row" for one: the word goes with the number.
		alts = append(alts, regexp.MustCompile(`\\\{count\\\} [a-z]+|\\\{[a-z]+\\\}`).ReplaceAllString(q, ".*?"))
	}
	return regexp.MustCompile("(?s)(?:" + strings.Join(alts, "|") + ")")
}

var guidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// dumper writes results as canonical text for golden files: GUIDs become <GUID-n> in
// order of first appearance and temporary passwords <TEMP>.
type dumper struct {
	b     strings.Builder
	guids map[string]string
}

func (d *dumper) line(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	s = guidRE.ReplaceAllStringFunc(s, func(g string) string {
		if d.guids == nil {
			d.guids = map[string]string{}
		}
		if _, ok := d.guids[g]; !ok {
			d.guids[g] = fmt.Sprintf("<GUID-%d>", len(d.guids)+1)
		}
		return d.guids[g]
	})
	d.b.WriteString(s)
	d.b.WriteByte('\n')
}

func (d *dumper) result(res engine.Result) {
	d.line("status: %s", res.Status)
	d.line("message: %q", res.Message)
	c := res.Counts
	d.line("counts: rows=%d applied=%d failed=%d warnings=%d users_created=%d users_updated=%d classes_created=%d enrollments_added=%d",
		c.Rows, c.Applied, c.Failed, c.Warnings, c.UsersCreated, c.UsersUpdated, c.ClassesCreated, c.EnrollmentsAdded)
	for _, n := range res.Notes {
		d.line("note: %s", n)
	}
}

func (d *dumper) table(title string, rows [][]string) {
	d.line("== %s", title)
	pw := -1
	if len(rows) > 0 {
		pw = indexOf(rows[0], core.ColPassword.String())
	}
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, c := range r {
			if i > 0 && j == pw && c != "" {
				c = "<TEMP>"
			}
			cells[j] = fmt.Sprintf("%q", c)
		}
		d.line("%d: %s", i+1, strings.Join(cells, " "))
	}
}

// golden compares got with testdata/golden/engine/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "golden", "engine", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./core/engine -update): %v", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s differs from the golden file at line %d (run go test ./core/engine -update to accept):\n got: %s\nwant: %s", name, i+1, g, w)
				return
			}
		}
	}
}
