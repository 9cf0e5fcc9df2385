package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/atomicfile"
)

// stopAt is a cards PDF whose printing Ctrl+C stops: at the first Write (while the
// cards are drawn), or right after Publish put the PDF in place and before the reset's
// passwords are committed.
type stopAt struct {
	*atomicfile.File
	stop        func()
	atWrite     bool
	stopped     bool
	afterRename bool
}

func (f *stopAt) Write(p []byte) (int, error) {
	if f.atWrite && !f.stopped {
		f.stopped = true
		f.stop()
	}
	return f.File.Write(p)
}

func (f *stopAt) Publish() error {
	err := f.File.Publish()
	if !f.atWrite && err == nil {
		_, statErr := os.Stat(f.Name())
		f.afterRename = statErr == nil
		f.stop()
	}
	return err
}

// TestResetCardsInterrupted: Ctrl+C during a class reset's cards, whether while they
// are drawn or between the PDF's rename and the passwords' commit, says exactly what
// happened (no password changed, no cards file left) and what to do, not rosterctl's
// general "interrupted" line about uploads; the PDF is gone and the old passwords still
// sign in. Before, the second case printed that line.
func TestResetCardsInterrupted(t *testing.T) {
	db, old := mathClass(t)

	for _, tt := range []struct {
		name    string
		atWrite bool
	}{{"WhileDrawn", true}, {"BetweenRenameAndCommit", false}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var f *stopAt
			createCards = func(path string) (cardsOutput, error) {
				af, err := atomicfile.Create(path)
				f = &stopAt{File: af, stop: cancel, atWrite: tt.atWrite}
				return f, err
			}
			t.Cleanup(func() { createCards = func(path string) (cardsOutput, error) { return atomicfile.Create(path) } })
			pdf := filepath.Join(t.TempDir(), "MATH.pdf")
			var stdout, stderr strings.Builder
			code := run(ctx, []string{"cards", "--school", "Oak School", "--class", "MATH", "--reset", "--db", db, "-o", pdf}, strings.NewReader(""), &stdout, &stderr)
			if !tt.atWrite && !f.afterRename {
				t.Fatal("the PDF was not in place when printing was stopped")
			}
			msg := strings.Join(strings.Fields(stderr.String()), " ")
			for _, want := range []string{"Stopped by Ctrl+C", "no password was changed", "no login cards were saved in " + pdf, "run the same command again"} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr %q, want it to say %q", msg, want)
				}
			}
			if code != exitInterrupted || strings.Contains(msg, "upload") {
				t.Errorf("rosterctl cards --reset stopped = %d, %q; want %d and nothing about uploads", code, msg, exitInterrupted)
			}
			if _, err := os.Stat(pdf); err == nil {
				t.Errorf("%s is there, yet its passwords were not stored", pdf)
			}
			for user, pw := range old {
				if code, _, _ := runInProcess(t, pw+"\n", "login", user, "--db", db); code != exitChangeRequired {
					t.Errorf("%s's old password no longer signs in (login = %d)", user, code)
				}
			}
		})
	}
}

// mathClass makes a database whose school Oak School has the class MATH of Maria Garcia
// (mgarcia) with the students Ava and Noah, imported, and returns its path and the
// students' temporary passwords by username, from the upload's Completed File.
func mathClass(t *testing.T) (db string, passwords map[string]string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "r.db")
	roster := filepath.Join(dir, "roster.csv")
	os.WriteFile(roster, []byte(strings.Join([]string{
		"User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T1,Teacher,Maria,Garcia,mgarcia@lincoln.example.org,MATH,Math 3A",
		"S1,Student,Ava,Johnson,,MATH,",
		"S2,Student,Noah,Smith,,MATH,",
	}, "\r\n")+"\r\n"), 0o600)
	mustRun(t, db, append(oakSchool,
		[]string{"import", "--school", "Oak School", "--as", "Tester", roster},
		[]string{"download", "--upload", "1", "--file", "completed", "-o", filepath.Join(dir, "completed.csv")})...)
	passwords = completedPasswords(t, filepath.Join(dir, "completed.csv"))
	delete(passwords, "mgarcia") // the teacher: not reset
	if len(passwords) != 2 {
		t.Fatalf("the Completed File's passwords = %q, want Ava's and Noah's", passwords)
	}
	return db, passwords
}

// completedPasswords reads a Completed File in CSV and returns its passwords by username.
func completedPasswords(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("read %s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	out := map[string]string{}
	for _, r := range recs[1:] {
		if pw := r[col["Password"]]; pw != "" {
			out[r[col["Username"]]] = pw
		}
	}
	return out
}
