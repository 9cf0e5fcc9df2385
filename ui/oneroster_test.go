package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestOneRosterExportAndPick: the Import page exports the selected school's OneRoster
// package, and an Organization Administrator the whole organization's, as .zip files;
// Choose File takes a OneRoster .zip like a roster.
func TestOneRosterExportAndPick(t *testing.T) {
	h := started(t)
	h.selectSchool("Lincoln Elementary")
	imp := h.a.imp
	if !imp.exportOrgOneRoster.Visible() {
		t.Fatal("an Organization Administrator is not offered the whole organization's package")
	}

	test.Tap(imp.exportOneRoster)
	h.settle()
	name, path := h.picker.lastSave()
	if name != "OneRoster_Lincoln_Elementary_2026-09-01.zip" {
		t.Errorf("package name = %q", name)
	}
	if got := readFile(t, path); got != "oneroster school=1" {
		t.Errorf("package = %q, want Lincoln's", got)
	}
	test.Tap(imp.exportOrgOneRoster)
	h.settle()
	if name, path = h.picker.lastSave(); name != "OneRoster_Riverside_USD_2026-09-01.zip" || readFile(t, path) != "oneroster school=0" {
		t.Errorf("organization package %q = %q, want school 0", name, readFile(t, path))
	}
	if filters := filtersFor(core.FormatOneRoster); len(filters) != 1 || filters[0].Extensions[0] != "zip" {
		t.Errorf("filtersFor(OneRoster) = %v, want the .zip filter", filters)
	}

	pkg := filepath.Join(t.TempDir(), "district.zip")
	if err := os.WriteFile(pkg, []byte("PK\x03\x04"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.picker.openPath = pkg
	test.Tap(imp.pickBtn)
	h.settle()
	if imp.fileLabel.Text != "district.zip" || imp.file == nil || imp.uploadBtn.Disabled() {
		t.Errorf("choosing a .zip: label %q, file %v, upload enabled %v", imp.fileLabel.Text, imp.file, !imp.uploadBtn.Disabled())
	}
}

// TestOneRosterExportSchoolAdmin: a School Organization Administrator exports their
// school's package but is not offered the organization's, which the engine refuses.
func TestOneRosterExportSchoolAdmin(t *testing.T) {
	eng := seeded()
	eng.operators = append(eng.operators, core.Operator{ID: 2, Username: "sam", Name: "Sam Ortiz", Role: core.OperatorSchoolAdmin,
		Schools: []core.School{{ID: 2, Name: "Washington Middle"}}})
	eng.passwords["sam"] = fakePassword{password: "Principal2026"}
	h := newHarness(t, eng)
	h.a.Start()
	h.settle()
	h.signInAs("sam", "Principal2026")
	h.settle()
	imp := h.a.imp
	if imp.exportOrgOneRoster.Visible() {
		t.Error("a School Organization Administrator is offered the whole organization's package")
	}
	test.Tap(imp.exportOneRoster)
	h.settle()
	if name, path := h.picker.lastSave(); name != "OneRoster_Washington_Middle_2026-09-01.zip" || readFile(t, path) != "oneroster school=2" {
		t.Errorf("Sam's package %q = %q, want Washington Middle's", name, readFile(t, path))
	}
}
