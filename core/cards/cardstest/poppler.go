// Package cardstest runs the poppler-utils tools (pdftotext, pdfinfo, pdftoppm) with which
// tests read back the PDFs Rosterdesk writes. CI installs poppler-utils; elsewhere a missing
// tool skips the test that needs it. It lives under core/cards (like net/http/httptest) so
// that the engine's, rosterctl's and the window's tests share it.
package cardstest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Run runs poppler tool name with args and returns its standard output, skipping the test
// when the tool is not installed (failing it under CI) and failing it when the tool fails.
func Run(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is missing: install Debian's poppler-utils", name)
		}
		tb.Skipf("%s is not installed (Debian: poppler-utils)", name)
	}
	out, err := exec.Command(p, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		tb.Fatalf("%s %q: %v\n%s", name, args, err, stderr)
	}
	return string(out)
}

// Pages returns the text of each page of the PDF at path as pdftotext reads it (with
// options such as -layout before the file), runs of white space made one space.
func Pages(tb testing.TB, path string, options ...string) []string {
	tb.Helper()
	out := Run(tb, "pdftotext", append(options, "-enc", "UTF-8", path, "-")...)
	pages := strings.Split(strings.TrimSuffix(out, "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

// Text returns the text of the PDF at path, its pages joined by a space.
func Text(tb testing.TB, path string) string {
	tb.Helper()
	return strings.Join(Pages(tb, path), " ")
}
