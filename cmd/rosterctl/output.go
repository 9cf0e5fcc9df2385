package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// outputFormat returns the format named by -o FILE's extension.
func (c *cli) outputFormat(path string) (core.Format, error) {
	if err := c.require("o", path); err != nil {
		return "", err
	}
	f, ok := core.FormatOf(path)
	if !ok || f == core.FormatOneRoster {
		// A .zip is a OneRoster package, which only "export oneroster" writes.
		return "", c.usageErrorf("-o %s: the file name must end in .csv or .xlsx", path)
	}
	return f, nil
}

// writeOutput writes a file through write, replacing path only once it is complete, so
// a failure never leaves half a file (or clobbers a good one). Every file rosterctl
// writes holds personal data, so it is readable by its owner only. It never replaces the
// database, whatever its name, nor SQLite's files beside it.
func (c *cli) writeOutput(path string, write func(io.Writer) error) error {
	if err := c.notDatabase(path); err != nil {
		return err
	}
	return fileError(path, atomicfile.Write(path, write), "")
}

// notDatabase refuses an output file that is the database or one of SQLite's files
// beside it.
func (c *cli) notDatabase(path string) error {
	if db, err := engine.DBPath(c.db.Path); err == nil && engine.IsDatabaseFile(path, db) {
		return c.usageErrorf("-o %s is the database itself: name another file", path)
	}
	return nil
}

// fileError says in plain words what is wrong with the output file path when err is an
// error of that file, followed by note when there is one; other errors are returned as
// they are.
func fileError(path string, err error, note string) error {
	problem := atomicfile.Problem(err)
	if problem == "" {
		return err
	}
	msg := fmt.Sprintf("%s was not written: %s.", path, problem)
	if note != "" {
		msg += " " + note
	}
	return &core.Error{Kind: core.KindStorage, Op: "write file", Message: msg, Err: err}
}

// printable shows s with its unprintable characters escaped as Go writes them (\n,
// \x1b, \u202e) and bytes that are not UTF-8 as \xNN, so text that came from a file or a
// flag cannot add lines to what rosterctl prints or send the terminal escape sequences.
// Every human output passes what it did not write itself through printable.
func printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, core.Unprintable) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case core.Unprintable(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// resultJSON is an import's result as --json prints it (SPEC §7).
type resultJSON struct {
	Upload int64       `json:"upload"`
	DryRun bool        `json:"dry_run,omitempty"`
	Status core.Status `json:"status"`
	core.Counts
}

// historyJSON is one upload as history --json prints it: SPEC §7's keys, plus when it
// started and finished ("" until then) and, for a Failed upload, why, on one line.
type historyJSON struct {
	resultJSON
	File       string `json:"file"`
	School     string `json:"school"`
	UploadedBy string `json:"uploaded_by"`
	UploadedAt string `json:"uploaded_at"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
	Message    string `json:"message"`
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// maxNotes is how many notes the human form of a result shows; the Error File has all.
const maxNotes = 10

// printResult prints an import's result for people.
func printResult(w io.Writer, r engine.Result, dryRun bool, mode core.Mode) {
	if dryRun {
		fmt.Fprintf(w, "Dry run (nothing was changed): %s\n", r.Status)
	} else {
		fmt.Fprintf(w, "Upload %d: %s\n", r.Upload, r.Status)
	}
	if r.Message != "" {
		fmt.Fprintf(w, "  %s\n", oneLine(r.Message))
	}
	fmt.Fprintf(w, "  Rows: %d (%d applied, %d failed), %s\n", r.Rows, r.Applied, r.Failed, plural(r.Warnings, "warning"))
	// A teacher's upload creates and updates only students (SPEC §1).
	people := "Users"
	if mode == core.ModeTeacher {
		people = "Students"
	}
	fmt.Fprintf(w, "  %s: %d created, %d updated. Classes: %d created. Enrollments: %d added.\n",
		people, r.UsersCreated, r.UsersUpdated, r.ClassesCreated, r.EnrollmentsAdded)
	if len(r.Notes) == 0 {
		return
	}
	fmt.Fprintln(w, "Notes:")
	for i, n := range r.Notes {
		if i == maxNotes {
			fmt.Fprintf(w, "  … %s\n", moreNotes(r, dryRun))
			break
		}
		fmt.Fprintf(w, "  %s\n", oneLine(n))
	}
}

// moreNotes says what the notes printResult leaves out hold. The engine keeps at most
// engine.MaxNotes notes, so their number says nothing of how many rows failed: when
// rows failed, the count is theirs, and the Error File (not for a dry run) has each.
func moreNotes(r engine.Result, dryRun bool) string {
	switch {
	case r.Failed > 0 && dryRun:
		return fmt.Sprintf("and more: %s would fail in all", plural(r.Failed, "row"))
	case r.Failed > 0:
		return fmt.Sprintf("and more: %s failed in all; the Error File has each with its reason (rosterctl download --upload %d --file error -o errors.csv)",
			plural(r.Failed, "row"), r.Upload)
	}
	return fmt.Sprintf("and %d more", len(r.Notes)-maxNotes)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// statusExit is the exit status of a finished upload.
func statusExit(s core.Status) int {
	switch s {
	case core.StatusCompleted:
		return exitOK
	case core.StatusCompletedWithError:
		return exitCompletedErrs
	case core.StatusFailed:
		return exitFailed
	case core.StatusCancelled:
		return exitCancelled
	}
	return exitInternal // Import waits for the end, so anything else is a bug
}

// exitSeverity lists the exit statuses of finished uploads from the least to the most
// serious. A Failed upload applied nothing and needs its file fixed; a Cancelled one
// applied nothing either, but someone chose that; Completed with Errors applied all but
// some rows. A status no finished upload has (a bug) outranks them all. The numbers
// themselves are SPEC §7's and say nothing of severity: Cancelled (7) is not worse than
// Failed (4).
var exitSeverity = []int{exitOK, exitCompletedErrs, exitCancelled, exitFailed, exitInternal}

// batchExit is the exit status of a batch of finished uploads (resume): that of its most
// serious outcome, as exitSeverity orders them; exitOK for none.
func batchExit(statuses []core.Status) int {
	code := exitOK
	for _, s := range statuses {
		if c := statusExit(s); slices.Index(exitSeverity, c) > slices.Index(exitSeverity, code) {
			code = c
		}
	}
	return code
}

// progressLine shows an import's progress on one terminal line, rewritten in place. The
// engine may report from another goroutine, hence the lock.
type progressLine struct {
	mu   sync.Mutex
	w    io.Writer
	last string
}

// newProgress returns the progress callback for an import: a one-line indicator when
// stderr is a terminal, and nothing otherwise, so scripts and logs stay clean.
func (c *cli) newProgress() (report func(core.Progress), done func()) {
	if !isTerminal(c.stderr) {
		return func(core.Progress) {}, func() {}
	}
	p := &progressLine{w: c.stderr}
	return p.report, p.clear
}

func (p *progressLine) report(pr core.Progress) {
	line := string(pr.Phase)
	if pr.Total > 0 {
		// Percent, not row counts, so a 100,000-row file redraws at most 100 times a phase.
		line = fmt.Sprintf("%s… %d%% of %d rows", pr.Phase, pr.Done*100/pr.Total, pr.Total)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if line == p.last {
		return
	}
	p.last = line
	fmt.Fprintf(p.w, "\r%-60s", line)
}

func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last != "" {
		fmt.Fprintf(p.w, "\r%-60s\r", "")
		p.last = ""
	}
}

// isTerminal reports whether w is a terminal a person reads (or, for stdin, types in).
// A character device is not enough: /dev/null is one too.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// jsonTime writes a time as history --json does: RFC 3339, "" when there is none yet.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// waitPrinter returns the engine's OnWait for this command: it says on stderr which
// process an upload waits for, or that the database is busy (and whether another
// program holds it), again every quarter of a minute while it waits, when rosterctl
// takes the other upload over and when the database is free again, so that resume and
// import never wait in silence. The engine calls it from inside a claim or a write,
// hence the lock.
func (c *cli) waitPrinter() func(engine.Wait) {
	var mu sync.Mutex
	var key string
	var last time.Time
	return func(w engine.Wait) {
		mu.Lock()
		defer mu.Unlock()
		k := fmt.Sprint(w.Locked, w.Owner)
		switch {
		case w.Freed && key == "":
			return // the busy notice it ends was not printed
		case w.TakingOver, w.Freed, k != key, time.Since(last) >= 15*time.Second:
		default:
			return
		}
		key, last = k, time.Now()
		if w.Freed {
			key = ""
		}
		msg := w.Message()
		if w.Locked && !w.Freed && isTerminal(c.stderr) {
			msg += " Ctrl+C stops waiting."
		}
		fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(msg))
	}
}

// formatTime shows a history date in local time, to the minute.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
