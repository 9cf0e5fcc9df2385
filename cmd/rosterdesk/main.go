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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/rosterdesk/rosterdesk/assets"
	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/ui"
	"github.com/rosterdesk/rosterdesk/ui/nativedialog"
)

func main() {
	engine.LimitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "rosterdesk:", core.ErrorMessage(err))
		}
		os.Exit(2)
	}
}

// options are rosterdesk's command-line flags.
type options struct {
	db     string
	sample bool
	page   string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("rosterdesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.db, "db", "", "database `path` (default: $ROSTERDESK_DB, else the user's config folder)")
	// Hidden helpers for scripts/screenshots.sh: they are not part of the product.
	fs.BoolVar(&o.sample, "sample", false, "")
	fs.StringVar(&o.page, "page", "", "")
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
	switch ui.Page(o.page) {
	case "", ui.PageImport, ui.PageHistory, ui.PageAccounts:
	default:
		return o, fmt.Errorf("--page must be import, history or accounts")
	}
	return o, nil
}

// run opens the database and shows the window until it is closed.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	path, err := engine.DBPath(o.db)
	if err != nil {
		return err
	}
	now, err := engine.ClockFromEnv()
	if err != nil {
		return err
	}
	if err := checkGraphics(); err != nil {
		return err
	}
	svc, err := engine.Open(ctx, path, engine.Options{Now: now})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer svc.Close()
	if o.sample {
		if _, err := svc.Org(ctx); core.ErrorKind(err) == core.KindNotInitialized {
			if _, err := svc.InitSample(ctx); err != nil {
				return err
			}
		}
	}

	a := app.NewWithID("org.rosterdesk.app")
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Rosterdesk")
	w.SetIcon(assets.Icon)
	w.Resize(fyne.NewSize(1100, 720))
	w.SetMaster()
	desk := ui.New(ctx, ui.Config{
		Engine:    svc,
		Window:    w,
		Picker:    ui.FallbackPicker{Primary: &nativedialog.Picker{}, Fallback: ui.FynePicker(w)},
		Clipboard: a.Clipboard(),
		Prefs:     a.Preferences(),
		Page:      ui.Page(o.page),
	})
	desk.Start()
	go func() {
		// Ctrl+C in a terminal closes the window like the close button does.
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	desk.Shutdown()
	return nil
}
