package engine_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
)

// TestReuploadCompletedFileOfManyUsers: a Completed File uploaded again changes nobody
// (SPEC §12) and creates nobody, and its own Completed File shows each row with
// the same User GUID and username. With some 6,000 users it is more than one slice of
// the stage for the results pass's record of the users it does not create
// (ImportTx.AddUserResults).
func TestReuploadCompletedFileOfManyUsers(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, core.FormatCSV, gen.Config{Rows: 7000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	first := e.upload("roster.csv", buf.Bytes(), e.schoolA, admin)
	if first.Status != core.StatusCompleted || first.Applied != 7000 || first.UsersCreated < 5001 {
		t.Fatalf("first upload: %s, %d applied, %d users created; want Completed, 7000, more than 5000", first.Status, first.Applied, first.UsersCreated)
	}
	done := e.table(first.Upload, core.FileCompleted, core.FormatCSV)
	again := e.upload("roster-completed.csv", e.fileBytes(first.Upload, core.FileCompleted, core.FormatCSV), e.schoolA, admin)
	if again.Status != core.StatusCompleted || again.Applied != 7000 || again.UsersCreated != 0 || again.UsersUpdated != 0 {
		t.Fatalf("upload of the Completed File: %s, %d applied, %d created, %d updated; want Completed, 7000, 0, 0 (SPEC §12: it changes nothing); notes %q",
			again.Status, again.Applied, again.UsersCreated, again.UsersUpdated, again.Notes)
	}
	redone := e.table(again.Upload, core.FileCompleted, core.FormatCSV)
	for _, h := range []string{"User GUID", "Username", "Class GUID"} {
		if a, b := column(t, done, h), column(t, redone, h); !slices.Equal(a, b) {
			t.Errorf("%s column differs between the two Completed Files", h)
		}
	}
}
