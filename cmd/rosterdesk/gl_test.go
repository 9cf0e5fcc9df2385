package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

func TestReportNoGL(t *testing.T) {
	config := t.TempDir()
	var title, shown string
	cause := errors.New("WGL: The driver does not appear to support OpenGL")
	err := reportNoGL(cause, config, func(tt, msg string) { title, shown = tt, msg })

	logPath := filepath.Join(config, "Rosterdesk", "rosterdesk.log")
	for _, want := range []string{"OpenGL", "Remote Desktop", "graphics driver", "rosterctl", logPath} {
		if !strings.Contains(shown, want) {
			t.Errorf("message box %q does not mention %q", shown, want)
		}
	}
	if title != noGLTitle {
		t.Errorf("title = %q, want %q", title, noGLTitle)
	}
	// main prints the error on stderr: the same words as the box.
	if core.ErrorMessage(err) != shown || !errors.Is(err, cause) {
		t.Errorf("reportNoGL = %v, want the message shown, wrapping the cause", err)
	}
	b, rerr := os.ReadFile(logPath)
	if rerr != nil || !strings.Contains(string(b), cause.Error()) {
		t.Errorf("log %s = %q, %v; want the cause", logPath, b, rerr)
	}
	if st, _ := os.Stat(logPath); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("log mode = %v, want 0600", st.Mode().Perm())
	}

	// A second failure appends; no config folder still shows the message.
	reportNoGL(cause, config, func(string, string) {})
	if b, _ := os.ReadFile(logPath); strings.Count(string(b), "\n") != 2 {
		t.Errorf("log after two failures = %q, want two lines", b)
	}
	reportNoGL(cause, "", func(_, msg string) { shown = msg })
	if strings.Contains(shown, "saved in") || !strings.Contains(shown, "rosterctl") {
		t.Errorf("message without a log = %q", shown)
	}
}

// TestProbeGLWithoutDisplay: with no display at all GLFW cannot start, and the probe
// must say so rather than crash.
func TestProbeGLWithoutDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("unsetting DISPLAY removes the display on Linux only")
	}
	t.Setenv("DISPLAY", "")
	unsetenv(t, "WAYLAND_DISPLAY")
	if err := probeGL(); err == nil {
		t.Errorf("probeGL() with no display = nil, want an error")
	}
}

// TestProbeGLOnXvfb runs the probe on a virtual X server twice: with its GLX extension
// (Mesa's software OpenGL) the window can open; without it, as over Remote Desktop to
// a machine with no OpenGL, the probe must fail.
func TestProbeGLOnXvfb(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Xvfb is a Linux X server")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb is not installed (scripts/deps.sh installs it)")
	}
	t.Run("OK", func(t *testing.T) {
		t.Setenv("DISPLAY", startXvfb(t))
		unsetenv(t, "WAYLAND_DISPLAY")
		if err := probeGL(); err != nil {
			t.Errorf("probeGL() on Xvfb with GLX = %v, want nil", err)
		}
	})
	t.Run("ErrNoGLX", func(t *testing.T) {
		t.Setenv("DISPLAY", startXvfb(t, "-extension", "GLX"))
		unsetenv(t, "WAYLAND_DISPLAY")
		err := probeGL()
		if err == nil || !strings.Contains(err.Error(), "GLX") {
			t.Errorf("probeGL() on Xvfb without GLX = %v, want an error about GLX", err)
		}
	})
}

// startXvfb starts a virtual X server, stopped when the test ends, and returns its
// display name. -displayfd makes it pick a free display and print it once ready.
func startXvfb(t *testing.T, args ...string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", append([]string{"-displayfd", "3", "-screen", "0", "640x480x24", "-nolisten", "tcp"}, args...)...)
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// unsetenv removes an environment variable for the test: GLFW tries Wayland whenever
// WAYLAND_DISPLAY is set, even to "".
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "") // restores the old value when the test ends
	os.Unsetenv(key)
}
