//go:build unix

package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// withinASecond runs fn and fails the test if it has not returned in a second: an open
// of a named pipe with no writer blocks until one comes, which is the bug.
func withinASecond[T any](t *testing.T, what string, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(time.Second):
		t.Fatalf("%s blocked (a named pipe without a writer)", what)
		panic("unreachable")
	}
}

// TestOpenRefusesFIFO: a named pipe given as the roster is refused at once, with words
// saying what it is and what to give instead; it used to block rosterctl on its open
// until something was written to the pipe, and SIGTERM did not end it.
func TestOpenRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "roster.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	err := withinASecond(t, "Open(fifo)", func() error {
		f, err := Open(fifo)
		if err == nil {
			f.Close()
		}
		return err
	})
	msg := core.ErrorMessage(err)
	if !errors.Is(err, ErrNotAFile) || !strings.Contains(msg, fifo+" is a named pipe") || !strings.Contains(msg, instead) {
		t.Errorf("Open(fifo) = %v (%q), want it refused as a named pipe with what to give instead", err, msg)
	}
}

// TestOpenNonBlockingFIFO: should a named pipe take the file's place after Open looked,
// the open itself still returns at once, and what it opened is refused.
func TestOpenNonBlockingFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "roster.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	f := withinASecond(t, "openNonBlocking(fifo)", func() *os.File {
		f, err := openNonBlocking(fifo)
		if err != nil {
			t.Errorf("openNonBlocking(fifo) = %v, want it open", err)
		}
		return f
	})
	if f == nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := regular(fifo, st); !errors.Is(err, ErrNotAFile) {
		t.Errorf("regular(fifo) = %v, want ErrNotAFile", err)
	}
}

// TestOpenRefusesDevice: a device (here /dev/zero, which would never end) is refused by
// its kind.
func TestOpenRefusesDevice(t *testing.T) {
	_, err := Open("/dev/zero")
	if msg := core.ErrorMessage(err); !strings.Contains(msg, "/dev/zero is a device, not a file") {
		t.Errorf("Open(/dev/zero) = %v, want it refused as a device", err)
	}
}
