package engine

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultStaleAfter is how long the heartbeat of another process's upload may stay
// unchanged, as this process sees it, before this process takes the upload over. A
// running upload beats at least once a second outside its write transaction, and while
// that transaction is open no other process can claim anything, so a minute of silence
// means the process is gone, stopped, or not working on this database at all (the
// database was copied, the computer renamed).
const DefaultStaleAfter = time.Minute

// Wait says why an upload this process wants to run waits: another process runs one.
// Options.OnWait hears one at every check (a few times a second) while it lasts, and a
// last one with TakingOver when this process takes the upload over. A Wait with Locked
// set says instead that a write of this process (an upload's, or any other) waits for
// the database's write lock, which another connection holds.
type Wait struct {
	// Locked is true when a write waits for the database's write lock: Waited says how
	// long so far. Owner, Host, PID and ThisComputer then name the Rosterdesk process
	// whose upload holds the lock; Owner is "" when no live Rosterdesk process runs an
	// upload without itself waiting for the lock, so another program (a database
	// browser with unsaved changes) has the database open for writing: Program names it
	// when the system tells. Freed is true on the last notice of a wait that got the
	// lock.
	Locked, Freed bool
	Waited        time.Duration
	unsure        bool // the uploads could not be read: who holds the lock is not known
	// Program is the name of the program that holds the lock, when the operating
	// system tells (Linux): PID is then its process, ThisComputer true, and Owner ""
	// unless it is a Rosterdesk process whose upload it is.
	Program string
	// behind names a Rosterdesk process that runs an upload and is itself waiting for
	// the lock, not holding it (its marker in the private folder says so).
	behind string
	// maybeBehind is true when Owner's process could not be told holding the lock from
	// waiting for it (its marker could not be read).
	maybeBehind bool

	Owner string // the other process: "host/pid/nonce"
	Host  string // its computer's name
	PID   int
	// ThisComputer is true when the other process ran on this computer.
	ThisComputer bool
	// Silent is how long its heartbeat has stayed unchanged, as seen from here.
	Silent time.Duration
	// TakeOverIn is how much longer this process waits before taking the upload over.
	TakeOverIn time.Duration
	// TakingOver is true when this process takes the upload over now; Gone then tells
	// whether the other process is known to have ended (on this computer, its pid is
	// free), rather than fallen silent.
	TakingOver, Gone bool
}

// Message says what is happening in one line of plain words.
func (w Wait) Message() string {
	where := w.where()
	waited := w.Waited.Round(time.Second)
	switch {
	case w.Locked && w.Freed:
		return "The database is free again; carrying on."
	case w.Locked && w.unsure:
		return fmt.Sprintf("The database is busy: another Rosterdesk window or rosterctl, or another program, is writing to it. Waiting (%s so far).", waited)
	case w.Locked && w.Owner == "" && w.Program != "" && isRosterdesk(w.Program):
		return fmt.Sprintf("The database is busy: %s (process %d on this computer) is writing to it. Waiting for it to finish (%s so far).", w.Program, w.PID, waited)
	case w.Locked && w.Owner == "" && w.Program != "":
		return fmt.Sprintf("The database is busy: another program, %s (process %d on this computer), has it open for writing (a database browser such as DB Browser for SQLite with unsaved changes, for example), not Rosterdesk. Close that program, or save or undo its changes; Rosterdesk waits meanwhile (%s so far).%s", w.Program, w.PID, waited, w.behindNote())
	case w.Locked && w.Owner == "":
		return fmt.Sprintf("The database is busy: another program has it open for writing (a database browser such as DB Browser for SQLite with unsaved changes, for example), not Rosterdesk. Close that program, or save or undo its changes; Rosterdesk waits meanwhile (%s so far).%s", waited, w.behindNote())
	case w.Locked && w.maybeBehind:
		return fmt.Sprintf("The database is busy: %s is saving an upload, or is itself waiting for another program that has the database open for writing (which Rosterdesk cannot tell from here). Waiting (%s so far).", where, waited)
	case w.Locked:
		return fmt.Sprintf("The database is busy: %s is saving an upload. Waiting for it to finish (%s so far).", where, waited)
	}
	switch {
	case w.TakingOver && w.Gone:
		return fmt.Sprintf("%s stopped in the middle of an upload; running that upload again here, from the start.", where)
	case w.TakingOver:
		return fmt.Sprintf("%s has shown no sign of life for %s in the middle of an upload (it was stopped, or the database was copied or moved); running that upload again here, from the start.", where, round(w.Silent))
	case w.Silent >= 2*time.Second:
		return fmt.Sprintf("Waiting for the upload that %s is running: no sign of life for %s; it is taken over in %s if it stays silent.", where, round(w.Silent), round(w.TakeOverIn))
	}
	return fmt.Sprintf("Waiting for the upload that %s is running.", where)
}

// behindNote says, after the name of the program that holds the lock, which Rosterdesk
// process's upload waits for it too ("" when none does).
func (w Wait) behindNote() string {
	if w.behind == "" {
		return ""
	}
	return " The upload that " + w.behind + " runs is waiting for it too."
}

// isRosterdesk reports whether a program's name is Rosterdesk's window or rosterctl.
func isRosterdesk(program string) bool {
	p := strings.TrimSuffix(strings.ToLower(program), ".exe")
	return p == "rosterdesk" || p == "rosterctl"
}

// where names the other Rosterdesk process.
func (w Wait) where() string {
	if w.ThisComputer {
		return fmt.Sprintf("Rosterdesk process %d on this computer", w.PID)
	}
	// The host name was written into the database by the other computer (Linux takes any
	// bytes for one): it reaches the window's notices through this message.
	return fmt.Sprintf("Rosterdesk on %s (process %d)", shown(w.Host), w.PID)
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// ownerWatch remembers, for every other process that owns an upload In Progress, the
// heartbeat this process last saw and since when (on this process's own monotonic
// clock). Comparing the heartbeat's time with this computer's clock instead would take
// a live upload from a computer whose clock is behind, and never take one from a
// computer whose clock is ahead.
type ownerWatch struct {
	mu         sync.Mutex
	seen       map[string]sighting
	staleAfter time.Duration
	onWait     func(Wait)
	clock      func() time.Time
}

type sighting struct {
	heartbeat time.Time
	since     time.Time
}

func newOwnerWatch(opts Options) *ownerWatch {
	w := &ownerWatch{seen: map[string]sighting{}, staleAfter: opts.StaleAfter, onWait: opts.OnWait, clock: time.Now}
	if w.staleAfter <= 0 {
		w.staleAfter = DefaultStaleAfter
	}
	return w
}

// silence returns how long owner's heartbeat has stayed at heartbeat, as seen here: 0
// the first time it is seen with that value.
func (o *ownerWatch) silence(owner string, heartbeat time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	s, ok := o.seen[owner]
	if !ok || !s.heartbeat.Equal(heartbeat) {
		o.seen[owner] = sighting{heartbeat: heartbeat, since: now}
		return 0
	}
	return now.Sub(s.since)
}

// alive reports whether the owner of an upload In Progress still runs it, for Claim: on
// this computer a process whose pid is free is gone at once; any owner, on any
// computer, whose heartbeat has not changed for staleAfter is taken to be gone. Each
// verdict is told to Options.OnWait.
func (s *Service) alive(owner string, heartbeat time.Time) bool {
	host, pid := parseOwner(owner)
	w := Wait{Owner: owner, Host: host, PID: pid, ThisComputer: host == s.host}
	if w.ThisComputer && pid > 0 && !processAlive(pid) {
		w.TakingOver, w.Gone = true, true
		s.notifyWait(w)
		s.tmp().clean() // its stage: the start's clean-up may have seen it still running
		return false
	}
	w.Silent = s.owners.silence(owner, heartbeat)
	if w.Silent >= s.owners.staleAfter {
		w.TakingOver = true
		s.notifyWait(w)
		s.tmp().clean()
		return false
	}
	w.TakeOverIn = s.owners.staleAfter - w.Silent
	s.notifyWait(w)
	return true
}

func (s *Service) notifyWait(w Wait) {
	if s.owners.onWait != nil {
		s.owners.onWait(w)
	}
}

// parseOwner splits "host/pid/nonce"; pid is 0 when the owner is not in that form.
func parseOwner(owner string) (host string, pid int) {
	parts := strings.Split(owner, "/")
	if len(parts) != 3 {
		return owner, 0
	}
	pid, _ = strconv.Atoi(parts[1])
	return parts[0], pid
}
