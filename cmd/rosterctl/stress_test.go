//go:build linux

package main

// Proof under stress: these tests drive the built rosterctl the way the field breaks it
// (SIGKILL mid-import, two imports at once, a full or read-only disk, hostile files) and
// check that Rosterdesk loses nothing and lets nothing through. They are skipped under
// -short. scripts/crash.sh runs the crash test at full size with random kill moments.

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/xuri/excelize/v2"
)

// TestCrashResume kills an import with SIGKILL at three moments (just after the upload
// is recorded, while typed passwords are hashed, and once hashing is done, when the
// write transaction runs), runs "rosterctl resume", and checks that the database ends
// exactly as after an uninterrupted import: same users, usernames, classes and
// enrollments, one upload with the same counts, no duplicate account, and typed
// passwords that still sign in. The kill moments are observable states of the upload
// (status and progress), not delays, so each round kills at the same point every time.
func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary many times")
	}
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

// TestTwoProcesses runs two imports of different files into one database at the same
// moment, with a third process reading the history in a loop. Both must succeed with the
// counts each file gives alone, no process may see "database is locked", each upload
// must run exactly once, and the uploads must run one after the other.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary many times")
	}
	dir := t.TempDir()
	fileA, fileB := dir+"/a.csv", dir+"/b.csv"
	a, _ := genRoster(rosterSpec{rows: 3000, prefix: "A", pwEvery: 40, badEvery: 500})
	b, _ := genRoster(rosterSpec{rows: 3000, prefix: "B", pwEvery: 40})
	if err := os.WriteFile(fileA, a, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fileB, b, 0o644); err != nil {
		t.Fatal(err)
	}
	argsA := []string{"import", "--school", stressSchool, "--json", fileA}
	argsB := []string{"import", "--school", stressSchool, "--json", fileB}

	// The counts each file gives on its own. The files share no User ID, Class ID or
	// typed username, so the order they run in does not change them.
	ref := newStress(t, t.TempDir())
	ref.setUp()
	want := map[string]importResult{}
	for _, args := range [][]string{argsA, argsB} {
		var r importResult
		o := ref.must([]int{0, 3}, "", args...)
		decodeJSON(t, o.stdout, &r, importKeys)
		r.Upload = 0
		want[args[len(args)-1]] = r
	}

	s := newStress(t, t.TempDir())
	s.realClock = true // started_at and finished_at must be real times to compare
	s.setUp()
	impA, impB := s.start(argsA...), s.start(argsB...)

	// The reader: history --json over and over until both imports have ended. Each run
	// opens the database as the window would, while the imports write.
	var readers []outcome
	for !impA.finished() || !impB.finished() {
		readers = append(readers, s.run("", "history", "--json"))
		if len(readers) > 2000 {
			t.Fatal("the imports did not end after 2,000 history reads")
		}
	}
	oA, oB := impA.wait(), impB.wait()

	for _, o := range append([]outcome{oA, oB}, readers...) {
		if strings.Contains(strings.ToLower(o.stderr), "locked") || strings.Contains(strings.ToLower(o.stderr), "busy") {
			t.Errorf("a process reported a busy database: %s", o.stderr)
		}
	}
	failedReads := 0
	for _, o := range readers {
		if o.code != 0 {
			failedReads++
		}
	}
	if failedReads > 0 {
		t.Errorf("%d of %d history reads failed", failedReads, len(readers))
	}
	t.Logf("%d history reads while the two imports ran", len(readers))
	// One at a time, as each reader saw it.
	for _, o := range readers {
		var h []historyEntry
		if o.code == 0 && json.Unmarshal([]byte(o.stdout), &h) == nil {
			running := 0
			for _, e := range h {
				if e.Status == "In Progress" {
					running++
				}
			}
			if running > 1 {
				t.Errorf("a reader saw %d uploads In Progress at once: %+v", running, h)
			}
		}
	}

	for _, c := range []struct {
		o    outcome
		file string
	}{{oA, fileA}, {oB, fileB}} {
		var r importResult
		decodeJSON(t, c.o.stdout, &r, importKeys)
		r.Upload = 0
		if w := want[c.file]; r != w {
			t.Errorf("import %s = %+v (exit %d), want %+v", filepath.Base(c.file), r, c.o.code, w)
		}
		if c.o.code != statusExit(core.Status(r.Status)) {
			t.Errorf("import %s exit = %d for status %s", filepath.Base(c.file), c.o.code, r.Status)
		}
	}

	hist := s.history()
	if len(hist) != 2 {
		t.Fatalf("history has %d uploads, want 2: %+v", len(hist), hist)
	}
	for _, h := range hist {
		w := want[filepath.Join(dir, h.File)]
		got := h.importResult
		got.Upload = 0
		if got != w {
			t.Errorf("history of %s = %+v, want %+v", h.File, got, w)
		}
	}

	us, err := uploads(s.openRO())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Attempts != 1 {
			t.Errorf("upload %d ran %d times, want once", u.ID, u.Attempts)
		}
	}
	slices.SortFunc(us, func(x, y upload) int { return strings.Compare(x.Started, y.Started) })
	if len(us) == 2 {
		if us[0].Finished > us[1].Started {
			t.Errorf("uploads overlapped: %d ran %s–%s, %d ran %s–%s", us[0].ID, us[0].Started, us[0].Finished, us[1].ID, us[1].Started, us[1].Finished)
		}
		t.Logf("upload %d ran %s–%s, upload %d ran %s–%s", us[0].ID, us[0].Started, us[0].Finished, us[1].ID, us[1].Started, us[1].Finished)
	}
}

// TestTakeOverDeadOwner checks both sides of the claim on an In Progress upload: a killed
// owner's upload is taken back by resume, and a live owner's upload is not, however
// eager the resume.
func TestTakeOverDeadOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary many times")
	}
	dir := t.TempDir()

	t.Run("Dead", func(t *testing.T) {
		roster, _ := genRoster(rosterSpec{rows: 1000, prefix: "D", pwEvery: 10})
		file := dir + "/dead.csv"
		if err := os.WriteFile(file, roster, 0o644); err != nil {
			t.Fatal(err)
		}
		s := newStress(t, t.TempDir())
		s.setUp()
		db := s.openRO()
		b := s.start("import", "--school", stressSchool, file)
		pid := b.cmd.Process.Pid
		if !s.waitFor(db, b, "In Progress", func(us []upload) bool { return len(us) == 1 && us[0].Status == "In Progress" && us[0].Done > 0 }) || !b.kill() {
			t.Fatalf("the import ended before it could be killed: %+v", b.wait())
		}
		us, _ := uploads(db)
		if len(us) != 1 || us[0].Status != "In Progress" || !ownedBy(us[0], pid) {
			t.Fatalf("after the kill, uploads = %+v, want one In Progress owned by pid %d", us, pid)
		}
		o := s.must(ok0, "", "resume")
		us, _ = uploads(db)
		if len(us) != 1 || us[0].Status != "Completed" || us[0].Attempts != 2 || ownedBy(us[0], pid) {
			t.Errorf("after resume, uploads = %+v, want one Completed on a second attempt by another process", us)
		}
		t.Logf("resume took over from killed pid %d: %s", pid, firstLine(o.stdout))
	})

	t.Run("Alive", func(t *testing.T) {
		// 20,000 rows and ~180 typed passwords: several seconds In Progress outside the
		// write transaction, when a careless resume could take the upload.
		roster, _ := genRoster(rosterSpec{rows: 20000, prefix: "L", pwEvery: 100})
		file := dir + "/alive.csv"
		if err := os.WriteFile(file, roster, 0o644); err != nil {
			t.Fatal(err)
		}
		s := newStress(t, t.TempDir())
		s.setUp()
		db := s.openRO()
		imp := s.start("import", "--school", stressSchool, "--json", file)
		pid := imp.cmd.Process.Pid
		if !s.waitFor(db, imp, "hashing", func(us []upload) bool {
			return len(us) == 1 && us[0].Status == "In Progress" && us[0].Done > 0 && us[0].Done < us[0].Total
		}) {
			t.Fatalf("the import ended before resume could start: %+v", imp.wait())
		}
		res := s.start("resume")
		// While the import runs, its upload stays its own.
		seen := 0
		s.waitFor(db, imp, "the import to end", func(us []upload) bool {
			seen++
			if len(us) != 1 || !ownedBy(us[0], pid) {
				t.Fatalf("while its owner runs, the upload changed hands: %+v", us)
			}
			return false
		})
		oi, or := imp.wait(), res.wait()
		if oi.code != 0 {
			t.Errorf("import = exit %d, want 0; stderr: %s", oi.code, oi.stderr)
		}
		if or.code != 0 || !strings.Contains(or.stdout, "No upload was waiting") {
			t.Errorf("resume = exit %d, stdout %q, want 0 and \"No upload was waiting\"", or.code, or.stdout)
		}
		us, _ := uploads(db)
		if len(us) != 1 || us[0].Status != "Completed" || us[0].Attempts != 1 || !ownedBy(us[0], pid) {
			t.Errorf("uploads = %+v, want one Completed on its first attempt by pid %d", us, pid)
		}
		t.Logf("the live owner kept its upload through %d checks; resume: %q", seen, firstLine(or.stdout))
	})
}

// ownedBy reports whether u's claim is process pid's ("host/pid/nonce").
func ownedBy(u upload, pid int) bool {
	return strings.Contains(u.Owner, "/"+strconv.Itoa(pid)+"/")
}

// TestReadOnlyDatabase imports into a database that cannot be written: rosterctl must
// stop with exit 2 and say so in plain words, and the database must be as it was. As
// root (who ignores file permissions) the database sits on a tmpfs remounted read-only;
// otherwise the file and its folder lose their write permission.
func TestReadOnlyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	var s *stress
	var lock, unlock func()
	if os.Geteuid() == 0 {
		mnt := mountTmpfs(t, "16m")
		s = newStress(t, mnt)
		lock, unlock = func() { remount(t, mnt, "ro") }, func() { remount(t, mnt, "rw") }
	} else {
		s = newStress(t, t.TempDir())
		lock = func() {
			for _, p := range []string{s.db, s.db + "-wal", s.db + "-shm"} {
				os.Chmod(p, 0o400) // -wal and -shm may not exist
			}
			os.Chmod(s.dir, 0o500)
		}
		unlock = func() {
			os.Chmod(s.dir, 0o700)
			for _, p := range []string{s.db, s.db + "-wal", s.db + "-shm"} {
				os.Chmod(p, 0o600)
			}
		}
	}
	s.setUp()
	src := t.TempDir()
	first, second := filepath.Join(src, "first.csv"), filepath.Join(src, "second.csv")
	a, _ := genRoster(rosterSpec{rows: 200, prefix: "A", pwEvery: 20})
	b, _ := genRoster(rosterSpec{rows: 200, prefix: "B", pwEvery: 20})
	os.WriteFile(first, a, 0o644)
	os.WriteFile(second, b, 0o644)
	s.must(ok0, "", "import", "--school", stressSchool, first)
	before := s.snapshot("before")

	lock()
	o := s.run("", "import", "--school", stressSchool, second)
	unlock()
	if o.code != 2 || !strings.Contains(o.stderr, "cannot be written") {
		t.Errorf("import into a read-only database = exit %d, stderr %q; want 2 and \"cannot be written\"", o.code, o.stderr)
	}
	t.Logf("read-only: exit %d: %s", o.code, strings.TrimSpace(o.stderr))
	after := s.snapshot("after")
	for _, d := range diffState(after, before) {
		t.Errorf("after the refused import: %s", d)
	}
	if v := s.integrity(); v != "ok" {
		t.Errorf("integrity_check = %q, want ok", v)
	}
	// Writable again, the same file imports.
	s.must(ok0, "", "import", "--school", stressSchool, second)
}

// TestDiskFull fills a small tmpfs with an import: the upload must fail with a message
// that says the disk is full, apply nothing, and leave a database that opens, passes
// integrity_check, and takes the next import once there is room.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	src := t.TempDir()
	big, small := filepath.Join(src, "big.csv"), filepath.Join(src, "small.csv")
	b, _ := genRoster(rosterSpec{rows: 20000, prefix: "B"})
	sm, _ := genRoster(rosterSpec{rows: 100, prefix: "S"})
	os.WriteFile(big, b, 0o644)
	os.WriteFile(small, sm, 0o644)

	t.Run("WhileApplying", func(t *testing.T) {
		// 3 MiB holds the empty database and the 1.3 MB file, not 20,000 users.
		mnt := mountTmpfs(t, "3m")
		s := newStress(t, mnt)
		s.setUp()
		o := s.run("", "import", "--school", stressSchool, big)
		if o.code != 4 || !strings.Contains(o.stdout+o.stderr, "disk is full") {
			t.Errorf("import onto a full disk = exit %d\nstdout: %s\nstderr: %s\nwant 4 and \"disk is full\"", o.code, o.stdout, o.stderr)
		}
		h := s.history()
		if len(h) != 1 || h[0].Status != "Failed" || h[0].Applied != 0 || h[0].UsersCreated != 0 {
			t.Errorf("history after a full disk = %+v, want one Failed upload that applied nothing", h)
		}
		if st := s.snapshot("full"); len(st.users) != 0 || len(st.classes) != 0 {
			t.Errorf("after a full disk, the school has %d users and %d classes, want none", len(st.users), len(st.classes))
		}
		if v := s.integrity(); v != "ok" {
			t.Errorf("integrity_check = %q, want ok", v)
		}
		remount(t, mnt, "size=64m")
		s.must(ok0, "", "import", "--school", stressSchool, small)
		s.must(ok0, "", "import", "--school", stressSchool, big)
	})

	t.Run("WhileQueueing", func(t *testing.T) {
		// 1 MiB cannot even keep the file until it runs: nothing is recorded.
		mnt := mountTmpfs(t, "1m")
		s := newStress(t, mnt)
		s.setUp()
		o := s.run("", "import", "--school", stressSchool, big)
		if o.code != 2 || !strings.Contains(o.stderr, "disk is full") {
			t.Errorf("import onto a full disk = exit %d\nstdout: %s\nstderr: %s\nwant 2 and \"disk is full\"", o.code, o.stdout, o.stderr)
		}
		if h := s.history(); len(h) != 0 {
			t.Errorf("history = %+v, want no upload", h)
		}
		if v := s.integrity(); v != "ok" {
			t.Errorf("integrity_check = %q, want ok", v)
		}
	})
}

// TestNoPlaintextPasswords imports typed passwords (accepted ones, one on a row that fails
// for another reason, and one the policy refuses), from CSV and from XLSX, then looks
// for them in every byte Rosterdesk keeps or writes: the database, its WAL and
// shared-memory files, every stored file (decompressed), every gzip stream found in the
// raw database bytes, the nine downloads in CSV and XLSX (unzipped), and what rosterctl
// printed. None may appear anywhere; the database files must be readable by their owner
// only.
func TestNoPlaintextPasswords(t *testing.T) {
	s := newStress(t, t.TempDir())
	s.setUp()
	secrets := []string{
		"Zebra7Quokka91x",   // accepted
		"Heron3Tundra58w",   // accepted, second class row
		"Walrus4Fjord22y",   // typed on a row that fails (bad email)
		"onlylettersxyzzyq", // refused by the policy (no digit, no capital)
		"Ibex9Sierra40vK",   // accepted, from the XLSX upload
	}
	header := "User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID\n"
	csvRoster := header +
		",PT1,Teacher,Rita,Vance,,rvance@pw.example.org,,,PWC1,Privacy 1,5,,,,\n" +
		",PS1,Student,Ada,Lamb,5,,alamb,Zebra7Quokka91x,PWC1,,,,,,\n" +
		",PS2,Student,Ben,Ode,5,,bode,Heron3Tundra58w,PWC1,,,,,,\n" +
		",PS2,Student,Ben,Ode,5,,bode,Heron3Tundra58w,,,,,,,\n" +
		",PS3,Student,Cy,Pratt,5,cy@@bad,cpratt,Walrus4Fjord22y,PWC1,,,,,,\n" +
		",PS4,Student,Di,Quin,5,,dquin,onlylettersxyzzyq,PWC1,,,,,,\n" +
		",PS5,Student,Ed,Roe,5,,,,PWC1,,,,,,\n"
	csvFile := s.path("typed.csv")
	os.WriteFile(csvFile, []byte(csvRoster), 0o644)
	var printed []string
	o := s.must([]int{3}, "", "import", "--school", stressSchool, csvFile)
	printed = append(printed, o.stdout, o.stderr)

	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]string{"User GUID", "User ID", "Role", "First Name", "Last Name", "Grade Level", "Email", "Username", "Password"})
	x.SetSheetRow("Sheet1", "A2", &[]string{"", "PX1", "Student", "Flo", "Stone", "4", "", "fstone", "Ibex9Sierra40vK"})
	xlsxFile := s.path("typed.xlsx")
	if err := x.SaveAs(xlsxFile); err != nil {
		t.Fatal(err)
	}
	o = s.must(ok0, "", "import", "--school", stressSchool, xlsxFile)
	printed = append(printed, o.stdout, o.stderr)

	// The accepted passwords work, so they were kept, as hashes.
	for user, pw := range map[string]string{"alamb": secrets[0], "bode": secrets[1], "fstone": secrets[4]} {
		if o := s.run(pw+"\n", "login", user); o.code != 0 {
			t.Errorf("login %s with the typed password = exit %d, want 0: %s", user, o.code, o.stderr)
		}
	}

	// Every kind of file a person can take away.
	var outputs []string
	for _, h := range s.history() {
		o := s.run("", "history")
		printed = append(printed, o.stdout)
		for _, kind := range []string{"uploaded", "completed", "error"} {
			for _, ext := range []string{".csv", ".xlsx"} {
				p := s.path(fmt.Sprintf("u%d-%s%s", h.Upload, kind, ext))
				if o := s.run("", "download", "--upload", strconv.FormatInt(h.Upload, 10), "--file", kind, "-o", p); o.code == 0 {
					outputs = append(outputs, p)
				}
			}
		}
	}
	for _, what := range []string{"users", "classes"} {
		for _, ext := range []string{".csv", ".xlsx"} {
			p := s.path("export-" + what + ext)
			s.must(ok0, "", "export", what, "--school", stressSchool, "-o", p)
			outputs = append(outputs, p)
		}
	}
	if len(outputs) < 10 {
		t.Errorf("only %d files downloaded: %q", len(outputs), outputs)
	}

	// What is kept: the raw database files, and every stored file unpacked.
	blobs := map[string][]byte{}
	for _, p := range []string{s.db, s.db + "-wal", s.db + "-shm"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // -wal and -shm exist only while, or if, SQLite keeps them
		}
		blobs[filepath.Base(p)] = b
		for i, g := range gunzipAll(b) {
			blobs[fmt.Sprintf("%s gzip stream %d", filepath.Base(p), i)] = g
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	rows, err := s.openRO().Query(`SELECT upload_id, kind, data FROM upload_files`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var kind string
		var data []byte
		if err := rows.Scan(&id, &kind, &data); err != nil {
			t.Fatal(err)
		}
		if kind == "original" {
			t.Errorf("upload %d still keeps its original file (with its passwords) after it ran", id)
		}
		blobs[fmt.Sprintf("stored %s file of upload %d", kind, id)] = data
		for i, g := range gunzipAll(data) {
			blobs[fmt.Sprintf("stored %s file of upload %d, gzip stream %d", kind, id, i)] = g
		}
	}
	rows.Close()
	for _, p := range outputs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		blobs[filepath.Base(p)] = b
		if strings.HasSuffix(p, ".xlsx") {
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				part, _ := io.ReadAll(rc)
				rc.Close()
				blobs[filepath.Base(p)+"/"+f.Name] = part
			}
		}
	}
	for i, p := range printed {
		blobs[fmt.Sprintf("rosterctl output %d", i)] = []byte(p)
	}
	for name, b := range blobs {
		for _, secret := range secrets {
			// UTF-16 too: SQLite could store text that way, and Excel writes it so.
			for _, enc := range [][]byte{[]byte(secret), utf16LE(secret)} {
				if bytes.Contains(b, enc) {
					t.Errorf("%s contains the typed password %q", name, secret)
				}
			}
		}
	}
	t.Logf("scanned %d files, streams and outputs for %d typed passwords", len(blobs), len(secrets))
}

// gunzipAll decompresses every gzip stream that starts anywhere in b: the database keeps
// its files packed, so a raw scan alone would miss a password inside one.
func gunzipAll(b []byte) [][]byte {
	var out [][]byte
	magic := []byte{0x1f, 0x8b, 0x08}
	for i := 0; ; {
		j := bytes.Index(b[i:], magic)
		if j < 0 {
			return out
		}
		i += j
		if zr, err := gzip.NewReader(bytes.NewReader(b[i:])); err == nil {
			zr.Multistream(false)
			if d, _ := io.ReadAll(io.LimitReader(zr, 64<<20)); len(d) > 0 {
				out = append(out, d)
			}
		}
		i++
	}
}

func utf16LE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// TestHostileFiles feeds the whole command line files built to hurt: zip bombs (one
// honest about its size, one lying), 100,000 columns, a 10 MB cell, NUL bytes, a PNG
// named .csv, an empty file and a header-only one. Each import must end Failed (exit 4)
// with a message, within a time limit and under 500 MB of peak memory, and add no user.
// Bytes that are not UTF-8 are no attack: SPEC §3.1 reads them as Windows-1252, and the
// test checks that they are. Names that are formulas must be refused as names and come
// back in the Error File as text.
func TestHostileFiles(t *testing.T) {
	s := newStress(t, t.TempDir())
	s.setUp()
	header := "User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID\n"
	good := ",H1,Student,Hana,Kato,3,,,,,,,,,,\n"

	bomb, bombSize := zipBomb(1100, false)
	liar, _ := zipBomb(1100, true)
	t.Logf("zip bomb: %.1f MB of zip, %.2f GiB of sheet XML", float64(len(bomb))/(1<<20), float64(bombSize)/(1<<30))
	wide := header + ",H2,Student,Wide,Row,3" + strings.Repeat(",x", 100000) + "\n"
	bigCell := header + ",H3,Student," + strings.Repeat("A", 10<<20) + ",Cell,3,,,,,,,,,,\n"
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"), bytes.Repeat([]byte{0, 0xff, 0x13, 0x80}, 4096)...)
	cases := []struct {
		name string
		data []byte
	}{
		{"bomb.xlsx", bomb},
		{"bomb-lying.xlsx", liar},
		{"wide.csv", []byte(wide)},
		{"bigcell.csv", []byte(bigCell)},
		{"nul.csv", []byte(header + ",H4,Student,Nu\x00l,Byte,3,,,,,,,,,,\n" + good)},
		{"png.csv", png},
		{"empty.csv", nil},
		{"headeronly.csv", []byte(header)},
		{"notzip.xlsx", []byte(header + good)},
	}
	users := func() int {
		p := s.path("count.csv")
		s.must(ok0, "", "export", "users", "--school", stressSchool, "-o", p)
		return len(readTable(t, p).rows)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			before := users()
			p := filepath.Join(t.TempDir(), c.name)
			if err := os.WriteFile(p, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			o, rss, took := s.runBounded(60*time.Second, "import", "--school", stressSchool, p)
			t.Logf("%s (%d bytes): exit %d in %v, peak RSS %d MB: %s", c.name, len(c.data), o.code, took.Round(time.Millisecond), rss,
				firstLine(strings.TrimSpace(o.stdout[strings.Index(o.stdout, "\n")+1:]+o.stderr)))
			if o.code != 4 || !strings.Contains(o.stdout, "Failed") {
				t.Errorf("import %s = exit %d, want 4 (Failed)\nstdout: %s\nstderr: %s", c.name, o.code, o.stdout, o.stderr)
			}
			if msg := strings.TrimSpace(strings.SplitN(o.stdout, "\n", 3)[1]); strings.HasPrefix(msg, "Rows:") || strings.Contains(msg, "Something went wrong") {
				t.Errorf("import %s says %q, want a plain reason", c.name, msg)
			}
			if rss >= 500 {
				t.Errorf("import %s peaked at %d MB, want under 500 MB", c.name, rss)
			}
			if n := users(); n != before {
				t.Errorf("after %s the school has %d users, want %d", c.name, n, before)
			}
		})
	}
	s.t = t

	t.Run("HugeFile", func(t *testing.T) {
		// A sparse 4 GiB file: refused by its size before a byte is read, so neither the
		// time nor the memory grows with it, and no upload is made (exit 2).
		s.t = t
		p := filepath.Join(t.TempDir(), "huge.csv")
		if err := os.WriteFile(p, nil, 0o644); err != nil || os.Truncate(p, 4<<30) != nil {
			t.Skip("cannot make a sparse file here")
		}
		o, rss, took := s.runBounded(60*time.Second, "import", "--school", stressSchool, p)
		t.Logf("huge.csv (4 GiB, sparse): exit %d in %v, peak RSS %d MB: %s", o.code, took.Round(time.Millisecond), rss, strings.TrimSpace(o.stderr))
		// Peak RSS as Linux reports it for a child includes what the test process held
		// when it forked (after the bombs above, some 180 MB), so the bound is the other
		// cases' 500 MB: reading the 4 GiB would blow far past it, and take seconds.
		if o.code != 2 || !strings.Contains(o.stderr, "too large") || rss >= 500 || took > 5*time.Second {
			t.Errorf("import of a 4 GiB file = exit %d, %d MB, %v; want 2 and a plain refusal at once\nstdout: %s\nstderr: %s", o.code, rss, took, o.stdout, o.stderr)
		}
		h := s.run("", "history", "--json")
		if strings.Contains(h.stdout, "huge.csv") {
			t.Errorf("the refused file is in the history: %s", h.stdout)
		}
	})
	s.t = t

	t.Run("SmallBombIsARoster", func(t *testing.T) {
		// The same workbook, small: it imports, so the big ones failed for their size,
		// not for a malformed sheet.
		s := newStress(t, t.TempDir())
		s.setUp()
		small, _ := zipBomb(2, false)
		p := filepath.Join(t.TempDir(), "small-bomb.xlsx")
		os.WriteFile(p, small, 0o644)
		o := s.run("", "import", "--school", stressSchool, "--json", p)
		var r importResult
		decodeJSON(t, o.stdout, &r, importKeys)
		if o.code != 0 || r.UsersCreated != 1 || r.Rows < 5000 {
			t.Errorf("import of a 2 MB sheet of one repeated row = exit %d, %+v; want Completed, 1 user", o.code, r)
		}
	})

	t.Run("Windows1252", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "latin1.csv")
		os.WriteFile(p, []byte(header+",H5,Student,Jos\xe9,Pe\xf1a,3,,,,,,,,,,\n"), 0o644)
		o, rss, _ := s.runBounded(60*time.Second, "import", "--school", stressSchool, p)
		if o.code != 0 || rss >= 500 {
			t.Fatalf("import of Windows-1252 bytes = exit %d (%d MB), want 0\n%s%s", o.code, rss, o.stdout, o.stderr)
		}
		out := s.path("latin1-users.csv")
		s.must(ok0, "", "export", "users", "--school", stressSchool, "-o", out)
		tb := readTable(t, out)
		r := tb.one(t, "User ID", "H5")
		if f, l := tb.get(t, r, "First Name"), tb.get(t, r, "Last Name"); f != "José" || l != "Peña" {
			t.Errorf("Windows-1252 name read as %q %q, want José Peña", f, l)
		}
	})

	t.Run("Formulas", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "formulas.csv")
		os.WriteFile(p, []byte(header+
			`,F1,Student,"=HYPERLINK(""http://x"",""y"")",Doe,3,,,,,,,,,,`+"\n"+
			`,F2,Student,Sam,@SUM(A1),3,,,,,,,,,,`+"\n"+
			`,F3,Student,+1+1,-2-2,3,,,,,,,,,,`+"\n"+
			",F4,Student,Plain,Person,3,,,,,,,,,,\n"), 0o644)
		o := s.run("", "import", "--school", stressSchool, "--json", p)
		var r importResult
		decodeJSON(t, o.stdout, &r, importKeys)
		if o.code != 3 || r.Applied != 1 || r.Failed != 3 {
			t.Fatalf("import of formula names = exit %d, %+v; want 3 rows refused, 1 applied", o.code, r)
		}
		errs := s.path("formula-errors.csv")
		s.must(ok0, "", "download", "--upload", strconv.FormatInt(r.Upload, 10), "--file", "error", "-o", errs)
		tb := readTable(t, errs)
		want := map[string][2]string{
			"F1": {`'=HYPERLINK("http://x","y")`, "Doe"},
			"F2": {"Sam", "'@SUM(A1)"},
			"F3": {"'+1+1", "'-2-2"},
		}
		for id, w := range want {
			row := tb.one(t, "User ID", id)
			if f, l := tb.get(t, row, "First Name"), tb.get(t, row, "Last Name"); f != w[0] || l != w[1] {
				t.Errorf("Error File row %s names = %q %q, want %q %q (formulas as text)", id, f, l, w[0], w[1])
			}
			if e := tb.get(t, row, "Error"); !strings.Contains(e, "Name") {
				t.Errorf("Error File row %s Error = %q, want the name refused", id, e)
			}
		}
		// The XLSX Error File holds them as strings, never as formulas.
		xerrs := s.path("formula-errors.xlsx")
		s.must(ok0, "", "download", "--upload", strconv.FormatInt(r.Upload, 10), "--file", "error", "-o", xerrs)
		zr, err := zip.OpenReader(xerrs)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if strings.HasPrefix(f.Name, "xl/worksheets/") {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				if bytes.Contains(b, []byte("<f>")) || bytes.Contains(b, []byte("<f ")) {
					t.Errorf("XLSX Error File %s has a formula cell", f.Name)
				}
			}
		}
	})
}

// runBounded runs rosterctl, killing it after limit, and returns its outcome, peak RSS
// in MB and run time: a hostile file must not hang rosterctl or eat the machine.
func (s *stress) runBounded(limit time.Duration, args ...string) (outcome, int64, time.Duration) {
	s.t.Helper()
	start := time.Now()
	b := s.start(args...)
	select {
	case <-b.done:
	case <-time.After(limit):
		b.kill()
		s.t.Fatalf("rosterctl %s still ran after %v", strings.Join(args, " "), limit)
	}
	took := time.Since(start)
	o := b.wait()
	return o, maxRSSMB(b.cmd.ProcessState), took
}
