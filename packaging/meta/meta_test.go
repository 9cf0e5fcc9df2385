package main

import (
	"bytes"
	"debug/pe"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/rosterdesk/rosterdesk"
)

// TestNoticesUpToDate: assets/notices.txt lists every module the programs link, with
// its licence texts, as the module graph says today.
func TestNoticesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list for three systems")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := notices(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "assets", "notices.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("assets/notices.txt is out of date with the module graph: run go generate ./assets")
	}
	for _, mod := range []string{"fyne.io/fyne/v2", "modernc.org/sqlite", "github.com/xuri/excelize/v2", "github.com/sqweek/dialog", "Go (standard library"} {
		if !bytes.Contains(want, []byte("\n"+mod)) {
			t.Errorf("notices do not mention %s", mod)
		}
	}
}

// TestSyso builds the Windows resources and reads them back as Windows would: the
// version block, the manifest and the icon groups must be there with FyneApp.toml's
// values.
func TestSyso(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rsrc_windows_amd64.syso")
	if err := run([]string{"syso", "-exe", "rosterctl.exe", "-desc", "Rosterdesk command line", "-o", out}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := pe.Open(out) // a .syso is a COFF object, which debug/pe reads
	if err != nil {
		t.Fatalf("open %s as COFF: %v", out, err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine = %#x, want amd64", f.Machine)
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatal("no .rsrc section")
	}
	data, err := sec.Data()
	if err != nil {
		t.Fatal(err)
	}
	m := rosterdesk.App()
	for _, s := range []string{m.Name, m.Version + "." + strconv.Itoa(m.Build), m.Publisher, m.Copyright, "rosterctl.exe", "Rosterdesk command line"} {
		if !bytes.Contains(data, utf16le(s)) {
			t.Errorf("version resources lack %q", s)
		}
	}
	for _, s := range []string{`level="asInvoker"`, "PerMonitorV2", "true/pm", `version="` + m.Version + "." + strconv.Itoa(m.Build) + `"`} {
		if !bytes.Contains(data, []byte(s)) {
			t.Errorf("manifest lacks %s", s)
		}
	}
	if !bytes.Contains(data, []byte("\x89PNG")) {
		t.Errorf("no icon image in the resources")
	}
}

func TestPlist(t *testing.T) {
	var b bytes.Buffer
	if err := run([]string{"plist", "-exe", "rosterdesk"}, &b); err != nil {
		t.Fatal(err)
	}
	// A plist dict is key, value, key, value…: read it into a map.
	var doc struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Text    string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("Info.plist is not XML: %v\n%s", err, b.String())
	}
	got := map[string]string{}
	items := doc.Dict.Items
	for i := 0; i+1 < len(items); i += 2 {
		got[items[i].Text] = strings.TrimSpace(items[i+1].Text)
	}
	m := rosterdesk.App()
	for k, want := range map[string]string{
		"CFBundleIdentifier": m.ID, "CFBundleShortVersionString": m.Version, "CFBundleVersion": strconv.Itoa(m.Build),
		"CFBundleExecutable": "rosterdesk", "CFBundleName": m.Name, "NSHumanReadableCopyright": m.Copyright,
		"LSMinimumSystemVersion": "12.0",
	} {
		if got[k] != want {
			t.Errorf("Info.plist %s = %q, want %q", k, got[k], want)
		}
	}
}

func TestNSISAndDesktop(t *testing.T) {
	m := rosterdesk.App()
	var b bytes.Buffer
	if err := run([]string{"nsis"}, &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`!define APP_VERSION "` + m.Version + `"`, `!define APP_ID "` + m.ID + `"`, `!define APP_PUBLISHER "` + m.Publisher + `"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("nsis defines lack %s:\n%s", want, b.String())
		}
	}
	if got := string(nsisDefines(vals{Version4: `a"$b`})); !strings.Contains(got, `"a$\"$$b"`) {
		t.Errorf("nsisDefines does not escape: %s", got)
	}
	b.Reset()
	if err := run([]string{"desktop", "-exe", "rosterdesk"}, &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Exec=rosterdesk\n", "Icon=" + m.ID + "\n", "Categories=Education;Office;\n", "Comment=" + m.Comment + "\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("desktop entry lacks %q:\n%s", want, b.String())
		}
	}
	if _, err := exec.LookPath("desktop-file-validate"); err == nil {
		p := filepath.Join(t.TempDir(), m.ID+".desktop")
		os.WriteFile(p, b.Bytes(), 0o644)
		if out, err := exec.Command("desktop-file-validate", p).CombinedOutput(); err != nil {
			t.Errorf("desktop-file-validate: %v\n%s", err, out)
		}
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}
