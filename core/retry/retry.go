// Package retry is the one way Rosterdesk waits for something to become possible: a
// database another process is writing, an upload another process is running, a
// checkpoint a reader holds back.
package retry

import (
	"context"
	"time"
)

// Until calls try, waiting every between calls, until try reports done (Until returns
// the error try returned with it), ctx ends (ctx.Err()), or limit has passed since the
// first call (the last call's error). A limit of 0 allows one call; Forever sets none.
func Until(ctx context.Context, every, limit time.Duration, try func() (done bool, err error)) error {
	deadline := time.Now().Add(limit)
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		done, err := try()
		if done || limit >= 0 && !time.Now().Before(deadline) {
			return err
		}
		t.Reset(every)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Forever is the limit of an Until that stops only when done or ctx ends.
const Forever time.Duration = -1
