package proc

import (
	"os"
	"os/exec"
	"testing"
)

func TestAlive(t *testing.T) {
	if !Alive(os.Getpid()) {
		t.Errorf("Alive(this process %d) = false", os.Getpid())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run a process to end: %v", err)
	}
	if Alive(cmd.Process.Pid) {
		t.Errorf("Alive(%d) = true for a process that ended and was waited for", cmd.Process.Pid)
	}
	if Alive(2147483646) { // above Linux's pid_max, and not a multiple of 4 (Windows)
		t.Error("Alive(2147483646) = true")
	}
}
