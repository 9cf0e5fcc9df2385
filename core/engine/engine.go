// Package engine is Rosterdesk's one service object: it opens the database and offers every
// operation the window and rosterctl need, context-aware, reporting progress through a
// plain callback.
package engine

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// Service is the Rosterdesk engine over one database. Its methods are safe for concurrent
// use; uploads still run one at a time.
type Service struct {
	db    *sqlite.DB
	now   func() time.Time
	owner string
	host  string
	hash  hasher
	// runMu makes this process run one upload at a time; Claim does the same across
	// processes.
	runMu sync.Mutex

	opts       Options
	runningMu  sync.Mutex
	running    map[int64]context.CancelCauseFunc // the upload this process runs, to cancel it
	maintained sync.Once                         // what a start owes (run.go: maintain)
	tmpOnce    sync.Once
	tmpd       *tmpDir
	// owners watches the heartbeats of the other processes' uploads (owner.go).
	owners *ownerWatch
	// waitMark is this process's marker while a write waits for the lock (lockwait.go).
	waitMark waitMark
}

// EnvDB names the environment variable that overrides the default database path.
const EnvDB = "ROSTERDESK_DB"

// EnvNow names the environment variable (RFC 3339) that stands in for the current time.
const EnvNow = "ROSTERDESK_NOW"

// IsDatabaseFile reports whether path is the database file db or one of SQLite's files
// beside it, which no file Rosterdesk reads or writes may be (sqlite.IsDatabaseFile).
func IsDatabaseFile(path, db string) bool { return sqlite.IsDatabaseFile(path, db) }

// DatabaseInUse reports whether another process (a Rosterdesk window, rosterctl, a
// database browser) has the database file at path open, so that replacing the file —
// with a backup, say — would pull it from under that process: its later writes would
// be lost, and its -wal file paired with the new file would damage it. Outside Windows
// only; Windows refuses such a replacement itself. Ask it after IsDatabaseFile: never
// of the database this process has open.
func DatabaseInUse(path string) bool { return sqlite.InUse(path) }

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

// MemoryLimit is the soft limit rosterctl and the window give the Go runtime
// (debug.SetMemoryLimit) when GOMEMLIMIT is not set. A 100,000-row import keeps about
// 90 MB live at its peak, and with the default GOGC the heap grows to twice the live
// set before each collection. Measured on that import (rosterctl, 100k rows, peak RSS
// CSV / XLSX; collections): no limit 276 / 259 MB, 10 GCs; 176 MiB 245 / 235 MB, 12;
// 160 MiB 227 / 223 MB, 14; 144 MiB 215 / 206 MB, 17; 128 MiB 201 / 190 MB, 27 and
// 0.2 s more CPU. 160 MiB (1.75× the live peak) is where collections become more
// frequent near the peak and cost no measurable CPU. The limit is soft: a bigger file
// grows past it instead of failing, with the collector taking at most about half the
// CPU while it is over.
const MemoryLimit = 160 << 20

// LimitMemory gives the Go runtime the soft limit MemoryLimit unless the person running
// the program chose one with GOMEMLIMIT. rosterctl and the window call it first thing.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
