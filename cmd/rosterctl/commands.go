package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/inputfile"
	"github.com/rosterdesk/rosterdesk/core/report"
)

func cmdInit(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	org := fl.String("org", "", "organization `NAME`")
	admin := fl.String("admin", "", "also create the first Organization Administrator with this `USERNAME`")
	name := fl.String("name", "", "the administrator's `NAME` (with --admin)")
	email := fl.String("email", "", "the administrator's `EMAIL` (with --admin, optional)")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	if err := c.require("org", *org); err != nil {
		return err
	}
	if *admin != "" {
		if err := c.require("name", *name); err != nil {
			return err
		}
	} else if *name != "" || *email != "" {
		return c.usageErrorf("--name and --email go with --admin USERNAME")
	}
	return c.withService(ctx, createDB, func(svc *engine.Service) error {
		o, err := svc.Init(ctx, strings.TrimSpace(*org))
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if !strings.EqualFold(o.Name, strings.Join(strings.Fields(*org), " ")) { // as Init stores it
			fmt.Fprintf(c.stderr, "rosterctl: this database already belongs to %s; its name was kept.\n", printable(o.Name))
		}
		fmt.Fprintf(c.stdout, "Organization: %s\n", printable(o.Name))
		if *admin == "" {
			return nil
		}
		return c.initAdmin(ctx, svc, engine.NewOperator{Username: *admin, Name: *name, Email: *email, Role: core.OperatorOrgAdmin})
	})
}

func cmdSchool(c *cli, ctx context.Context, args []string) error {
	pos, err := c.parse(c.flags(), args, 1, 3)
	if err != nil {
		return err
	}
	switch {
	case pos[0] == "rename" && len(pos) == 3:
		// A district's OneRoster package names its schools as the district's system does;
		// renaming the Rosterdesk school to match is how such a package finds it.
		return c.withService(ctx, needOrg, func(svc *engine.Service) error {
			owner := engine.Owner(osUserName())
			s, err := c.school(ctx, svc, owner, pos[1])
			if err != nil {
				return err
			}
			if err := svc.RenameSchool(ctx, owner, s.ID, strings.TrimSpace(pos[2])); err != nil {
				return fmt.Errorf("rename school: %w", err)
			}
			fmt.Fprintf(c.stdout, "Renamed school %s to %s.\n", printable(s.Name), printable(strings.TrimSpace(pos[2])))
			return nil
		})
	case pos[0] == "rename":
		return c.usageErrorf("rename needs the school's NAME and its NEW name")
	case pos[0] == "add" && len(pos) == 2:
		return c.withService(ctx, needOrg, func(svc *engine.Service) error {
			s, err := svc.AddSchool(ctx, engine.Owner(osUserName()), strings.TrimSpace(pos[1]))
			if err != nil {
				return fmt.Errorf("add school: %w", err)
			}
			fmt.Fprintf(c.stdout, "Added school %s.\n", printable(s.Name))
			return nil
		})
	case pos[0] == "add":
		return c.usageErrorf("add needs the school's NAME")
	case pos[0] == "list" && len(pos) == 1:
		return c.withService(ctx, readOnly, func(svc *engine.Service) error {
			schools, err := svc.Schools(ctx, engine.Owner(osUserName()))
			if err != nil {
				return fmt.Errorf("list schools: %w", err)
			}
			for _, s := range schools {
				fmt.Fprintln(c.stdout, printable(s.Name))
			}
			return nil
		})
	}
	return c.usageErrorf("unknown subcommand %q", strings.Join(pos, " "))
}

func cmdTemplate(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	teacher := fl.Bool("teacher", false, "the teacher template (Import Students/Rosters)")
	out := fl.String("o", "", "output `FILE` (.csv or .xlsx)")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	format, err := c.outputFormat(*out)
	if err != nil {
		return err
	}
	mode := core.ModeAdmin
	if *teacher {
		mode = core.ModeTeacher
	}
	// The Blank Template is the same for every database: none is opened.
	return c.writeOutput(*out, func(w io.Writer) error {
		if err := report.Template(w, format, mode); err != nil {
			return fmt.Errorf("write template: %w", err)
		}
		return nil
	})
}

func cmdImport(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	school := fl.String("school", "", "school `NAME`")
	as := fl.String("as", "", "Uploaded By `NAME` (default: your user name)")
	teacher := fl.String("teacher", "", "import as the teacher with this `USERNAME` (Import Students/Rosters)")
	dryRun := fl.Bool("dry-run", false, "check the file and report what would happen, changing nothing")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	pos, err := c.parse(fl, args, 1, 1)
	if err != nil {
		return err
	}
	if err := c.require("school", *school); err != nil {
		return err
	}
	if db, err := engine.DBPath(c.db.Path); err == nil && engine.IsDatabaseFile(pos[0], db) {
		return c.usageErrorf("%s is the database itself: name the roster file to import", pos[0])
	}
	file, err := inputfile.Open(pos[0])
	if err != nil {
		return err
	}
	defer file.Close()
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, *as, *teacher)
		if err != nil {
			return err
		}
		s, err := c.school(ctx, svc, actor, *school)
		if err != nil {
			return err
		}
		// The engine reads the file a part at a time: a roster of millions of rows is
		// never whole in memory.
		req := engine.UploadRequest{FileName: filepath.Base(pos[0]), File: file, SchoolID: s.ID, Actor: actor}
		progress, clear := c.newProgress()
		var res engine.Result
		if *dryRun {
			res, err = svc.Check(ctx, req, progress)
			res.Upload = 0
		} else {
			res, err = svc.Import(ctx, req, progress)
		}
		clear()
		if errors.Is(err, context.Canceled) {
			return interrupted(c, res.Upload, *dryRun)
		}
		if errors.Is(err, engine.ErrUploadWaiting) {
			return &core.Error{Kind: core.ErrorKind(err), Op: "import", Err: err,
				Message: core.ErrorMessage(err) + " Then run: rosterctl resume"}
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", req.FileName, err)
		}
		if *asJSON {
			if res.Message != "" {
				fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(res.Message))
			}
			if err := writeJSON(c.stdout, resultJSON{Upload: res.Upload, DryRun: *dryRun, Status: res.Status, Counts: res.Counts}); err != nil {
				return err
			}
		} else {
			printResult(c.stdout, res, *dryRun, actor.Mode())
		}
		return exitStatus(statusExit(res.Status))
	})
}

// interrupted says what an import stopped by Ctrl+C left: nothing, when it was a dry run
// or stopped before its upload was recorded (waiting for another program's lock, say);
// else which upload is run again later, and how to drop it instead.
func interrupted(c *cli, upload int64, dryRun bool) error {
	switch {
	case dryRun:
		fmt.Fprintln(c.stderr, "rosterctl: interrupted: nothing was changed (a dry run changes nothing).")
	case upload == 0:
		fmt.Fprintln(c.stderr, "rosterctl: interrupted before the upload was recorded: nothing was changed. Run the same import again when you are ready.")
	default:
		fmt.Fprintf(c.stderr, "rosterctl: interrupted. Upload %d is run again from the start by \"rosterctl resume\" or when the window opens; to drop it instead, run \"rosterctl cancel --upload %d\".\n", upload, upload)
	}
	return exitStatus(exitInterrupted)
}

func cmdResume(c *cli, ctx context.Context, args []string) error {
	if _, err := c.parse(c.flags(), args, 0, 0); err != nil {
		return err
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		progress, clear := c.newProgress()
		results, err := svc.RunPending(ctx, progress)
		clear()
		if err != nil {
			return fmt.Errorf("resume: %w", err)
		}
		if len(results) == 0 {
			fmt.Fprintln(c.stdout, "No upload was waiting.")
			return nil
		}
		statuses := make([]core.Status, len(results))
		for i, r := range results {
			printResult(c.stdout, r, false, r.Mode)
			statuses[i] = r.Status
		}
		return exitStatus(batchExit(statuses))
	})
}

func cmdCancel(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	id := fl.Int64("upload", 0, "upload `ID` (see rosterctl history)")
	teacher := fl.String("teacher", "", "cancel as the teacher with this `USERNAME` (their own uploads only)")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	if *id <= 0 {
		return c.usageErrorf("--upload ID is required (see rosterctl history)")
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		if err := svc.Cancel(ctx, actor, *id); err != nil {
			return fmt.Errorf("cancel upload %d: %w", *id, err)
		}
		// A running upload stops at its next step, in whichever process runs it.
		if u, err := svc.Upload(ctx, actor, *id); err == nil && u.Status == core.StatusInProgress {
			fmt.Fprintf(c.stdout, "Upload %d is being cancelled; rosterctl history shows when it has stopped.\n", *id)
			return nil
		}
		fmt.Fprintf(c.stdout, "Upload %d is cancelled: nothing in its file was applied.\n", *id)
		return nil
	})
}

func cmdHistory(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	school := fl.String("school", "", "only this school's uploads")
	teacher := fl.String("teacher", "", "only what the teacher with this `USERNAME` sees: their own uploads")
	asJSON := fl.Bool("json", false, "print the history as JSON")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	return c.withService(ctx, readOnly, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		var filter engine.HistoryFilter
		if *school != "" {
			s, err := c.school(ctx, svc, actor, *school)
			if err != nil {
				return err
			}
			filter.SchoolID = s.ID
		}
		uploads, err := svc.History(ctx, actor, filter)
		if err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if *asJSON {
			return writeJSON(c.stdout, historyRecords(uploads))
		}
		printHistory(c.stdout, uploads)
		return nil
	})
}

func historyRecords(uploads []core.Upload) []historyJSON {
	out := make([]historyJSON, 0, len(uploads)) // an empty history is [], not null
	for _, u := range uploads {
		out = append(out, historyJSON{
			resultJSON: resultJSON{Upload: u.ID, Status: u.Status, Counts: u.Counts},
			File:       u.FileName,
			School:     u.SchoolName,
			UploadedBy: u.UploadedBy,
			UploadedAt: u.UploadedAt.Format(time.RFC3339),
			StartedAt:  jsonTime(u.StartedAt),
			FinishedAt: jsonTime(u.FinishedAt),
			Message:    strings.Join(strings.Fields(u.Message), " "),
		})
	}
	return out
}

func printHistory(w io.Writer, uploads []core.Upload) {
	if len(uploads) == 0 {
		fmt.Fprintln(w, "No uploads yet.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFile Name\tSchool\tUploaded By\tDate\tStatus\tRows (total/applied/failed)")
	// Why an upload failed or was cancelled is too long for a column: it follows the
	// table, one line per upload, as the window shows it beside the status.
	var why []string
	for _, u := range uploads {
		if (u.Status == core.StatusFailed || u.Status == core.StatusCancelled) && strings.TrimSpace(u.Message) != "" {
			why = append(why, fmt.Sprintf("Upload %d, %s: %s", u.ID, strings.ToLower(string(u.Status)), printable(strings.Join(strings.Fields(u.Message), " "))))
		}
		status := string(u.Status)
		if u.Status == core.StatusInProgress && u.Total > 0 {
			status = fmt.Sprintf("%s %d%%", u.Status, u.Done*100/u.Total)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d/%d/%d\n", u.ID, printable(u.FileName), printable(u.SchoolName), printable(u.UploadedBy),
			formatTime(u.UploadedAt), status, u.Rows, u.Applied, u.Failed)
	}
	tw.Flush()
	if len(why) > 0 {
		fmt.Fprintln(w)
		for _, line := range why {
			fmt.Fprintln(w, line)
		}
	}
}

// duplicateJSON is one record duplicates --json lists.
type duplicateJSON struct {
	What      string `json:"what"`
	Value     string `json:"value"`
	Name      string `json:"name"`
	GUID      string `json:"guid"`
	KeptValue string `json:"kept_value"`
	KeptName  string `json:"kept_name"`
	School    string `json:"school"`
	Message   string `json:"message"`
}

// cmdDuplicates lists the records that share a User ID, username, teacher email, Class
// ID or school name with another since the upgrade that compares text in every
// language alike (see docs/security.md), with what to do about each.
func cmdDuplicates(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	asJSON := fl.Bool("json", false, "print the list as JSON")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	return c.withService(ctx, readOnly, func(svc *engine.Service) error {
		dups, err := svc.KeyDuplicates(ctx)
		if err != nil {
			return fmt.Errorf("list duplicates: %w", err)
		}
		if *asJSON {
			out := make([]duplicateJSON, 0, len(dups))
			for _, d := range dups {
				out = append(out, duplicateJSON{d.What, d.Value, d.Name, d.GUID, d.KeptValue, d.KeptName, d.School, d.Message})
			}
			return writeJSON(c.stdout, out)
		}
		if len(dups) == 0 {
			fmt.Fprintln(c.stdout, "No record shares a User ID, username, teacher email, Class ID or school name with another.")
			return nil
		}
		for _, d := range dups {
			fmt.Fprintln(c.stdout, oneLine(d.Message))
		}
		return nil
	})
}

// warnDuplicates says on stderr, once per command, that records need another value
// (see cmdDuplicates); it never stops the command.
func (c *cli) warnDuplicates(ctx context.Context, svc *engine.Service) {
	if c.cmd.name == "duplicates" {
		return
	}
	dups, err := svc.KeyDuplicates(ctx)
	if err != nil || len(dups) == 0 {
		return
	}
	fmt.Fprintf(c.stderr, "rosterctl: warning: %s the same User ID, username, teacher email, Class ID or school name as another since this database was upgraded. See what to do with: rosterctl duplicates\n",
		map[bool]string{true: "1 record has", false: fmt.Sprintf("%d records have", len(dups))}[len(dups) == 1])
}

func cmdDownload(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	id := fl.Int64("upload", 0, "upload `ID` (see rosterctl history)")
	kind := fl.String("file", "", "which file: uploaded, completed or error")
	teacher := fl.String("teacher", "", "download as the teacher with this `USERNAME` (their own uploads only)")
	out := fl.String("o", "", "output `FILE` (.csv or .xlsx)")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	if *id <= 0 {
		return c.usageErrorf("--upload ID is required (see rosterctl history)")
	}
	k := core.FileKind(strings.ToLower(*kind))
	if k != core.FileUploaded && k != core.FileCompleted && k != core.FileError {
		return c.usageErrorf("--file must be uploaded, completed or error")
	}
	format, err := c.outputFormat(*out)
	if err != nil {
		return err
	}
	return c.withService(ctx, readOnly, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		u, err := svc.Upload(ctx, actor, *id)
		if core.ErrorKind(err) == core.KindNotFound {
			return &core.Error{Kind: core.KindNotFound, Op: "find upload",
				Message: fmt.Sprintf("There is no upload %d. See the uploads with: rosterctl history", *id), Err: err}
		}
		if err != nil {
			return fmt.Errorf("find upload %d: %w", *id, err)
		}
		if !u.HasFile(k) {
			return &core.Error{Kind: core.KindNotFound, Op: "download",
				Message: fmt.Sprintf("Upload %d (%s) has no %s.", u.ID, u.Status, k.Title())}
		}
		return c.writeOutput(*out, func(w io.Writer) error {
			if err := svc.WriteUploadFile(ctx, actor, w, u.ID, k, format); err != nil {
				return fmt.Errorf("write %s: %w", k.Title(), err)
			}
			return nil
		})
	})
}

func cmdExport(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	school := fl.String("school", "", "school `NAME`")
	teacher := fl.String("teacher", "", "export as the teacher with this `USERNAME`")
	out := fl.String("o", "", "output `FILE` (.csv or .xlsx)")
	pos, err := c.parse(fl, args, 1, 1)
	if err != nil {
		return err
	}
	what := pos[0]
	if what == "oneroster" {
		return c.exportOneRoster(ctx, *school, *teacher, *out)
	}
	if what != "users" && what != "classes" {
		return c.usageErrorf("export users, classes or oneroster, not %q", what)
	}
	if err := c.require("school", *school); err != nil {
		return err
	}
	format, err := c.outputFormat(*out)
	if err != nil {
		return err
	}
	return c.withService(ctx, readOnly, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		s, err := c.school(ctx, svc, actor, *school)
		if err != nil {
			return err
		}
		return c.writeOutput(*out, func(w io.Writer) error {
			var err error
			if what == "users" {
				err = svc.ExportUsers(ctx, actor, w, format, s.ID)
			} else {
				err = svc.ExportClasses(ctx, actor, w, format, s.ID)
			}
			if err != nil {
				return fmt.Errorf("export %s: %w", what, err)
			}
			return nil
		})
	})
}

func cmdPassword(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	teacher := fl.String("teacher", "", "reset as the teacher with this `USERNAME` (students of their own classes only)")
	pos, err := c.parse(fl, args, 1, 2)
	if err != nil {
		return err
	}
	if pos[0] != "reset" {
		return c.usageErrorf("unknown subcommand %q", pos[0])
	}
	if len(pos) != 2 {
		return c.usageErrorf("reset needs a USERNAME")
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", *teacher)
		if err != nil {
			return err
		}
		acct, err := svc.UserByUsername(ctx, actor, pos[1])
		if core.ErrorKind(err) == core.KindNotFound {
			if _, aerr := svc.OperatorByUsername(ctx, engine.Owner(""), pos[1]); aerr == nil && *teacher == "" {
				return &core.Error{Kind: core.KindInvalid, Op: "reset password",
					Message: fmt.Sprintf("%s is an administrator account: reset it with: rosterctl admin reset %s", pos[1], pos[1])}
			}
		}
		if err != nil {
			return fmt.Errorf("find user %q: %w", pos[1], err)
		}
		cred, err := svc.ResetPassword(ctx, actor, acct.ID)
		if err != nil {
			return fmt.Errorf("reset password of %s: %w", pos[1], err)
		}
		// Only the password goes to stdout, so scripts can capture it.
		fmt.Fprintln(c.stdout, cred.Password)
		if !cred.ExpiresAt.IsZero() {
			fmt.Fprintf(c.stderr, "Temporary password for %s; it expires on %s unless used.\n", printable(cred.Username), cred.ExpiresAt.Format("2006-01-02"))
		}
		return nil
	})
}

func cmdLogin(c *cli, ctx context.Context, args []string) error {
	pos, err := c.parse(c.flags(), args, 1, 1)
	if err != nil {
		return err
	}
	username := pos[0]
	in := bufio.NewScanner(c.stdin)
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		password, _ := c.readSecret(in, "Password: ")
		res, err := svc.Authenticate(ctx, username, password)
		if err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		switch res.Status {
		case engine.AuthOK:
			fmt.Fprintf(c.stdout, "Signed in as %s.\n", printable(username))
			return nil
		case engine.AuthRefused, engine.AuthLocked:
			fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(orDefault(res.Reason, "The username or password is wrong.")))
			return exitStatus(exitRefused)
		}
		newPassword, ok := c.readSecret(in, "New password: ")
		if !ok || newPassword == "" {
			fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(orDefault(res.Reason, "This temporary password must be replaced: give a new password on the next line.")))
			return exitStatus(exitChangeRequired)
		}
		if err := svc.ChangePassword(ctx, username, password, newPassword); err != nil {
			if core.ErrorKind(err) == core.KindInternal {
				return fmt.Errorf("change password: %w", err)
			}
			fmt.Fprintf(c.stderr, "rosterctl: %s\n", oneLine(core.ErrorMessage(err)))
			if code := core.ErrorCode(err); code == core.SignInLocked || code == core.SignInWrong || code == core.SignInExpired {
				return exitStatus(exitRefused) // a lock can start between the two lines
			}
			return exitStatus(exitChangeRequired)
		}
		fmt.Fprintf(c.stdout, "Password changed. Signed in as %s.\n", printable(username))
		return nil
	})
}

// readSecret reads one line of stdin, prompting on stderr when a person is typing.
func (c *cli) readSecret(in *bufio.Scanner, prompt string) (string, bool) {
	if isTerminal(c.stdin) {
		fmt.Fprint(c.stderr, prompt)
	}
	if !in.Scan() {
		return "", false
	}
	// Windows Notepad and PowerShell pipes start what they send with a byte-order mark
	// and end lines with CRLF: neither is part of the password, and counted in it they
	// would make a right password wrong, and move the account toward its lockout.
	return strings.TrimRight(strings.TrimPrefix(in.Text(), "\ufeff"), "\r"), true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
