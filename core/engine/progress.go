package engine

import (
	"context"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// progress is how far an upload has come. The run sets it; it goes to the caller's
// callback at once, and to the database, where other processes and windows see it and
// learn that the run is alive, by a ticker the run owns (beat), at most once a second.
type progress struct {
	mu     sync.Mutex
	cur    core.Progress
	fn     func(core.Progress)
	check  func()           // called after each report: a run looks for a cancel asked by another process
	clock  func() time.Time // the wall clock: Started is for estimating the time left
	dirty  bool
	paused bool // inside the import transaction, which holds the database's writer
}

func newProgress(id int64, fn func(core.Progress)) *progress {
	return &progress{cur: core.Progress{Upload: id}, fn: fn, clock: time.Now}
}

// set records the progress of phase: done of total (total 0: not known yet). Progress
// that did not move is not reported again.
func (p *progress) set(phase core.Phase, done, total int) {
	p.mu.Lock()
	if phase == p.cur.Phase && done == p.cur.Done && total == p.cur.Total && !p.cur.Started.IsZero() {
		p.mu.Unlock()
		return
	}
	if phase != p.cur.Phase || p.cur.Started.IsZero() {
		p.cur.Started = p.clock()
	}
	p.cur.Phase, p.cur.Done, p.cur.Total = phase, done, total
	cur := p.cur
	p.dirty = true
	check := p.check
	p.mu.Unlock()
	if p.fn != nil {
		p.fn(cur)
	}
	if check != nil {
		check()
	}
}

// poll looks for a cancel asked by another process (check) without reporting anything:
// for a stretch of work that has no progress to show, as a OneRoster package's records
// are read before its first row.
func (p *progress) poll() {
	p.mu.Lock()
	check := p.check
	p.mu.Unlock()
	if check != nil {
		check()
	}
}

// fraction sets the progress of phase as a share of total.
func (p *progress) fraction(phase core.Phase, share float64, total int) {
	p.set(phase, min(total, int(share*float64(total))), total)
}

// pause stops the ticker from writing (the import transaction holds the writer), or
// lets it write again.
func (p *progress) pause(paused bool) {
	p.mu.Lock()
	p.paused = paused
	p.mu.Unlock()
}

// take returns the progress to write, if it may be written and, unless always, changed.
func (p *progress) take(always bool) (core.Progress, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.dirty && !always || p.paused {
		return core.Progress{}, false
	}
	p.dirty = false
	return p.cur, true
}

// heartbeatEvery is how often a run records its progress: the history's percentage
// moves, and other processes see the run is alive.
const heartbeatEvery = time.Second

// beat writes the progress to the database every heartbeatEvery until ctx ends. A run
// that finds its upload taken over is stopped through stop.
func (j *job) beat(ctx context.Context, stop context.CancelCauseFunc) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Every tick writes, changed or not: a phase that reports no progress for a
		// minute (one long statement) must not look like a dead process to another
		// one waiting to take the upload over.
		if err := j.record(ctx, true); core.ErrorKind(err) == core.KindConflict {
			stop(err)
			return
		}
	}
}

// flush writes the progress now if it changed; the run calls it at the end of a phase,
// so that the database shows the phase complete while the import transaction runs.
func (j *job) flush(ctx context.Context) error { return j.record(ctx, false) }

// record writes the progress and the heartbeat, if the progress changed or always. The
// heartbeat is this computer's real time, not the service's clock (which tests and
// ROSTERDESK_NOW may fix): other processes judge by it whether the run is alive.
func (j *job) record(ctx context.Context, always bool) error {
	if j.dry || j.id == 0 {
		return nil
	}
	j.beatMu.Lock()
	defer j.beatMu.Unlock()
	p, ok := j.prog.take(always)
	if !ok {
		return nil
	}
	return j.s.db.Heartbeat(ctx, j.id, j.s.owner, p, time.Now())
}
