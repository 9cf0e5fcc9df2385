package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestDuplicatesNoticeAfterLookalikeUpgrade: a database where an older Rosterdesk
// stored S11 and the fullwidth Ｓ１１ as two users is upgraded when the window opens
// it (engine.Open, as run does), and the notice the window shows from KeyDuplicates
// counts the pair, naming no one.
func TestDuplicatesNoticeAfterLookalikeUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	svc, err := engine.Open(ctx, path, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Init(ctx, "District"); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	// As the version before migration 007 keyed them (Ｓ１１'s key was ｓ１１); 007
	// adds no table, so a database that has forgotten running it is that older one.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (id, guid, user_id, user_id_key, role, first_name, last_name, username, username_key, created_at, updated_at) VALUES
			(1, '11111111-1111-4111-8111-111111111111', 'S11', 's11', 'Student', 'Ann', 'Lee', 'alee', 'alee', '2026-01-01', '2026-01-01'),
			(2, '22222222-2222-4222-8222-222222222222', 'Ｓ１１', 'ｓ１１', 'Student', 'Bob', 'Lee', 'blee', 'blee', '2026-01-01', '2026-01-01')`,
		`DELETE FROM schema_migrations WHERE name = 'migrations/007_compatibility_keys.go'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()

	svc, err = engine.Open(ctx, path, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	dups, err := svc.KeyDuplicates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := duplicatesNotice(dups)
	if !strings.HasPrefix(got, "1 account, class or school has the same User ID") || !strings.Contains(got, "rosterctl duplicates") {
		t.Errorf("duplicatesNotice after the upgrade = %q (from %+v)", got, dups)
	}
	for _, private := range []string{"S11", "Ｓ１１", "Ann", "Bob"} {
		if strings.Contains(got, private) {
			t.Errorf("duplicatesNotice shows %q: %q", private, got)
		}
	}
}
