package main

// Proof under stress: these tests drive the built rosterctl the way the field breaks it
// (SIGKILL mid-import, two imports at once, a full or read-only disk, hostile files) and
// check that Rosterdesk loses nothing and lets nothing through. They are skipped under
// -short. scripts/crash.sh runs the crash test at full size with random kill moments.

import (
	"os"
	"slices"
	"testing"
)

// TestCrashResume kills an import with SIGKILL at three moments (just after the upload
// is recorded, while typed passwords are hashed, and once hashing is done, when the
// write transaction runs), runs "rosterctl resume", and checks that the database ends
// exactly as after an uninterrupted import: same users, usernames, classes and
// enrollments, one upload with the same counts, no duplicate account, and typed
// passwords that still sign in. The kill moments are observable states of the upload
// (status and progress), not delays, so each round kills at the same point every time.
func TestCrashResume(t *testing.T) {
	dir := t.TempDir()
	roster, pws := genRoster(rosterSpec{rows: 3000, prefix: "A", pwEvery: 20, badEvery: 500})
	file := dir + "/roster.csv"
	if err := os.WriteFile(file, roster, 0o644); err != nil {
		t.Fatal(err)
	}
	importArgs := []string{"import", "--school", stressSchool, "--as", "Crash Tester", "--json", file}

	ref := newStress(t, t.TempDir())
	ref.setUp()
	ref.must([]int{3}, "", importArgs...)
	want := ref.snapshot("ref")
	if want.upload.Failed == 0 || want.upload.Applied < 2900 || len(want.users) < 2600 {
		t.Fatalf("reference import = %+v with %d users, want ~3,000 rows applied and a few failed", want.upload, len(want.users))
	}

	moments := []struct {
		name string
		cond func([]upload) bool
	}{
		// The upload is recorded (Queued, or just claimed): nothing is applied yet.
		{"Recorded", func(us []upload) bool { return len(us) == 1 }},
		// Hashing typed passwords: progress counts hashes, some but not all done.
		{"Hashing", func(us []upload) bool {
			return len(us) == 1 && us[0].Status == "In Progress" && us[0].Total > 0 && us[0].Done > 0 && us[0].Done < us[0].Total
		}},
		// Every hash is done: what is left is the one write transaction.
		{"Applying", func(us []upload) bool {
			return len(us) == 1 && us[0].Status == "In Progress" && us[0].Total > 0 && us[0].Done == us[0].Total
		}},
	}
	for _, m := range moments {
		t.Run(m.name, func(t *testing.T) {
			s := newStress(t, t.TempDir())
			s.setUp()
			db := s.openRO()
			b := s.start(importArgs...)
			reached := s.waitFor(db, b, m.name, m.cond)
			killed := b.kill()
			if !reached || !killed {
				o := b.wait()
				t.Fatalf("the import ended (exit %d) before the %s moment could be seen; stderr: %s", o.code, m.name, o.stderr)
			}
			us, err := uploads(db)
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != 1 || us[0].Status == "Completed" || us[0].Status == "Completed with Errors" {
				t.Fatalf("after SIGKILL at %s: uploads = %+v, want one unfinished", m.name, us)
			}
			t.Logf("killed at %s: upload %s, progress %d/%d", m.name, us[0].Status, us[0].Done, us[0].Total)

			o := s.must([]int{3}, "", "resume")
			got := s.snapshot("got")
			for _, d := range diffState(got, want) {
				t.Error(d)
			}
			if !maps(got.usernames, want.usernames) {
				t.Error("usernames differ from the uninterrupted run's")
			}
			checkNoDuplicates(t, s)
			if us, _ := uploads(db); len(us) == 1 {
				t.Logf("resume: %q; attempts %d", firstLine(o.stdout), us[0].Attempts)
			}
			checkTypedLogins(t, s, got.usernames, pws)
		})
	}
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

// checkNoDuplicates fails when a User ID appears twice in the school's export: a resumed
// upload that re-created users would show here first.
func checkNoDuplicates(t *testing.T, s *stress) {
	t.Helper()
	p := s.path("dup-users.csv")
	s.must(ok0, "", "export", "users", "--school", stressSchool, "-o", p)
	tb := readTable(t, p)
	var ids []string
	for _, r := range tb.rows {
		ids = append(ids, tb.get(t, r, "User ID"))
	}
	slices.Sort(ids)
	if n := len(slices.Compact(slices.Clone(ids))); n != len(ids) {
		t.Errorf("export has %d rows but %d distinct User IDs: duplicate accounts", len(ids), n)
	}
}

// checkTypedLogins signs in three users with the passwords they typed: hashes computed
// before a kill must not be lost or mixed up by the re-run.
func checkTypedLogins(t *testing.T, s *stress, usernames map[string]string, pws []typedPassword) {
	t.Helper()
	if len(pws) < 3 {
		t.Fatalf("only %d typed passwords in the roster", len(pws))
	}
	for _, p := range []typedPassword{pws[0], pws[len(pws)/2], pws[len(pws)-1]} {
		u := usernames[p.userID]
		if u == "" {
			t.Errorf("user %s (typed password) is missing", p.userID)
			continue
		}
		if o := s.run(p.password+"\n", "login", u); o.code != 0 {
			t.Errorf("login %s (%s) with the typed password = exit %d, want 0; stderr: %s", u, p.userID, o.code, o.stderr)
		}
	}
}
