package rosterdesk

import (
	"strings"
	"testing"
)

func TestApp(t *testing.T) {
	m := App()
	if m.Name != "Rosterdesk" || m.ID != "org.rosterdesk.app" {
		t.Errorf("App() = %+v, want Rosterdesk, org.rosterdesk.app", m)
	}
	if m.Publisher == "" || m.Copyright == "" || m.Comment == "" || len(m.Categories) == 0 {
		t.Errorf("App() = %+v: the packages need Publisher, Copyright, Comment and Categories", m)
	}
	if Version() != m.Version {
		t.Errorf("Version() = %q, App().Version = %q", Version(), m.Version)
	}
}

func TestParseMeta(t *testing.T) {
	const ok = "[Details]\nName = \"X\"\nID = \"a.b\"\nVersion = \"1.2.3\"\nBuild = 4\n[Release]\nPublisher = \"P\"\n"
	m, err := ParseMeta(ok)
	if err != nil || m.Version != "1.2.3" || m.Build != 4 || m.Publisher != "P" {
		t.Fatalf("ParseMeta(ok) = %+v, %v", m, err)
	}
	tests := []struct{ name, text, want string }{
		{"ErrSyntax", "[Details", "parse FyneApp.toml"},
		{"ErrNoID", strings.Replace(ok, "ID = \"a.b\"", "", 1), "Name and ID"},
		{"ErrVersionWord", strings.Replace(ok, "1.2.3", "1.2.3-beta", 1), "not MAJOR.MINOR.PATCH"},
		{"ErrVersionShort", strings.Replace(ok, "1.2.3", "1.2", 1), "not MAJOR.MINOR.PATCH"},
		{"ErrBuild", strings.Replace(ok, "Build = 4", "Build = 0", 1), "Build must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseMeta(tt.text); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseMeta() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}
