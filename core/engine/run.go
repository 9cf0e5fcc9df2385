package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

func itoa(n int) string { return strconv.Itoa(n) }

// MaxFileBytes bounds an uploaded file. A roster of 100,000 rows is about 10 MB.
const MaxFileBytes = 256 << 20

// Enqueue records an upload as Queued and keeps its file until it has run. RunPending
// (or Import) runs it.
func (s *Service) Enqueue(ctx context.Context, req UploadRequest) (core.Upload, error) {
	f, err := s.checkRequest(ctx, &req)
	if err != nil {
		return core.Upload{}, err
	}
	id, err := s.db.InsertUpload(ctx, sqlite.NewUpload{
		FileName: filepath.Base(req.FileName), Format: f, SchoolID: req.SchoolID,
		UploadedBy: uploadedBy(req.Actor), TeacherID: req.Actor.TeacherID, Original: req.Data,
	}, s.now())
	if err != nil {
		return core.Upload{}, err
	}
	rec, err := s.db.Upload(ctx, id)
	return rec.Upload, err
}

func uploadedBy(a Actor) string {
	if n := strings.TrimSpace(a.Name); n != "" {
		return n
	}
	return "Unknown"
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
// database (a dry run).
func (s *Service) Check(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	if _, err := s.checkRequest(ctx, &req); err != nil {
		if e, ok := core.Lookup(core.ErrorCode(err)); ok && e.Severity == core.SeverityFile {
			return Result{FileName: filepath.Base(req.FileName), Status: core.StatusFailed, Message: core.ErrorMessage(err)}, nil
		}
		return Result{}, err
	}
	j := &job{s: s, name: filepath.Base(req.FileName), data: req.Data, schoolID: req.SchoolID, actor: req.Actor, dry: true, progress: progress}
	return j.run(ctx)
}

// Import enqueues req and waits until it has run, running any upload queued before it.
func (s *Service) Import(ctx context.Context, req UploadRequest, progress func(core.Progress)) (Result, error) {
	up, err := s.Enqueue(ctx, req)
	if err != nil {
		return Result{}, err
	}
	for {
		rec, err := s.db.Upload(ctx, up.ID)
		if err != nil {
			return Result{}, err
		}
		u := rec.Upload
		if u.Status.Finished() {
			return resultOf(u), nil
		}
		ran, err := s.runNext(ctx, progress)
		if err != nil {
			return Result{}, err
		}
		if !ran {
			// Another process is running an upload: ours waits its turn.
			select {
			case <-ctx.Done():
				return Result{}, ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

func resultOf(u core.Upload) Result {
	r := Result{Upload: u.ID, FileName: u.FileName, Status: u.Status, Counts: u.Counts, Message: u.Message, Notes: u.Notes}
	return r
}

// RunPending runs queued uploads, and uploads interrupted by a crash, one at a time, until
// none is left; it returns the results of the uploads it ran. While another process runs
// an upload it waits for it.
func (s *Service) RunPending(ctx context.Context, progress func(core.Progress)) ([]Result, error) {
	var out []Result
	for {
		res, ran, busy, err := s.step(ctx, progress)
		if err != nil {
			return out, err
		}
		if ran {
			out = append(out, res)
			continue
		}
		if !busy {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// runNext runs the next pending upload, if one can be taken now.
func (s *Service) runNext(ctx context.Context, progress func(core.Progress)) (bool, error) {
	_, ran, _, err := s.step(ctx, progress)
	return ran, err
}

// step claims the next pending upload and runs it. The lock is held from claim to finish:
// Claim hands this process's own In Progress uploads back to it (they were interrupted),
// so two goroutines must not claim at once.
func (s *Service) step(ctx context.Context, progress func(core.Progress)) (res Result, ran, busy bool, err error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	rec, ok, busy, err := s.db.Claim(ctx, s.owner, s.now, s.alive)
	if err != nil || !ok {
		return Result{}, false, busy, err
	}
	res, err = s.runClaimed(ctx, rec, progress)
	return res, true, false, err
}

// runClaimed runs an upload this process has claimed and records its outcome.
func (s *Service) runClaimed(ctx context.Context, rec sqlite.UploadRecord, progress func(core.Progress)) (Result, error) {
	data, err := s.db.File(ctx, rec.ID, "original")
	if err != nil {
		return Result{}, fmt.Errorf("run upload %d: %w", rec.ID, err)
	}
	j := &job{s: s, id: rec.ID, name: rec.FileName, data: data, schoolID: rec.SchoolID,
		actor: Actor{Name: rec.UploadedBy, TeacherID: rec.TeacherID}, progress: progress}
	res, err := j.run(ctx)
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled: the upload stays In Progress and runs again from the start.
			return Result{}, ctx.Err()
		}
		if core.ErrorKind(err) == core.KindConflict {
			return Result{}, err
		}
		// A failure of the machine (disk full, a damaged database) ends the upload as
		// Failed with the reason, so it does not run again and again.
		msg := core.ErrorMessage(err)
		ferr := s.db.FinishUpload(context.WithoutCancel(ctx), rec.ID, s.owner, sqlite.Finish{Status: core.StatusFailed, Message: msg}, s.now())
		if ferr != nil {
			return Result{}, errors.Join(err, ferr)
		}
		return Result{Upload: rec.ID, FileName: rec.FileName, Status: core.StatusFailed, Message: msg}, nil
	}
	if err := s.db.Checkpoint(ctx); err != nil && !sqlite.IsBusy(err) {
		return res, fmt.Errorf("checkpoint after upload %d: %w", rec.ID, err)
	}
	return res, nil
}
