//go:build slow

package engine_test

// The spreadsheet round trip with a real spreadsheet program: LibreOffice Calc, headless.
// It takes seconds and needs soffice (Debian: libreoffice-calc-nogui), so it runs only
// with the slow tag: make test-slow.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// calc opens the CSV file in in LibreOffice Calc and saves it again as CSV, as an office
// does, and returns what it saved.
func calc(t *testing.T, name string, in []byte) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice is not installed (Debian: apt-get install libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	src, out := filepath.Join(dir, name), filepath.Join(dir, "out")
	if err := os.WriteFile(src, in, 0o600); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so a window the user has open is left alone.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv", "--outdir", out, src)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v: %s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLibreOfficeRoundTrip: Export Teachers & Students and a Completed File, each taken
// through LibreOffice Calc (open, save as CSV), upload again without changing an
// account: User IDs keep their leading zeros and digits, dates read as this century's,
// temporary passwords stay temporary (issue 13 items 11 and 25).
func TestLibreOfficeRoundTrip(t *testing.T) {
	e := newEnv(t)
	first := e.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name,Class Start Date,Class End Date",
		"00123,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,MATH,Math,08/15/2026,06/10/2027",
		"0456,Student,Ava,Johnson,,MATH,,,",
		"123456789012,Student,Noah,Smith,,MATH,,,")
	before := e.accounts(e.schoolA)

	t.Run("Export", func(t *testing.T) {
		var buf bytes.Buffer
		if err := e.svc.ExportUsers(e.ctx, admin, &buf, core.FormatCSV, e.schoolA.ID); err != nil {
			t.Fatal(err)
		}
		saved := calc(t, "export.csv", buf.Bytes())
		if !bytes.Contains(saved, []byte(",123,")) {
			t.Logf("Calc kept the leading zeros this time: %q", saved)
		}
		res := e.upload("export.csv", saved, e.schoolA, admin)
		if res.Status != core.StatusCompleted || res.UsersUpdated != 3 {
			t.Fatalf("upload of Calc's copy = %s %+v %q", res.Status, res.Counts, res.Notes)
		}
		if got := e.accounts(e.schoolA); len(got) != len(before) || got["00123"].GUID != before["00123"].GUID ||
			got["123456789012"].GUID != before["123456789012"].GUID {
			t.Errorf("accounts after the round trip = %v, want the User IDs unchanged", got)
		}
	})
	t.Run("CompletedFile", func(t *testing.T) {
		saved := calc(t, "completed.csv", e.fileBytes(first.Upload, core.FileCompleted, core.FormatCSV))
		res := e.upload("completed.csv", saved, e.schoolA, admin)
		if res.Status != core.StatusCompleted || res.UsersCreated != 0 {
			t.Fatalf("upload of Calc's copy of the Completed File = %s %+v %q", res.Status, res.Counts, res.Notes)
		}
		if !strings.Contains(strings.Join(res.Notes, "\n"), "changed by a spreadsheet program") {
			t.Errorf("notes %q do not say a spreadsheet program changed the file", res.Notes)
		}
		for id, a := range e.accounts(e.schoolA) {
			if a.Password != core.PasswordTemporary {
				t.Errorf("%s's password is %s after the Completed File came back, want temporary still", id, a.Password)
			}
		}
		if c := e.classes(e.schoolA)["MATH"]; c.Start != "2026-08-15" || c.End != "2027-06-10" {
			t.Errorf("MATH dates after the round trip = %s–%s", c.Start, c.End)
		}
	})
}
