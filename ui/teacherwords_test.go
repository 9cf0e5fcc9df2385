package ui

import (
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestDetailsCountStudentsForTeachers: an upload's Details count a teacher's accounts
// as students, the only people a teacher's upload makes or changes.
func TestDetailsCountStudentsForTeachers(t *testing.T) {
	for _, tc := range []struct {
		mode core.Mode
		want string
	}{
		{core.ModeAdmin, "Users created: 2 · updated: 1"},
		{core.ModeTeacher, "Students created: 2 · updated: 1"},
	} {
		u := core.Upload{FileName: "f.csv", Status: core.StatusCompleted, Mode: tc.mode,
			Counts: core.Counts{Rows: 3, Applied: 3, UsersCreated: 2, UsersUpdated: 1}}
		if got := detailsHead(u); !strings.Contains(got, tc.want) {
			t.Errorf("detailsHead(mode %v) = %q, want %q in it", tc.mode, got, tc.want)
		}
	}
}
