package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestHumanOutputEscapesControls: file names, --as values and school names come from
// people and files. Printed raw, a newline would inject a fake row into the history and
// an escape sequence would retitle or clear the terminal, so every human output shows
// control characters escaped.
func TestHumanOutputEscapesControls(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file names cannot hold control characters")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	evilName := "fall\x1b]0;owned\x07\n9  evil.csv  Lincoln  Mallory  Completed.csv"
	evil := filepath.Join(dir, evilName)
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "e2e", "dryrun.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(evil, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "--org", "Test District"},
		{"school", "add", "Oak School"},
		{"import", "--school", "Oak School", "--as", "Pat\x1b[2J\rOffice\u202e", evil},
	} {
		if code, _, stderr := runInProcess(t, "", append(args, "--db", db)...); code > 3 {
			t.Fatalf("rosterctl %q = %d: %s", args, code, stderr)
		}
	}
	for _, args := range [][]string{{"history"}, {"school", "list"}, {"resume"}} {
		code, stdout, stderr := runInProcess(t, "", append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("rosterctl %q = %d: %s", args, code, stderr)
		}
		for _, out := range []string{stdout, stderr} {
			if i := strings.IndexFunc(out, func(r rune) bool {
				return r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e')
			}); i >= 0 {
				t.Errorf("rosterctl %q printed a raw control character at %d: %q", args, i, out)
			}
		}
		if args[0] == "history" {
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			// The engine stores them with "_" for each control character (what an older
			// version stored is escaped when printed).
			if len(lines) != 2 || !strings.Contains(lines[1], `fall_]0;owned__9`) || !strings.Contains(lines[1], `Pat_[2J_Office_`) {
				t.Errorf("history = %q, want a header and one row showing the names made safe", lines)
			}
		}
	}
}

// TestSchoolNameRefusesControls: a school name is typed once and printed everywhere, so
// one with a line break or an escape sequence is refused, not stored.
func TestSchoolNameRefusesControls(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	if code, _, stderr := runInProcess(t, "", "init", "--org", "Test District", "--db", db); code != 0 {
		t.Fatalf("init = %d: %s", code, stderr)
	}
	for _, name := range []string{"Oak\nSchool", "Oak\x1b[31mSchool", "Oak\tSchool", "Oak\u202eSchool", "Oak\u0085School"} {
		code, _, stderr := runInProcess(t, "", "school", "add", name, "--db", db)
		if code != 2 || !strings.Contains(stderr, "control character") {
			t.Errorf("school add %q = %d, %q; want 2 and a refusal naming control characters", name, code, stderr)
		}
	}
	if _, stdout, _ := runInProcess(t, "", "school", "list", "--db", db); strings.TrimSpace(stdout) != "" {
		t.Errorf("school list = %q, want no school", stdout)
	}
}

// TestCLIWording covers the small wording mistakes of issue 13: the one-letter flag
// -o, and the sign-in prompt that must not be printed when stdin is no terminal.
func TestCLIWording(t *testing.T) {
	t.Run("OneDashO", func(t *testing.T) {
		for _, args := range [][]string{{"template"}, {"export", "users", "--school", "A"}, {"download", "--upload", "1", "--file", "error"}} {
			code, _, stderr := runInProcess(t, "", args...)
			if code != 2 || !strings.Contains(stderr, "-o FILE is required") || strings.Contains(stderr, "--o") {
				t.Errorf("rosterctl %q = %d, %q; want 2 and \"-o FILE is required\"", args, code, stderr)
			}
		}
	})
	// Found by the red-team round: admin add --teacher-account STUDENT answered that
	// "--teacher needs a teacher's username", a flag the command was not given.
	t.Run("NotATeacherNamesNoFlag", func(t *testing.T) {
		dir := t.TempDir()
		db, roster := filepath.Join(dir, "r.db"), filepath.Join(dir, "r.csv")
		if err := os.WriteFile(roster, []byte("User ID,Role,First Name,Last Name,Username\nS1,Student,Ava,Lee,alee\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		mustRun(t, db, []string{"init", "--org", "Test District", "--admin", "boss", "--name", "Big Boss"}, []string{"school", "add", "Oak"},
			[]string{"import", "--school", "Oak", roster})
		for _, args := range [][]string{
			{"admin", "add", "sa1", "--name", "Sa One", "--school", "Oak", "--teacher-account", "alee"},
			{"history", "--teacher", "alee"},
		} {
			code, _, stderr := runInProcess(t, "", append(args, "--db", db)...)
			if code != 2 || !strings.Contains(stderr, "alee is not a teacher") || strings.Contains(stderr, "--teacher ") {
				t.Errorf("rosterctl %q = %d, %q; want 2, \"alee is not a teacher\" and no flag named", args, code, stderr)
			}
		}
		// An administrator's username is an account's, but not a teacher's.
		if code, _, stderr := runInProcess(t, "", "history", "--teacher", "boss", "--db", db); code != 2 ||
			!strings.Contains(stderr, `No teacher has the username "boss"`) {
			t.Errorf("history --teacher boss = %d, %q; want 2 and that no teacher has that username", code, stderr)
		}
	})
	t.Run("NoPromptWithoutTerminal", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "r.db")
		if code, _, stderr := runInProcess(t, "", "init", "--org", "Test District", "--db", db); code != 0 {
			t.Fatalf("init = %d: %s", code, stderr)
		}
		// /dev/null is a character device, like a terminal, but no one types there.
		null, err := os.Open(os.DevNull)
		if err != nil {
			t.Skip(err)
		}
		defer null.Close()
		var out, errOut strings.Builder
		code := run(t.Context(), []string{"login", "nobody", "--db", db}, null, &out, &errOut)
		if code != exitRefused || strings.Contains(errOut.String(), "Password:") {
			t.Errorf("login with stdin %s = %d, stderr %q; want %d and no prompt", os.DevNull, code, errOut.String(), exitRefused)
		}
	})
}

// TestWaitPrinter: resume and import say which process they wait for, once (not at
// every check), and when they take its upload over.
func TestWaitPrinter(t *testing.T) {
	var errOut strings.Builder
	c := &cli{stderr: &errOut}
	p := c.waitPrinter()
	w := engine.Wait{Owner: "old-pc/42/x", Host: "old-pc", PID: 42, TakeOverIn: time.Minute}
	for i := 0; i < 10; i++ {
		p(w)
	}
	w.TakingOver, w.Silent = true, time.Minute
	p(w)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Waiting for the upload that Rosterdesk on old-pc (process 42)") ||
		!strings.Contains(lines[1], "running that upload again here") {
		t.Errorf("stderr = %q, want one waiting line and one take-over line", lines)
	}
}

// TestSchoolRename: a district's OneRoster package finds a Rosterdesk school by its
// name, and the refusal says to rename the school; rosterctl can.
func TestSchoolRename(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	mustRun(t, db, []string{"init", "--org", "Test District"}, []string{"school", "add", "Oak"}, []string{"school", "add", "Elm"})
	if code, stdout, stderr := runInProcess(t, "", "school", "rename", "oak", "Oak Valley Elementary", "--db", db); code != 0 ||
		!strings.Contains(stdout, "Renamed school Oak to Oak Valley Elementary.") {
		t.Fatalf("school rename = %d, %q, %q", code, stdout, stderr)
	}
	if _, stdout, _ := runInProcess(t, "", "school", "list", "--db", db); !strings.Contains(stdout, "Oak Valley Elementary") || strings.Contains(stdout, "Oak\n") {
		t.Errorf("school list = %q, want the new name only", stdout)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"school", "rename", "Pine", "Pine Ridge"}, 2, `There is no school named "Pine"`},
		{[]string{"school", "rename", "Elm", "Oak Valley Elementary"}, 2, "Oak Valley Elementary"},
		{[]string{"school", "rename", "Elm"}, 2, "rename needs the school's NAME and its NEW name"},
		{[]string{"school", "rename", "Elm", "Elm\nSchool"}, 2, "control character"},
	} {
		code, _, stderr := runInProcess(t, "", append(tt.args, "--db", db)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("rosterctl %q = %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

// TestMoreNotesCountsRows: the engine keeps at most engine.MaxNotes notes, so "… and
// 190 more" under 18,699 failed rows said far too few; the rows are counted instead.
func TestMoreNotesCountsRows(t *testing.T) {
	notes := make([]string, engine.MaxNotes)
	for i := range notes {
		notes[i] = fmt.Sprintf("Row %d: User ID is missing.", i+2)
	}
	for _, tt := range []struct {
		name   string
		r      engine.Result
		dryRun bool
		want   string
	}{
		{"Import", engine.Result{Upload: 3, Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 20000, Failed: 18699}, Notes: notes}, false,
			"… and more: 18699 rows failed in all; the Error File has each with its reason (rosterctl download --upload 3 --file error -o errors.csv)"},
		{"DryRun", engine.Result{Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 20000, Failed: 18699}, Notes: notes}, true,
			"… and more: 18699 rows would fail in all"},
		{"WarningsOnly", engine.Result{Upload: 4, Status: core.StatusCompleted, Counts: core.Counts{Rows: 20, Warnings: 12}, Notes: notes[:12]}, false,
			"… and 2 more"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			printResult(&out, tt.r, tt.dryRun, core.ModeAdmin)
			if !strings.Contains(out.String(), "\n  "+tt.want+"\n") {
				t.Errorf("printResult:\n%s\nwant the line %q", out.String(), tt.want)
			}
		})
	}
}
