package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// openMode says what a command needs of the database.
type openMode int

const (
	// needOrg: the database must exist and have an organization. A mistyped --db must not
	// leave an empty database behind, so these commands never create one.
	needOrg openMode = iota
	// createDB: init, which creates the database.
	createDB
	// anyDB: the command does not read the organization (template); when the database
	// does not exist a throwaway one is used, for the same reason as needOrg.
	anyDB
)

// withService opens the database named by --db, runs fn with the service and closes it.
func (c *cli) withService(ctx context.Context, mode openMode, fn func(*engine.Service) error) (err error) {
	path, err := engine.DBPath(c.db)
	if err != nil {
		return err
	}
	exists := true
	if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
		exists = false
	}
	switch {
	case mode == needOrg && !exists:
		return &core.Error{Kind: core.KindNotInitialized, Op: "open database",
			Message: fmt.Sprintf("There is no Rosterdesk database at %s. Create one with: rosterctl init --org NAME", path)}
	case mode == createDB && !exists:
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return &core.Error{Kind: core.KindStorage, Op: "create database",
				Message: fmt.Sprintf("The folder for the database %s cannot be created.", path), Err: err}
		}
	case mode == anyDB && !exists:
		dir, err := os.MkdirTemp("", "rosterctl-")
		if err != nil {
			return fmt.Errorf("make scratch database: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "scratch.db")
	}

	now, err := engine.ClockFromEnv()
	if err != nil {
		return err
	}
	svc, err := engine.Open(ctx, path, engine.Options{Now: now})
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

	if mode == needOrg {
		if _, err := svc.Org(ctx); err != nil {
			if core.ErrorKind(err) == core.KindNotInitialized {
				return &core.Error{Kind: core.KindNotInitialized, Op: "open database",
					Message: fmt.Sprintf("The database %s has no organization yet. Create it with: rosterctl init --org NAME", path), Err: err}
			}
			return fmt.Errorf("read organization: %w", err)
		}
	}
	return fn(svc)
}

// school finds the school named by --school.
func (c *cli) school(ctx context.Context, svc *engine.Service, name string) (core.School, error) {
	s, err := svc.SchoolByName(ctx, strings.TrimSpace(name))
	if err != nil {
		if core.ErrorKind(err) == core.KindNotFound {
			return core.School{}, &core.Error{Kind: core.KindNotFound, Op: "find school",
				Message: fmt.Sprintf("There is no school named %q. See the schools with: rosterctl school list", name), Err: err}
		}
		return core.School{}, fmt.Errorf("find school %q: %w", name, err)
	}
	return s, nil
}

// actor returns who an import or export acts as: an administrator named as (default: the
// signed-in OS user), or with a teacher username the teacher, in teacher mode.
func (c *cli) actor(ctx context.Context, svc *engine.Service, as, teacher string) (engine.Actor, error) {
	a := engine.Actor{Name: strings.TrimSpace(as)}
	if teacher != "" {
		acct, err := svc.UserByUsername(ctx, teacher)
		if err != nil {
			if core.ErrorKind(err) == core.KindNotFound {
				return a, &core.Error{Kind: core.KindNotFound, Op: "find teacher",
					Message: fmt.Sprintf("No account has the username %q.", teacher), Err: err}
			}
			return a, fmt.Errorf("find teacher %q: %w", teacher, err)
		}
		if acct.Role != core.RoleTeacher {
			return a, &core.Error{Kind: core.KindInvalid, Op: "find teacher",
				Message: fmt.Sprintf("%s is a %s, not a teacher: --teacher needs a teacher's username.", teacher, acct.Role)}
		}
		a.TeacherID = acct.ID
		if a.Name == "" {
			// In the Teacher role the operator is the teacher, as the Profile menu shows.
			a.Name = strings.TrimSpace(acct.FirstName + " " + acct.LastName)
		}
	}
	if a.Name == "" {
		a.Name = osUserName()
	}
	return a, nil
}

// osUserName is the default Uploaded By: the login name of whoever runs rosterctl.
func osUserName() string {
	if u, err := user.Current(); err == nil && core.OperatorName(u.Username) != "" {
		return core.OperatorName(u.Username)
	}
	for _, v := range []string{"USER", "USERNAME"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return "rosterctl"
}
