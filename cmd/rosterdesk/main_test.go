package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// These cases fail before any window opens, so they run without a display.
func TestRunRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string // ROSTERDESK_NOW
		want string
	}{
		{"ErrUnknownFlag", []string{"--nope"}, "", "flag provided but not defined"},
		{"ErrExtraArgument", []string{"file.csv"}, "", `unexpected argument "file.csv"`},
		{"ErrPage", []string{"--page", "settings"}, "", "--page must be"},
		{"ErrNow", []string{"--db", "x.db"}, "tomorrow", "ROSTERDESK_NOW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ROSTERDESK_NOW", tt.env)
			var stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stderr)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("run(%q) = %v (stderr %q), want an error about %q", tt.args, err, stderr.String(), tt.want)
			}
		})
	}
}

// TestRunRefusesDatabase: the window opens only a Rosterdesk database, and says what is
// wrong with anything else before any window opens.
func TestRunRefusesDatabase(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(text, []byte("User ID,Role\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrEmpty", []string{"--db", ""}, "--db needs"},
		{"ErrFolder", []string{"--db", dir}, "is a folder"},
		{"ErrNotRosterdesk", []string{"--db", text}, "not a Rosterdesk database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ROSTERDESK_DB", filepath.Join(dir, "env.db"))
			var stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stderr)
			msg := message(err)
			if err == nil || !strings.Contains(msg, tt.want) || !strings.Contains(msg, "--db") {
				t.Errorf("run(%q) = %q, want a message about %q and a hint about --db", tt.args, msg, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "env.db")); err == nil {
				t.Errorf("run(%q) made the default database", tt.args)
			}
		})
	}
	if b, _ := os.ReadFile(text); string(b) != "User ID,Role\r\n" {
		t.Errorf("the CSV given as --db was changed: %q", b)
	}
}

func TestRunHelp(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "usage: rosterdesk [--db PATH]") {
		t.Errorf("run(-h) = %v, stderr %q", err, stderr.String())
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--db", "/tmp/r.db", "--page", "history", "--sample"}, &bytes.Buffer{})
	if err != nil || o.db.Path != "/tmp/r.db" || o.page != "history" || !o.sample {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
}

func TestDuplicatesNotice(t *testing.T) {
	if got := duplicatesNotice(nil); got != "" {
		t.Errorf("duplicatesNotice(none) = %q, want \"\"", got)
	}
	dups := []engine.KeyDuplicate{{What: "User ID", Value: "ÄB1", Name: "Ann Lee"}, {What: "school name", Value: "Öster"}}
	got := duplicatesNotice(dups)
	if !strings.Contains(got, "2 accounts, classes or schools") || !strings.Contains(got, "rosterctl duplicates") {
		t.Errorf("duplicatesNotice = %q", got)
	}
	// The window may be at its sign-in screen: no one's name or ID is shown.
	for _, private := range []string{"ÄB1", "Ann", "Öster"} {
		if strings.Contains(got, private) {
			t.Errorf("duplicatesNotice shows %q: %q", private, got)
		}
	}
}
