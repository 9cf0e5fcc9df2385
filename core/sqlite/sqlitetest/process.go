package sqlitetest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Process is another program holding a database, played by a helper test of the test
// binary run in a process of its own: the helper prints a line once it holds the
// database and lets go when its standard input closes.
type Process struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  bool
	err   error
}

// StartProcess runs the test binary with args (such as "-test.run=^TestHelperX$") and
// env added to its environment, and returns once the process has printed a first line
// starting with ready. The end of the test stops it.
func StartProcess(t testing.TB, env, ready string, args ...string) *Process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), env)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { p.Stop() })
	r := bufio.NewReader(stdout)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, ready) {
		t.Fatalf("the process holding the database said %q, %v; want %q", line, err, ready)
	}
	go io.Copy(io.Discard, r)
	return p
}

// PID is the process's id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Stop closes the process's standard input, which makes it let go and end, and waits
// for it; again returns the same.
func (p *Process) Stop() error {
	if !p.done {
		p.done = true
		p.stdin.Close()
		p.err = p.cmd.Wait()
	}
	return p.err
}
