package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// onBusy is the database's BusyWait.Notify: once a write of db has waited
// Options.BusyNoticeAfter for the write lock, OnWait hears who holds it at every retry,
// and once more when the write gets it. db is the service's database, or the one Open
// is still upgrading.
func (s *Service) onBusy(ctx context.Context, db *sqlite.DB, waited time.Duration, freed bool) {
	if s.owners.onWait == nil || waited < s.opts.BusyNoticeAfter {
		return
	}
	w := Wait{Locked: true, Freed: true}
	if !freed {
		w = s.lockHolder(ctx, db)
	}
	w.Waited = waited
	s.notifyWait(w)
}

// lockHolder says who holds the database's write lock as far as the uploads tell: the
// first other live Rosterdesk process that runs an upload (an import holds the lock for
// its whole write transaction), else nobody of Rosterdesk's, so another program. A
// claim of a process of this computer that no longer runs does not count: it crashed.
// Rosterdesk's other writes are short, so a lock held for seconds with no live claim
// is another program's.
func (s *Service) lockHolder(ctx context.Context, db *sqlite.DB) Wait {
	w := Wait{Locked: true}
	claims, err := db.RunningClaims(ctx)
	if err != nil {
		w.unsure = true
		return w
	}
	for _, c := range claims {
		if c.Owner == s.owner {
			continue
		}
		host, pid := parseOwner(c.Owner)
		here := host == s.host
		if here && pid > 0 && !processAlive(pid) {
			continue
		}
		w.Owner, w.Host, w.PID, w.ThisComputer = c.Owner, host, pid, here
		return w
	}
	return w
}

// busyError gives err, when it is a write's give-up on a write lock another connection
// kept for Options.BusyWait, the words of who kept it and what to do; other errors
// come back as they are.
func (s *Service) busyError(ctx context.Context, err error) error {
	if ce := (*core.Error)(nil); !errors.Is(err, sqlite.ErrBusy) || errors.As(err, &ce) && ce.Op == busyOp {
		return err // not a give-up, or one that has its words already
	}
	w := s.lockHolder(context.WithoutCancel(ctx), s.db)
	long := round(s.opts.BusyWait)
	var msg string
	switch {
	case w.unsure:
		return err // the storage layer's words name both
	case w.Owner == "":
		msg = fmt.Sprintf("Another program kept the database open for writing for %s (a database browser such as DB Browser for SQLite with unsaved changes, for example), so Rosterdesk stopped waiting and nothing was saved. Close that program, or save or undo its changes, and try again.", long)
	default:
		msg = fmt.Sprintf("%s kept the database busy with an upload for %s, so Rosterdesk stopped waiting and nothing was saved. Wait for that upload to finish (the Upload History shows it), then try again.", w.where(), long)
	}
	return &core.Error{Kind: core.KindBusy, Op: busyOp, Message: msg, Err: err}
}

// busyOp is the Op of busyError's errors.
const busyOp = "wait for the database"
