// Package engine is Rosterdesk's one service object: it opens the database and offers every
// operation the window and rosterctl need, context-aware, reporting progress through a
// plain callback.
package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

var errNotYet = errors.New("not implemented yet")

// Service is the Rosterdesk engine over one database. Its methods are safe for concurrent
// use; uploads still run one at a time.
type Service struct {
	now   func() time.Time
	owner string
}

// EnvDB names the environment variable that overrides the default database path.
const EnvDB = "ROSTERDESK_DB"

// EnvNow names the environment variable (RFC 3339) that stands in for the current time.
const EnvNow = "ROSTERDESK_NOW"

// DBPath resolves the database path: flag if given, else $ROSTERDESK_DB, else
// rosterdesk.db in the user's config folder (…/Rosterdesk/rosterdesk.db).
func DBPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := os.Getenv(EnvDB); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", &core.Error{Kind: core.KindInvalid, Op: "find database", Message: "No config folder is known for this user; name a database with --db PATH or ROSTERDESK_DB.", Err: err}
	}
	return filepath.Join(dir, "Rosterdesk", "rosterdesk.db"), nil
}

// ClockFromEnv returns a clock that reads $ROSTERDESK_NOW when set (a fixed instant),
// else nil (the real clock).
func ClockFromEnv() (func() time.Time, error) {
	v := os.Getenv(EnvNow)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, &core.Error{Kind: core.KindInvalid, Op: "read " + EnvNow, Message: EnvNow + " must be a time such as 2026-09-01T08:00:00Z.", Err: err}
	}
	return func() time.Time { return t }, nil
}

// Open opens (creating if needed) the database at path, applies migrations and returns
// the service. Close it when done.
func Open(ctx context.Context, path string, opts Options) (*Service, error) {
	return nil, errNotYet
}

// Close closes the database.
func (s *Service) Close() error { return nil }

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now() }

// Init creates the organization if the database has none; it is idempotent, and an
// existing organization keeps its name.
func (s *Service) Init(ctx context.Context, orgName string) (core.Org, error) {
	return core.Org{}, errNotYet
}

// InitSample creates a sample organization with two schools and a few imported rosters,
// so that a new user can try the app. It fails if the database already has an
// organization.
func (s *Service) InitSample(ctx context.Context) (core.Org, error) {
	return core.Org{}, errNotYet
}

// Org returns the organization, or an error of kind KindNotInitialized.
func (s *Service) Org(ctx context.Context) (core.Org, error) { return core.Org{}, errNotYet }

// AddSchool adds a school; names are unique, case-insensitively.
func (s *Service) AddSchool(ctx context.Context, name string) (core.School, error) {
	return core.School{}, errNotYet
}

// RenameSchool renames school id.
func (s *Service) RenameSchool(ctx context.Context, id int64, name string) error { return errNotYet }

// Schools lists the schools by name.
func (s *Service) Schools(ctx context.Context) ([]core.School, error) { return nil, errNotYet }

// SchoolByName finds a school by name, case-insensitively.
func (s *Service) SchoolByName(ctx context.Context, name string) (core.School, error) {
	return core.School{}, errNotYet
}

// Teachers lists the teachers of a school, by last name.
func (s *Service) Teachers(ctx context.Context, schoolID int64) ([]core.Account, error) {
	return nil, errNotYet
}

// UserByUsername finds an account by username, case-insensitively.
func (s *Service) UserByUsername(ctx context.Context, username string) (core.Account, error) {
	return core.Account{}, errNotYet
}

// Accounts lists the teachers and students of a school whose name, User ID, username or
// email contains query (all of them when query is ""), teachers first, then by name. A
// teacher actor sees students only.
func (s *Service) Accounts(ctx context.Context, schoolID int64, actor Actor, query string) ([]core.Account, error) {
	return nil, errNotYet
}

// Classes lists the classes of a school; a teacher actor sees only their own.
func (s *Service) Classes(ctx context.Context, schoolID int64, actor Actor) ([]core.Class, error) {
	return nil, errNotYet
}

// WriteTemplate writes the Blank Template for mode in format f.
func (s *Service) WriteTemplate(w io.Writer, f core.Format, mode core.Mode) error { return errNotYet }

// ExportUsers writes Export Teachers & Students for a school (teacher actor: Export
// Students), re-importable to update accounts by GUID.
func (s *Service) ExportUsers(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor Actor) error {
	return errNotYet
}

// ExportClasses writes Export Classes for a school (teacher actor: their classes).
func (s *Service) ExportClasses(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor Actor) error {
	return errNotYet
}

// Enqueue records an upload as Queued and keeps its file until it has run. RunPending
// (or Import) runs it.
func (s *Service) Enqueue(ctx context.Context, req UploadRequest) (core.Upload, error) {
	return core.Upload{}, errNotYet
}

// Check runs every check of an import and counts what it would do, without changing the
// database (a dry run).
func (s *Service) Check(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	return Result{}, errNotYet
}

// Import enqueues req and waits until it has run, running any upload queued before it.
func (s *Service) Import(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	return Result{}, errNotYet
}

// RunPending runs queued uploads, and uploads interrupted by a crash, one at a time, until
// none is left; it returns the results of the uploads it ran.
func (s *Service) RunPending(ctx context.Context, progress func(core.Progress)) ([]Result, error) {
	return nil, errNotYet
}

// Upload returns one upload of the history.
func (s *Service) Upload(ctx context.Context, id int64) (core.Upload, error) {
	return core.Upload{}, errNotYet
}

// History lists uploads, newest first.
func (s *Service) History(ctx context.Context, f HistoryFilter) ([]core.Upload, error) {
	return nil, errNotYet
}

// WriteUploadFile writes one of an upload's files in format f. The Uploaded File is
// written in the upload's own format when f is "".
func (s *Service) WriteUploadFile(ctx context.Context, w io.Writer, id int64, kind core.FileKind, f core.Format) error {
	return errNotYet
}

// ResetPassword issues a new temporary password to user id and returns it (shown once).
func (s *Service) ResetPassword(ctx context.Context, userID int64) (core.Credential, error) {
	return core.Credential{}, errNotYet
}

// ResetClassPasswords issues new temporary passwords to every student of a class.
func (s *Service) ResetClassPasswords(ctx context.Context, classID int64) ([]core.Credential, error) {
	return nil, errNotYet
}

// Authenticate checks a username and password.
func (s *Service) Authenticate(ctx context.Context, username, password string) (AuthResult, error) {
	return AuthResult{}, errNotYet
}

// ChangePassword sets a permanent password for a user signing in with their temporary
// (or current) password. The new password must meet the password policy.
func (s *Service) ChangePassword(ctx context.Context, username, current, newPassword string) error {
	return errNotYet
}
