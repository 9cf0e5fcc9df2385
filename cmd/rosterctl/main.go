// Command rosterctl runs Rosterdesk's engine without a window, for scripting, automation
// and support: it creates the database, adds schools, writes templates and exports,
// imports roster files, shows the upload history, downloads an upload's files, prints
// login cards, and resets and tries passwords.
//
// Usage:
//
//	rosterctl [--db PATH] COMMAND [ARGS]
//
// rosterctl is the tool of whoever owns the database file: it acts as an Organization
// Administrator, --as NAME only labels "Uploaded By", and --teacher USERNAME restricts a
// command to exactly that teacher's rights, as the window gives them.
//
// Run "rosterctl help" for the commands. Exit status: 0 success; 1 an unexpected failure;
// 2 a usage or environment error; 3 an import Completed with Errors; 4 an import Failed;
// login: 5 a new password is required, 6 refused; 7 an import that was Cancelled (by
// rosterctl cancel, or in the window) before it was saved. resume, which runs several
// uploads, exits with the most serious of their outcomes: Failed, then Cancelled, then
// Completed with Errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rosterdesk/rosterdesk/cmd/internal/dbflag"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// The exit statuses, as SPEC §7 fixes them.
const (
	exitOK             = 0
	exitInternal       = 1
	exitUsage          = 2
	exitCompletedErrs  = 3
	exitFailed         = 4
	exitChangeRequired = 5
	exitRefused        = 6
	exitCancelled      = 7   // an upload Cancelled before it was saved: nothing applied
	exitInterrupted    = 130 // what shells report for a program stopped by Ctrl+C
)

func main() {
	engine.LimitMemory()
	// A first Ctrl+C cancels the context so an import can stop between rows and the
	// engine can leave its upload queued for "resume"; a second one kills us as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli is one invocation's environment: its streams and the --db given before the command.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	db             dbflag.Value
	cmd            *command // the command being run
}

// command is one rosterctl command.
type command struct {
	name     string
	synopsis []string // usage lines, without the leading "rosterctl "
	run      func(c *cli, ctx context.Context, args []string) error
}

// commands lists the commands in the order the usage shows them.
var commands []*command

func init() {
	// Assigned here rather than in the declaration because cmdHelp reads commands.
	commands = []*command{
		{"init", []string{"init --org NAME [--admin USERNAME --name NAME [--email E]]  create the database (idempotent)"}, cmdInit},
		{"school", []string{"school add NAME                 add a school", "school list                     list the schools", "school rename NAME NEW          rename a school (as a OneRoster package names it)"}, cmdSchool},
		{"template", []string{"template [--teacher] -o FILE    write the Blank Template (.csv or .xlsx)"}, cmdTemplate},
		{"import", []string{"import --school NAME [--as NAME] [--teacher USERNAME] [--dry-run] [--json] FILE"}, cmdImport},
		{"resume", []string{"resume                          re-run interrupted uploads, run queued ones"}, cmdResume},
		{"cancel", []string{"cancel --upload ID [--teacher USERNAME]  cancel a queued or running upload (nothing of it is applied)"}, cmdCancel},
		{"history", []string{"history [--school NAME] [--teacher USERNAME] [--json]"}, cmdHistory},
		{"duplicates", []string{"duplicates [--json]             records that share a User ID, username, email, Class ID or name"}, cmdDuplicates},
		{"download", []string{"download --upload ID --file uploaded|completed|error [--teacher USERNAME] -o FILE"}, cmdDownload},
		{"export", []string{"export users|classes --school NAME [--teacher USERNAME] -o FILE",
			"export oneroster [--school NAME] [--teacher USERNAME] -o FILE.zip"}, cmdExport},
		{"password", []string{"password reset [--teacher USERNAME] USERNAME  prints the new temporary password"}, cmdPassword},
		{"cards", []string{"cards --upload ID | --school NAME --class CLASSID --reset | --teacher USERNAME [--layout 8up|1up] [--paper letter|a4] [--qr] -o FILE.pdf"}, cmdCards},
		{"admin", []string{
			"admin add USERNAME --name NAME [--email E] (--school NAME ... | --org-admin) [--teacher-account USERNAME]",
			"admin list [--json]             list the administrators",
			"admin schools USERNAME --school NAME ...",
			"admin reset USERNAME            prints a new temporary password",
			"admin remove USERNAME           never the last Organization Administrator"}, cmdAdmin},
		{"login", []string{"login USERNAME                  stdin: password, then a new password if one is required"}, cmdLogin},
		{"backup", []string{"backup -o FILE                  copy the database safely, even while it is in use"}, cmdBackup},
		{"help", []string{"help [COMMAND]                  show this help"}, cmdHelp},
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run executes one rosterctl invocation; args exclude the program name. It returns the
// exit status, so tests can drive the whole command line in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("rosterctl", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.Var(&c.db, "db", "database `PATH`")
	version := global.Bool("version", false, "print the version")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, nil)
			return exitOK
		}
		return c.fail(usageErrorf(nil, "%s", flagMessage(err)))
	}
	rest := global.Args()
	if *version {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	if len(rest) == 0 {
		return c.fail(usageErrorf(nil, "no command given"))
	}
	cmd := lookupCommand(rest[0])
	if cmd == nil {
		return c.fail(usageErrorf(nil, "unknown command %q", rest[0]))
	}
	c.cmd = cmd
	return c.fail(cmd.run(c, ctx, rest[1:]))
}

// exitStatus is an error that only carries an exit status: the command has already said
// what there was to say (an import's result, a refused sign-in).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line; its usage is printed after the message.
type usageError struct {
	cmd *command // nil: the general usage
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(cmd *command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// interruptedError is a command stopped by Ctrl+C that says itself what it left done
// and undone, in place of fail's general line about uploads.
type interruptedError struct {
	msg string
	err error
}

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return e.err }

// helpShown stops a command after "-h" printed its usage.
var helpShown = errors.New("help shown")

// fail reports err on stderr in one line of plain words and returns its exit status.
func (c *cli) fail(err error) int {
	if err == nil || errors.Is(err, helpShown) {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(c.stderr, "rosterctl: %s\n\n", oneLine(ue.msg))
		printUsage(c.stderr, ue.cmd)
		return exitUsage
	}
	var ie *interruptedError
	if errors.As(err, &ie) {
		fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(ie.msg))
		return exitInterrupted
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(c.stderr, "rosterctl: interrupted. An unfinished upload is run again from the start by \"rosterctl resume\" or when the window opens; "+
			"to drop it instead, find its ID with \"rosterctl history\" and run \"rosterctl cancel --upload ID\".")
		return exitInterrupted
	}
	msg := core.ErrorMessage(err)
	if h := hint(err); h != "" {
		msg += " " + h
	}
	fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(msg))
	if core.ErrorKind(err) == core.KindInternal {
		return exitInternal
	}
	return exitUsage
}

// oneLine shows a message on one line: runs of white space (line breaks too) become one
// space, and what is left unprintable is escaped.
func oneLine(s string) string {
	return printable(strings.Join(strings.Fields(s), " "))
}

// printUsage prints the usage of cmd, or of every command when cmd is nil.
func printUsage(w io.Writer, cmd *command) {
	if cmd != nil {
		fmt.Fprintln(w, "Usage:")
		for _, s := range cmd.synopsis {
			fmt.Fprintf(w, "  rosterctl %s\n", s)
		}
		fmt.Fprintln(w, "\nEvery command takes --db PATH (default: $ROSTERDESK_DB, else the desktop app's database).")
		return
	}
	fmt.Fprintln(w, "rosterctl runs Rosterdesk without a window.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		for _, s := range c.synopsis {
			fmt.Fprintf(w, "  rosterctl %s\n", s)
		}
	}
	fmt.Fprint(w, `
Every command takes --db PATH (default: $ROSTERDESK_DB, else the desktop app's database
in your config folder). ROSTERDESK_NOW (RFC 3339, e.g. 2026-09-01T08:00:00Z) stands in
for the current time. Output formats follow -o FILE's extension: .csv or .xlsx.
import reads a .csv, an .xlsx, or a OneRoster 1.1 bulk package (.zip) for the school
named by --school.

rosterctl acts as an Organization Administrator (whoever can open the database file
owns it); --as NAME only labels Uploaded By, and --teacher USERNAME restricts a command
to that teacher's rights. init --admin and admin add print the new administrator's
temporary password on stdout.

Exit status: 0 success; 1 unexpected failure; 2 usage or environment error;
3 import Completed with Errors; 4 import Failed; 7 import Cancelled (nothing applied);
login: 5 a new password is required, 6 refused (also while sign-in is paused after
five wrong passwords). resume exits with its most serious upload's status: Failed (4),
then Cancelled (7), then Completed with Errors (3).
`)
}

func cmdHelp(c *cli, _ context.Context, args []string) error {
	if len(args) > 0 {
		if cmd := lookupCommand(args[0]); cmd != nil {
			printUsage(c.stdout, cmd)
			return nil
		}
		return usageErrorf(nil, "unknown command %q", args[0])
	}
	printUsage(c.stdout, nil)
	return nil
}
