package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// openMode says what a command needs of the database.
type openMode int

const (
	// needOrg: the database must exist and have an organization. A mistyped --db must not
	// leave an empty database behind, so these commands never create one.
	needOrg openMode = iota
	// readOnly: as needOrg, for the commands that only show what is there (history,
	// download, export, school list): the database is opened read-only, so they work on
	// a database the user may only read and can never change it.
	readOnly
	// createDB: init, which creates the database.
	createDB
)

// withService opens the database named by --db, runs fn with the service and closes it.
func (c *cli) withService(ctx context.Context, mode openMode, fn func(*engine.Service) error) (err error) {
	if err := c.db.Check(); err != nil {
		return c.usageErrorf("%v", err)
	}
	path, err := engine.DBPath(c.db.Path)
	if err != nil {
		return err
	}
	if mode == needOrg {
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			return &core.Error{Kind: core.KindNotInitialized, Op: "open database", Err: fmt.Errorf("%w: %w", sqlite.ErrNoDatabase, serr),
				Message: fmt.Sprintf("There is no Rosterdesk database at %s.", path)}
		}
	}
	now, err := engine.ClockFromEnv()
	if err != nil {
		return err
	}
	open := engine.Open
	if mode == readOnly {
		open = engine.OpenReadOnly
	}
	svc, err := open(ctx, path, engine.Options{Now: now, OnWait: c.waitPrinter()})
	if err != nil {
		// Whatever the engine's kind, a database that cannot be opened is the
		// environment's problem (exit 2), not a bug.
		if core.ErrorKind(err) == core.KindInternal {
			err = &core.Error{Kind: core.KindStorage, Op: "open database",
				Message: fmt.Sprintf("The database %s cannot be opened (%v).", path, err), Err: err}
		}
		return err
	}
	defer func() {
		if cerr := svc.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}()

	if mode != createDB {
		if _, err := svc.Org(ctx); err != nil {
			if core.ErrorKind(err) == core.KindNotInitialized {
				return &core.Error{Kind: core.KindNotInitialized, Op: "open database", Err: fmt.Errorf("%w: %w", sqlite.ErrNoDatabase, err),
					Message: fmt.Sprintf("The database %s has no organization yet.", path)}
			}
			return fmt.Errorf("read organization: %w", err)
		}
	}
	c.warnDuplicates(ctx, svc)
	return fn(svc)
}

// hint is rosterctl's advice after the engine's message, for the problems with the
// database file a person can fix from the command line ("" for the others).
func hint(err error) string {
	switch {
	case errors.Is(err, sqlite.ErrNoDatabase):
		return "Create one with: rosterctl init --org NAME"
	case errors.Is(err, sqlite.ErrNotAFile), errors.Is(err, sqlite.ErrNotRosterdesk):
		return "Name the Rosterdesk database with --db PATH."
	case errors.Is(err, sqlite.ErrReadOnly):
		return "Check the file's permissions, or choose another database with --db PATH."
	case errors.Is(err, sqlite.ErrDamaged):
		return "Or choose another database with --db PATH."
	}
	return ""
}

// school finds the school named by --school among those actor reaches.
func (c *cli) school(ctx context.Context, svc *engine.Service, actor engine.Actor, name string) (core.School, error) {
	s, err := svc.SchoolByName(ctx, actor, strings.TrimSpace(name))
	if err != nil {
		if core.ErrorKind(err) == core.KindNotFound {
			return core.School{}, &core.Error{Kind: core.KindNotFound, Op: "find school",
				Message: fmt.Sprintf("There is no school named %q. See the schools with: rosterctl school list", name), Err: err}
		}
		return core.School{}, fmt.Errorf("find school %q: %w", name, err)
	}
	return s, nil
}

// actor returns who a command acts as. rosterctl is the tool of whoever owns the
// database file, so it acts as an Organization Administrator whose uploads are labelled
// as (default: the operating-system user); with a teacher's username it takes on
// exactly that teacher's rights, as the window gives them, in the Teacher role.
func (c *cli) actor(ctx context.Context, svc *engine.Service, as, teacher string) (engine.Actor, error) {
	label := strings.TrimSpace(as)
	if teacher == "" {
		return engine.Owner(orDefault(label, osUserName())), nil
	}
	a, err := svc.TeacherActor(ctx, engine.Owner(label), teacher, label)
	if err != nil {
		if core.ErrorKind(err) == core.KindNotFound {
			return a, &core.Error{Kind: core.KindNotFound, Op: "find teacher",
				Message: fmt.Sprintf("No teacher has the username %q. The teachers are listed by: rosterctl export users --school NAME -o FILE", teacher), Err: err}
		}
		if core.ErrorCode(err) == core.AdminNotTeacher {
			return a, &core.Error{Kind: core.KindInvalid, Op: "find teacher",
				Message: fmt.Sprintf("%s is not a teacher: give the username of a teacher account.", teacher), Err: err}
		}
		return a, fmt.Errorf("find teacher %q: %w", teacher, err)
	}
	return a, nil
}

// osUserName is the default Uploaded By: the login name of whoever runs rosterctl,
// without a Windows domain (SPEC §11).
func osUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return core.OperatorName(u.Username)
	}
	for _, v := range []string{"USER", "USERNAME"} {
		if s := os.Getenv(v); s != "" {
			return core.OperatorName(s)
		}
	}
	return "rosterctl"
}
