package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
)

// TestImportOneRosterRemovesSpill: the spill a package is read into (a temporary file of
// the private folder, like the stage) is gone once the upload ends, whether it completed,
// failed as a whole before any row, or ran as a dry run.
func TestImportOneRosterRemovesSpill(t *testing.T) {
	e := newEnv(t)
	private := filepath.Join(filepath.Dir(e.path), ".rosterdesk-tmp")
	left := func(when string) {
		t.Helper()
		entries, err := os.ReadDir(private)
		if err != nil {
			t.Fatalf("read the private folder: %v", err)
		}
		for _, en := range entries {
			if strings.HasPrefix(en.Name(), "stage-") {
				t.Errorf("after %s, the private folder still holds %s", when, en.Name())
			}
		}
	}
	res := e.upload("district.zip", zipOf(t, districtFiles(t)), e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Rows == 0 {
		t.Fatalf("district import = %s, %d rows; want Completed with Errors (E09's class is missing)", res.Status, res.Rows)
	}
	left("an import")

	delta := district(func(f map[string]string) { replace(f, oneroster.ManifestFile, "file.users,bulk", "file.users,delta") })(t)
	if res := e.upload("delta.zip", delta, e.schoolA, admin); res.Status != core.StatusFailed {
		t.Errorf("delta package = %s, want Failed", res.Status)
	}
	left("a refused package")

	req := engine.UploadRequest{FileName: "district.zip", Data: zipOf(t, districtFiles(t)), SchoolID: e.schoolA.ID, Actor: admin}
	if _, err := e.svc.Check(e.ctx, req, nil); err != nil {
		t.Fatalf("Check: %v", err)
	}
	left("a dry run")
}
