package ui

import (
	"context"
	"io"
	"iter"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Engine lists the engine operations the window uses. *engine.Service satisfies it; tests
// pass a fake, so the screens can be driven without a database.
type Engine interface {
	Now() time.Time
	Org(ctx context.Context) (core.Org, error)
	InitSample(ctx context.Context) (engine.SampleResult, error)

	// Sign-in (the window acts only as the account signed in).
	SetupState(ctx context.Context) (engine.SetupState, error)
	Setup(ctx context.Context, req engine.SetupRequest) (engine.Session, error)
	SignIn(ctx context.Context, username, password string) (engine.AuthResult, error)
	ChangePassword(ctx context.Context, username, current, newPassword string) error
	RefreshSession(ctx context.Context, sess engine.Session) (engine.Session, error)

	// Administrators (Organization Administrators only).
	Operators(ctx context.Context, actor engine.Actor) ([]core.Operator, error)
	AddOperator(ctx context.Context, actor engine.Actor, o engine.NewOperator) (core.Operator, core.Credential, error)
	SetOperatorSchools(ctx context.Context, actor engine.Actor, id int64, schoolIDs []int64) error
	SetOperatorRole(ctx context.Context, actor engine.Actor, id int64, role core.OperatorRole) error
	SetOperatorTeacher(ctx context.Context, actor engine.Actor, id, teacherID int64) error
	ResetOperatorPassword(ctx context.Context, actor engine.Actor, id int64) (core.Credential, error)
	RemoveOperator(ctx context.Context, actor engine.Actor, id int64) error

	AddSchool(ctx context.Context, actor engine.Actor, name string) (core.School, error)
	RenameSchool(ctx context.Context, actor engine.Actor, id int64, name string) error
	Schools(ctx context.Context, actor engine.Actor) ([]core.School, error)
	UserByUsername(ctx context.Context, actor engine.Actor, username string) (core.Account, error)
	AccountsPage(ctx context.Context, actor engine.Actor, schoolID int64, query string, offset, limit int) (engine.AccountPage, error)
	Classes(ctx context.Context, actor engine.Actor, schoolID int64) ([]core.Class, error)
	WriteTemplate(w io.Writer, f core.Format, mode core.Mode) error
	ExportUsers(ctx context.Context, actor engine.Actor, w io.Writer, f core.Format, schoolID int64) error
	ExportClasses(ctx context.Context, actor engine.Actor, w io.Writer, f core.Format, schoolID int64) error
	ExportOneRoster(ctx context.Context, actor engine.Actor, w io.Writer, schoolID int64) error
	Enqueue(ctx context.Context, req engine.UploadRequest) (core.Upload, error)
	Check(ctx context.Context, req engine.UploadRequest, progress func(core.Progress)) (engine.Result, error)
	RunPending(ctx context.Context, progress func(core.Progress)) ([]engine.Result, error)
	// Cancel cancels a queued upload, or stops a running one before it saves anything.
	Cancel(ctx context.Context, actor engine.Actor, id int64) error
	Upload(ctx context.Context, actor engine.Actor, id int64) (core.Upload, error)
	History(ctx context.Context, actor engine.Actor, f engine.HistoryFilter) ([]core.Upload, error)
	WriteUploadFile(ctx context.Context, actor engine.Actor, w io.Writer, id int64, kind core.FileKind, f core.Format) error
	ResetPassword(ctx context.Context, actor engine.Actor, userID int64) (core.Credential, error)
	ResetClassPasswords(ctx context.Context, actor engine.Actor, classID int64) ([]core.Credential, error)
	WriteLoginCards(ctx context.Context, actor engine.Actor, f engine.CardsFile, src engine.CardSource, opts cards.Options) (cards.Result, error)
	// WriteTable writes a table the window made (the new-passwords box) as the engine
	// writes its own: a workbook's rows never spill into the system's temporary folder.
	WriteTable(ctx context.Context, w io.Writer, f core.Format, sheet string, header []string, rows iter.Seq[[]string]) error
	Watch(ctx context.Context) (engine.Watcher, error)
}

var _ Engine = (*engine.Service)(nil)
