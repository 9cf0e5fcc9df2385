package engine_test

import (
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestFailedRowCellsNotApplied checks that a failed row's cells do not reach the database
// through another row of the same user or class: each row is all or nothing.
func TestFailedRowCellsNotApplied(t *testing.T) {
	e := newEnv(t)
	res := e.upload("narrow.csv", csvOf(
		"User ID,Role,First Name,Last Name,Grade Level,Email,Class ID,Class Name,Class Grade Level,Class Start Date",
		"T1,Teacher,Maria,Garcia,,maria@x.org,M1,Math,,",
		"S1,Student,Ann,Lee,,,M1,,,",
		// Row 4 fails (bad start date); its grade, email and class grade must not be applied.
		"S1,Student,Ann,Lee,4,ann@x.org,M1,,5,31/31/2026",
	), e.schoolA, admin)
	if res.Status != core.StatusCompletedWithError || res.Applied != 2 || res.Failed != 1 {
		t.Fatalf("status %s, applied %d, failed %d; want Completed with Errors, 2, 1 (notes %q)", res.Status, res.Applied, res.Failed, res.Notes)
	}
	if u := e.user("S1"); u.Grade != "" || u.Email != "" {
		t.Errorf("S1 grade %q, email %q; want both blank (they came only from the failed row)", u.Grade, u.Email)
	}
	if c := e.classes(e.schoolA)["M1"]; c.Grade != "" {
		t.Errorf("M1 class grade %q; want blank (it came only from the failed row)", c.Grade)
	}
}
