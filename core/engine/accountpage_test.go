package engine_test

import (
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestAccountsPageSearch: the Accounts page finds "Zoë Nguyễn" by "zoe", counts every
// match, pages them, and shows a teacher students only.
func TestAccountsPageSearch(t *testing.T) {
	e := newEnv(t)
	e.mustImport(
		"User ID,Role,First Name,Last Name,Grade Level,Email,Class ID,Class Name",
		"T1,Teacher,Zoe,Adams,,zadams@example.org,4A,Class 4A",
		"S1,Student,Zoë,Nguyễn,4,,4A,",
		"S2,Student,Zoé,Martin,4,,4A,",
		"S3,Student,Ben,Ng,4,,4A,",
	)
	page := func(actor engine.Actor, query string, offset, limit int) engine.AccountPage {
		t.Helper()
		p, err := e.svc.AccountsPage(e.ctx, actor, e.schoolA.ID, query, offset, limit)
		if err != nil {
			t.Fatalf("AccountsPage(%q, %d, %d): %v", query, offset, limit, err)
		}
		return p
	}
	names := func(p engine.AccountPage) string {
		var out []string
		for _, a := range p.Accounts {
			out = append(out, a.FirstName+" "+a.LastName)
		}
		return strings.Join(out, ", ")
	}
	if p := page(admin, "zoe", 0, 10); p.Total != 3 || names(p) != "Zoe Adams, Zoé Martin, Zoë Nguyễn" {
		t.Errorf("search zoe = %d: %s; want the teacher first, then the two students", p.Total, names(p))
	}
	if p := page(admin, "zoe", 1, 1); p.Total != 3 || names(p) != "Zoé Martin" {
		t.Errorf("search zoe, second page of 1 = %d: %s", p.Total, names(p))
	}
	if p := page(e.teacher("T1"), "ZOË", 0, 10); p.Total != 2 || names(p) != "Zoé Martin, Zoë Nguyễn" {
		t.Errorf("a teacher's search = %d: %s; want students only", p.Total, names(p))
	}
	if p := page(admin, "", 0, 2); p.Total != 4 || len(p.Accounts) != 2 {
		t.Errorf("first page of 2 = %d of %d", len(p.Accounts), p.Total)
	}
	if _, err := e.svc.AccountsPage(e.ctx, admin, 0, "", 0, 10); core.ErrorKind(err) != core.KindInvalid {
		t.Errorf("AccountsPage without a school: %v, want KindInvalid", err)
	}
}

// TestSearchKeyFoldsLikeUsernames: a search folds Latin names the way usernames are
// made from them, so typing a name as its username reads it finds the person.
func TestSearchKeyFoldsLikeUsernames(t *testing.T) {
	for _, name := range []string{"Zoë Nguyễn", "José Álvarez", "Søren Straße", "Łukasz Ærøe", "Œdipe Þórsson", "Ðặng Đức", "Ħamrun Ŋata"} {
		got := strings.ReplaceAll(core.SearchKey(name), " ", "")
		if want := account.FoldASCII(name); got != want {
			t.Errorf("SearchKey(%q) without spaces = %q, but its username folds to %q", name, got, want)
		}
	}
}

// TestWatchSeesOtherProcesses: the window's Watch sees an import made by another
// process (rosterctl) on the same database.
func TestWatchSeesOtherProcesses(t *testing.T) {
	e := newEnv(t)
	w, err := e.svc.Watch(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if changed, err := w.Changed(e.ctx); err != nil || changed {
		t.Fatalf("first Changed = %v, %v; want false", changed, err)
	}
	cli := e.open("rosterctl")
	if _, err := cli.AddSchool(e.ctx, admin, "Jefferson High"); err != nil {
		t.Fatal(err)
	}
	if changed, err := w.Changed(e.ctx); err != nil || !changed {
		t.Errorf("Changed after another process added a school = %v, %v; want true", changed, err)
	}
}
