package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestTakeOverOrphan: an upload left In Progress by a process of another computer (the
// computer renamed, the database copied) is taken over once its heartbeat has stayed
// unchanged for StaleAfter, whatever the host, and the waiting process says what it is
// waiting for and when it takes over. It used to wait 10 minutes, silently, behind a
// history that showed In Progress.
func TestTakeOverOrphan(t *testing.T) {
	e := newEnv(t)
	// The heartbeat is as fresh as can be: the orphan stopped just now.
	e.clock.Add(time.Until(e.clock.Now()) * -1)
	gone := e.open("old-office-pc/4242/a1b2c3d4")
	up, err := gone.Enqueue(e.ctx, engine.UploadRequest{FileName: "fall.csv", Data: lifecycleRoster, SchoolID: e.schoolA.ID, Actor: admin})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	_, err = gone.RunPending(ctx, func(p core.Progress) {
		if p.Phase == core.PhaseChecking {
			cancel() // the computer is switched off in the middle of the upload
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunPending with a cancel = %v, want context.Canceled", err)
	}

	var mu sync.Mutex
	var waits []engine.Wait
	here, err := engine.Open(e.ctx, e.path, engine.Options{Now: e.clock.Now, StaleAfter: 300 * time.Millisecond, OnWait: func(w engine.Wait) {
		mu.Lock()
		waits = append(waits, w)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	ctx, stop := context.WithTimeout(e.ctx, time.Minute)
	defer stop()
	results, err := here.RunPending(ctx, nil)
	if err != nil || len(results) != 1 || results[0].Upload != up.ID || !results[0].Status.Finished() || results[0].Applied == 0 {
		t.Fatalf("RunPending after the orphan = %+v, %v; want upload %d run to its end", results, err, up.ID)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(waits) < 2 {
		t.Fatalf("OnWait was called %d times, want a wait and a take-over", len(waits))
	}
	first, last := waits[0], waits[len(waits)-1]
	if first.TakingOver || first.Host != "old-office-pc" || first.TakeOverIn <= 0 || first.Message() == "" {
		t.Errorf("first wait = %+v (%q), want a wait for old-office-pc with a time to take over", first, first.Message())
	}
	if !last.TakingOver || last.Silent < 300*time.Millisecond {
		t.Errorf("last wait = %+v (%q), want the take-over after 300ms of silence", last, last.Message())
	}
	t.Logf("%d notices; first %q; last %q", len(waits), first.Message(), last.Message())
}
