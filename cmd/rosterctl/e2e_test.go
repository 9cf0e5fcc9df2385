package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
	"github.com/xuri/excelize/v2"
)

// binary is the rosterctl built once by TestMain for the end-to-end test.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	// scripts/windows-check.sh runs the end-to-end test on the Windows rosterctl.exe:
	// ROSTERCTL_BINARY names a binary already built, ROSTERCTL_RUNNER what runs it (wine).
	if b := os.Getenv("ROSTERCTL_BINARY"); b != "" {
		binary = b
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "rosterctl-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "make temp dir:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "rosterctl")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build rosterctl: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rosterctl returns the command that runs the binary under test with args.
func rosterctl(args ...string) *exec.Cmd {
	if r := os.Getenv("ROSTERCTL_RUNNER"); r != "" {
		return exec.Command(r, append([]string{binary}, args...)...)
	}
	return exec.Command(binary, args...)
}

// windowsBinary reports whether the binary under test is a Windows one: on Windows, or
// rosterctl.exe under wine, where files carry no Unix permission bits to check.
func windowsBinary() bool {
	return runtime.GOOS == "windows" || strings.EqualFold(filepath.Ext(binary), ".exe")
}

// fixtures is where the end-to-end input files live.
var fixtures = filepath.Join("..", "..", "testdata", "e2e")

// e2e drives the rosterctl binary against one temp database. Every command runs with
// ROSTERDESK_NOW set to a clock that advances a minute per command, so times in the
// history are known and the 90-day rule can be reached by moving the clock.
type e2e struct {
	t   *testing.T
	db  string
	dir string
	now time.Time
}

type outcome struct {
	code           int
	stdout, stderr string
}

// run runs rosterctl with args (the --db flag is added) and stdin, and waits for it.
func (e *e2e) run(stdin string, args ...string) outcome {
	e.t.Helper()
	cmd := rosterctl(append(args, "--db", e.db)...)
	cmd.Env = append(withoutRosterdeskEnv(os.Environ()), "ROSTERDESK_NOW="+e.now.Format(time.RFC3339))
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	e.now = e.now.Add(time.Minute)
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			e.t.Fatalf("rosterctl %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return outcome{code, out.String(), errOut.String()}
}

func withoutRosterdeskEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, "ROSTERDESK_")
	})
}

// must runs rosterctl and stops the test unless it exits with want: later steps depend on it.
func (e *e2e) must(want int, stdin string, args ...string) outcome {
	e.t.Helper()
	o := e.run(stdin, args...)
	if o.code != want {
		e.t.Fatalf("rosterctl %s = exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), o.code, want, o.stdout, o.stderr)
	}
	return o
}

// expect runs rosterctl and reports (without stopping) an unexpected exit status.
func (e *e2e) expect(want int, stdin string, args ...string) outcome {
	e.t.Helper()
	o := e.run(stdin, args...)
	if o.code != want {
		e.t.Errorf("rosterctl %s = exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), o.code, want, o.stdout, o.stderr)
	}
	return o
}

// path returns a file name in the test's scratch folder.
func (e *e2e) path(name string) string { return filepath.Join(e.dir, name) }

// table is a downloaded or exported file: its header row and data rows.
type table struct {
	header []string
	rows   [][]string
}

func (tb table) col(t *testing.T, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if core.HeaderKey(h) == core.HeaderKey(name) {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, tb.header)
	return -1
}

// get returns the cell of row r in column name.
func (tb table) get(t *testing.T, r []string, name string) string {
	t.Helper()
	return r[tb.col(t, name)]
}

// find returns the rows whose column name holds value.
func (tb table) find(t *testing.T, name, value string) [][]string {
	t.Helper()
	i := tb.col(t, name)
	var out [][]string
	for _, r := range tb.rows {
		if r[i] == value {
			out = append(out, r)
		}
	}
	return out
}

// one returns the only row whose column name holds value.
func (tb table) one(t *testing.T, name, value string) []string {
	t.Helper()
	rows := tb.find(t, name, value)
	if len(rows) != 1 {
		t.Fatalf("%d rows with %s %q, want 1; rows: %q", len(rows), name, value, tb.rows)
	}
	return rows[0]
}

// readTable reads a CSV or XLSX file by its extension, padding short rows to the header.
func readTable(t *testing.T, path string) table {
	t.Helper()
	var recs [][]string
	if strings.HasSuffix(path, ".xlsx") {
		recs = readXLSX(t, path, "")
	} else {
		recs = readCSV(t, path)
	}
	if len(recs) == 0 {
		t.Fatalf("%s has no header row", filepath.Base(path))
	}
	tb := table{header: recs[0]}
	for _, r := range recs[1:] {
		for len(r) < len(tb.header) {
			r = append(r, "")
		}
		tb.rows = append(tb.rows, r)
	}
	return tb
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", filepath.Base(path), err)
	}
	return recs
}

// readXLSX returns the cells of sheet (the first sheet when ""), as text.
func readXLSX(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetList()[0]
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("read %s sheet %s: %v", filepath.Base(path), sheet, err)
	}
	return rows
}

func writeCSV(t *testing.T, path string, tb table) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(tb.header)
	w.WriteAll(tb.rows)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// importResult is import --json's object; the keys are checked separately.
type importResult struct {
	Upload           int64  `json:"upload"`
	DryRun           bool   `json:"dry_run"`
	Status           string `json:"status"`
	Rows             int    `json:"rows"`
	Applied          int    `json:"applied"`
	Failed           int    `json:"failed"`
	Warnings         int    `json:"warnings"`
	UsersCreated     int    `json:"users_created"`
	UsersUpdated     int    `json:"users_updated"`
	ClassesCreated   int    `json:"classes_created"`
	EnrollmentsAdded int    `json:"enrollments_added"`
}

type historyEntry struct {
	importResult
	File       string `json:"file"`
	School     string `json:"school"`
	UploadedBy string `json:"uploaded_by"`
	UploadedAt string `json:"uploaded_at"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
	Message    string `json:"message"`
}

// decodeJSON decodes out into v, also checking that its keys are exactly keys (for an
// array, the keys of each element).
func decodeJSON(t *testing.T, out string, v any, keys []string) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	var objs []map[string]json.RawMessage
	if strings.HasPrefix(strings.TrimSpace(out), "[") {
		json.Unmarshal([]byte(out), &objs)
	} else {
		var m map[string]json.RawMessage
		json.Unmarshal([]byte(out), &m)
		objs = append(objs, m)
	}
	for _, m := range objs {
		got := make([]string, 0, len(m))
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(keys))
		if !slices.Equal(got, want) {
			t.Errorf("JSON keys = %q, want %q", got, want)
		}
	}
}

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	uploadRE = regexp.MustCompile(`(?m)^Upload (\d+): (.+)$`)
)

const (
	lincoln   = "Lincoln Elementary"
	roosevelt = "Roosevelt Middle"
	operator  = "Office Tester"
)

var (
	importKeys  = []string{"upload", "status", "rows", "applied", "failed", "warnings", "users_created", "users_updated", "classes_created", "enrollments_added"}
	dryRunKeys  = append(slices.Clone(importKeys), "dry_run")
	historyKeys = append(slices.Clone(importKeys), "file", "school", "uploaded_by", "uploaded_at", "started_at", "finished_at", "message")
)

// TestEndToEnd drives the built rosterctl through a school office's year: set-up,
// templates, a first upload with mistakes, its three files, the corrected Error File,
// an update by GUID, a teacher's upload, a dry run, the history, and the life of a
// temporary password. Each step depends on the ones before it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	e := &e2e{t: t, dir: t.TempDir(), now: time.Date(2026, 8, 20, 8, 0, 0, 0, time.UTC)}
	e.db = e.path("rosterdesk.db")

	// Steps share e, so files and the clock carry over. Content checks use Errorf, so the
	// next steps still run; a step that stops (Fatal) skips the rest, which would only
	// fail confusingly after it.
	stopped := false
	step := func(name string, f func(t *testing.T)) {
		if stopped {
			t.Run(name, func(t *testing.T) { t.Skip("an earlier step stopped") })
			return
		}
		finished := false
		t.Run(name, func(t *testing.T) {
			e.t = t
			f(t)
			finished = true
		})
		e.t = t
		stopped = !finished
	}

	var (
		firstUpload           int64
		issuedAt              time.Time // when the first upload issued temporary passwords
		completed, errorsFile table
	)

	step("Init", func(t *testing.T) {
		o := e.must(0, "", "init", "--org", "Lincoln Unified")
		if !strings.Contains(o.stdout, "Lincoln Unified") {
			t.Errorf("init stdout = %q, want the organization's name", o.stdout)
		}
		// Idempotent: a second init succeeds and keeps the first name.
		o = e.must(0, "", "init", "--org", "Another District")
		if !strings.Contains(o.stdout, "Lincoln Unified") {
			t.Errorf("second init stdout = %q, want the kept name Lincoln Unified", o.stdout)
		}
	})

	step("Schools", func(t *testing.T) {
		e.must(0, "", "school", "add", lincoln)
		e.must(0, "", "school", "add", roosevelt)
		o := e.must(0, "", "school", "list")
		got := strings.Split(strings.TrimSpace(o.stdout), "\n")
		if want := []string{lincoln, roosevelt}; !slices.Equal(got, want) {
			t.Errorf("school list = %q, want %q", got, want)
		}
		e.expect(2, "", "school", "add", strings.ToUpper(lincoln)) // names are unique, any case
	})

	step("Administrators", func(t *testing.T) {
		// init --admin on the existing database makes the first Organization
		// Administrator and prints the temporary password last, alone on its line.
		o := e.must(0, "", "init", "--org", "Lincoln Unified", "--admin", "oadmin", "--name", "Olga Admin", "--email", "olga@lincoln.example.org")
		lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
		olgaTemp := lines[len(lines)-1]
		if len(lines) != 2 || !strings.Contains(lines[0], "Lincoln Unified") || len(olgaTemp) < 12 || strings.Contains(olgaTemp, " ") {
			t.Fatalf("init --admin stdout = %q, want the organization, then one temporary password", o.stdout)
		}
		o = e.must(0, "", "init", "--org", "Lincoln Unified", "--admin", "OADMIN", "--name", "Olga Admin")
		if strings.Contains(o.stdout, olgaTemp) || len(strings.Split(strings.TrimSpace(o.stdout), "\n")) != 1 || !strings.Contains(o.stderr, "already exists") {
			t.Errorf("init --admin again = %q / %q, want the administrator kept, no new password", o.stdout, o.stderr)
		}
		e.expect(2, "", "init", "--org", "Lincoln Unified", "--admin", "x1")         // --name missing
		e.expect(2, "", "admin", "add", "sam", "--name", "Sam Lincoln")              // neither --school nor --org-admin
		e.expect(2, "", "admin", "add", "sam", "--name", "S", "--school", "Nowhere") // no such school
		e.expect(2, "", "admin", "add", "OAdmin", "--name", "Other", "--org-admin")  // username taken
		o = e.must(0, "", "admin", "add", "sadmin", "--name", "Sam Lincoln", "--school", lincoln)
		samTemp := strings.TrimSpace(o.stdout)
		if len(samTemp) < 12 || strings.Contains(samTemp, "\n") || !strings.Contains(o.stderr, "School Organization Administrator") {
			t.Errorf("admin add = %q / %q, want one temporary password, and the role on stderr", o.stdout, o.stderr)
		}

		o = e.must(0, "", "admin", "list", "--json")
		var admins []struct {
			Username string   `json:"username"`
			Name     string   `json:"name"`
			Role     string   `json:"role"`
			Schools  []string `json:"schools"`
			Password string   `json:"password"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &admins); err != nil {
			t.Fatalf("admin list --json = %q: %v", o.stdout, err)
		}
		if len(admins) != 2 || admins[0].Username != "oadmin" || admins[0].Role != "Organization Administrator" ||
			admins[1].Username != "sadmin" || !slices.Equal(admins[1].Schools, []string{lincoln}) || !strings.HasPrefix(admins[1].Password, "temporary") {
			t.Errorf("admin list --json = %+v, want Olga (Organization Administrator) and Sam (Lincoln), temporary passwords", admins)
		}
		if o := e.must(0, "", "admin", "list"); !strings.Contains(o.stdout, "Sam Lincoln") {
			t.Errorf("admin list = %q, want Sam listed", o.stdout)
		}

		// login works for administrators: first use, change, then the new password.
		const olgaNew = "Lighthouse42x"
		e.expect(5, olgaTemp+"\n", "login", "oadmin")
		e.expect(0, olgaTemp+"\n"+olgaNew+"\n", "login", "oadmin")
		e.expect(0, olgaNew+"\n", "login", "OAdmin")
		// A byte-order mark and CRLF (Notepad, PowerShell pipes) are not part of it.
		e.expect(0, "\ufeff"+olgaNew+"\r\n", "login", "oadmin")

		// Five wrong passwords in a row pause the username's sign-in, for 5 minutes.
		for i := range 5 {
			o := e.expect(6, "Wrong-password-1\n", "login", "sadmin")
			if i == 4 && !strings.Contains(o.stderr, "paused") {
				t.Errorf("fifth wrong password: stderr %q, want it to say sign-in is paused", o.stderr)
			}
		}
		if o := e.expect(6, samTemp+"\n", "login", "sadmin"); !strings.Contains(o.stderr, "paused") {
			t.Errorf("right password while paused: stderr %q, want the pause", o.stderr)
		}
		e.now = e.now.Add(5 * time.Minute)
		e.expect(5, samTemp+"\n", "login", "sadmin")

		o = e.must(0, "", "admin", "reset", "sadmin")
		samReset := strings.TrimSpace(o.stdout)
		if samReset == samTemp || len(samReset) < 12 {
			t.Errorf("admin reset printed %q, want a new temporary password", o.stdout)
		}
		e.expect(6, samTemp+"\n", "login", "sadmin")
		e.expect(5, samReset+"\n", "login", "sadmin")

		if o := e.expect(2, "", "admin", "remove", "oadmin"); !strings.Contains(o.stderr, "last Organization Administrator") {
			t.Errorf("removing the last Organization Administrator: stderr %q, want it refused in words", o.stderr)
		}
		e.expect(2, "", "admin", "remove", "nobody")
		e.must(0, "", "admin", "remove", "sadmin")
		if o := e.must(0, "", "admin", "list"); strings.Contains(o.stdout, "sadmin") {
			t.Errorf("admin list after remove = %q, want sadmin gone", o.stdout)
		}
		e.expect(6, samReset+"\n", "login", "sadmin")
		e.expect(2, "", "password", "reset", "oadmin") // an administrator: admin reset, said so
	})

	step("Templates", func(t *testing.T) {
		for _, tc := range []struct {
			file    string
			teacher bool
		}{{"template.csv", false}, {"template.xlsx", false}, {"students.csv", true}, {"students.xlsx", true}} {
			args := []string{"template", "-o", e.path(tc.file)}
			mode := core.ModeAdmin
			if tc.teacher {
				args = append(args, "--teacher")
				mode = core.ModeTeacher
			}
			e.must(0, "", args...)
			tb := readTable(t, e.path(tc.file))
			if want := core.TemplateHeaders(mode); !slices.Equal(tb.header, want) || len(tb.rows) != 0 {
				t.Errorf("%s = header %q and %d rows, want %q and none", tc.file, tb.header, len(tb.rows), want)
			}
			if strings.HasSuffix(tc.file, ".xlsx") {
				f, err := excelize.OpenFile(e.path(tc.file))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(f.GetSheetList(), "Instructions") {
					t.Errorf("%s sheets = %q, want an Instructions sheet", tc.file, f.GetSheetList())
				}
				f.Close()
			}
		}
		e.expect(2, "", "template", "-o", e.path("template.ods"))
	})

	step("ImportMixed", func(t *testing.T) {
		issuedAt = e.now
		// Flags after the file, and --db last (added by run): both must work.
		o := e.must(3, "", "import", filepath.Join(fixtures, "mixed.csv"), "--school", lincoln, "--as", operator)
		m := uploadRE.FindStringSubmatch(o.stdout)
		if m == nil {
			t.Fatalf("import stdout has no \"Upload N: status\" line:\n%s", o.stdout)
		}
		firstUpload, _ = strconv.ParseInt(m[1], 10, 64)
		if m[2] != "Completed with Errors" {
			t.Errorf("import status = %q, want Completed with Errors", m[2])
		}
		for _, want := range []string{"13 (7 applied, 6 failed)", "Row "} {
			if !strings.Contains(o.stdout, want) {
				t.Errorf("import stdout lacks %q:\n%s", want, o.stdout)
			}
		}
		if o.stderr != "" {
			t.Errorf("import stderr = %q, want nothing (not a terminal)", o.stderr)
		}
	})

	step("UploadedFile", func(t *testing.T) {
		e.must(0, "", "download", "--upload", strconv.FormatInt(firstUpload, 10), "--file", "uploaded", "-o", e.path("uploaded.csv"))
		got := readTable(t, e.path("uploaded.csv"))
		want := readTable(t, filepath.Join(fixtures, "mixed.csv"))
		pw := want.col(t, "Password")
		for _, r := range want.rows {
			r[pw] = ""
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Uploaded File =\n%q\nwant the upload with Password emptied:\n%q", got, want)
		}
	})

	step("CompletedFile", func(t *testing.T) {
		id := strconv.FormatInt(firstUpload, 10)
		e.must(0, "", "download", "--upload", id, "--file", "completed", "-o", e.path("completed.csv"))
		e.must(0, "", "download", "--file", "completed", "-o", e.path("completed.xlsx"), "--upload", id)
		completed = readTable(t, e.path("completed.csv"))
		// SPEC §4: CSV downloads are UTF-8 with a BOM and CRLF line ends, for Excel.
		if raw, _ := os.ReadFile(e.path("completed.csv")); !bytes.HasPrefix(raw, []byte("\ufeff")) || !bytes.Contains(raw, []byte("\r\n")) {
			t.Errorf("completed.csv starts %q, want a UTF-8 BOM and CRLF line ends", raw[:min(len(raw), 40)])
		}
		if x := readTable(t, e.path("completed.xlsx")); !reflect.DeepEqual(x, completed) {
			t.Errorf("Completed File as .xlsx =\n%q\nwant the same cells as the .csv:\n%q", x, completed)
		}
		if len(completed.rows) != 7 {
			t.Errorf("Completed File has %d rows, want the 7 applied", len(completed.rows))
		}
		for _, r := range completed.rows {
			userID := completed.get(t, r, "User ID")
			if g := completed.get(t, r, "User GUID"); !guidRE.MatchString(g) {
				t.Errorf("Completed File: %s has User GUID %q", userID, g)
			}
			if cls, g := completed.get(t, r, "Class ID"), completed.get(t, r, "Class GUID"); (cls != "") != guidRE.MatchString(g) {
				t.Errorf("Completed File: %s in class %q has Class GUID %q", userID, cls, g)
			}
			if completed.get(t, r, "Username") == "" {
				t.Errorf("Completed File: %s has no Username", userID)
			}
			if userID != "S207" && len(completed.get(t, r, "Password")) < 12 {
				t.Errorf("Completed File: %s has temporary password %q, want 12 characters or more", userID, completed.get(t, r, "Password"))
			}
		}
		for userID, username := range map[string]string{"T100": "mgarcia", "T101": "jsmith", "S201": "ljones", "S207": "zclark"} {
			if got := completed.get(t, completed.find(t, "User ID", userID)[0], "Username"); got != username {
				t.Errorf("Completed File: %s has username %q, want %q", userID, got, username)
			}
		}
		// Ava's two applied rows are one user: one GUID, one temporary password.
		ava := completed.find(t, "User ID", "S200")
		if len(ava) != 2 || completed.get(t, ava[0], "User GUID") != completed.get(t, ava[1], "User GUID") ||
			completed.get(t, ava[0], "Password") != completed.get(t, ava[1], "Password") {
			t.Errorf("Completed File: Ava Brown's rows = %q, want two rows with one GUID and one password", ava)
		}
	})

	step("ErrorFile", func(t *testing.T) {
		id := strconv.FormatInt(firstUpload, 10)
		e.must(0, "", "download", "--upload", id, "--file", "error", "-o", e.path("errors.csv"))
		e.must(0, "", "download", "--upload", id, "--file", "error", "-o", e.path("errors.xlsx"))
		errorsFile = readTable(t, e.path("errors.csv"))
		if x := readTable(t, e.path("errors.xlsx")); !reflect.DeepEqual(x, errorsFile) {
			t.Errorf("Error File as .xlsx =\n%q\nwant the same cells as the .csv:\n%q", x, errorsFile)
		}
		if n := len(errorsFile.header); n == 0 || errorsFile.header[n-1] != "Error" {
			t.Fatalf("Error File header = %q, want an Error column at the far right", errorsFile.header)
		}
		if len(errorsFile.rows) != 6 {
			t.Errorf("Error File has %d rows, want the 6 failed", len(errorsFile.rows))
		}
		guidOf := func(userID string) string {
			return completed.get(t, completed.find(t, "User ID", userID)[0], "User GUID")
		}
		classGUID := func(classID string) string {
			return completed.get(t, completed.find(t, "Class ID", classID)[0], "Class GUID")
		}
		for _, tc := range []struct {
			userID, first, reason string
			userGUID, classGUID   string
		}{
			{"S200", "Ava", "SCI3", guidOf("S200"), ""}, // the user was created by her other rows
			{"S203", "Emma", "emma@@bad", "", classGUID("MATH3")},
			{"S204", "Olivia", "Last Name", "", classGUID("READ3")},
			// Two different people given one User ID (SPEC §3.3): the reason must name the
			// User ID they share, not only say the rows disagree.
			{"S205", "Mia", "S205", "", classGUID("MATH3")},
			{"S205", "Lucas", "S205", "", classGUID("READ3")},
			{"S206", "Ella", "SCI3", "", ""},
		} {
			var row []string
			for _, r := range errorsFile.find(t, "User ID", tc.userID) {
				if errorsFile.get(t, r, "First Name") == tc.first {
					row = r
				}
			}
			if row == nil {
				t.Errorf("Error File has no row for %s %s", tc.userID, tc.first)
				continue
			}
			if msg := errorsFile.get(t, row, "Error"); !strings.Contains(msg, tc.reason) {
				t.Errorf("Error File: %s's Error = %q, want it to mention %q", tc.first, msg, tc.reason)
			}
			if got := errorsFile.get(t, row, "User GUID"); got != tc.userGUID {
				t.Errorf("Error File: %s's User GUID = %q, want %q", tc.first, got, tc.userGUID)
			}
			if got := errorsFile.get(t, row, "Class GUID"); got != tc.classGUID {
				t.Errorf("Error File: %s's Class GUID = %q, want %q", tc.first, got, tc.classGUID)
			}
		}
	})

	step("ReimportCorrectedErrorFile", func(t *testing.T) {
		fixed := table{header: errorsFile.header}
		for _, r := range errorsFile.rows {
			r = slices.Clone(r)
			switch errorsFile.get(t, r, "First Name") {
			case "Emma":
				r[errorsFile.col(t, "Email")] = "emma.taylor@lincoln.example.org"
			case "Olivia":
				r[errorsFile.col(t, "Last Name")] = "Martin"
			case "Lucas":
				r[errorsFile.col(t, "User ID")] = "S208"
			}
			fixed.rows = append(fixed.rows, r) // the Error column stays: it is ignored
		}
		// SCI3 needs a teacher: link Maria Garcia, by her GUID, to it.
		maria := completed.find(t, "User ID", "T100")[0]
		teacherRow := make([]string, len(fixed.header))
		for _, h := range []string{"User GUID", "User ID", "Role", "First Name", "Last Name", "Email"} {
			teacherRow[fixed.col(t, h)] = completed.get(t, maria, h)
		}
		for h, v := range map[string]string{"Class ID": "SCI3", "Class Name": "Science 3", "Class Grade Level": "3"} {
			teacherRow[fixed.col(t, h)] = v
		}
		fixed.rows = append(fixed.rows, teacherRow)
		writeCSV(t, e.path("errors-fixed.csv"), fixed)

		o := e.must(0, "", "--db", e.db, "import", "--school", lincoln, "--as", operator, "--json", e.path("errors-fixed.csv"))
		var res importResult
		decodeJSON(t, o.stdout, &res, importKeys)
		if res.Status != "Completed" || res.Rows != 7 || res.Failed != 0 || res.UsersCreated != 5 || res.ClassesCreated != 1 {
			t.Errorf("import of the corrected Error File = %+v, want Completed, 7 rows, 0 failed, 5 users and 1 class created", res)
		}

		e.must(0, "", "export", "users", "--school", lincoln, "-o", e.path("users.csv"))
		users := readTable(t, e.path("users.csv"))
		if len(users.rows) != 11 {
			t.Errorf("Export Teachers & Students has %d rows, want 11 (2 teachers, 9 students): %q", len(users.rows), users.rows)
		}
		seen := map[string]bool{}
		for _, r := range users.rows {
			id := users.get(t, r, "User ID")
			if seen[id] {
				t.Errorf("Export Teachers & Students: User ID %s appears twice (a duplicate account)", id)
			}
			seen[id] = true
			if !guidRE.MatchString(users.get(t, r, "User GUID")) || users.get(t, r, "Password") != "" {
				t.Errorf("Export Teachers & Students: row %q, want a GUID and a blank Password", r)
			}
		}
		if got := users.get(t, users.one(t, "User ID", "S200"), "User GUID"); got != completed.get(t, completed.find(t, "User ID", "S200")[0], "User GUID") {
			t.Errorf("Ava Brown's GUID changed to %s on re-import", got)
		}
		e.must(0, "", "export", "classes", "--school", lincoln, "-o", e.path("classes.xlsx"))
		classes := readTable(t, e.path("classes.xlsx"))
		var ids []string
		for _, r := range classes.rows {
			ids = append(ids, classes.get(t, r, "Class ID"))
		}
		slices.Sort(ids)
		if want := []string{"MATH3", "READ3", "SCI3"}; !slices.Equal(ids, want) {
			t.Errorf("Export Classes = %q, want %q", ids, want)
		}
	})

	step("UpdateByGUID", func(t *testing.T) {
		users := readTable(t, e.path("users.csv"))
		liam := users.one(t, "User ID", "S201")
		liam[users.col(t, "First Name")] = "William"
		writeCSV(t, e.path("users-edited.csv"), users)

		o := e.must(0, "", "import", "--json", "--school", lincoln, "--as", operator, e.path("users-edited.csv"))
		var res importResult
		decodeJSON(t, o.stdout, &res, importKeys)
		if res.Status != "Completed" || res.UsersCreated != 0 || res.UsersUpdated == 0 || res.Failed != 0 {
			t.Errorf("import of an edited export = %+v, want Completed, users updated and none created", res)
		}
		e.must(0, "", "export", "users", "--school", lincoln, "-o", e.path("users-after.xlsx"))
		after := readTable(t, e.path("users-after.xlsx"))
		if len(after.rows) != 11 {
			t.Errorf("after the update, Export Teachers & Students has %d rows, want 11", len(after.rows))
		}
		if got := after.get(t, after.one(t, "User ID", "S201"), "First Name"); got != "William" {
			t.Errorf("after the update, S201's First Name = %q, want William", got)
		}
	})

	step("TeacherMode", func(t *testing.T) {
		e.expect(2, "", "import", "--school", lincoln, "--teacher", "ljones", filepath.Join(fixtures, "teacher.csv"))
		e.expect(2, "", "import", "--school", lincoln, "--teacher", "nobody", filepath.Join(fixtures, "teacher.csv"))

		o := e.must(3, "", "import", "--school", lincoln, "--teacher", "mgarcia", "--json", filepath.Join(fixtures, "teacher.csv"))
		var res importResult
		decodeJSON(t, o.stdout, &res, importKeys)
		if res.Status != "Completed with Errors" || res.Applied != 2 || res.Failed != 1 || res.UsersCreated != 2 || res.ClassesCreated != 1 {
			t.Errorf("teacher import = %+v, want Completed with Errors, 2 applied, 1 failed, 2 users and 1 class created", res)
		}
		e.must(0, "", "download", "--upload", strconv.FormatInt(res.Upload, 10), "--file", "error", "-o", e.path("teacher-errors.csv"))
		errs := readTable(t, e.path("teacher-errors.csv"))
		if len(errs.rows) != 1 || !strings.Contains(errs.get(t, errs.rows[0], "Error"), "Teachers cannot be added") {
			t.Errorf("teacher import's Error File = %q, want the Teacher row refused in plain words", errs.rows)
		}

		// The class the teacher created is hers: her Export Classes lists it, and not John
		// Smith's READ3.
		e.must(0, "", "export", "classes", "--school", lincoln, "--teacher", "mgarcia", "-o", e.path("garcia-classes.csv"))
		classes := readTable(t, e.path("garcia-classes.csv"))
		var ids []string
		for _, r := range classes.rows {
			ids = append(ids, classes.get(t, r, "Class ID"))
		}
		slices.Sort(ids)
		if want := []string{"ART3", "MATH3", "SCI3"}; !slices.Equal(ids, want) {
			t.Errorf("Maria Garcia's Export Classes = %q, want %q", ids, want)
		}
		e.must(0, "", "export", "users", "--school", lincoln, "--teacher", "mgarcia", "-o", e.path("garcia-students.csv"))
		students := readTable(t, e.path("garcia-students.csv"))
		if want := core.TemplateHeaders(core.ModeTeacher)[:8]; !slices.Equal(students.header[:min(8, len(students.header))], want) {
			t.Errorf("Export Students header = %q, want it to start %q (no Role)", students.header, want)
		}
		if len(students.find(t, "Student ID", "T100")) != 0 || len(students.find(t, "Student ID", "S300")) != 1 {
			t.Errorf("Export Students rows = %q, want students only, S300 among them", students.rows)
		}

		if len(students.find(t, "Student ID", "S207")) != 0 {
			t.Errorf("Export Students rows = %q, want only her classes' students: not Zoe Clark (S207, READ3)", students.rows)
		}

		// --teacher gives exactly the teacher's rights: her own uploads and files, her
		// own students' passwords, nothing else.
		o = e.must(0, "", "history", "--teacher", "mgarcia", "--json")
		var hist []historyEntry
		decodeJSON(t, o.stdout, &hist, historyKeys)
		if len(hist) != 1 || hist[0].Upload != res.Upload || hist[0].UploadedBy != "Maria Garcia" {
			t.Errorf("history --teacher mgarcia = %+v, want her upload %d only", hist, res.Upload)
		}
		e.must(0, "", "download", "--upload", strconv.FormatInt(res.Upload, 10), "--file", "completed", "--teacher", "mgarcia", "-o", e.path("garcia-completed.csv"))
		o = e.expect(2, "", "download", "--upload", strconv.FormatInt(firstUpload, 10), "--file", "completed", "--teacher", "mgarcia", "-o", e.path("x.csv"))
		if !strings.Contains(o.stderr, "not one you may open") {
			t.Errorf("a teacher downloading the administrator's Completed File: stderr %q, want it refused in words", o.stderr)
		}
		if _, err := os.Stat(e.path("x.csv")); err == nil {
			t.Errorf("the refused download wrote x.csv")
		}
		e.expect(2, "", "password", "reset", "--teacher", "mgarcia", "zclark") // John Smith's student
		e.expect(2, "", "password", "reset", "--teacher", "mgarcia", "jsmith") // a teacher
		e.expect(2, "", "history", "--teacher", "mgarcia", "--school", roosevelt)
		if o := e.must(0, "", "password", "reset", "--teacher", "mgarcia", "hadams"); len(strings.TrimSpace(o.stdout)) < 12 {
			t.Errorf("a teacher resetting her own student's password printed %q", o.stdout)
		}
	})

	step("LoginCards", func(t *testing.T) {
		id := strconv.FormatInt(firstUpload, 10)
		tempOf := func(userID string) string {
			return completed.get(t, completed.find(t, "User ID", userID)[0], "Password")
		}
		// The first upload: a card per student row given a temporary password (Ava in two
		// classes, Liam, Noah in none); not Zoe, who was given her own password.
		e.must(0, "", "cards", "--upload", id, "-o", e.path("cards.pdf"))
		if !windowsBinary() {
			if st, err := os.Stat(e.path("cards.pdf")); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("cards.pdf: %v, mode %v; want 0600, for it holds passwords", err, st.Mode().Perm())
			}
		}
		text := cardstest.Text(t, e.path("cards.pdf"))
		for _, c := range []struct {
			username, password string
			n                  int
		}{{"abrown", tempOf("S200"), 2}, {"ljones", tempOf("S201"), 1}, {"nwilson", tempOf("S202"), 1}, {"zclark", "", 0}} {
			if got := strings.Count(text, c.username); got != c.n {
				t.Errorf("cards of upload %s show %s %d times, want %d", id, c.username, got, c.n)
			}
			if c.password != "" && strings.Count(text, c.password) != c.n {
				t.Errorf("cards of upload %s show %s's password %d times, want %d", id, c.username, strings.Count(text, c.password), c.n)
			}
		}
		for _, want := range []string{"Math 3 · Maria Garcia", "Reading 3 · John Smith", "Lincoln Elementary"} {
			if !strings.Contains(text, want) {
				t.Errorf("cards of upload %s lack %q", id, want)
			}
		}

		// One card a page on A4: MATH3 (Ava, Liam), READ3 (Ava), no class (Noah).
		e.must(0, "", "cards", "--upload", id, "--layout", "1up", "--paper", "a4", "--qr", "-o", e.path("cards-1up.pdf"))
		info := cardstest.Run(t, "pdfinfo", e.path("cards-1up.pdf"))
		if !regexp.MustCompile(`(?m)^Pages:\s+4$`).MatchString(info) || !strings.Contains(info, "(A4)") {
			t.Errorf("pdfinfo of the 1-up A4 cards:\n%s\nwant 4 A4 pages", info)
		}

		// Her classes' students (ART3, MATH3, SCI3) with the passwords of every upload
		// that still sign in, and none for Henry, whose password she reset since.
		o := e.must(0, "", "cards", "--teacher", "mgarcia", "-o", e.path("garcia-cards.pdf"))
		if !strings.Contains(o.stdout, "8 login cards") || !strings.Contains(o.stdout, "1 card has no password") {
			t.Errorf("cards --teacher mgarcia stdout = %q, want 8 cards, 1 without a password", o.stdout)
		}
		text = cardstest.Text(t, e.path("garcia-cards.pdf"))
		for u, n := range map[string]int{"abrown": 2, "ljones": 1, "hadams": 1, "gbaker": 1, "mdavis": 1, "etaylor": 1, "emoore": 1, "zclark": 0} {
			if strings.Count(text, u) != n {
				t.Errorf("Maria Garcia's cards show %s %d times, want %d", u, strings.Count(text, u), n)
			}
		}
		if !strings.Contains(text, tempOf("S200")) || !strings.Contains(text, "ask your teacher for a new one") {
			t.Errorf("Maria Garcia's cards:\n%s\nwant Ava's password and one card without a password", text)
		}

		// Her rights only, and nothing written when refused.
		e.expect(2, "", "cards", "--teacher", "mgarcia", "--upload", id, "-o", e.path("refused.pdf"))
		e.expect(2, "", "cards", "--teacher", "mgarcia", "--school", lincoln, "--class", "READ3", "--reset", "-o", e.path("refused.pdf"))
		if _, err := os.Stat(e.path("refused.pdf")); err == nil {
			t.Error("a refused cards command wrote refused.pdf")
		}
		e.expect(2, "", "cards", "-o", e.path("x.pdf"))
		e.expect(2, "", "cards", "--upload", id, "-o", e.path("x.csv"))
		e.expect(2, "", "cards", "--school", lincoln, "--class", "MATH3", "-o", e.path("x.pdf")) // no --reset
		e.expect(2, "", "cards", "--upload", id, "--layout", "4up", "-o", e.path("x.pdf"))
		e.expect(2, "", "cards", "--school", lincoln, "--class", "NOPE", "--reset", "-o", e.path("x.pdf"))
	})

	var before []string // history and exports before the dry run
	snapshot := func(t *testing.T, tag string) []string {
		h := e.must(0, "", "history", "--json").stdout
		e.must(0, "", "export", "users", "--school", lincoln, "-o", e.path(tag+"-users.csv"))
		e.must(0, "", "export", "classes", "--school", lincoln, "-o", e.path(tag+"-classes.csv"))
		return []string{h, fmt.Sprint(readTable(t, e.path(tag+"-users.csv"))), fmt.Sprint(readTable(t, e.path(tag+"-classes.csv")))}
	}

	step("DryRun", func(t *testing.T) {
		before = snapshot(t, "before")
		o := e.must(3, "", "import", "--dry-run", "--json", "--school", lincoln, filepath.Join(fixtures, "dryrun.csv"))
		var res importResult
		decodeJSON(t, o.stdout, &res, dryRunKeys)
		want := importResult{DryRun: true, Status: "Completed with Errors", Rows: 2, Applied: 1, Failed: 1, UsersCreated: 1}
		res.EnrollmentsAdded, res.Warnings, res.UsersUpdated = 0, 0, 0
		if res != want {
			t.Errorf("dry run = %+v, want %+v", res, want)
		}
		human := e.must(3, "", "import", "--dry-run", "--school", lincoln, filepath.Join(fixtures, "dryrun.csv"))
		if !strings.Contains(human.stdout, "Dry run") || !strings.Contains(human.stdout, "MATH3") {
			t.Errorf("dry run stdout = %q, want it to say Dry run and why MATH3 fails", human.stdout)
		}
		if after := snapshot(t, "after"); !slices.Equal(after, before) {
			t.Errorf("the dry run changed the database:\nbefore %q\nafter  %q", before, after)
		}
	})

	step("FailedImport", func(t *testing.T) {
		o := e.must(4, "", "import", "--json", "--school", lincoln, "--as", operator, filepath.Join(fixtures, "headeronly.csv"))
		var res importResult
		decodeJSON(t, o.stdout, &res, importKeys)
		if res.Status != "Failed" || res.Upload == 0 {
			t.Errorf("import of a header-only file = %+v, want an upload that Failed", res)
		}
		if o.stderr == "" {
			t.Errorf("a Failed import says nothing on stderr, want why")
		}
		e.expect(2, "", "import", "--school", "Nowhere High", filepath.Join(fixtures, "mixed.csv"))
		e.expect(2, "", "download", "--upload", strconv.FormatInt(res.Upload, 10), "--file", "completed", "-o", e.path("none.csv"))
	})

	step("History", func(t *testing.T) {
		o := e.must(0, "", "history", "--json")
		var hist []historyEntry
		decodeJSON(t, o.stdout, &hist, historyKeys)
		want := []struct{ file, status, by string }{
			{"headeronly.csv", "Failed", operator},
			{"teacher.csv", "Completed with Errors", "Maria Garcia"},
			{"users-edited.csv", "Completed", operator},
			{"errors-fixed.csv", "Completed", operator},
			{"mixed.csv", "Completed with Errors", operator},
		}
		if len(hist) != len(want) {
			t.Fatalf("history has %d uploads, want %d (newest first): %+v", len(hist), len(want), hist)
		}
		for i, w := range want {
			h := hist[i]
			if h.File != w.file || h.Status != w.status || h.UploadedBy != w.by || h.School != lincoln {
				t.Errorf("history[%d] = %s %s by %s in %s, want %s %s by %s in %s", i, h.File, h.Status, h.UploadedBy, h.School, w.file, w.status, w.by, lincoln)
			}
			for key, v := range map[string]string{"uploaded_at": h.UploadedAt, "started_at": h.StartedAt, "finished_at": h.FinishedAt} {
				if _, err := time.Parse(time.RFC3339, v); err != nil {
					t.Errorf("history[%d].%s = %q, want RFC 3339", i, key, v)
				}
			}
			if (h.Message != "") != (w.status == "Failed") || strings.Contains(h.Message, "\n") {
				t.Errorf("history[%d].message = %q, want one line saying why for a Failed upload only", i, h.Message)
			}
			if i > 0 && h.Upload >= hist[i-1].Upload {
				t.Errorf("history is not newest first: %d after %d", h.Upload, hist[i-1].Upload)
			}
		}
		first := hist[len(hist)-1]
		at, _ := time.Parse(time.RFC3339, first.UploadedAt)
		if first.Upload != firstUpload || first.Rows != 13 || first.Applied != 7 || first.Failed != 6 ||
			first.UsersCreated != 6 || first.ClassesCreated != 2 || !at.Equal(issuedAt) {
			t.Errorf("history of the first upload = %+v, want upload %d at %s: 13 rows, 7 applied, 6 failed, 6 users and 2 classes created",
				first, firstUpload, issuedAt.Format(time.RFC3339))
		}
		o = e.must(0, "", "history", "--school", roosevelt, "--json")
		if strings.TrimSpace(o.stdout) != "[]" {
			t.Errorf("history of %s = %q, want []", roosevelt, o.stdout)
		}
		o = e.must(0, "", "history", "--school", lincoln)
		if !strings.Contains(o.stdout, "mixed.csv") || !strings.Contains(o.stdout, "Completed with Errors") {
			t.Errorf("history (for people) = %q, want the uploads listed", o.stdout)
		}
		e.expect(0, "", "resume") // nothing waits: it says so and succeeds
	})

	step("Passwords", func(t *testing.T) {
		tempOf := func(userID string) string {
			return completed.get(t, completed.find(t, "User ID", userID)[0], "Password")
		}
		ava, liam := tempOf("S200"), tempOf("S201")
		const avaNew, liamNew = "Bluebird2026x", "Riverstone77Q"

		e.now = issuedAt.Add(24 * time.Hour)
		e.expect(6, "", "login", "abrown", "--db", e.db) // no password at all
		e.expect(6, "Wrong-password-1\n", "login", "abrown")
		e.expect(6, "whatever\n", "login", "nobody")
		e.expect(5, ava+"\n", "login", "abrown")             // change required, none given
		e.expect(5, ava+"\nshort\n", "login", "abrown")      // an invalid new password
		e.expect(0, ava+"\n"+avaNew+"\n", "login", "abrown") // changed and signed in
		e.expect(0, avaNew+"\n", "login", "abrown")
		e.expect(6, ava+"\n", "login", "abrown") // the temporary password was used up
		e.expect(0, "Sunflower2026\n", "login", "zclark")

		// Liam's temporary password is still good on day 89 and expired on day 91.
		e.now = issuedAt.Add(89 * 24 * time.Hour)
		e.expect(5, liam+"\n", "login", "ljones")
		e.now = issuedAt.Add(91*24*time.Hour + time.Hour)
		o := e.expect(6, liam+"\n", "login", "ljones")
		if !strings.Contains(strings.ToLower(o.stderr), "expired") {
			t.Errorf("expired sign-in stderr = %q, want it to say the password expired", o.stderr)
		}

		o = e.must(0, "", "password", "reset", "ljones")
		reset := strings.TrimSpace(o.stdout)
		if len(reset) < 12 || strings.ContainsAny(reset, " \n") || reset == liam {
			t.Fatalf("password reset printed %q, want one new temporary password", o.stdout)
		}
		e.expect(5, reset+"\n", "login", "ljones")
		e.expect(0, reset+"\n"+liamNew+"\n", "login", "ljones")
		e.expect(0, liamNew+"\n", "login", "ljones")
		e.expect(2, "", "password", "reset", "nobody")
	})

	step("LoginCardsReset", func(t *testing.T) {
		// READ3's students (Ava, who chose her own password, Zoe, Olivia and Lucas) get
		// new temporary passwords that exist only in the PDF.
		o := e.must(0, "", "cards", "--school", lincoln, "--class", "read3", "--reset", "--layout", "1up", "-o", e.path("read3.pdf"))
		if !strings.Contains(o.stdout, "4 login cards") {
			t.Errorf("cards --reset stdout = %q, want 4 cards", o.stdout)
		}
		got := map[string]string{}
		for _, m := range regexp.MustCompile(`Username (\S+) Password (\S+)`).FindAllStringSubmatch(cardstest.Text(t, e.path("read3.pdf")), -1) {
			got[m[1]] = m[2]
		}
		if len(got) != 4 || got["abrown"] == "" || got["zclark"] == "" {
			t.Fatalf("cards of READ3 = %q, want four new passwords, Ava's and Zoe's among them", got)
		}
		e.expect(5, got["abrown"]+"\n", "login", "abrown") // a new temporary password
		e.expect(6, "Bluebird2026x\n", "login", "abrown")  // her own no longer works
		e.expect(5, got["zclark"]+"\n", "login", "zclark")
	})
}
