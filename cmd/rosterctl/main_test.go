package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// runInProcess runs rosterctl with args and returns its exit status and output.
func runInProcess(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// mustRun runs each command on database db in this process and fails the test at the
// first that does not succeed.
func mustRun(t *testing.T, db string, cmds ...[]string) {
	t.Helper()
	for _, args := range cmds {
		if code, _, stderr := runInProcess(t, "", append(args, "--db", db)...); code != 0 {
			t.Fatalf("rosterctl %q --db %q = %d: %s", args, db, code, stderr)
		}
	}
}

// oakSchool is the database most command tests start from: an organization and a school.
var oakSchool = [][]string{{"init", "--org", "Test District"}, {"school", "add", "Oak School"}}

// TestRunUsage covers the command lines that fail (or print help) before any database is
// opened, so it does not depend on the engine.
func TestRunUsage(t *testing.T) {
	dir := t.TempDir()
	missingDB := filepath.Join(dir, "missing.db")
	csvFile := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(csvFile, []byte("User ID\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring expected on stdout
		stderr     string // substring expected on stderr
		wantUsage  bool   // stderr must carry usage help
		quietError bool   // stderr must be empty
	}{
		{name: "NoArgs", args: nil, code: 2, stderr: "no command given", wantUsage: true},
		{name: "Help", args: []string{"help"}, code: 0, stdout: "rosterctl import --school NAME", quietError: true},
		{name: "DashH", args: []string{"-h"}, code: 0, stdout: "Usage:", quietError: true},
		{name: "DashDashHelp", args: []string{"--help"}, code: 0, stdout: "Usage:", quietError: true},
		{name: "HelpCommand", args: []string{"help", "login"}, code: 0, stdout: "rosterctl login USERNAME", quietError: true},
		{name: "CommandDashH", args: []string{"import", "-h"}, code: 0, stdout: "rosterctl import --school", quietError: true},
		{name: "HelpUnknown", args: []string{"help", "frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`, wantUsage: true},
		{name: "UnknownCommand", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`, wantUsage: true},
		{name: "UnknownGlobalFlag", args: []string{"--bogus", "history"}, code: 2, stderr: "unknown flag -bogus", wantUsage: true},
		{name: "UnknownFlag", args: []string{"history", "--bogus"}, code: 2, stderr: "unknown flag -bogus", wantUsage: true},
		{name: "DBNeedsValue", args: []string{"history", "--db"}, code: 2, stderr: "flag -db needs a value", wantUsage: true},
		{name: "InitNoOrg", args: []string{"init", "--db", missingDB}, code: 2, stderr: "--org is required", wantUsage: true},
		{name: "InitExtraArg", args: []string{"init", "--org", "X", "extra"}, code: 2, stderr: `unexpected argument "extra"`, wantUsage: true},
		{name: "SchoolNoSub", args: []string{"school"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "SchoolUnknownSub", args: []string{"school", "remove", "X"}, code: 2, stderr: `unknown subcommand "remove X"`, wantUsage: true},
		{name: "SchoolAddNoName", args: []string{"school", "add"}, code: 2, stderr: "add needs the school's NAME", wantUsage: true},
		{name: "SchoolListExtra", args: []string{"school", "list", "X"}, code: 2, stderr: "unknown subcommand", wantUsage: true},
		{name: "TemplateNoOutput", args: []string{"template"}, code: 2, stderr: "-o FILE is required", wantUsage: true},
		{name: "TemplateBadExt", args: []string{"template", "-o", "t.txt"}, code: 2, stderr: "must end in .csv or .xlsx", wantUsage: true},
		{name: "ImportNoFile", args: []string{"import", "--school", "A"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "ImportTwoFiles", args: []string{"import", "--school", "A", "a.csv", "b.csv"}, code: 2, stderr: `unexpected argument "b.csv"`, wantUsage: true},
		{name: "ImportNoSchool", args: []string{"import", csvFile}, code: 2, stderr: "--school is required", wantUsage: true},
		{name: "ImportMissingFile", args: []string{"import", "--school", "A", filepath.Join(dir, "nope.csv")}, code: 2, stderr: "There is no file"},
		{name: "ImportNoDatabase", args: []string{"import", csvFile, "--school", "A", "--db", missingDB}, code: 2, stderr: "There is no Rosterdesk database"},
		{name: "GlobalDBNoDatabase", args: []string{"--db", missingDB, "school", "list"}, code: 2, stderr: "There is no Rosterdesk database"},
		{name: "ResumeExtra", args: []string{"resume", "now"}, code: 2, stderr: `unexpected argument "now"`, wantUsage: true},
		{name: "HistoryExtra", args: []string{"history", "x"}, code: 2, stderr: `unexpected argument "x"`, wantUsage: true},
		{name: "CancelNoUpload", args: []string{"cancel"}, code: 2, stderr: "--upload ID is required", wantUsage: true},
		{name: "DownloadNoUpload", args: []string{"download", "--file", "error", "-o", "e.csv"}, code: 2, stderr: "--upload ID is required", wantUsage: true},
		{name: "DownloadBadUpload", args: []string{"download", "--upload", "seven", "--file", "error", "-o", "e.csv"}, code: 2, stderr: "invalid value", wantUsage: true},
		{name: "DownloadBadKind", args: []string{"download", "--upload", "1", "--file", "log", "-o", "e.csv"}, code: 2, stderr: "--file must be uploaded, completed or error", wantUsage: true},
		{name: "DownloadBadExt", args: []string{"download", "--upload", "1", "--file", "error", "-o", "e.pdf"}, code: 2, stderr: "must end in .csv or .xlsx", wantUsage: true},
		{name: "ExportNoWhat", args: []string{"export", "--school", "A", "-o", "u.csv"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "ExportBadWhat", args: []string{"export", "people", "--school", "A", "-o", "u.csv"}, code: 2, stderr: `export users, classes or oneroster, not "people"`, wantUsage: true},
		{name: "ExportNoSchool", args: []string{"export", "users", "-o", "u.csv"}, code: 2, stderr: "--school is required", wantUsage: true},
		{name: "ExportNoOutput", args: []string{"export", "classes", "--school", "A"}, code: 2, stderr: "-o FILE is required", wantUsage: true},
		{name: "PasswordNoSub", args: []string{"password"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "PasswordBadSub", args: []string{"password", "change", "jsmith"}, code: 2, stderr: `unknown subcommand "change"`, wantUsage: true},
		{name: "PasswordResetNoUser", args: []string{"password", "reset"}, code: 2, stderr: "reset needs a USERNAME", wantUsage: true},
		{name: "LoginNoUser", args: []string{"login"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "InitNameWithoutAdmin", args: []string{"init", "--org", "X", "--name", "Pat"}, code: 2, stderr: "--name and --email go with --admin", wantUsage: true},
		{name: "InitAdminNoName", args: []string{"init", "--org", "X", "--admin", "pat"}, code: 2, stderr: "--name is required", wantUsage: true},
		{name: "AdminNoSub", args: []string{"admin"}, code: 2, stderr: "missing subcommand", wantUsage: true},
		{name: "AdminUnknownSub", args: []string{"admin", "promote", "pat"}, code: 2, stderr: `unknown subcommand "promote"`, wantUsage: true},
		{name: "AdminAddNoName", args: []string{"admin", "add", "pat", "--org-admin"}, code: 2, stderr: "--name is required", wantUsage: true},
		{name: "AdminAddNoRole", args: []string{"admin", "add", "pat", "--name", "Pat"}, code: 2, stderr: "--school NAME, or --org-admin", wantUsage: true},
		{name: "AdminAddBoth", args: []string{"admin", "add", "pat", "--name", "Pat", "--org-admin", "--school", "A"}, code: 2, stderr: "not both", wantUsage: true},
		{name: "AdminRemoveNoUser", args: []string{"admin", "remove"}, code: 2, stderr: "missing argument", wantUsage: true},
		{name: "AdminSchoolsNone", args: []string{"admin", "schools", "pat"}, code: 2, stderr: "--school NAME", wantUsage: true},
		{name: "AdminNoDatabase", args: []string{"admin", "list", "--db", missingDB}, code: 2, stderr: "There is no Rosterdesk database"},
		{name: "LoginNoDatabase", args: []string{"login", "jsmith", "--db", missingDB}, code: 2, stderr: "There is no Rosterdesk database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runInProcess(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("run(%q) = %d, want %d\nstdout: %s\nstderr: %s", tt.args, code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("run(%q) stdout = %q, want it to contain %q", tt.args, stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, stderr, tt.stderr)
			}
			if tt.quietError && stderr != "" {
				t.Errorf("run(%q) stderr = %q, want nothing", tt.args, stderr)
			}
			if hasUsage := strings.Contains(stderr, "Usage:"); hasUsage != tt.wantUsage {
				t.Errorf("run(%q): usage on stderr = %v, want %v; stderr: %s", tt.args, hasUsage, tt.wantUsage, stderr)
			}
			if tt.code != 0 {
				// The message itself is one line: the first line, then (for usage
				// errors) a blank line before the help.
				first, rest, _ := strings.Cut(stderr, "\n")
				if !strings.HasPrefix(first, "rosterctl: ") || (rest != "" && !strings.HasPrefix(rest, "\n")) {
					t.Errorf("run(%q) stderr does not start with one rosterctl: line: %q", tt.args, stderr)
				}
			}
		})
	}
}

// TestRunEnvironment covers environment errors: they exit 2 without usage help.
func TestRunEnvironment(t *testing.T) {
	t.Run("BadNow", func(t *testing.T) {
		t.Setenv("ROSTERDESK_NOW", "next tuesday")
		code, _, stderr := runInProcess(t, "", "init", "--org", "X", "--db", filepath.Join(t.TempDir(), "r.db"))
		if code != 2 || !strings.Contains(stderr, "ROSTERDESK_NOW must be a time") {
			t.Errorf("init with a bad ROSTERDESK_NOW = %d, %q; want 2 and the variable named", code, stderr)
		}
	})
	t.Run("DBFromEnv", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "env.db")
		t.Setenv("ROSTERDESK_DB", missing)
		code, _, stderr := runInProcess(t, "", "history")
		if code != 2 || !strings.Contains(stderr, missing) {
			t.Errorf("history with ROSTERDESK_DB=%s = %d, %q; want 2 naming the path", missing, code, stderr)
		}
	})
	t.Run("DBIsFolder", func(t *testing.T) {
		code, _, stderr := runInProcess(t, "", "init", "--org", "X", "--db", t.TempDir())
		if code != 2 || stderr == "" || strings.Contains(stderr, "Usage:") {
			t.Errorf("init --db FOLDER = %d, %q; want 2 and a message without usage", code, stderr)
		}
	})
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args   []string
		school string
		dry    bool
		pos    []string
	}{
		{args: []string{"--school", "A", "f.csv"}, school: "A", pos: []string{"f.csv"}},
		{args: []string{"f.csv", "--school", "A"}, school: "A", pos: []string{"f.csv"}},
		{args: []string{"f.csv", "--dry-run", "--school=A", "g.csv"}, school: "A", dry: true, pos: []string{"f.csv", "g.csv"}},
		{args: []string{"--", "--school", "A"}, pos: []string{"--school", "A"}},
		{args: []string{"f.csv", "--", "-x.csv"}, pos: []string{"f.csv", "-x.csv"}},
		{args: nil, pos: nil},
	}
	for _, tt := range tests {
		c := &cli{cmd: lookupCommand("import")}
		fl := c.flags()
		school := fl.String("school", "", "")
		dry := fl.Bool("dry-run", false, "")
		pos, err := parseInterspersed(fl, tt.args)
		if err != nil {
			t.Errorf("parseInterspersed(%q) error %v", tt.args, err)
			continue
		}
		if *school != tt.school || *dry != tt.dry || !slices.Equal(pos, tt.pos) {
			t.Errorf("parseInterspersed(%q) = school %q, dry %v, %q; want %q, %v, %q", tt.args, *school, *dry, pos, tt.school, tt.dry, tt.pos)
		}
	}
}

func TestFailExitStatus(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		code  int
		lines int // lines on stderr; -1: not checked (usage help follows)
	}{
		{"Nil", nil, 0, 0},
		{"ExitStatus", exitStatus(exitCompletedErrs), 3, 0},
		{"WrappedExitStatus", fmt.Errorf("import: %w", exitStatus(exitFailed)), 4, 0},
		{"Usage", usageErrorf(nil, "bad"), 2, -1},
		{"NotFound", fmt.Errorf("find school: %w", core.Errorf(core.KindNotFound, "No school named X.")), 2, 1},
		{"Storage", &core.Error{Kind: core.KindStorage, Message: "Disk full.\nFree some space."}, 2, 1},
		{"Internal", errors.New("boom"), 1, 1},
		{"Interrupted", fmt.Errorf("import: %w", context.Canceled), 130, 1},
	}
	// Found by the red-team round: an office that stops an import of the wrong file with
	// Ctrl+C must learn that it will still be applied (the window runs it again when it
	// opens) unless they cancel it, and how.
	t.Run("InterruptedSaysHowToCancel", func(t *testing.T) {
		var stderr bytes.Buffer
		(&cli{stdout: &bytes.Buffer{}, stderr: &stderr}).fail(context.Canceled)
		for _, want := range []string{"rosterctl resume", "when the window opens", "rosterctl cancel --upload"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), want)
			}
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			c := &cli{stdout: &bytes.Buffer{}, stderr: &stderr}
			if got := c.fail(tt.err); got != tt.code {
				t.Errorf("fail(%v) = %d, want %d", tt.err, got, tt.code)
			}
			if n := strings.Count(stderr.String(), "\n"); tt.lines >= 0 && n != tt.lines {
				t.Errorf("fail(%v) wrote %d lines, want %d: %q", tt.err, n, tt.lines, stderr.String())
			}
		})
	}
}

func TestStatusExit(t *testing.T) {
	for s, want := range map[core.Status]int{
		core.StatusCompleted:          0,
		core.StatusCompletedWithError: 3,
		core.StatusFailed:             4,
		core.StatusCancelled:          7,
		core.StatusQueued:             1,
	} {
		if got := statusExit(s); got != want {
			t.Errorf("statusExit(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestBatchExit: resume exits with its most serious outcome, Failed before Cancelled
// before Completed with Errors before Completed, whatever the numbers and the order.
func TestBatchExit(t *testing.T) {
	const (
		ok        = core.StatusCompleted
		errs      = core.StatusCompletedWithError
		failed    = core.StatusFailed
		cancelled = core.StatusCancelled
	)
	for _, tt := range []struct {
		name     string
		statuses []core.Status
		want     int
	}{
		{"None", nil, 0},
		{"Completed", []core.Status{ok, ok}, 0},
		{"CompletedWithErrors", []core.Status{ok, errs, ok}, 3},
		{"CancelledOutranksErrors", []core.Status{errs, cancelled}, 7},
		{"FailedOutranksCancelled", []core.Status{cancelled, failed}, 4},
		{"FailedOutranksCancelledAfter", []core.Status{failed, cancelled, errs}, 4},
		{"Everything", []core.Status{ok, cancelled, errs, failed, ok}, 4},
		{"UnfinishedIsABug", []core.Status{failed, core.StatusQueued}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := batchExit(tt.statuses); got != tt.want {
				t.Errorf("batchExit(%q) = %d, want %d", tt.statuses, got, tt.want)
			}
		})
	}
}

// jsonKeys returns the sorted keys of v marshalled as a JSON object.
func jsonKeys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// resultKeys are SPEC §7's keys of import --json.
var resultKeys = []string{"applied", "classes_created", "enrollments_added", "failed", "rows", "status", "upload", "users_created", "users_updated", "warnings"}

func TestJSONKeys(t *testing.T) {
	if got := jsonKeys(t, resultJSON{}); !reflect.DeepEqual(got, resultKeys) {
		t.Errorf("import --json keys = %q, want %q", got, resultKeys)
	}
	dry := append([]string{"dry_run"}, resultKeys...)
	sort.Strings(dry)
	if got := jsonKeys(t, resultJSON{DryRun: true}); !reflect.DeepEqual(got, dry) {
		t.Errorf("import --dry-run --json keys = %q, want %q", got, dry)
	}
	hist := append([]string{"file", "school", "uploaded_by", "uploaded_at", "started_at", "finished_at", "message"}, resultKeys...)
	sort.Strings(hist)
	if got := jsonKeys(t, historyRecords([]core.Upload{{}})[0]); !reflect.DeepEqual(got, hist) {
		t.Errorf("history --json keys = %q, want %q", got, hist)
	}
	var b bytes.Buffer
	if err := writeJSON(&b, historyRecords(nil)); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty history --json = %q, %v; want []", b.String(), err)
	}
}

// TestRunWithDatabase drives run in-process against a real database, for the exit
// statuses that need the engine.
func TestRunWithDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	fixture := filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv")
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"Init", []string{"init", "--org", "Test District"}, 0, "Test District", ""},
		{"AddSchool", []string{"school", "add", "Oak School"}, 0, "Oak School", ""},
		{"AddSchoolAgain", []string{"school", "add", "oak school"}, 2, "", "rosterctl: "},
		{"UnknownSchool", []string{"import", "--school", "Elm School", fixture}, 2, "", `no school named "Elm School"`},
		{"UnknownTeacher", []string{"import", "--school", "Oak School", "--teacher", "nobody", fixture}, 2, "", `"nobody"`},
		{"UnknownUpload", []string{"download", "--upload", "99", "--file", "error", "-o", filepath.Join(t.TempDir(), "e.csv")}, 2, "", "rosterctl: "},
		// MATH3 does not exist here, so its row needs a teacher: one row fails.
		{"DryRun", []string{"import", "--dry-run", "--school", "Oak School", fixture}, 3, "Dry run", ""},
		{"EmptyHistory", []string{"history", "--json"}, 0, "[]", ""},
		{"Import", []string{"import", "--school", "Oak School", "--as", "Tester", fixture}, 3, "Completed with Errors", ""},
		{"Resume", []string{"resume"}, 0, "No upload was waiting.", ""},
		{"CancelFinished", []string{"cancel", "--upload", "1"}, 2, "", "has already finished"},
		{"CancelUnknown", []string{"cancel", "--upload", "99"}, 2, "", "There is no upload 99"},
		{"LoginUnknown", []string{"login", "nobody"}, 6, "", "rosterctl: "},
		{"ResetUnknown", []string{"password", "reset", "nobody"}, 2, "", "rosterctl: "},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := runInProcess(t, "wrong\n", append(s.args, "--db", db)...)
			if code != s.code || !strings.Contains(stdout, s.stdout) || !strings.Contains(stderr, s.stderr) {
				t.Errorf("run(%q) = %d\nstdout: %s\nstderr: %s\nwant %d, stdout containing %q, stderr containing %q",
					s.args, code, stdout, stderr, s.code, s.stdout, s.stderr)
			}
		})
	}
}

// TestCancelQueued: rosterctl cancel cancels an upload that waits in the queue, and
// history says so.
func TestCancelQueued(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "r.db")
	mustRun(t, db, oakSchool...)
	svc, err := engine.Open(ctx, db, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := svc.SchoolByName(ctx, engine.Owner("test"), "Oak School")
	if err != nil {
		t.Fatal(err)
	}
	up, err := svc.Enqueue(ctx, engine.UploadRequest{FileName: "q.csv", Data: []byte("User ID,Role,First Name,Last Name\nS1,Student,Ann,Lee\n"),
		SchoolID: s.ID, Actor: engine.Owner("Window")})
	svc.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runInProcess(t, "", "cancel", "--upload", strconv.FormatInt(up.ID, 10), "--db", db)
	if code != 0 || !strings.Contains(stdout, "is cancelled") {
		t.Fatalf("cancel = %d %q %q, want 0 and cancelled", code, stdout, stderr)
	}
	if _, stdout, _ := runInProcess(t, "", "history", "--db", db); !strings.Contains(stdout, "Cancelled") ||
		!strings.Contains(stdout, fmt.Sprintf("Upload %d, cancelled: ", up.ID)) {
		t.Errorf("history after a cancel = %q, want Cancelled and why, under the table", stdout)
	}
}
