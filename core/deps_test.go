package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestNoFyneInCore fails if any package under core depends, directly or not, on
// fyne.io/...: core is driven by both the window and rosterctl, and must stay usable
// headless (STYLE §1). It asks the go command, as tailscale's tstest/deptest does, so the
// rule cannot rot when someone adds an import.
func TestNoFyneInCore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	cmd := exec.Command(gobin, "list", "-deps", "-json=ImportPath,Deps", "./...")
	cmd.Dir = "." // the core package's folder: ./... is ./core/...
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./core/...: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		ImportPath string
		Deps       []string
	}
	seen, inCore := 0, 0
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		if strings.HasPrefix(p.ImportPath, "fyne.io/") {
			t.Errorf("core depends on %s; core must not import fyne.io/... (move the code to ui or cmd)", p.ImportPath)
			continue
		}
		if !strings.HasPrefix(p.ImportPath, "github.com/rosterdesk/rosterdesk/core") {
			continue
		}
		inCore++
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "fyne.io/") {
				t.Errorf("%s depends on %s; core must not import fyne.io/...", p.ImportPath, d)
			}
		}
	}
	if seen == 0 || inCore < 6 {
		t.Fatalf("go list listed %d packages, %d of them under core; want core, account, engine, report, roster and sqlite", seen, inCore)
	}
}
