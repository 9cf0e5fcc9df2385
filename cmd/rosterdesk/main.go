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
	"path/filepath"
	"sync"

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

// run opens the database and shows the window until it is closed. An open that waits
// for the database's write lock (an upgrade, while a database browser or another
// Rosterdesk holds it) shows the window at once with the opening screen and its notice,
// instead of nothing until the lock is free.
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
	op := startOpen(ctx, path, engine.Options{Now: now})
	defer op.cancel()
	select {
	case r := <-op.done:
		if r.err != nil {
			return fmt.Errorf("open %s: %w", path, r.err)
		}
		return runWindow(ctx, o, op, r.svc)
	case first := <-op.waiting:
		return runOpening(ctx, o, op, path, first)
	}
}

// runWindow shows the window over the open database until it is closed.
func runWindow(ctx context.Context, o options, op *opener, svc *engine.Service) error {
	if err := checkGraphics(svc.Close); err != nil {
		return err
	}
	defer svc.Close()
	sample, dups, err := prepare(ctx, svc, o.sample)
	if err != nil {
		return err
	}
	a, w := newWindow()
	d := startDesk(ctx, o, op, svc, a, w, sample, dups)
	quitOnCancel(ctx, a)
	w.ShowAndRun()
	d.Shutdown()
	return nil
}

// runOpening shows the window while the open waits, with its notices (ui.Opening), and
// the desk once the database is open; the window may be closed before, which stops the
// open. An open that fails is said in the window and, once it is closed, returned.
func runOpening(ctx context.Context, o options, op *opener, path string, first engine.Wait) error {
	if err := checkGraphics(op.abandon); err != nil {
		return err
	}
	a, w := newWindow()
	shown := path
	if abs, err := filepath.Abs(path); err == nil {
		shown = abs
	}
	screen := ui.NewOpening(shown, first)
	w.SetContent(screen.Content())
	op.opening.Store(screen)

	// The open ends on its goroutine; the desk is built on the UI goroutine, unless the
	// window was closed meanwhile (over).
	var (
		mu      sync.Mutex
		over    bool
		svc     *engine.Service
		desk    *ui.App
		openErr error // the failed open the window said, returned once it is closed
	)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		r := <-op.done
		err := r.err
		var sample engine.SampleResult
		var dups []engine.KeyDuplicate
		if err == nil {
			sample, dups, err = prepare(ctx, r.svc, o.sample)
		} else {
			err = fmt.Errorf("open %s: %w", path, err)
		}
		mu.Lock()
		svc = r.svc
		stop := over
		mu.Unlock()
		if stop {
			return
		}
		fyne.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case over:
			case err != nil:
				openErr = err
				screen.ShowError(message(err))
			default:
				desk = startDesk(ctx, o, op, svc, a, w, sample, dups)
			}
		})
	}()
	quitOnCancel(ctx, a)
	w.ShowAndRun()

	mu.Lock()
	over = true
	d := desk
	mu.Unlock()
	if d != nil {
		d.Shutdown()
	}
	op.cancel() // an open still waiting stops
	<-finished
	mu.Lock()
	defer mu.Unlock()
	if svc != nil {
		svc.Close()
	}
	return openErr
}

// prepare does what the window needs of the open database before it shows it: the
// sample data (--sample, a new database), and the records the upgrade found to be
// duplicates.
func prepare(ctx context.Context, svc *engine.Service, withSample bool) (engine.SampleResult, []engine.KeyDuplicate, error) {
	// The sample administrator's temporary password is shown on the sign-in screen.
	var sample engine.SampleResult
	if withSample {
		if _, err := svc.Org(ctx); core.ErrorKind(err) == core.KindNotInitialized {
			if sample, err = svc.InitSample(ctx); err != nil {
				return sample, nil, err
			}
		}
	}
	dups, err := svc.KeyDuplicates(ctx)
	if err != nil {
		return sample, nil, fmt.Errorf("read %s: %w", svc.DBPath(), err)
	}
	return sample, dups, nil
}

// newWindow makes the app and its main window.
func newWindow() (fyne.App, fyne.Window) {
	a := app.NewWithID("org.rosterdesk.app")
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("Rosterdesk")
	w.SetIcon(assets.Icon)
	w.Resize(fyne.NewSize(1100, 720))
	w.SetMaster()
	return a, w
}

// startDesk builds the window's controller over svc in w and starts it; from then on
// the engine's notices go to it. Call it on the UI goroutine.
func startDesk(ctx context.Context, o options, op *opener, svc *engine.Service, a fyne.App, w fyne.Window, sample engine.SampleResult, dups []engine.KeyDuplicate) *ui.App {
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
	op.desk.Store(d)
	d.Start()
	if msg := duplicatesNotice(dups); msg != "" {
		dialog.ShowInformation("Some records need another name", msg, w)
	}
	return d
}

// quitOnCancel closes the window, as its close button does, when ctx ends (Ctrl+C in a
// terminal).
func quitOnCancel(ctx context.Context, a fyne.App) {
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
}
