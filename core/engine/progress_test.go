package engine

import (
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestHeartbeatWithoutProgress: the run's ticker writes its heartbeat every tick even
// when the progress has not moved (one long statement), or another process waiting for
// the upload would take a live run for a dead one after a minute; the end-of-phase flush
// writes only what changed, and nothing is written while the import transaction holds
// the writer.
func TestHeartbeatWithoutProgress(t *testing.T) {
	p := newProgress(1, nil)
	p.set(core.PhaseChecking, 10, 100)
	if _, ok := p.take(false); !ok {
		t.Fatal("changed progress was not taken")
	}
	if _, ok := p.take(false); ok {
		t.Error("the flush took unchanged progress")
	}
	if got, ok := p.take(true); !ok || got.Done != 10 {
		t.Errorf("the ticker's take of unchanged progress = %+v, %v; want it, to beat", got, ok)
	}
	p.pause(true)
	if _, ok := p.take(true); ok {
		t.Error("the ticker wrote while the import transaction holds the writer")
	}
}
