//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestResetCardsRenameFails: when the reset's PDF cannot be put in place (here a bind
// mount holds its name, so the rename fails with "device busy"), rosterctl says the file
// was not written and no password changed, and the old passwords still sign in. Then
// the same reset into a free name works, and only the new passwords sign in.
func TestResetCardsRenameFails(t *testing.T) {
	db, old := mathClass(t)
	signsIn := func(username, pw string) bool {
		code, _, _ := runInProcess(t, pw+"\n", "login", username, "--db", db)
		return code == exitChangeRequired // a temporary password that signs in
	}

	out := t.TempDir()
	pdf := filepath.Join(out, "MATH.pdf")
	mounted := filepath.Join(t.TempDir(), "mounted")
	os.WriteFile(pdf, []byte("old cards"), 0o600)
	os.WriteFile(mounted, []byte("old cards"), 0o600)
	if b, err := exec.Command("mount", "--bind", mounted, pdf).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount here (%v: %s); run as root on Linux to make a rename fail", err, strings.TrimSpace(string(b)))
	}
	t.Cleanup(func() {
		if b, err := exec.Command("umount", pdf).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", pdf, err, b)
		}
	})
	reset := []string{"cards", "--school", "Oak School", "--class", "MATH", "--reset", "--db", db, "-o"}
	code, stdout, stderr := runInProcess(t, "", append(reset, pdf)...)
	if code != exitUsage || !strings.Contains(stderr, "MATH.pdf was not written") || !strings.Contains(stderr, "No password was changed") {
		t.Errorf("cards --reset whose rename fails = %d\nstdout: %s\nstderr: %s\nwant %d, not written, no password changed", code, stdout, stderr, exitUsage)
	}
	for user, pw := range old {
		if !signsIn(user, pw) {
			t.Errorf("%s's old password no longer signs in, yet the cards were not written", user)
		}
	}
	if b, _ := os.ReadFile(pdf); string(b) != "old cards" {
		t.Errorf("the file in the way holds %q", b)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("%s holds %v, want only MATH.pdf: no temporary file", out, entries)
	}

	// Into a free name the same reset works: the old passwords stop, the PDF is there.
	free := filepath.Join(out, "MATH2.pdf")
	if code, _, stderr := runInProcess(t, "", append(reset, free)...); code != 0 {
		t.Fatalf("cards --reset = %d: %s", code, stderr)
	}
	if st, err := os.Stat(free); err != nil || st.Size() == 0 {
		t.Errorf("%s: %v, want the PDF", free, err)
	}
	for user, pw := range old {
		if signsIn(user, pw) {
			t.Errorf("%s's old password still signs in after the reset", user)
		}
	}
}
