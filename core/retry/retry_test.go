package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	errBusy := errors.New("busy")
	t.Run("OKDoneAtOnce", func(t *testing.T) {
		calls := 0
		err := Until(context.Background(), time.Hour, time.Hour, func() (bool, error) { calls++; return true, nil })
		if err != nil || calls != 1 {
			t.Errorf("Until = %v after %d calls, want nil after 1", err, calls)
		}
	})
	t.Run("OKDoneOnThirdCall", func(t *testing.T) {
		calls := 0
		err := Until(context.Background(), time.Millisecond, time.Hour, func() (bool, error) {
			calls++
			if calls < 3 {
				return false, errBusy
			}
			return true, nil
		})
		if err != nil || calls != 3 {
			t.Errorf("Until = %v after %d calls, want nil after 3", err, calls)
		}
	})
	t.Run("ErrDoneWithError", func(t *testing.T) {
		err := Until(context.Background(), time.Millisecond, time.Hour, func() (bool, error) { return true, errBusy })
		if !errors.Is(err, errBusy) {
			t.Errorf("Until = %v, want the error try gave with done", err)
		}
	})
	t.Run("ErrLimit", func(t *testing.T) {
		calls := 0
		err := Until(context.Background(), time.Millisecond, 0, func() (bool, error) { calls++; return false, errBusy })
		if !errors.Is(err, errBusy) || calls != 1 {
			t.Errorf("Until with no time = %v after %d calls, want the last error after 1", err, calls)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		err := Until(ctx, time.Millisecond, Forever, func() (bool, error) {
			if calls++; calls == 2 {
				cancel()
			}
			return false, errBusy
		})
		if !errors.Is(err, context.Canceled) || calls != 2 {
			t.Errorf("Until cancelled = %v after %d calls, want context.Canceled after 2", err, calls)
		}
	})
}
