package ui

import (
	"context"
	"io"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Engine lists the engine operations the window uses. *engine.Service satisfies it; tests
// pass a fake, so the screens can be driven without a database.
type Engine interface {
	Now() time.Time
	Org(ctx context.Context) (core.Org, error)
	Init(ctx context.Context, orgName string) (core.Org, error)
	InitSample(ctx context.Context) (core.Org, error)
	AddSchool(ctx context.Context, name string) (core.School, error)
	RenameSchool(ctx context.Context, id int64, name string) error
	Schools(ctx context.Context) ([]core.School, error)
	Teachers(ctx context.Context, schoolID int64) ([]core.Account, error)
	UserByUsername(ctx context.Context, username string) (core.Account, error)
	AccountsPage(ctx context.Context, schoolID int64, actor engine.Actor, query string, offset, limit int) (engine.AccountPage, error)
	Classes(ctx context.Context, schoolID int64, actor engine.Actor) ([]core.Class, error)
	WriteTemplate(w io.Writer, f core.Format, mode core.Mode) error
	ExportUsers(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor engine.Actor) error
	ExportClasses(ctx context.Context, w io.Writer, f core.Format, schoolID int64, actor engine.Actor) error
	Enqueue(ctx context.Context, req engine.UploadRequest) (core.Upload, error)
	Check(ctx context.Context, req engine.UploadRequest, progress func(core.Progress)) (engine.Result, error)
	RunPending(ctx context.Context, progress func(core.Progress)) ([]engine.Result, error)
	Upload(ctx context.Context, id int64) (core.Upload, error)
	History(ctx context.Context, f engine.HistoryFilter) ([]core.Upload, error)
	WriteUploadFile(ctx context.Context, w io.Writer, id int64, kind core.FileKind, f core.Format) error
	ResetPassword(ctx context.Context, userID int64) (core.Credential, error)
	ResetClassPasswords(ctx context.Context, classID int64) ([]core.Credential, error)
	Watch(ctx context.Context) (engine.Watcher, error)
}

var _ Engine = (*engine.Service)(nil)
