package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/retry"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

func itoa(n int) string { return strconv.Itoa(n) }

// MaxFileBytes bounds an uploaded file. An import's memory does not grow with the file
// (its rows wait in a stage on disk), so the bound is the disk and the time a file takes:
// a roster of 100,000 rows is about 13 MB, one of 4,000,000 rows 512 MB.
const MaxFileBytes = 512 << 20

// pollEvery is how often a caller waiting for another process's upload looks again.
const pollEvery = 200 * time.Millisecond

// Enqueue records an upload as Queued and keeps its file until it has run. RunPending
// (or Import) runs it. The file is read from req.File, a part at a time, or from
// req.Data. A file over MaxFileBytes, or one that changes while it is read, is refused
// with a *core.Error with a file-level Code, and nothing is recorded.
func (s *Service) Enqueue(ctx context.Context, req UploadRequest) (core.Upload, error) {
	f, err := s.checkRequest(ctx, &req)
	if err != nil {
		return core.Upload{}, err
	}
	src, check, err := req.reader()
	if err != nil {
		return core.Upload{}, err
	}
	id, err := s.db.InsertUpload(ctx, sqlite.NewUpload{
		FileName: shown(filepath.Base(req.FileName)), Format: f, SchoolID: req.SchoolID,
		UploadedBy: uploadedBy(req.Actor), TeacherID: req.Actor.TeacherID, Restricted: req.Actor.restricted(),
		Original: &checkedReader{r: src, check: check},
	}, s.now())
	if err != nil {
		return core.Upload{}, s.busyError(ctx, err)
	}
	rec, err := s.db.Upload(ctx, id)
	return rec.Upload, err
}

// reader returns the request's file as a reader limited to MaxFileBytes (one byte more
// makes it too big), and a check to run once it is read to its end.
func (req UploadRequest) reader() (io.Reader, func(n int64) error, error) {
	if req.File == nil {
		return bytes.NewReader(req.Data), func(int64) error { return nil }, nil
	}
	before, err := req.File.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("read file: %w", err)
	}
	if before.Size() > MaxFileBytes {
		return nil, nil, tooBig(before.Size())
	}
	check := func(n int64) error {
		if n > MaxFileBytes {
			return tooBig(n)
		}
		if !before.Mode().IsRegular() {
			return nil // a pipe or a device has no size to compare
		}
		after, err := req.File.Stat()
		if err != nil {
			return fmt.Errorf("read file: %w", err)
		}
		if after.Size() != before.Size() || n != after.Size() || !after.ModTime().Equal(before.ModTime()) {
			return core.NewFileError(core.FileChanged, "", nil)
		}
		return nil
	}
	return io.LimitReader(req.File, MaxFileBytes+1), check, nil
}

// checkedReader reads r and, at its end, runs check on the number of bytes read: the
// file's size and modification time must not have changed meanwhile.
type checkedReader struct {
	r     io.Reader
	n     int64
	check func(n int64) error
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF {
		if cerr := c.check(c.n); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

func uploadedBy(a Actor) string {
	if n := strings.TrimSpace(shown(a.Name)); n != "" {
		return n
	}
	return "Unknown"
}

// shown returns an upload's file name or Uploaded By as the history keeps it: every
// control or text-direction character (core.Unprintable) made "_". A file's name comes
// from the disk, where Linux allows a line break or a right-to-left override in it,
// and rosterctl's --as takes any text; the window shows both as they are stored, and
// suggests the upload's files' names from the file's.
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		if core.Unprintable(r) {
			return '_'
		}
		return r
	}, s)
}

// checkRequest checks what can be checked before an upload is queued: the school, the
// teacher, the file's type and size. Problems with the file's content are the upload's
// own outcome (Failed), not an error here. req.Actor becomes the actor as checked
// against the database.
func (s *Service) checkRequest(ctx context.Context, req *UploadRequest) (core.Format, error) {
	if _, err := s.db.School(ctx, req.SchoolID); err != nil {
		return "", core.Errorf(core.KindInvalid, "Select a school before uploading.")
	}
	var err error
	if req.Actor, err = s.checkActor(ctx, req.SchoolID, req.Actor); err != nil {
		return "", err
	}
	f, ok := core.FormatOf(req.FileName)
	if !ok {
		return "", core.NewFileError(core.FileType, "", nil)
	}
	if len(req.Data) > MaxFileBytes {
		return "", tooBig(int64(len(req.Data)))
	}
	return f, nil
}

// Check runs every check of an import and counts what it would do, without changing the
// database (a dry run): the result is the one Import would give.
func (s *Service) Check(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	name := filepath.Base(req.FileName)
	if _, err := s.checkRequest(ctx, &req); err != nil {
		if e, ok := core.Lookup(core.ErrorCode(err)); ok && e.Severity == core.SeverityFile {
			return Result{FileName: name, Status: core.StatusFailed, Message: core.ErrorMessage(err)}, nil
		}
		return Result{}, err
	}
	src, size, err := req.readerAt()
	if err != nil {
		if e := (*core.Error)(nil); errors.As(err, &e) && e.Code != "" {
			return Result{FileName: name, Status: core.StatusFailed, Message: e.Message}, nil
		}
		return Result{}, err
	}
	s.maintain(ctx)
	return s.newJob(0, name, req.SchoolID, req.Actor, true, progress).run(ctx, src, size)
}

// readerAt returns the request's file for reading where the reader jumps (a workbook's
// parts): req.File itself when it can, else its bytes.
func (req UploadRequest) readerAt() (io.ReaderAt, int64, error) {
	if req.File == nil {
		return bytes.NewReader(req.Data), int64(len(req.Data)), nil
	}
	if ra, ok := req.File.(io.ReaderAt); ok {
		st, err := req.File.Stat()
		if err != nil {
			return nil, 0, fmt.Errorf("read file: %w", err)
		}
		if st.Mode().IsRegular() {
			if st.Size() > MaxFileBytes {
				return nil, 0, tooBig(st.Size())
			}
			return ra, st.Size(), nil
		}
	}
	data, err := ReadFile(req.File)
	return bytes.NewReader(data), int64(len(data)), err
}

// Import enqueues req and waits until it has run, running any upload queued before it.
// On an error its Result's Upload is the recorded upload's id, 0 when none was recorded
// (an error or a cancel while the upload was being queued: nothing changed).
func (s *Service) Import(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	up, err := s.Enqueue(ctx, req)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = retry.Until(ctx, pollEvery, retry.Forever, func() (bool, error) {
		for {
			rec, err := s.db.Upload(ctx, up.ID)
			if err != nil {
				return true, err
			}
			u := rec.Upload
			if u.Status.Finished() {
				res = resultOf(u)
				return true, nil
			}
			r, ran, _, err := s.step(ctx, progress)
			if err != nil {
				return true, err
			}
			if ran && r.Upload == up.ID {
				res = r // with what happened after it was recorded (a checkpoint's note)
				return true, nil
			}
			if !ran {
				return false, nil // another process runs an upload: ours waits its turn
			}
		}
	})
	if err != nil && res.Upload == 0 {
		res.Upload = up.ID // recorded: stopped, it is run again later (or cancelled)
	}
	return res, err
}

func resultOf(u core.Upload) Result {
	return Result{Upload: u.ID, FileName: u.FileName, Status: u.Status, Counts: u.Counts, Message: u.Message, Notes: u.Notes, Resumed: u.Resumed,
		Mode: u.Mode}
}

// RunPending runs queued uploads, and uploads interrupted by a crash, one at a time, until
// none is left; it returns the results of the uploads it ran. While another process runs
// an upload it waits for it.
func (s *Service) RunPending(ctx context.Context, progress func(core.Progress)) ([]Result, error) {
	s.maintain(ctx)
	var out []Result
	err := retry.Until(ctx, pollEvery, retry.Forever, func() (bool, error) {
		for {
			res, ran, busy, err := s.step(ctx, progress)
			if ran && err == nil {
				out = append(out, res)
			}
			if err != nil || !ran {
				return err != nil || !busy, err // busy: another process runs one, wait for it
			}
		}
	})
	return out, err
}

// step claims the next pending upload and runs it. The lock is held from claim to finish:
// Claim hands this process's own In Progress uploads back to it (they were interrupted),
// so two goroutines must not claim at once.
func (s *Service) step(ctx context.Context, progress func(core.Progress)) (res Result, ran, busy bool, err error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	rec, ok, busy, err := s.db.Claim(ctx, s.owner, s.now, s.alive)
	if err != nil || !ok {
		return Result{}, false, busy, s.busyError(ctx, err)
	}
	res, err = s.runClaimed(ctx, rec, progress)
	return res, true, false, err
}

// errCancelled is the cause of a run stopped by Cancel.
var errCancelled = errors.New("the upload was cancelled")

// runClaimed runs an upload this process has claimed and records its outcome. A run that
// fails for a reason of the machine (a full disk, a damaged database) ends as Failed with
// the reason, so it does not run again and again; one cancelled by Cancel ends as
// Cancelled; one stopped because ctx ended (the program quits) stays In Progress and
// runs again, from the start, next time.
func (s *Service) runClaimed(ctx context.Context, rec sqlite.UploadRecord, progress func(core.Progress)) (Result, error) {
	defer s.tmp().clearCancel(rec.ID)
	if s.tmp().cancelRequested(rec.ID) {
		// Cancelled while its owner was gone: nothing of it ran.
		return s.cancelled(ctx, rec, nil)
	}
	file, err := s.db.File(ctx, rec.ID, sqlite.KindOriginal)
	if err != nil {
		return Result{}, fmt.Errorf("run upload %d: %w", rec.ID, err)
	}
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	s.setRunning(rec.ID, stop)
	defer s.setRunning(rec.ID, nil)

	j := s.newJob(rec.ID, rec.FileName, rec.SchoolID, Actor{Name: rec.UploadedBy, TeacherID: rec.TeacherID}, false, progress)
	j.restricted = rec.Restricted
	// Another process asks for a cancel with a marker file (Cancel): the run looks for it
	// each time it reports progress, which it does at every page of every pass.
	j.prog.check = func() {
		if s.tmp().cancelRequested(rec.ID) {
			stop(errCancelled)
		}
	}
	beatCtx, endBeat := context.WithCancel(runCtx)
	go j.beat(beatCtx, stop)
	res, err := j.run(runCtx, file, file.Size())
	endBeat()
	res.Resumed = rec.Resumed
	if err != nil {
		cause := context.Cause(runCtx)
		switch {
		case ctx.Err() != nil:
			// The program is quitting: the upload stays In Progress and runs again.
			return Result{}, ctx.Err()
		case errors.Is(cause, errCancelled):
			return s.cancelled(ctx, rec, cause)
		case core.ErrorKind(err) == core.KindConflict || core.ErrorKind(cause) == core.KindConflict:
			return Result{}, errors.Join(err, cause)
		case errors.Is(err, sqlite.ErrBusy):
			// Another connection kept the write lock all along: marking the upload
			// Failed needs that lock too, and the file is not at fault. It stays
			// waiting and runs again, from the start, once uploads resume.
			err = s.busyError(ctx, err)
			return Result{}, &core.Error{Kind: core.KindBusy, Op: "import", Err: errors.Join(ErrUploadWaiting, err),
				Message: core.ErrorMessage(err) + " The upload is still waiting: it runs again, from the start, once uploads resume."}
		}
		return s.failed(ctx, rec, err)
	}
	if note := s.checkpoint(ctx, j.secrets || s.tmp().checkpointOwed()); note != "" {
		res.Notes = append(res.Notes, note)
	}
	return res, nil
}

// failed ends an upload whose run failed for a reason of the machine as Failed, with the
// reason. When even that cannot be recorded (the disk is full), the upload stays In
// Progress: the error says so, and that it runs again, from the start, once uploads
// resume.
func (s *Service) failed(ctx context.Context, rec sqlite.UploadRecord, err error) (Result, error) {
	msg := core.ErrorMessage(err)
	ferr := s.db.FinishUpload(context.WithoutCancel(ctx), rec.ID, s.owner, sqlite.Finish{Status: core.StatusFailed, Message: msg}, s.now())
	if ferr != nil {
		return Result{}, &core.Error{Kind: core.ErrorKind(err), Op: "import", Err: errors.Join(ErrUploadWaiting, err, ferr),
			Message: strings.TrimSuffix(msg, ".") + ". The upload could not even be marked as failed, so it is still waiting: once the problem is fixed, resume the waiting uploads and it runs again from the start."}
	}
	return Result{Upload: rec.ID, FileName: rec.FileName, Status: core.StatusFailed, Message: msg, Resumed: rec.Resumed, Mode: rec.Mode}, nil
}

// ErrUploadWaiting is in the chain of an import's error when the upload could not be
// finished and stays waiting (In Progress), to run again when uploads resume: a front
// end adds how to resume them.
var ErrUploadWaiting = errors.New("the upload is still waiting")

// cancelled ends a cancelled upload: nothing of it was applied.
func (s *Service) cancelled(ctx context.Context, rec sqlite.UploadRecord, cause error) (Result, error) {
	msg := "The upload was cancelled before it was saved: nothing in the file was applied."
	err := s.db.FinishUpload(context.WithoutCancel(ctx), rec.ID, s.owner, sqlite.Finish{Status: core.StatusCancelled, Message: msg}, s.now())
	if err != nil {
		return Result{}, errors.Join(cause, err)
	}
	return Result{Upload: rec.ID, FileName: rec.FileName, Status: core.StatusCancelled, Message: msg, Resumed: rec.Resumed, Mode: rec.Mode}, nil
}

// setRunning records the cancel of the upload this process runs (nil: it ended).
func (s *Service) setRunning(id int64, stop context.CancelCauseFunc) {
	s.runningMu.Lock()
	defer s.runningMu.Unlock()
	if s.running == nil {
		s.running = make(map[int64]context.CancelCauseFunc)
	}
	if stop == nil {
		delete(s.running, id)
	} else {
		s.running[id] = stop
	}
}

// Cancel cancels upload id: a Queued one becomes Cancelled at once; one In Progress is
// stopped before its import transaction commits (rolled back: nothing applied) and
// becomes Cancelled, whichever process runs it. Cancel returns once the cancel is asked
// for; an upload whose run had already committed ends as it did. A teacher actor may
// cancel only their own uploads. It returns an error of kind KindNotFound for an unknown
// upload, KindConflict for one that has finished, and KindInvalid for another's upload.
func (s *Service) Cancel(ctx context.Context, actor Actor, id int64) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	rec, err := s.upload(ctx, r, id) // ACCESS_UPLOAD unless the actor may see it
	if err != nil {
		return err
	}
	msg := "Cancelled by " + uploadedBy(actor) + " before it ran: nothing in the file was applied."
	switch rec.Status {
	case core.StatusQueued:
		done, err := s.db.CancelUpload(ctx, id, "", msg, s.now())
		if err != nil || done {
			return err
		}
		return s.Cancel(ctx, actor, id) // claimed meanwhile: cancel it running
	case core.StatusInProgress:
		s.runningMu.Lock()
		stop := s.running[id]
		s.runningMu.Unlock()
		if stop != nil {
			stop(errCancelled)
			return nil
		}
		if err := s.tmp().requestCancel(id); err != nil {
			return tmpError("cancel", "it could not ask for the upload to be cancelled", err)
		}
		if host, pid := parseOwner(rec.Owner); host == s.host && pid > 0 && !processAlive(pid) {
			// Its process is gone: nothing runs it to see the request. (One of another
			// computer sees it when its upload is taken over: runClaimed.)
			if _, err := s.db.CancelUpload(ctx, id, rec.Owner, msg, s.now()); err != nil {
				return err
			}
			s.tmp().clearCancel(id)
		}
		return nil
	}
	return core.Errorf(core.KindConflict, "Upload %d has already finished (%s), so there is nothing to cancel.", id, rec.Status)
}

// checkpointEvery is how often a checkpoint that a reader holds back is tried again.
const checkpointEvery = 100 * time.Millisecond

// checkpoint copies the WAL into the database and truncates it after an upload, so the
// WAL file does not keep growing. After one whose file held typed passwords (secrets) it
// is tried until no reader holds it back (for up to Options.CheckpointWait), and,
// failing that, again at the next start, so that no copy of the file lingers in the
// WAL; otherwise it is tried once. The upload itself is saved already: a
// checkpoint that fails (a full disk) is said in the note returned, never as the
// upload's failure.
func (s *Service) checkpoint(ctx context.Context, secrets bool) string {
	wait := time.Duration(0)
	if secrets {
		wait = s.opts.CheckpointWait
	}
	var done bool
	err := retry.Until(ctx, checkpointEvery, wait, func() (bool, error) {
		var err error
		done, err = s.db.CheckpointTruncate(ctx)
		return done || err != nil, err
	})
	if done && err == nil {
		s.tmp().checkpointPaid()
		return ""
	}
	if secrets {
		s.tmp().oweCheckpoint()
	}
	if err != nil {
		return "Note: the upload was saved, but the database could not be tidied up afterwards (" + core.ErrorMessage(err) + ")."
	}
	return ""
}

// maintain does, once per Service, what a start owes: it removes the stages a crash left,
// finishes a checkpoint an earlier upload could not, and empties the Completed Files
// whose temporary passwords are all used or expired.
func (s *Service) maintain(ctx context.Context) {
	s.maintained.Do(func() {
		s.tmp().clean()
		if s.tmp().checkpointOwed() {
			s.checkpoint(ctx, true)
		}
		_, _ = s.ScrubCompletedFiles(ctx)
	})
}

// tmp returns the engine's private folder beside the database.
func (s *Service) tmp() *tmpDir {
	s.tmpOnce.Do(func() { s.tmpd = newTmpDir(s.db.Path) })
	return s.tmpd
}

// ReadFile reads an upload's file whole from f, a file the caller opened (the engine
// never opens paths itself). It refuses a file over MaxFileBytes before reading a byte
// of it, so a huge file costs neither memory nor time, and a regular file whose size
// or modification time changes while it is read: Excel still saving it, or a sync
// client replacing it, and the bytes read could be half of each version. Both come
// back as a *core.Error with a file-level Code and plain words. A caller that can,
// passes the file itself (UploadRequest.File) instead: it is then never whole in memory.
func ReadFile(f fs.File) ([]byte, error) {
	req := UploadRequest{File: f}
	src, check, err := req.reader()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(&checkedReader{r: src, check: check})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// tooBig is the error for a file of n bytes. Megabytes are rounded up, so a file just
// over the limit does not read as "512 MB; the most is 512 MB".
func tooBig(n int64) error {
	return core.NewFileError(core.FileTooBig, fmt.Sprintf("%d MB; the most is %d MB", (n+1<<20-1)>>20, MaxFileBytes>>20), nil)
}
