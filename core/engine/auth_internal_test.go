package engine

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
)

// countingHasher hashes as package account does and counts the verifications of each
// kind, the expensive argon2id ones and the cheap SHA-256 ones.
type countingHasher struct {
	mu         sync.Mutex
	argon, sha int
}

func (h *countingHasher) Verify(encoded, password string) bool {
	h.mu.Lock()
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		h.argon++
	case strings.HasPrefix(encoded, "$sha256$"):
		h.sha++
	}
	h.mu.Unlock()
	return account.Verify(encoded, password)
}

func (h *countingHasher) HashPermanent(password string) string {
	return account.HashPermanent(password)
}

func (h *countingHasher) take() (argon, sha int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	argon, sha = h.argon, h.sha
	h.argon, h.sha = 0, 0
	return argon, sha
}

// TestSignInSameWork is issue 13 item 18: an unknown username answered in 60 ms and a
// known one in 300 ms, so usernames could be probed by timing. Every attempt must do
// the same hashing work — one argon2id and one SHA-256 verification — whether the
// username exists, which kind of password it has, and whether the password is right.
// The work is counted through the service's hasher, not timed.
func TestSignInSameWork(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc, err := Open(ctx, t.TempDir()+"/rosterdesk.db", Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h := &countingHasher{}
	svc.hash = h
	owner := Owner("Pat Office")
	if _, err := svc.Init(ctx, "Springfield"); err != nil {
		t.Fatal(err)
	}
	school, err := svc.AddSchool(ctx, owner, "Lincoln")
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Import(ctx, UploadRequest{FileName: "u.csv", SchoolID: school.ID, Actor: owner, Data: []byte(
		"User ID,Role,First Name,Last Name,Email,Username,Password\r\n" +
			"T1,Teacher,Maria,Garcia,mg@lincoln.example.org,mgarcia,\r\n" +
			"S1,Student,Ava,Lee,,alee,Sunflower2026\r\n" +
			"S2,Student,Noah,Kim,,nkim,\r\n")}, nil)
	if err != nil || res.Status != core.StatusCompleted {
		t.Fatalf("import: %+v, %v", res, err)
	}
	var buf strings.Builder
	if err := svc.WriteUploadFile(ctx, owner, &buf, res.Upload, core.FileCompleted, core.FormatCSV); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	mariaTemp := ""
	for _, r := range rows[1:] {
		if r[slices.Index(rows[0], "User ID")] == "T1" {
			mariaTemp = r[slices.Index(rows[0], "Password")]
		}
	}
	if mariaTemp == "" {
		t.Fatalf("no temporary password for T1 in the Completed File %q", rows)
	}
	_, cred, err := svc.AddOperator(ctx, owner, NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ChangePassword(ctx, "oadmin", cred.Password, "Lighthouse42x"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddOperator(ctx, owner, NewOperator{Username: "fresh", Name: "Fresh Admin", Role: core.OperatorOrgAdmin}); err != nil {
		t.Fatal(err)
	}
	h.take()

	for _, tt := range []struct{ name, username, password string }{
		{"UnknownUsername", "nobody", "Lighthouse42x"},
		{"EmptyUsername", "", "Lighthouse42x"},
		{"AdminPermanentRight", "oadmin", "Lighthouse42x"},
		{"AdminPermanentWrong", "oadmin", "Wrong12345x"},
		{"AdminTemporaryWrong", "fresh", "Wrong12345x"},
		{"TeacherTemporaryRight", "mgarcia", mariaTemp},
		{"TeacherTemporaryWrong", "mgarcia", "Wrong12345x"},
		{"StudentPermanentRight", "alee", "Sunflower2026"},
		{"StudentTemporaryWrong", "nkim", "Wrong12345x"},
		{"EmptyPassword", "oadmin", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := svc.SignIn(ctx, tt.username, tt.password); err != nil {
				t.Fatal(err)
			}
			if argon, sha := h.take(); argon != 1 || sha != 1 {
				t.Errorf("SignIn(%q) verified %d argon2id and %d SHA-256 hashes, want 1 and 1", tt.username, argon, sha)
			}
		})
	}
	t.Run("AtOnce", func(t *testing.T) {
		// Twenty wrong passwords at the same moment: at most five are checked before the
		// pause, so guessing in parallel gains nothing.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := svc.SignIn(ctx, "target", "Wrong12345x"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if argon, _ := h.take(); argon > signInLimit {
			t.Errorf("20 simultaneous attempts checked %d passwords, want at most %d", argon, signInLimit)
		}
	})
	t.Run("Paused", func(t *testing.T) {
		// While paused, no password is checked, for a known and an unknown username alike.
		for _, u := range []string{"target", "oadmin"} {
			for range signInLimit {
				svc.SignIn(ctx, u, "Wrong12345x")
			}
			h.take()
			if r, _ := svc.SignIn(ctx, u, "Lighthouse42x"); r.Status != AuthLocked {
				t.Fatalf("SignIn(%s) = %+v, want AuthLocked", u, r)
			}
			if argon, sha := h.take(); argon != 0 || sha != 0 {
				t.Errorf("a paused SignIn(%s) verified %d + %d hashes, want none", u, argon, sha)
			}
		}
	})
}
