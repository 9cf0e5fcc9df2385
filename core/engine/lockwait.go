package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// onBusy is the database's BusyWait.Notify: once a write of db has waited
// Options.BusyNoticeAfter for the write lock, OnWait hears who holds it at every retry,
// and once more when the write gets it. db is the service's database, or the one Open
// is still upgrading.
func (s *Service) onBusy(ctx context.Context, db *sqlite.DB, waited time.Duration, freed bool) {
	s.markWaiting(db, !freed)
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

// lockHolder says who holds the database's write lock. Where the operating system
// tells (db.WriteLockHolder, Linux), that process: a Rosterdesk process whose upload it
// is, else the program, named. Elsewhere, as far as the uploads tell: the first other
// live Rosterdesk process that runs an upload (an import holds the lock for its whole
// write transaction) and is not itself waiting for the lock (its marker, markWaiting),
// else nobody of Rosterdesk's, so another program. A claim of a process of this computer
// that no longer runs does not count: it crashed. Rosterdesk's other writes are short,
// so a lock held for seconds with no live claim is another program's.
func (s *Service) lockHolder(ctx context.Context, db *sqlite.DB) Wait {
	w := Wait{Locked: true}
	pid, program := db.WriteLockHolder()
	claims, err := db.RunningClaims(ctx)
	if err != nil && pid == 0 {
		w.unsure = true
		return w
	}
	for _, c := range claims {
		if c.Owner == s.owner {
			continue
		}
		host, cpid := parseOwner(c.Owner)
		here := host == s.host
		if here && cpid > 0 && !processAlive(cpid) {
			continue
		}
		other := Wait{Locked: true, Owner: c.Owner, Host: host, PID: cpid, ThisComputer: here}
		switch waiting, known := s.waitingFor(db, c.Owner); {
		case pid > 0 && (!here || cpid != pid):
			// The system named another holder: this one's upload is not it.
			if waiting && w.behind == "" {
				w.behind = other.where()
			}
			continue
		case pid > 0:
		case waiting:
			if w.behind == "" {
				w.behind = other.where()
			}
			continue
		case !known:
			other.maybeBehind = true
		}
		return other
	}
	if pid > 0 {
		w.Program, w.PID, w.ThisComputer = program, pid, true
		if w.Program == "" {
			w.Program = "a program"
		}
	}
	return w
}

// waitMarkFresh is how recent a process's waiting marker must be to say it still waits:
// markWaiting renews it at least every waitMarkEvery while it does. A marker left by a
// write that gave up or was cancelled (which no notice ends) goes stale so.
const (
	waitMarkEvery = time.Second
	waitMarkFresh = 3 * time.Second
)

// waitMark is this process's marker that one of its writes waits for the write lock.
type waitMark struct {
	mu    sync.Mutex
	on    bool
	last  time.Time
	swept bool
}

// waitingPath is the marker of owner's process while a write of it waits for the write
// lock: waiting-HASH in the private folder, named after a hash of the owner (which holds
// a computer's name).
func (t *tmpDir) waitingPath(owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return filepath.Join(t.dir, "waiting-"+hex.EncodeToString(sum[:8]))
}

// markWaiting keeps this process's waiting marker while a write of db waits for the
// write lock (on), renewed at most every waitMarkEvery, and removes it when the lock is
// taken. Another process that sees this process's upload claim then knows the upload
// waits behind the lock's real holder rather than holding it: without the marker it
// would name this process as the holder. The marker needs no lock of the database,
// which is what the writes wait for. Markers that crashes left are swept once.
func (s *Service) markWaiting(db *sqlite.DB, on bool) {
	m := &s.waitMark
	m.mu.Lock()
	defer m.mu.Unlock()
	t := newTmpDir(db.Path)
	path := t.waitingPath(s.owner)
	if !on {
		if m.on {
			_ = os.Remove(path)
			m.on = false
		}
		return
	}
	now := time.Now()
	if m.on && now.Sub(m.last) < waitMarkEvery {
		return
	}
	if t.ensure() != nil {
		return
	}
	if !m.swept {
		m.swept = true
		sweepWaitMarks(t.dir, now)
	}
	if os.WriteFile(path, []byte(s.owner+"\n"), 0o600) == nil {
		m.on, m.last = true, now
	}
}

// sweepWaitMarks removes waiting markers no process has renewed for a minute.
func sweepWaitMarks(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "waiting-") {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > time.Minute {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// waitingFor reports whether owner's process has a fresh waiting marker: a write of it
// waits for the write lock. known is false when the private folder could not be read.
func (s *Service) waitingFor(db *sqlite.DB, owner string) (waiting, known bool) {
	info, err := os.Stat(newTmpDir(db.Path).waitingPath(owner))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, true
	case err != nil:
		return false, false
	}
	age := time.Since(info.ModTime())
	return age < waitMarkFresh && age > -waitMarkFresh, true
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
	case w.Owner == "" && w.Program != "" && isRosterdesk(w.Program):
		msg = fmt.Sprintf("%s (process %d on this computer) kept the database busy for %s, so Rosterdesk stopped waiting and nothing was saved. Wait for it to finish, then try again.", w.Program, w.PID, long)
	case w.Owner == "" && w.Program != "":
		msg = fmt.Sprintf("Another program, %s (process %d on this computer), kept the database open for writing for %s (a database browser such as DB Browser for SQLite with unsaved changes, for example), so Rosterdesk stopped waiting and nothing was saved. Close that program, or save or undo its changes, and try again.", w.Program, w.PID, long)
	case w.Owner == "":
		msg = fmt.Sprintf("Another program kept the database open for writing for %s (a database browser such as DB Browser for SQLite with unsaved changes, for example), so Rosterdesk stopped waiting and nothing was saved. Close that program, or save or undo its changes, and try again.", long)
	case w.maybeBehind:
		return err // the storage layer's words name both
	default:
		msg = fmt.Sprintf("%s kept the database busy with an upload for %s, so Rosterdesk stopped waiting and nothing was saved. Wait for that upload to finish (the Upload History shows it), then try again.", w.where(), long)
	}
	return &core.Error{Kind: core.KindBusy, Op: busyOp, Message: msg, Err: err}
}

// busyOp is the Op of busyError's errors.
const busyOp = "wait for the database"
