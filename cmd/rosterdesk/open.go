package main

import (
	"context"
	"sync/atomic"

	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/ui"
)

// opener opens the database on a goroutine of its own and routes the engine's wait
// notices: to the desk once it exists, to the opening screen while that shows, and,
// before either, the first notice that the open waits for the database's write lock to
// waiting, so that run shows the window then rather than nothing until the lock is free.
type opener struct {
	desk    atomic.Pointer[ui.App]
	opening atomic.Pointer[ui.Opening]
	waiting chan engine.Wait
	done    chan opened
	cancel  context.CancelFunc
}

// opened is how the open ended.
type opened struct {
	svc *engine.Service
	err error
}

// startOpen starts opening the database at path with opts, whose OnWait it sets.
func startOpen(ctx context.Context, path string, opts engine.Options) *opener {
	op := &opener{waiting: make(chan engine.Wait, 1), done: make(chan opened, 1)}
	ctx, op.cancel = context.WithCancel(ctx)
	opts.OnWait = op.onWait
	go func() {
		svc, err := engine.Open(ctx, path, opts)
		op.done <- opened{svc, err}
	}()
	return op
}

func (op *opener) onWait(w engine.Wait) {
	if d := op.desk.Load(); d != nil {
		d.ShowWait(w)
		return
	}
	if s := op.opening.Load(); s != nil {
		s.ShowWait(w)
		return
	}
	if w.Locked && !w.Freed {
		select {
		case op.waiting <- w:
		default: // run has one to read already
		}
	}
}

// abandon stops an open whose ending nobody has read yet and closes what it opened.
func (op *opener) abandon() error {
	op.cancel()
	if r := <-op.done; r.svc != nil {
		return r.svc.Close()
	}
	return nil
}
