package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestInitOrgName: the organization's name obeys the rules of a school's name. It heads
// the window, the sign-in screen and the Profile menu, so a name with a line break or an
// escape sequence (rosterctl init --org took any bytes) broke or spoofed the window, and a
// 100,000-character one filled it.
func TestInitOrgName(t *testing.T) {
	for _, tc := range []struct {
		name, org, want string // want "" means refused
	}{
		{"OK", "Springfield School District", "Springfield School District"},
		{"SpacesFolded", "  Springfield   School\u00a0District ", "Springfield School District"},
		{"ErrEmpty", "   ", ""},
		{"ErrLineBreak", "Springfield\nDistrict", ""},
		{"ErrEscape", "Springfield\x1b]0;owned\x07", ""},
		{"ErrDirectionOverride", "Springfield \u202etcirtsiD", ""},
		{"ErrLong", strings.Repeat("a", 101), ""},
		{"Long100", strings.Repeat("é", 100), strings.Repeat("é", 100)},
		{"ErrFormula", "=HYPERLINK(\"http://x\")", ""},
		{"ErrFormulaAfterSpaces", "  @SUM(A1)", ""},
		{"ErrMinus", "-North District", ""},
		{"ErrZeroWidthSpace", "Spring\u200bfield District", ""},
		{"ErrSoftHyphen", "Spring\u00adfield District", ""},
		{"ErrWordJoiner", "Springfield\u2060 District", ""},
		{"JoinerKept", "\u0645\u06cc\u200c\u0631\u0648\u062f", "\u0645\u06cc\u200c\u0631\u0648\u062f"},
		{"SignInside", "St. Mary's K-8 + Annex", "St. Mary's K-8 + Annex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			svc, err := engine.Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			o, err := svc.Init(ctx, tc.org)
			if tc.want == "" {
				if core.ErrorKind(err) != core.KindInvalid {
					t.Fatalf("Init(%q) = %q, %v; want a refusal of kind invalid", tc.org, o.Name, err)
				}
				if _, err := svc.Org(ctx); core.ErrorKind(err) != core.KindNotInitialized {
					t.Errorf("after a refused Init(%q), Org: %v; want no organization", tc.org, err)
				}
				return
			}
			if err != nil || o.Name != tc.want {
				t.Fatalf("Init(%q) = %q, %v; want %q", tc.org, o.Name, err, tc.want)
			}
		})
	}
}

// TestUploadNamesShownSafely: an upload's file name and its Uploaded By are stored as
// the history shows them, without control or text-direction characters. A file name on
// Linux may hold a line break or a right-to-left override ("roster\u202evsc.xlsx" reads
// "rosterxslx.csv" in the window), and rosterctl --as takes any text; both reached the
// window's Upload History, its Details and the names it suggests for the upload's
// files as they were.
func TestUploadNamesShownSafely(t *testing.T) {
	e := newEnv(t)
	res, err := e.svc.Import(e.ctx, engine.UploadRequest{
		FileName: "/home/pat/roster\u202evsc.xlsx\n2\x1b[2J.csv",
		Data:     csvOf("User ID,Role,First Name,Last Name", "S1,Student,Ann,Lee"),
		SchoolID: e.schoolA.ID, Actor: engine.Owner("Pat\u202e\nOffice"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.Upload(e.ctx, admin, res.Upload)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{u.FileName, u.UploadedBy, res.FileName} {
		if strings.ContainsFunc(s, core.Unprintable) {
			t.Errorf("stored name %q holds a control or text-direction character", s)
		}
	}
	if u.FileName != "roster_vsc.xlsx_2_[2J.csv" || u.UploadedBy != "Pat__Office" {
		t.Errorf("stored file name %q, uploaded by %q; want %q, %q", u.FileName, u.UploadedBy, "roster_vsc.xlsx_2_[2J.csv", "Pat__Office")
	}
	if res.Status != core.StatusCompleted {
		t.Errorf("status %s (%s); want Completed: the name does not change the format", res.Status, res.Message)
	}
}

// TestWaitMessageShowsHostSafely: the computer named in a wait's message comes from the
// database, where another computer wrote its host name, and Linux takes any bytes for
// one: a line break or an escape sequence in it reached the window's lock notice and
// status line as it was.
func TestWaitMessageShowsHostSafely(t *testing.T) {
	for _, w := range []engine.Wait{
		{Host: "pc\n\x1b]0;owned\x07The database is free again.", PID: 42},
		{Locked: true, Owner: "pc\u202e/42/n", Host: "pc\u202e", PID: 42},
		{TakingOver: true, Host: "pc\r\n", PID: 42},
	} {
		if msg := w.Message(); strings.ContainsFunc(msg, core.Unprintable) {
			t.Errorf("Message() = %q: a control or text-direction character of the host name", msg)
		}
	}
}

// TestAdminNameRefusesDirection: an administrator's name is shown as Uploaded By in
// every history and on the Profile menu, so it obeys the rule of every other name shown:
// no text-direction characters either ("Pat \u202eeciffO" reads "Pat Office" backwards
// and reorders what follows it). Only control characters were refused, and the message
// said the name was "missing or longer than 100 characters".
func TestAdminNameRefusesDirection(t *testing.T) {
	e := newEnv(t)
	for i, name := range []string{"Pat \u202eeciffO", "Pat\u2066 Office", "Pat \u200fOffice"} {
		op := engine.NewOperator{Username: fmt.Sprintf("pat%d", i), Name: name, Role: core.OperatorOrgAdmin}
		_, _, err := e.svc.AddOperator(e.ctx, admin, op)
		if core.ErrorCode(err) != core.AdminName || !strings.Contains(core.ErrorMessage(err), "control") {
			t.Errorf("AddOperator(name %q) = %v; want ADMIN_NAME saying it holds a control character", name, err)
		}
	}
}

// TestSchoolNameRefusals: a school is added and renamed under the organization's name
// rules. A name read as a formula reached OneRoster's orgs.csv, which is written as it
// is, and one with a zero-width space made a second school that looks like the first.
func TestSchoolNameRefusals(t *testing.T) {
	ctx := context.Background()
	svc, err := engine.Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if _, err := svc.Init(ctx, "Springfield District"); err != nil {
		t.Fatal(err)
	}
	owner := engine.Owner("Office")
	south, err := svc.AddSchool(ctx, owner, "South")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"=1+1", "+South", "So\u200buth", "South\ufeff"} {
		if _, err := svc.AddSchool(ctx, owner, name); core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("AddSchool(%q) = %v, want a refusal of kind invalid", name, err)
		}
		if err := svc.RenameSchool(ctx, owner, south.ID, name); core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("RenameSchool(%q) = %v, want a refusal of kind invalid", name, err)
		}
	}
}
