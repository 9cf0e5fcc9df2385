package ui

import (
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// estimator works out from an upload's progress reports how long its current phase has
// left: securing 20,000 typed passwords takes minutes (on purpose), and a person waiting
// wants to know whether to fetch a coffee. The rate is the phase's average since its
// first report, which suits phases that go at a steady pace; before minElapsed and
// minDone have passed it says nothing rather than guess.
type estimator struct {
	now func() time.Time

	upload    int64
	phase     core.Phase
	start     time.Time
	startDone int
	lastDone  int
	last      time.Time // of the last report
	started   bool
}

// Thresholds before an estimate is given: the first seconds of a phase (warming up,
// one slow row) say little about the rest.
const (
	minElapsed = 3 * time.Second
	minDone    = 3
)

// left returns the time the phase of p has left, and false while it cannot tell yet.
// A new upload or phase, or a count that went back (an upload started again), starts
// the measurement over.
func (e *estimator) left(p core.Progress) (time.Duration, bool) {
	now := e.now()
	switch {
	case e.started && p.Upload == e.upload && p.Phase != e.phase && p.Done > 0:
		// The upload moved to a new phase, which began after the last report and has
		// done p.Done since: reports come every so many rows, and slow rows (securing
		// passwords) should not wait for a second report to be estimated.
		e.phase, e.start, e.startDone = p.Phase, e.last, 0
	case !e.started || p.Upload != e.upload || p.Phase != e.phase || p.Done < e.lastDone:
		e.upload, e.phase, e.start, e.startDone, e.started = p.Upload, p.Phase, now, p.Done, true
	}
	e.last, e.lastDone = now, p.Done
	if e.start.Equal(now) {
		return 0, false
	}
	elapsed := now.Sub(e.start)
	done := p.Done - e.startDone
	if elapsed < minElapsed || done < minDone || p.Total <= p.Done {
		return 0, false
	}
	perRow := elapsed / time.Duration(done)
	return perRow * time.Duration(p.Total-p.Done), true
}

// observe takes a progress report in and says how far the upload has come, in full:
// "Securing passwords 450 / 19,229 — about 4 min left". Call it once per report: the
// estimate is worked out at the time of the report.
func (e *estimator) observe(p core.Progress) string {
	d, ok := e.left(p)
	line := progressLine(p)
	if ok {
		line += " — " + timeLeft(d)
	}
	return line
}

// progressLine says how far an upload has come: its phase and rows ("Saving 5 / 10"),
// or just "In Progress" when the engine has not said (an upload another process runs).
func progressLine(p core.Progress) string {
	label := "In Progress"
	if p.Phase != "" && p.Phase != core.PhaseDone {
		label = string(p.Phase)
	}
	if p.Total == 0 {
		return label
	}
	return label + " " + core.Thousands(p.Done) + " / " + core.Thousands(p.Total)
}
