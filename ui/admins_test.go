package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
)

// selectAdmin selects the administrator named name on the Administrators page.
func (h *harness) selectAdmin(name string) {
	h.t.Helper()
	s := h.a.admins
	for i, op := range s.ops {
		if op.Name == name {
			s.grid.Select(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
	h.t.Fatalf("the Administrators page has no %s: %+v", name, s.ops)
}

// TestAdministratorsPage drives the Administrators page: the list, adding a School
// Organization Administrator (the temporary password shown once, with Copy), editing
// their schools and teacher account, resetting a password, the last Organization
// Administrator kept, and removing.
func TestAdministratorsPage(t *testing.T) {
	h := started(t)
	if got := h.a.tabs.Items[len(h.a.tabs.Items)-1]; got != h.a.adminsTab {
		t.Fatal("an Organization Administrator has no Administrators page")
	}
	h.a.showPage(PageAdmins)
	h.settle()
	s := h.a.admins
	if len(s.ops) != 1 || s.summary.Text != "1 administrator" {
		t.Fatalf("administrators = %+v, summary %q", s.ops, s.summary.Text)
	}
	h.selectAdmin("Pat Lee")
	if !s.removeBtn.Disabled() || !s.hint.Visible() || !strings.Contains(s.hint.Text, "only Organization Administrator") {
		t.Errorf("the last Organization Administrator: Remove enabled %v, hint %q", !s.removeBtn.Disabled(), s.hint.Text)
	}

	// Add a School Organization Administrator for Washington Middle.
	test.Tap(s.addBtn)
	f := s.form
	test.Type(f.name, "Sam Ortiz")
	test.Type(f.username, "sam")
	f.role.SetSelected(roleSchoolChoice)
	if !f.modal.confirmBtn.Disabled() {
		t.Error("Add is enabled for a School Organization Administrator without a school")
	}
	f.schools.SetSelected([]string{"Washington Middle"})
	f.modal.submit()
	h.settle()
	shown := s.shown
	if shown == nil || !strings.Contains(shown.text.Text, "sam") || !strings.Contains(shown.text.Text, shown.cred.Password) || shown.cred.Password == "" {
		t.Fatalf("the new administrator's temporary password is not shown: %+v", shown)
	}
	test.Tap(shown.copyBtn)
	if got := h.app.Clipboard().Content(); !strings.Contains(got, "sam") || !strings.Contains(got, shown.cred.Password) {
		t.Errorf("clipboard = %q", got)
	}
	if len(s.ops) != 2 {
		t.Fatalf("after Add the page lists %d administrators", len(s.ops))
	}
	sam := s.ops[1]
	if sam.Role != core.OperatorSchoolAdmin || len(sam.Schools) != 1 || sam.Schools[0].Name != "Washington Middle" {
		t.Errorf("added %+v", sam)
	}
	// Sam signs in with the temporary password: a change is required (the fake's
	// answer is the engine's).
	if res, _ := h.eng.SignIn(context.Background(), "sam", shown.cred.Password); res.Code != core.SignInChangeRequired {
		t.Errorf("the new administrator's first sign-in = %+v", res)
	}

	// Edit: another school, and her own teacher account; a student's is refused.
	h.selectAdmin("Sam Ortiz")
	test.Tap(s.editBtn)
	f = s.form
	if !f.username.Disabled() || f.role.Selected != roleSchoolChoice {
		t.Errorf("the Edit dialog: username editable %v, role %q", !f.username.Disabled(), f.role.Selected)
	}
	f.schools.SetSelected([]string{"Lincoln Elementary", "Washington Middle"})
	f.teacher.SetText("bng")
	f.modal.submit()
	h.settle()
	if want := (core.Issue{Code: core.AdminNotTeacher, Value: "bng"}).Problem(); !strings.Contains(f.message.Text, want) {
		t.Errorf("linking a student's account says %q, want %q", f.message.Text, want)
	}
	f.teacher.SetText("adiaz")
	f.modal.submit()
	h.settle()
	h.selectAdmin("Sam Ortiz")
	sam, _ = s.current()
	if len(sam.Schools) != 2 || sam.Teacher.Username != "adiaz" {
		t.Errorf("after Edit Sam is %+v", sam)
	}

	// The last Organization Administrator stays one: the engine's words explain.
	h.selectAdmin("Pat Lee")
	test.Tap(s.editBtn)
	f = s.form
	f.role.SetSelected(roleSchoolChoice)
	f.schools.SetSelected([]string{"Lincoln Elementary"})
	f.modal.submit()
	h.settle()
	if want := (core.Issue{Code: core.AccessLastOrgAdmin, Value: "Pat Lee"}).Problem(); !strings.Contains(f.message.Text, want) {
		t.Errorf("demoting the last Organization Administrator says %q, want %q", f.message.Text, want)
	}
	f.modal.dismiss()

	// Reset Sam's password: a new one, shown once.
	h.selectAdmin("Sam Ortiz")
	before := shown.cred.Password
	test.Tap(s.resetBtn)
	s.confirm.submit()
	h.settle()
	if s.shown == shown || s.shown.cred.Password == before || s.shown.cred.Username != "sam" {
		t.Errorf("Reset Password showed %+v", s.shown.cred)
	}

	// Remove Sam.
	h.selectAdmin("Sam Ortiz")
	test.Tap(s.removeBtn)
	s.confirm.submit()
	h.settle()
	if len(s.ops) != 1 || h.eng.called("RemoveOperator") != 1 {
		t.Errorf("after Remove the page lists %+v", s.ops)
	}
}
