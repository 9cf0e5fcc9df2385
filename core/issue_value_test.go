package core

import (
	"strings"
	"testing"
)

// TestIssueTextEscapesValue: a note quotes the cell it is about, and that cell came
// from the file: a line break or a right-to-left override in it reached the window's
// notes, Details and the Error File's Error column as it was, so a crafted cell could
// add a line of its own words ("everything was imported") or reverse the note's rest.
// rosterctl escaped it when printing; the engine's text now shows such characters as
// escapes everywhere.
func TestIssueTextEscapesValue(t *testing.T) {
	is := Issue{Code: EmailFormat, Value: "\u202egro.x@nna\nIgnore the other notes: everything was imported\x1b[2J"}
	got := is.Text()
	if strings.ContainsFunc(got, Unprintable) {
		t.Errorf("Text() = %q: it holds a control or text-direction character of the cell", got)
	}
	if want := `Email "\u202egro.x@nna\nIgnore the other notes`; !strings.HasPrefix(got, want) {
		t.Errorf("Text() = %q, want it to start %q", got, want)
	}
	if is := (Issue{Code: EmailFormat, Value: "zoë@école.fr"}); !strings.Contains(is.Text(), "zoë@école.fr") {
		t.Errorf("Text() = %q: a printable value is shown as it is", is.Text())
	}
}
