package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// cmdCards prints login cards (SPEC §10) as a PDF: of an upload's Completed File, of a
// class whose passwords it resets for the purpose, or of a teacher's classes. With
// --upload or --class, --teacher restricts the command to that teacher's rights, as
// everywhere; alone it prints that teacher's classes.
func cmdCards(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	upload := fl.Int64("upload", 0, "print the students of upload `ID`'s Completed File")
	school := fl.String("school", "", "the school `NAME` of --class")
	class := fl.String("class", "", "reset and print the class with this `CLASSID` (with --school and --reset)")
	reset := fl.Bool("reset", false, "give the class's students new temporary passwords, printed only in the PDF")
	teacher := fl.String("teacher", "", "the teacher with this `USERNAME`: their classes, or their rights with --upload or --class")
	layout := fl.String("layout", "8up", "8up (eight cards a page, cut lines) or 1up (one card a page)")
	paper := fl.String("paper", "", "letter or a4 (default: the paper of your locale)")
	qr := fl.Bool("qr", false, "add a QR code of the username (only the username) to each card")
	out := fl.String("o", "", "output `FILE`.pdf")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	if err := c.require("o", *out); err != nil {
		return err
	}
	if !strings.HasSuffix(strings.ToLower(*out), ".pdf") {
		return c.usageErrorf("-o %s: login cards are a .pdf file", *out)
	}
	opts := cards.Options{QR: *qr, FontDirs: cards.SystemFontDirs()}
	var err error
	if opts.Layout, err = cards.ParseLayout(*layout); err != nil {
		return c.usageErrorf("--layout: %v", err)
	}
	opts.Paper = cards.PaperFor(localeOf(os.Getenv))
	if *paper != "" {
		if opts.Paper, err = cards.ParsePaper(*paper); err != nil {
			return c.usageErrorf("--paper: %v", err)
		}
	}
	switch {
	case *upload != 0 && *class != "":
		return c.usageErrorf("give --upload ID or --class CLASSID, not both")
	case *class != "" && (!*reset || strings.TrimSpace(*school) == ""):
		return c.usageErrorf("--class CLASSID needs --school NAME and --reset: a class's cards are printed with new passwords")
	case *class == "" && (*reset || *school != ""):
		return c.usageErrorf("--reset and --school go with --class CLASSID")
	case *upload < 0:
		return c.usageErrorf("--upload ID is a number from rosterctl history")
	case *upload == 0 && *class == "" && *teacher == "":
		return c.usageErrorf("say whose cards to print: --upload ID, --school NAME --class CLASSID --reset, or --teacher USERNAME")
	}
	mode := readOnly
	if *reset {
		mode = needOrg
	}
	return c.withService(ctx, mode, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		var src engine.CardSource
		what := ""
		switch {
		case *upload != 0:
			src.Upload, what = *upload, fmt.Sprintf("upload %d", *upload)
		case *class != "":
			s, err := c.school(ctx, svc, actor, *school)
			if err != nil {
				return err
			}
			cl, err := svc.ClassByClassID(ctx, actor, s.ID, *class)
			if err != nil {
				return fmt.Errorf("find class %q: %w", *class, err)
			}
			src.ResetClass, what = cl.ID, "class "+cl.ClassID
		default:
			src.Teacher, what = actor.TeacherID, "the classes of "+*teacher
		}
		if err := c.notDatabase(*out); err != nil {
			return err
		}
		// The engine puts the file in place itself, so that a reset's new passwords are
		// stored exactly when the PDF that holds them is there.
		before, _ := os.Stat(*out)
		f, err := createCards(*out)
		if err != nil {
			return fileError(*out, err, "")
		}
		defer f.Close()
		res, err := svc.WriteLoginCards(ctx, actor, f, src, opts)
		if err != nil && ctx.Err() != nil {
			return stoppedCards(*out, *reset, before, err)
		}
		if err != nil {
			note := ""
			if *reset {
				note = "No password was changed: the old ones still work."
			}
			return fileError(*out, fmt.Errorf("print login cards of %s: %w", what, err), note)
		}
		printCardsResult(c.stdout, res, *out, *reset)
		return nil
	})
}

// printCardsResult says what the PDF holds, and what a person must do about the cards
// that lack something.
func printCardsResult(w io.Writer, res cards.Result, path string, reset bool) {
	fmt.Fprintf(w, "Wrote %s on %s to %s.\n", plural(res.Cards, "login card"), plural(res.Pages, "page"), printable(path))
	if reset {
		fmt.Fprintln(w, "The students' old passwords no longer work; the new ones are only in this file, so keep it safe and delete it once the cards are handed out.")
	}
	switch {
	case res.NoPassword == 1:
		fmt.Fprint(w, "1 card has no password: it was used, replaced by a reset, or has expired.")
	case res.NoPassword > 1:
		fmt.Fprintf(w, "%d cards have no password: theirs were used, replaced by a reset, or have expired.", res.NoPassword)
	}
	if res.NoPassword > 0 {
		fmt.Fprintln(w, " Print new ones with: rosterctl cards --school NAME --class CLASSID --reset")
	}
	if len(res.NamesNotDrawn) > 0 {
		fmt.Fprintf(w, "No font on this computer draws the names of %s: their cards ask the teacher to write the name in.\n",
			printable(strings.Join(res.NamesNotDrawn, ", ")))
	}
}

// localeOf returns the locale that says the paper size, as POSIX orders the variables.
func localeOf(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_PAPER", "LANG"} {
		if s := getenv(v); s != "" {
			return s
		}
	}
	return ""
}

// cardsOutput is the PDF file cmdCards prints into.
type cardsOutput interface {
	engine.CardsFile
	Close() error
}

// createCards starts the PDF at path: atomicfile.Create, which tests replace to stop
// printing at a chosen step.
var createCards = func(path string) (cardsOutput, error) { return atomicfile.Create(path) }

// stoppedCards is the error of a cards command Ctrl+C stopped: what it left, said
// exactly, rather than the general "interrupted" line, which speaks of uploads. The
// engine never keeps a reset's new passwords without their PDF, nor the PDF without the
// passwords, so an error means no password changed; the file at path says whether the
// PDF is gone (or was never put there), left as it was before, or could not be deleted.
func stoppedCards(path string, reset bool, before os.FileInfo, err error) error {
	msg := "Stopped by Ctrl+C: no login cards were saved in " + path + "."
	if reset {
		msg = "Stopped by Ctrl+C before the new passwords were stored: no password was changed (the old ones still work), and no login cards were saved in " + path + "."
	}
	after, statErr := os.Stat(path)
	switch {
	case statErr != nil:
		// Nothing there: the usual case.
	case sameFile(before, after):
		msg += " The file that was already there was left as it was."
	case reset:
		msg = "Stopped by Ctrl+C before the new passwords were stored: no password was changed (the old ones still work), but the login cards in " + path + " could not be deleted. Delete that file: its passwords do not work."
	default:
		msg = "Stopped by Ctrl+C while the login cards were being saved in " + path + ", which could not be deleted. Delete that file and print the cards again."
		return &interruptedError{msg: msg, err: err}
	}
	return &interruptedError{msg: msg + " To print the cards, run the same command again.", err: err}
}

// sameFile reports whether before and after are the same file, unchanged.
func sameFile(before, after os.FileInfo) bool {
	return before != nil && after != nil && os.SameFile(before, after) &&
		before.Size() == after.Size() && before.ModTime().Equal(after.ModTime())
}
