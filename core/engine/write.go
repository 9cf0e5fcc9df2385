package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"

	"github.com/google/uuid"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The write stage: make what the new users and classes need (usernames, GUIDs, ids,
// temporary passwords), write the stage's decisions into the database, and write the
// result files row by row.

// write makes what the import creates and writes the users and classes into the
// database; the rows' links and enrollments follow in results, which reads each row
// anyway.
func (j *job) write(ctx context.Context, tx *sqlite.ImportTx) error {
	if err := j.generate(ctx, tx); err != nil {
		return err
	}
	updated, err := tx.UpdateUsers(ctx)
	if err != nil {
		return err
	}
	j.counts.UsersUpdated = updated
	if err := j.newClasses(ctx, tx); err != nil {
		return err
	}
	if j.counts.ClassesCreated, err = tx.WriteClasses(ctx, j.schoolID); err != nil {
		return err
	}
	return nil
}

// generate creates every user the import creates, in the order of their keys (their
// User IDs), handing each their GUID, id, username (typed, or made from their name) and
// password (their typed one, hashed, or a new temporary one). Usernames typed anywhere
// in the file are never made for someone else, so a fixed failed row can still claim
// its own. The usernames already taken are looked up a page of bases at a time, and at
// most maxBases bases are remembered, so memory does not grow with the file.
func (j *job) generate(ctx context.Context, tx *sqlite.ImportTx) error {
	n, err := tx.CountNewUsers(ctx)
	if err != nil || n == 0 {
		return err
	}
	j.counts.UsersCreated = n
	guids := &guidSeq{n: uint64(n)}
	temps := newTemporaries(ctx)
	defer temps.stop()
	names := account.NewUsernames()
	after, done := "", 0
	for {
		page, err := tx.NewUsers(ctx, after, pageSize)
		if err != nil {
			return err
		}
		if err := j.loadBases(ctx, tx, names, page); err != nil {
			return err
		}
		for i := range page {
			u := &page[i]
			c := sqlite.Created{GUID: guids.next(), Username: u.Username}
			if c.Username == "" {
				c.Username = names.Next(u.Base)
			}
			if len(u.Password) > 0 {
				c.PwKind, c.PwHash = core.PasswordPermanent, u.PwHash
			} else {
				pw, hash, err := temps.next()
				if err != nil {
					return err
				}
				c.PwKind, c.PwHash, c.Temp = core.PasswordTemporary, hash, j.keys.seal(pw)
				j.tempPWs++
			}
			if _, err := tx.AddNewUser(ctx, u, c); err != nil {
				return err
			}
		}
		done += len(page)
		j.prog.fraction(core.PhaseApplying, 0.2+0.4*float64(done)/float64(n), j.counts.Rows)
		if len(page) < pageSize {
			return tx.FlushNewUsers(ctx)
		}
		after = page[len(page)-1].UKey
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// maxBases bounds the username bases generate remembers.
const maxBases = 20000

// loadBases gives names the taken usernames of the bases of page it does not know yet,
// forgetting the others first when it holds too many.
func (j *job) loadBases(ctx context.Context, tx *sqlite.ImportTx, names *account.Usernames, page []sqlite.NewUser) error {
	var bases []string
	inPage := map[string]bool{}
	for _, u := range page {
		if u.Username == "" {
			inPage[u.Base] = true
			if !names.Known(u.Base) && !contains(bases, u.Base) {
				bases = append(bases, u.Base)
			}
		}
	}
	if len(bases) == 0 {
		return nil
	}
	if names.Len()+len(bases) > maxBases {
		names.Forget(func(base string) bool { return inPage[base] })
	}
	// The users made so far must be in the database for it to say which names they took.
	if err := tx.FlushNewUsers(ctx); err != nil {
		return err
	}
	taken, err := tx.TakenUsernames(ctx, bases)
	if err != nil {
		return err
	}
	// Each taken name goes to the bases it starts with.
	per := make(map[string][]string, len(bases))
	for _, b := range bases {
		per[b] = nil
	}
	for k := range taken {
		for i := 1; i <= len(k); i++ {
			if list, ok := per[k[:i]]; ok {
				per[k[:i]] = append(list, k)
			}
		}
	}
	for b, list := range per {
		names.Load(b, list)
	}
	return nil
}

// guidSeq hands out n random version-4 GUIDs in ascending order without holding them:
// the i-th has its first 48 bits in the i-th of n equal slices of that range, drawn at
// random within it, and every other bit random. Each new user's GUID then goes right
// after the last in the users' GUID index, whose pages are written once instead of
// being revisited at random for every user.
type guidSeq struct{ n, i uint64 }

func (g *guidSeq) next() string {
	// b[16:] is the draw within the slice, apart from the GUID's own bits: drawn from
	// b[8:] it was also the GUID's tail, which then repeated its head.
	var b [24]byte
	rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	width := (uint64(1) << 48) / g.n
	top := g.i*width + binary.BigEndian.Uint64(b[16:])%width
	g.i++
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(top>>40), byte(top>>32), byte(top>>24), byte(top>>16), byte(top>>8), byte(top)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return uuid.UUID(b[:16]).String()
}

// temporaries makes temporary passwords and their hashes on a goroutine of its own, a
// batch ahead of the import that hands them out: making them (crypto/rand, SHA-256) was
// a tenth of a large import's work, and this way it runs on another core.
type temporaries struct {
	ch   chan []tempCredential
	cur  []tempCredential
	done chan struct{}
}

type tempCredential struct{ pw, hash string }

func newTemporaries(ctx context.Context) *temporaries {
	t := &temporaries{ch: make(chan []tempCredential, 2), done: make(chan struct{})}
	go func() {
		defer close(t.ch)
		for {
			batch := make([]tempCredential, 256)
			for i := range batch {
				pw := account.NewTemporaryPassword()
				batch[i] = tempCredential{pw: pw, hash: account.HashTemporary(pw)}
			}
			select {
			case t.ch <- batch:
			case <-t.done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return t
}

func (t *temporaries) next() (pw, hash string, err error) {
	if len(t.cur) == 0 {
		var ok bool
		if t.cur, ok = <-t.ch; !ok {
			return "", "", errors.New("temporary passwords: stopped")
		}
	}
	c := t.cur[0]
	t.cur = t.cur[1:]
	return c.pw, c.hash, nil
}

func (t *temporaries) stop() { close(t.done) }

// newClasses hands every class the import creates its id, GUID and primary teacher: the
// user of its first applied teacher row, or in a teacher's upload the teacher.
func (j *job) newClasses(ctx context.Context, tx *sqlite.ImportTx) error {
	after := ""
	for {
		page, err := tx.NewClasses(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, c := range page {
			teacher := c.TeacherID
			if j.mode == core.ModeTeacher {
				teacher = j.actor.TeacherID
			}
			if _, err := tx.SetNewClass(ctx, c.CKey, newGUID(), teacher); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].CKey
	}
}

// newGUID returns a random (version 4) GUID.
func newGUID() string { return uuid.NewString() }

// results counts the applied and failed rows, writes what each applied row writes (its
// user's link to the school, its enrollment, its Master Code) and, row by row in the
// file's order, the Completed File (applied rows with the GUIDs, usernames and temporary
// passwords the import made) and the Error File (failed rows with an Error column, and
// the GUIDs of users and classes that other rows created, so that a fixed Error File
// uploads again without making duplicates), and the notes: each failed row's own
// problems, then, after the row whose mistake failed its class or user, that
// consequence once. A dry run writes no file.
func (j *job) results(ctx context.Context, tx *sqlite.ImportTx) error {
	if err := tx.AddUserResults(ctx); err != nil {
		return err
	}
	cols := core.TemplateColumns(j.mode)
	header := core.TemplateHeaders(j.mode)
	// The Error File gives the failed rows their original cells: a teacher's upload with
	// a Role column keeps it, or its refused Teacher rows would upload again as students.
	errCols := cols
	if j.mode == core.ModeTeacher && j.roleColumn {
		errCols = core.TemplateColumns(core.ModeAdmin)
	}
	errHeader := make([]string, 0, len(errCols)+1)
	for _, c := range errCols {
		errHeader = append(errHeader, c.HeaderFor(j.mode))
	}
	errHeader = append(errHeader, core.ErrorHeader)
	var done, failed *resultTable
	if !j.dry {
		var err error
		if done, err = newResultTable(ctx, tx, j.id, core.FileCompleted, header); err != nil {
			return err
		}
		defer done.abort()
		if failed, err = newResultTable(ctx, tx, j.id, core.FileError, errHeader); err != nil {
			return err
		}
		defer failed.abort()
	}
	// index[c] is column c's position in the template, -1 when the mode has no such column.
	var index [core.NumColumns]int
	for c := range index {
		index[c] = -1
	}
	for i, c := range cols {
		index[c] = i
	}
	cells := make([]string, len(cols), len(cols)+1)
	errCells := make([]string, 0, len(errCols)+1)
	line := 0
	for {
		page, err := tx.ResultRows(ctx, line, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			rr := &page[i]
			r, err := j.row(&rr.StagedRow, false)
			if err != nil {
				return err
			}
			cells = cells[:len(cols)]
			for i, c := range cols {
				cells[i] = r.Cells[c]
			}
			set := func(col core.Column, v string) {
				if i := index[col]; i >= 0 {
					cells[i] = v
				}
			}
			hasPW := r.Cells[core.ColPassword] != ""
			set(core.ColPassword, "")
			if !rr.Own && !rr.UserFailed && !(rr.CKey != "" && rr.ClassFailed) {
				j.counts.Applied++
				code := ""
				if rr.CKey != "" {
					code = rr.Code
				}
				if err := tx.AddRowWrites(ctx, j.schoolID, rr.UID, rr.CID, rr.Role, code); err != nil {
					return err
				}
				temp, err := j.keys.open(rr.Temp)
				if err != nil {
					return err
				}
				set(core.ColUserGUID, rr.UserGUID)
				set(core.ColUsername, rr.Username)
				set(core.ColPassword, temp)
				if rr.CKey != "" {
					set(core.ColClassGUID, rr.ClassGUID)
				}
				if err := done.write(cells); err != nil {
					return err
				}
				continue
			}
			j.counts.Failed++
			from := cellsFrom(rr.Cells)
			own := j.ownProblems(r, from)
			userPs, err := decodeProblems(rr.UserIssues)
			if err != nil {
				return err
			}
			classPs, err := decodeProblems(rr.ClassIssues)
			if err != nil {
				return err
			}
			issues := rowProblems(r.Line, own, userPs, classPs)
			j.note(r.Line, from, issues, firstCause(r.Line, userPs, classPs))
			if hasPW {
				issues = append(issues, core.Issue{Code: core.PasswordRemoved})
			}
			if rr.UserApplied && rr.UserNew {
				set(core.ColUserGUID, rr.UserGUID)
			}
			if rr.CKey != "" && rr.ClassApplied && rr.ClassNew {
				set(core.ColClassGUID, rr.ClassGUID)
			}
			out := cells
			if len(errCols) != len(cols) {
				// The Error File has columns the template of the mode has not (Role):
				// those are the row's own cells.
				errCells = errCells[:0]
				for _, c := range errCols {
					if i := index[c]; i >= 0 {
						errCells = append(errCells, cells[i])
					} else {
						errCells = append(errCells, r.Cells[c])
					}
				}
				out = errCells
			}
			if err := failed.write(append(out, j.errorCell(from, issues))); err != nil {
				return err
			}
		}
		j.prog.fraction(core.PhaseApplying, 0.6+0.4*float64(j.counts.Applied+j.counts.Failed)/float64(max(j.counts.Rows, 1)), j.counts.Rows)
		if len(page) < pageSize {
			break
		}
		line = page[len(page)-1].Line
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := tx.FlushRows(ctx); err != nil {
		return err
	}
	j.counts.EnrollmentsAdded = tx.Enrolled()
	if j.mode == core.ModeTeacher {
		n, err := tx.EnrollTeacher(ctx, j.actor.TeacherID)
		if err != nil {
			return err
		}
		j.counts.EnrollmentsAdded += n
	}
	return errors.Join(done.close(), failed.close())
}

// note adds a failed row's notes: its own problems ("Row 12: …") and then the
// consequences it is the cause of, each once. from is what the row's staged cells carry
// after them (cellsFrom): for a OneRoster package's row, where it came from. A row that fails only because another
// row's mistake failed its group needs no note of its own: its group's says it.
func (j *job) note(line int, from []byte, issues, consequences []core.Issue) {
	if len(j.rowNotes) >= MaxNotes {
		return
	}
	var own []core.Issue
	for _, is := range issues {
		if is.Code != core.FailedByRow {
			own = append(own, is)
		}
	}
	if len(own) > 0 {
		j.rowNotes = append(j.rowNotes, j.rowName(line, from)+": "+core.JoinIssuesFor(own, j.mode))
	}
	for _, c := range consequences {
		j.rowNotes = append(j.rowNotes, c.TextFor(j.mode))
	}
}

// resultTable is a Completed or Error File being written into the import transaction.
// A table that gets no row is not kept.
type resultTable struct {
	w     *report.TableWriter
	parts io.WriteCloser
}

func newResultTable(ctx context.Context, tx *sqlite.ImportTx, id int64, kind core.FileKind, header []string) (*resultTable, error) {
	parts := tx.FileWriter(ctx, id, kind)
	w, err := report.NewTableWriter(parts, header)
	if err != nil {
		return nil, err
	}
	return &resultTable{w: w, parts: parts}, nil
}

func (t *resultTable) write(cells []string) error {
	if t == nil {
		return nil
	}
	return t.w.Write(cells)
}

// close stores the table if it has a row, and abandons it otherwise; nothing of it
// reaches the database before its first part is full.
func (t *resultTable) close() error {
	if t == nil {
		return nil
	}
	if t.w.Rows() == 0 {
		t.w.Abort()
		return nil
	}
	if err := t.w.Close(); err != nil {
		return err
	}
	return t.parts.Close()
}

// abort abandons the table if it was not closed.
func (t *resultTable) abort() {
	if t != nil {
		t.w.Abort()
	}
}
