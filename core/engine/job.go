package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// job is one run of an upload (or a dry run): what it imports, and what its stages have
// found so far. The stages are its methods, each given ctx:
//
//	read    the file's rows into the stage (read.go)
//	decide  merge each user's and each class's rows and check them, first alone, then
//	        against what is stored, inside the import transaction (check.go, decide.go)
//	write   make what new users need, write the stage's decisions into the database
//	        and the result files (write.go)
//
// Every stage reads the stage a page at a time, so the memory a run needs does not grow
// with the file.
type job struct {
	s        *Service
	id       int64 // 0 for a dry run
	name     string
	schoolID int64
	actor    Actor
	mode     core.Mode
	dry      bool
	// restricted: the uploader manages only some schools, and the rows may change only
	// the users of this one.
	restricted bool

	now    time.Time // the import's one time: issued temporary passwords, created rows
	keys   *sealer
	p      parsers
	warn   notices
	prog   *progress
	beatMu sync.Mutex // one heartbeat write at a time

	secrets bool // the file holds a typed password somewhere
	// roleColumn: the file has a Role column, which a teacher's upload reads to refuse
	// teachers, so its Error File keeps it (results).
	roleColumn bool
	// How many rows fail on their own cells, and how many users and classes fail: a
	// file with none needs no pass to settle which are applied.
	ownFailed, usersFailed, classesFailed int
	counts                                core.Counts
	rowNotes                              []string
	tempPWs                               int // temporary passwords the import hands out
}

func (s *Service) newJob(id int64, name string, schoolID int64, actor Actor, dry bool, progress func(core.Progress)) *job {
	return &job{s: s, id: id, name: name, schoolID: schoolID, actor: actor, mode: actor.Mode(), dry: dry,
		restricted: actor.restricted(), keys: newSealer(), prog: newProgress(id, progress)}
}

// run reads, checks and applies the upload from src (size bytes). Each row is all or
// nothing, and rows that pass every check are applied even when others fail. The checks
// that need what is stored, and every write, happen in one write transaction
// (sqlite.ImportTx) together with the upload's outcome, so a crash or a cancel leaves no
// half-applied row and the upload can run again from the start. Typed passwords are
// hashed before that transaction opens, so it stays short.
func (j *job) run(ctx context.Context, src io.ReaderAt, size int64) (Result, error) {
	j.now = j.s.now()
	j.prog.set(core.PhaseReading, 0, 0)
	path, err := j.s.tmp().stagePath()
	if err != nil {
		return Result{}, tmpError("import", "the file could not be imported", err)
	}
	st, err := sqlite.CreateStage(ctx, path)
	if err != nil {
		return Result{}, err
	}
	defer sqlite.RemoveStage(path)
	defer st.Close()

	rr, err := j.read(ctx, st, src, size)
	if ce := (*core.Error)(nil); errors.As(err, &ce) && ce.Code != "" {
		return j.fail(ctx, st, ce.MessageFor(j.mode), rr)
	}
	if err != nil {
		return Result{}, err
	}
	j.counts.Rows = rr.rows
	j.roleColumn = rr.info.Columns[core.ColRole] >= 0
	for _, w := range rr.warnings {
		j.warn.add(w)
	}
	if err := j.mergeUsers(ctx, st); err != nil {
		return Result{}, err
	}
	if err := j.mergeClasses(ctx, st); err != nil {
		return Result{}, err
	}
	if err := j.duplicates(ctx, st); err != nil {
		return Result{}, err
	}
	if err := j.hashPasswords(ctx, st); err != nil {
		return Result{}, err
	}
	// The database shows the phase before the transaction complete while it runs: the
	// transaction holds the writer, so nothing more is written until it ends.
	if err := j.flush(ctx); err != nil {
		return Result{}, err
	}
	if err := st.Close(); err != nil {
		return Result{}, fmt.Errorf("close stage: %w", err)
	}

	j.prog.set(core.PhaseApplying, 0, j.counts.Rows)
	j.prog.pause(true)
	defer j.prog.pause(false)
	tx, err := j.s.db.BeginImport(ctx, path, j.now, j.s.opts.BusyWait)
	if err != nil {
		return Result{}, j.s.busyError(ctx, err)
	}
	defer tx.Rollback(ctx) // after Commit, it does nothing
	if err := j.decide(ctx, tx); err != nil {
		return Result{}, err
	}
	if err := j.write(ctx, tx); err != nil {
		return Result{}, err
	}
	if err := j.results(ctx, tx); err != nil {
		return Result{}, err
	}
	res := j.result()
	j.prog.set(core.PhaseApplying, j.counts.Rows, j.counts.Rows)
	if j.dry {
		return res, nil
	}
	f := sqlite.Finish{Status: res.Status, Counts: res.Counts, Message: res.Message, Notes: res.Notes, Delimiter: delimiter(rr)}
	if j.tempPWs > 0 {
		f.TempPasswordsAt = j.now
	}
	if err := tx.CopyStaged(ctx, j.id, core.FileUploaded); err != nil {
		return Result{}, err
	}
	if err := tx.Finish(ctx, j.id, j.s.owner, f, j.s.now()); err != nil {
		return Result{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Result{}, err
	}
	j.prog.set(core.PhaseDone, j.counts.Rows, j.counts.Rows)
	return res, nil
}

// decide runs the checks that need what is stored, then settles which rows, users and
// classes are applied.
func (j *job) decide(ctx context.Context, tx *sqlite.ImportTx) error {
	steps := []func(context.Context, *sqlite.ImportTx) error{j.checkStoredUsers, j.checkStoredClasses, j.needTeachers, j.settleUsers, j.settleClasses}
	for i, step := range steps {
		if err := step(ctx, tx); err != nil {
			return err
		}
		j.prog.fraction(core.PhaseApplying, 0.2*float64(i+1)/float64(len(steps)), j.counts.Rows)
	}
	return nil
}

// result is the run's outcome: its status, counts and notes.
func (j *job) result() Result {
	c := j.counts
	status, msg := core.StatusCompleted, ""
	switch {
	case c.Applied == 0 && j.dry:
		// A check has no Error File to point to: only what is wrong; the notes say
		// what to fix on each row.
		status, msg = core.StatusFailed, core.Issue{Code: core.FileNoRowApplied}.ProblemFor(j.mode)
	case c.Applied == 0:
		status, msg = core.StatusFailed, core.Issue{Code: core.FileNoRowApplied}.TextFor(j.mode)
	case c.Failed > 0:
		status = core.StatusCompletedWithError
	}
	var notes []string
	for _, w := range j.warn.finish(j.mode) {
		notes = append(notes, "Warning: "+w.TextFor(j.mode))
	}
	c.Warnings = j.warn.n
	for _, n := range j.rowNotes {
		if len(notes) >= MaxNotes {
			break
		}
		notes = append(notes, n)
	}
	if len(notes) > MaxNotes {
		notes = notes[:MaxNotes]
	}
	return Result{Upload: j.id, FileName: j.name, Status: status, Counts: c, Message: msg, Notes: notes, Mode: j.mode}
}

// fail ends an upload whose file could not be used as a whole: nothing changes. What was
// read of it is kept as its Uploaded File, with the number of rows read.
func (j *job) fail(ctx context.Context, st *sqlite.Stage, msg string, rr readResult) (Result, error) {
	c := core.Counts{Rows: rr.rows}
	res := Result{Upload: j.id, FileName: j.name, Status: core.StatusFailed, Counts: c, Message: msg, Mode: j.mode}
	if j.dry {
		return res, nil
	}
	f := sqlite.Finish{Status: core.StatusFailed, Counts: c, Message: msg, Delimiter: delimiter(rr)}
	if rr.header {
		f.Uploaded = st.PartsReader(ctx, string(core.FileUploaded))
	}
	return res, j.s.db.FinishUpload(ctx, j.id, j.s.owner, f, j.s.now())
}

// delimiter is the CSV delimiter the Uploaded File is given back with.
func delimiter(rr readResult) string {
	if rr.info.Delimiter != 0 {
		return string(rr.info.Delimiter)
	}
	return ","
}
