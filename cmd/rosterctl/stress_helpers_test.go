//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test reads upload bookkeeping rosterctl does not print
)

// stressNow is the clock every stress run shares, so two databases built from the same
// file differ only in what is random by design (GUIDs, temporary passwords).
const stressNow = "2026-09-01T08:00:00Z"

const stressSchool = "Stress Academy"

// stress drives the rosterctl binary (built by TestMain) against one database. Unlike
// e2e it can start commands in the background, to kill them or run them side by side.
type stress struct {
	t   *testing.T
	dir string // the database's folder
	out string // exports and downloads: not dir, which may be a full or read-only disk
	db  string
	// realClock leaves ROSTERDESK_NOW unset, for tests that compare when things ran.
	realClock bool
}

func newStress(t *testing.T, dir string) *stress {
	t.Helper()
	if testing.Short() {
		t.Skip("stress tests build and run the binary many times")
	}
	return &stress{t: t, dir: dir, out: t.TempDir(), db: filepath.Join(dir, "rosterdesk.db")}
}

// path names a file in the scratch folder for exports and downloads.
func (s *stress) path(name string) string { return filepath.Join(s.out, name) }

// command returns rosterctl with args and --db, ready to start.
func (s *stress) command(stdin string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := rosterctl(append(args, "--db", s.db)...)
	cmd.Env = withoutRosterdeskEnv(os.Environ())
	if !s.realClock {
		cmd.Env = append(cmd.Env, "ROSTERDESK_NOW="+stressNow)
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	return cmd, &out, &errOut
}

// run runs rosterctl to the end and returns its outcome.
func (s *stress) run(stdin string, args ...string) outcome {
	s.t.Helper()
	cmd, out, errOut := s.command(stdin, args...)
	return s.wait(cmd, cmd.Run(), out, errOut, args)
}

func (s *stress) wait(cmd *exec.Cmd, err error, out, errOut *bytes.Buffer, args []string) outcome {
	s.t.Helper()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			s.t.Fatalf("rosterctl %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return outcome{code, out.String(), errOut.String()}
}

// must runs rosterctl and stops the test unless it exits with one of want.
func (s *stress) must(want []int, stdin string, args ...string) outcome {
	s.t.Helper()
	o := s.run(stdin, args...)
	if !slices.Contains(want, o.code) {
		s.t.Fatalf("rosterctl %s = exit %d, want %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), o.code, want, o.stdout, o.stderr)
	}
	return o
}

var ok0 = []int{0}

// setUp creates the database and the school.
func (s *stress) setUp() {
	s.t.Helper()
	s.must(ok0, "", "init", "--org", "Stress Unified")
	s.must(ok0, "", "school", "add", stressSchool)
}

// background starts rosterctl and returns a handle to wait for or kill it.
type background struct {
	s           *stress
	cmd         *exec.Cmd
	args        []string
	out, errOut *bytes.Buffer
	done        chan struct{}
	err         error
}

func (s *stress) start(args ...string) *background {
	s.t.Helper()
	cmd, out, errOut := s.command("", args...)
	b := &background{s: s, cmd: cmd, args: args, out: out, errOut: errOut, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start rosterctl %q: %v", args, err)
	}
	go func() { b.err = cmd.Wait(); close(b.done) }()
	return b
}

func (b *background) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

func (b *background) wait() outcome {
	b.s.t.Helper()
	<-b.done
	return b.s.wait(b.cmd, b.err, b.out, b.errOut, b.args)
}

// kill sends SIGKILL, as a crash or a killed task would, and waits for the process. It
// reports whether the process was still running when killed.
func (b *background) kill() bool {
	b.s.t.Helper()
	alive := !b.finished()
	if alive {
		_ = b.cmd.Process.Kill()
	}
	<-b.done
	return alive
}

// maxRSSMB is the child's peak resident set in MiB (Linux reports ru_maxrss in KiB).
func maxRSSMB(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) >> 10
	}
	return 0
}

// upload is one upload's bookkeeping, read straight from the database: rosterctl does not
// print its owner, start and end times or attempts, which these tests are about.
type upload struct {
	ID                  int64
	Status, Owner       string
	Started, Finished   string
	Done, Total         int
	Attempts            int
	Rows, Applied, Fail int
}

// openRO opens the database read-only, for watching it while rosterctl writes.
func (s *stress) openRO() *sql.DB {
	s.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(s.db)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}

func uploads(db *sql.DB) ([]upload, error) {
	rows, err := db.Query(`SELECT id, status, owner, started_at, finished_at, progress_done, progress_total, attempts,
		rows_total, rows_applied, rows_failed FROM uploads ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []upload
	for rows.Next() {
		var u upload
		if err := rows.Scan(&u.ID, &u.Status, &u.Owner, &u.Started, &u.Finished, &u.Done, &u.Total, &u.Attempts,
			&u.Rows, &u.Applied, &u.Fail); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// pollLimit bounds every wait on an observable state: a state that never comes fails
// the test instead of hanging it.
const pollLimit = 90 * time.Second

// waitFor polls the uploads table until cond holds, the process b ends, or pollLimit
// passes. It reports whether cond held. Polling a read-only connection is cheap (well
// under a millisecond), so a tight loop catches states that last only tens of ms; the
// short pause between reads only keeps the loop from monopolising a core.
func (s *stress) waitFor(db *sql.DB, b *background, what string, cond func([]upload) bool) bool {
	s.t.Helper()
	deadline := time.Now().Add(pollLimit)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		us, err := uploads(db)
		if err == nil && cond(us) {
			return true
		}
		if b != nil && b.finished() {
			return false
		}
		<-tick.C
	}
	s.t.Fatalf("waited %v for %s", pollLimit, what)
	return false
}

// historyEntries runs history --json.
func (s *stress) history() []historyEntry {
	s.t.Helper()
	o := s.must(ok0, "", "history", "--json")
	var h []historyEntry
	if err := json.Unmarshal([]byte(o.stdout), &h); err != nil {
		s.t.Fatalf("history --json: %v\n%s", err, o.stdout)
	}
	return h
}

// typedPassword is a user of a generated roster who typed their own password.
type typedPassword struct {
	userID, password string
}

// rosterSpec shapes a generated roster.
type rosterSpec struct {
	rows     int    // at least this many data rows
	prefix   string // User ID and Class ID prefix, so two files do not collide
	pwEvery  int    // every pwEvery-th student types a password (0: none)
	badEvery int    // every badEvery-th row is broken (0: none)
}

var (
	firstNames = []string{"Ava", "Liam", "Noah", "Emma", "Olivia", "Mia", "Lucas", "Ella", "Zoe", "James",
		"Sofia", "Mateo", "Chloé", "Jürgen", "Aisha", "Kenji", "Maria", "John", "Grace", "Omar"}
	lastNames = []string{"Smith", "Jones", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark",
		"Müller", "O'Brien", "Nguyen", "Kim", "Lopez", "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright",
		"Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell"}
)

// genRoster writes a roster CSV the way a district's SIS export looks: classes of about
// 25 students, each led by a teacher row (teachers are ~4% of rows), one student in ten
// also in the previous class (a second row, class columns left blank), a few students
// with typed passwords, and a few broken rows. Names repeat on purpose so generated
// usernames collide (jsmith, jsmith2, …), which makes their order observable.
func genRoster(spec rosterSpec) ([]byte, []typedPassword) {
	var b bytes.Buffer
	b.WriteString("User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID\n")
	var pws []typedPassword
	rows, student := 0, 0
	type second struct{ line, class string }
	var later []second
	// About one row in eleven is a second class of a student, written at the end.
	first := spec.rows - spec.rows/11
	for c := 0; rows < first; c++ {
		class := fmt.Sprintf("%sC%04d", spec.prefix, c)
		grade := strconv.Itoa(c%12 + 1)
		tf, tl := firstNames[(c*7)%len(firstNames)], lastNames[(c*3)%len(lastNames)]
		fmt.Fprintf(&b, ",%sT%05d,Teacher,%s,%s,,t%d.%s@stress.example.org,,,%s,Class %s,%s,08/25/2026,2027-06-10,,\n",
			spec.prefix, c, tf, tl, c, strings.ToLower(spec.prefix), class, class, grade)
		rows++
		for k := 0; k < 25 && rows < first; k++ {
			student++
			id := fmt.Sprintf("%sS%06d", spec.prefix, student)
			first, last := firstNames[student%len(firstNames)], lastNames[(student/3)%len(lastNames)]
			email, pw := "", ""
			if student%3 == 0 {
				email = fmt.Sprintf("s%d.%s@stress.example.org", student, strings.ToLower(spec.prefix))
			}
			if spec.pwEvery > 0 && student%spec.pwEvery == 0 {
				pw = fmt.Sprintf("Qx%dTyped%sz", student, spec.prefix)
				pws = append(pws, typedPassword{id, pw})
			}
			if spec.badEvery > 0 && (rows+1)%spec.badEvery == 0 {
				email = "broken@@stress" // a row error: the row fails, the others apply
				pw = ""
				if len(pws) > 0 && pws[len(pws)-1].userID == id {
					pws = pws[:len(pws)-1]
				}
			}
			line := fmt.Sprintf(",%s,Student,%s,%s,%s,%s,,%s,", id, first, last, grade, email, pw)
			fmt.Fprintf(&b, "%s%s,,,,,,\n", line, class)
			rows++
			if student%10 == 0 && c > 0 {
				later = append(later, second{line, fmt.Sprintf("%sC%04d", spec.prefix, c-1)})
			}
		}
	}
	for _, l := range later {
		fmt.Fprintf(&b, "%s%s,,,,,,\n", l.line, l.class)
	}
	return b.Bytes(), pws
}

// state is what a database holds after an import, in a form that does not depend on
// random GUIDs or temporary passwords: two runs of the same file must give equal states.
type state struct {
	users       []string // User ID|Role|First|Last|Grade|Email|Username, sorted
	classes     []string // class columns without the Class GUID, sorted
	enrollments []string // User ID|Class ID from the Completed File, sorted
	upload      historyEntry
	uploads     int
	usernames   map[string]string // User ID → username
}

// snapshot reads the state through the command line, as an office would see it.
func (s *stress) snapshot(tag string) state {
	s.t.Helper()
	var st state
	h := s.history()
	st.uploads = len(h)
	if len(h) > 0 {
		st.upload = h[0]
	}
	users := s.path(tag + "-users.csv")
	s.must(ok0, "", "export", "users", "--school", stressSchool, "-o", users)
	ut := readTable(s.t, users)
	st.usernames = map[string]string{}
	for _, r := range ut.rows {
		var f []string
		for _, h := range []string{"User ID", "Role", "First Name", "Last Name", "Grade Level", "Email", "Username"} {
			f = append(f, ut.get(s.t, r, h))
		}
		st.users = append(st.users, strings.Join(f, "|"))
		st.usernames[ut.get(s.t, r, "User ID")] = ut.get(s.t, r, "Username")
	}
	slices.Sort(st.users)
	classes := s.path(tag + "-classes.csv")
	s.must(ok0, "", "export", "classes", "--school", stressSchool, "-o", classes)
	ct := readTable(s.t, classes)
	guid := ct.col(s.t, "Class GUID")
	for _, r := range ct.rows {
		r = slices.Clone(r)
		r[guid] = ""
		// The primary teacher is named by username or GUID in some exports; keep it, it
		// must be the same person either way, and usernames are compared too.
		st.classes = append(st.classes, strings.Join(r, "|"))
	}
	slices.Sort(st.classes)
	if st.upload.Upload != 0 && st.upload.Applied > 0 {
		done := s.path(tag + "-completed.csv")
		s.must(ok0, "", "download", "--upload", strconv.FormatInt(st.upload.Upload, 10), "--file", "completed", "-o", done)
		dt := readTable(s.t, done)
		for _, r := range dt.rows {
			if c := dt.get(s.t, r, "Class ID"); c != "" {
				st.enrollments = append(st.enrollments, dt.get(s.t, r, "User ID")+"|"+c)
			}
		}
		slices.Sort(st.enrollments)
	}
	return st
}

// diffState reports how got differs from want, in a few lines.
func diffState(got, want state) []string {
	var out []string
	cmp := func(what string, g, w []string) {
		if slices.Equal(g, w) {
			return
		}
		msg := fmt.Sprintf("%s: %d entries, want %d", what, len(g), len(w))
		for i := 0; i < min(len(g), len(w)); i++ {
			if g[i] != w[i] {
				msg += fmt.Sprintf("; first difference at %d: %q, want %q", i, g[i], w[i])
				break
			}
		}
		out = append(out, msg)
	}
	cmp("users", got.users, want.users)
	cmp("classes", got.classes, want.classes)
	cmp("enrollments", got.enrollments, want.enrollments)
	if got.uploads != 1 {
		out = append(out, fmt.Sprintf("history has %d uploads, want 1", got.uploads))
	}
	g, w := got.upload.importResult, want.upload.importResult
	g.Upload, w.Upload = 0, 0
	if g != w {
		out = append(out, fmt.Sprintf("upload = %+v, want %+v", g, w))
	}
	return out
}

// mountTmpfs mounts a tmpfs of size (as mount's -o size= takes it) on a new folder and
// unmounts it when the test ends. It skips the test where mounting is not allowed (not
// Linux, not root, or a sandbox without CAP_SYS_ADMIN): a tmpfs is the only way to give
// a test a disk that is really full or really read-only, whatever its user.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs a Linux tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); run as root on Linux to test a full or read-only disk", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// remount changes the options of a tmpfs mounted by mountTmpfs (ro, rw, size=…).
func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, opts, err, out)
	}
}

// integrity runs PRAGMA integrity_check on the database and returns its verdict.
func (s *stress) integrity() string {
	s.t.Helper()
	db := s.openRO()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		return err.Error()
	}
	return res
}

// xlsxParts are the parts of the smallest workbook Excel and excelize open, less its
// sheet.
var xlsxParts = map[string]string{
	"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

// zipBomb builds an XLSX whose sheet is a header row and one student row repeated
// copies×chunkRows times. The sheet is deflated once per chunk and the compressed chunk
// repeated (sync-flushed deflate blocks concatenate), so a GiB of XML costs a MB of zip
// and no time. With lie, the zip's directory declares the sheet 1 MB, as an attacker's
// would, so only a reader that counts what it inflates stops it.
func zipBomb(copies int, lie bool) ([]byte, int64) {
	cell := func(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }
	var head strings.Builder
	head.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>`)
	for _, h := range []string{"User GUID", "User ID", "Role", "First Name", "Last Name", "Grade Level"} {
		head.WriteString(cell(h))
	}
	head.WriteString(`</row>`)
	row := `<row>` + cell("") + cell("ZB1") + cell("Student") + cell("Zip") + cell("Bomb") + cell("3") + `</row>`
	chunk := []byte(strings.Repeat(row, (1<<20)/len(row)))
	tail := []byte(`</sheetData></worksheet>`)

	deflate := func(b []byte, final bool) []byte {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		w.Write(b)
		if final {
			w.Close()
		} else {
			w.Flush()
		}
		return buf.Bytes()
	}
	var comp bytes.Buffer
	comp.Write(deflate([]byte(head.String()), false))
	crc := crc32.ChecksumIEEE([]byte(head.String()))
	size := int64(head.Len())
	c := deflate(chunk, false)
	for range copies {
		comp.Write(c)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
		size += int64(len(chunk))
	}
	comp.Write(deflate(tail, true))
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size += int64(len(tail))

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, _ := zw.Create(name)
		w.Write([]byte(xlsxParts[name]))
	}
	declared := uint64(size)
	if lie {
		declared = 1 << 20
	}
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	w.Write(comp.Bytes())
	zw.Close()
	return out.Bytes(), size
}
