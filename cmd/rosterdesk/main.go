// Command rosterdesk is Rosterdesk's window: bulk creation and update of student and
// teacher accounts and class rosters from Excel or CSV files, offline.
//
// Usage:
//
//	rosterdesk [--db PATH]
//
// The database is PATH, else $ROSTERDESK_DB, else rosterdesk.db in the user's config
// folder (the same default as rosterctl). $ROSTERDESK_NOW (RFC 3339) stands in for the
// current time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/rosterdesk/rosterdesk/assets"
	"github.com/rosterdesk/rosterdesk/cmd/internal/dbflag"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
	"github.com/rosterdesk/rosterdesk/ui"
)

func main() {
	engine.LimitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "rosterdesk:", message(err))
		}
		os.Exit(2)
	}
}

// message is what the window says when it cannot start: the engine's words and, for a
// database file that cannot be used, the window's own advice.
func message(err error) string {
	msg := core.ErrorMessage(err)
	switch {
	case errors.Is(err, dbflag.ErrEmpty):
		return err.Error()
	case errors.Is(err, sqlite.ErrNotAFile), errors.Is(err, sqlite.ErrNotRosterdesk), errors.Is(err, sqlite.ErrNewerSchema):
		msg += " Start Rosterdesk with --db PATH (or ROSTERDESK_DB) naming a Rosterdesk database, or a new file."
	case errors.Is(err, sqlite.ErrReadOnly), errors.Is(err, sqlite.ErrDamaged):
		msg += " Choose another database with --db PATH (or ROSTERDESK_DB)."
	}
	return msg
}

// duplicatesNotice tells the person at the window that the upgrade found records that
// share a value with another, without naming anyone: the window may be showing its
// sign-in screen to whoever sits at a shared computer. "" when there are none.
func duplicatesNotice(dups []engine.KeyDuplicate) string {
	if len(dups) == 0 {
		return ""
	}
	what := "1 account, class or school has"
	if len(dups) > 1 {
		what = fmt.Sprintf("%d accounts, classes or schools have", len(dups))
	}
	return what + " the same User ID, username, teacher email, Class ID or school name as another since this database was upgraded:\n" +
		"Rosterdesk now compares names the same way in every language, and merged nothing.\n" +
		"An Organization Administrator can see which ones and what to do with: rosterctl duplicates"
}

// options are rosterdesk's command-line flags.
type options struct {
	db         dbflag.Value
	sample     bool
	page       string
	fileDialog bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("rosterdesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&o.db, "db", "database `path` (default: $ROSTERDESK_DB, else the user's config folder)")
	// Hidden helpers for scripts/screenshots.sh: they are not part of the product.
	fs.BoolVar(&o.sample, "sample", false, "")
	fs.StringVar(&o.page, "page", "", "")
	// Hidden: the window runs itself with it to show a file dialog (see dialog.go).
	fs.BoolVar(&o.fileDialog, fileDialogFlag, false, "")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: rosterdesk [--db PATH]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := o.db.Check(); err != nil {
		fs.Usage()
		return o, err
	}
	switch ui.Page(o.page) {
	case "", ui.PageImport, ui.PageHistory, ui.PageAccounts, ui.PageAdmins:
	default:
		return o, fmt.Errorf("--page must be import, history, accounts or admins")
	}
	return o, nil
}

// run opens the database and shows the window until it is closed.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.fileDialog {
		// The file dialog helper: it must never come near the database.
		return serveFileDialog(os.Stdin, os.Stdout)
	}
	path, err := engine.DBPath(o.db.Path)
	if err != nil {
		return err
	}
	now, err := engine.ClockFromEnv()
	if err != nil {
		return err
	}
	// The engine's wait notices (another process's upload waited for or taken over) go
	// to the window's status line once the window exists.
	var desk atomic.Pointer[ui.App]
	onWait := func(w engine.Wait) {
		if d := desk.Load(); d != nil {
			d.ShowWait(w)
		}
	}
	svc, err := engine.Open(ctx, path, engine.Options{Now: now, OnWait: onWait})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := checkGraphics(svc.Close); err != nil {
		return err
	}
	defer svc.Close()
	// The sample administrator's temporary password is shown on the sign-in screen.
	var sample engine.SampleResult
	if o.sample {
		if _, err := svc.Org(ctx); core.ErrorKind(err) == core.KindNotInitialized {
			if sample, err = svc.InitSample(ctx); err != nil {
				return err
			}
		}
	}

	dups, err := svc.KeyDuplicates(ctx)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}

	a := app.NewWithID("org.rosterdesk.app")
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Rosterdesk")
	w.SetIcon(assets.Icon)
	w.Resize(fyne.NewSize(1100, 720))
	w.SetMaster()
	d := ui.New(ctx, ui.Config{
		Engine:    svc,
		Window:    w,
		Picker:    ui.DatabaseGuard{Picker: &ui.HelperPicker{Command: fileDialogCommand}, Database: svc.DBPath()},
		Clipboard: a.Clipboard(),
		Prefs:     a.Preferences(),
		Page:      ui.Page(o.page),
		App:       a,
		Sample:    sample.Admin,
	})
	desk.Store(d)
	d.Start()
	if msg := duplicatesNotice(dups); msg != "" {
		dialog.ShowInformation("Some records need another name", msg, w)
	}
	go func() {
		// Ctrl+C in a terminal closes the window like the close button does.
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	d.Shutdown()
	return nil
}
