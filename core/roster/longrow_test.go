package roster

import (
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestReadLongRowMessages: a row longer than the limit (64 MB) is not a file too large
// to read, and splitting the file, as the message said, does not help. A quote that
// opens a cell and runs over line breaks past the limit is a quote never closed: the
// message names its row, as it does for a smaller file. One line past the limit without
// line breaks is no roster at all: the file is unreadable, to be saved again from Excel.
func TestReadLongRowMessages(t *testing.T) {
	t.Parallel()
	rows := []string{"User ID,Role,First Name,Last Name", `S1,Student,Ann,Lee`, `S2,Student,"Bo,Lee`}
	for i := 3; i < 200; i++ {
		rows = append(rows, "S"+strings.Repeat("9", 10)+",Student,Cy,Lee")
	}
	_, _, err := readLimited(t, "r.csv", lines(rows...), core.ModeAdmin, Limits{RowBytes: 1 << 10})
	if got := codeOf(t, err); got != core.FileUnclosedQuote || !strings.Contains(core.ErrorMessage(err), "row 3") {
		t.Errorf("Read(a quote never closed, past the row limit) = %v, want %s naming row 3", err, core.FileUnclosedQuote)
	}

	_, _, err = readLimited(t, "r.csv", lines("User ID,Role,First Name,Last Name", "S1,Student,Ann,"+strings.Repeat("x", 4<<10)), core.ModeAdmin, Limits{RowBytes: 1 << 10})
	if got := codeOf(t, err); got != core.FileUnreadable || strings.Contains(core.ErrorMessage(err), "Split") {
		t.Errorf("Read(one line past the row limit) = %v, want %s, not advice to split the file", err, core.FileUnreadable)
	}
}
