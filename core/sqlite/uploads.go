package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// PartSize is the size of the parts an upload's files are stored in: a file of hundreds
// of megabytes is written and read a part at a time, never whole in memory.
const PartSize = 1 << 20

// The kinds of stored file an upload has besides the core.FileKinds.
const (
	// KindOriginal is the file as uploaded, kept only until the upload has run: it may
	// hold typed passwords.
	KindOriginal = "original"
)

// NewUpload is an upload to record.
type NewUpload struct {
	FileName   string
	Format     core.Format
	SchoolID   int64
	UploadedBy string
	TeacherID  int64
	// Restricted marks an upload of a School Organization Administrator, whose rows may
	// change only the users of its school.
	Restricted bool
	// Original is the file's content, read to its end and stored in parts. An error from
	// it (a file that changed while it was read) records nothing.
	Original io.Reader
}

// InsertUpload records an upload as Queued with its original file, in one transaction.
// It returns the reader's error as it is, or a *core.Error of kind KindStorage when the
// disk is full or the database cannot be written.
func (db *DB) InsertUpload(ctx context.Context, u NewUpload, now time.Time) (int64, error) {
	var id int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		var teacher any
		if u.TeacherID != 0 {
			teacher = u.TeacherID
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO uploads (
				file_name,
				format,
				school_id,
				uploaded_by,
				teacher_id,
				restricted,
				status,
				uploaded_at
			) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.FileName, string(u.Format), u.SchoolID, u.UploadedBy, teacher, u.Restricted, string(core.StatusQueued), fmtTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		original := u.Original
		if original == nil {
			original = strings.NewReader("")
		}
		return putFile(ctx, tx, id, KindOriginal, original)
	})
	return id, err
}

// putFile stores what r holds as the file kind of upload id, a part at a time; an empty
// r stores one empty part, so the file exists.
func putFile(ctx context.Context, tx *sql.Tx, id int64, kind string, r io.Reader) error {
	w := newPartWriter(func(part int, data []byte) error { return putPart(ctx, tx, id, kind, part, data) })
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	return w.Close()
}

func putPart(ctx context.Context, tx *sql.Tx, id int64, kind string, part int, data []byte) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO upload_files (upload_id, kind, part, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (upload_id, kind, part) DO UPDATE SET data = excluded.data`, id, kind, part, data)
	return err
}

// partWriter cuts what is written to it into parts of PartSize bytes and hands each to
// put. It holds at most one part.
type partWriter struct {
	put   func(part int, data []byte) error
	buf   []byte
	parts int
	err   error
}

func newPartWriter(put func(part int, data []byte) error) *partWriter {
	return &partWriter{put: put}
}

// Write buffers p and stores every part it completes.
func (w *partWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && w.err == nil {
		if w.buf == nil {
			w.buf = make([]byte, 0, PartSize)
		}
		k := copy(w.buf[len(w.buf):PartSize], p)
		w.buf, p = w.buf[:len(w.buf)+k], p[k:]
		if len(w.buf) == PartSize {
			w.flush()
		}
	}
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

func (w *partWriter) flush() {
	w.err = w.put(w.parts, w.buf)
	w.parts++
	w.buf = w.buf[:0]
}

// Close stores the last part; a file of no bytes gets one empty part.
func (w *partWriter) Close() error {
	if w.err == nil && (len(w.buf) > 0 || w.parts == 0) {
		if w.buf == nil {
			w.buf = []byte{}
		}
		w.flush()
	}
	return w.err
}

// FileWriter returns a writer that stores a file of an upload in parts within tx's
// connection. Close it to store the last part.
func fileWriter(ctx context.Context, tx *sql.Tx, id int64, kind string) *partWriter {
	return newPartWriter(func(part int, data []byte) error { return classify(putPart(ctx, tx, id, kind, part, data)) })
}

// StoredFile is one stored file of an upload, read a part at a time. It is an
// io.ReaderAt (an XLSX reader jumps around the file) and, through Reader, an io.Reader.
type StoredFile struct {
	db         *DB
	ctx        context.Context
	id         int64
	kind       string
	size       int64
	parts      int
	cache      []byte // the last part read
	cachedPart int
}

// File returns one stored file of an upload: KindOriginal, or a core.FileKind. It
// returns an error of kind KindNotFound when the upload has no such file.
func (db *DB) File(ctx context.Context, id int64, kind string) (*StoredFile, error) {
	f := &StoredFile{db: db, ctx: ctx, id: id, kind: kind, cachedPart: -1}
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT count(*), coalesce(sum(length(data)), 0)
			FROM upload_files
			WHERE upload_id = ? AND kind = ?`, id, kind).Scan(&f.parts, &f.size)
	})
	if err != nil {
		return nil, err
	}
	if f.parts == 0 {
		return nil, core.Errorf(core.KindNotFound, "Upload %d has no %s file.", id, kind)
	}
	return f, nil
}

// Size returns the file's size in bytes.
func (f *StoredFile) Size() int64 { return f.size }

// Reader returns the file from its start as an io.Reader.
func (f *StoredFile) Reader() io.Reader { return io.NewSectionReader(f, 0, f.size) }

// ReadAt reads from the parts that hold [off, off+len(p)).
func (f *StoredFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("stored file: negative offset")
	}
	n := 0
	for n < len(p) && off < f.size {
		part := int(off / PartSize)
		if part != f.cachedPart {
			if err := f.load(part); err != nil {
				return n, err
			}
		}
		k := copy(p[n:], f.cache[off-int64(part)*PartSize:])
		if k == 0 {
			return n, fmt.Errorf("stored file: part %d of upload %d's %s is short", part, f.id, f.kind)
		}
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *StoredFile) load(part int) error {
	var data []byte
	err := f.db.read(f.ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(f.ctx, `
			SELECT data
			FROM upload_files
			WHERE upload_id = ? AND kind = ? AND part = ?`, f.id, f.kind, part).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("stored file: upload %d's %s has no part %d", f.id, f.kind, part)
		}
		return err
	})
	if err != nil {
		return err
	}
	f.cache, f.cachedPart = data, part
	return nil
}

const uploadCols = `
	u.id,
	u.file_name,
	u.format,
	u.delimiter,
	u.school_id,
	COALESCE(s.name, ''),
	u.uploaded_by,
	COALESCE(u.teacher_id, 0),
	u.status,
	u.uploaded_at,
	u.started_at,
	u.finished_at,
	u.rows_total,
	u.rows_applied,
	u.rows_failed,
	u.warnings,
	u.users_created,
	u.users_updated,
	u.classes_created,
	u.enrollments_added,
	u.progress_done,
	u.progress_total,
	u.phase,
	u.phase_started_at,
	u.attempts,
	u.message,
	u.notes,
	u.owner,
	u.heartbeat,
	u.restricted,
	COALESCE((SELECT group_concat(kind, ',') FROM upload_files f WHERE f.upload_id = u.id AND f.part = 0 AND f.kind <> 'original'), '')`

// UploadRecord is an upload with its bookkeeping.
type UploadRecord struct {
	core.Upload
	Delimiter string
	Owner     string
	Heartbeat time.Time
	// Restricted is NewUpload.Restricted.
	Restricted bool
}

func scanUpload(sc interface{ Scan(...any) error }) (UploadRecord, error) {
	var r UploadRecord
	u := &r.Upload
	var format, status, up, started, finished, phase, phaseStarted, notes, hb, files string
	var attempts int
	err := sc.Scan(&u.ID, &u.FileName, &format, &r.Delimiter, &u.SchoolID, &u.SchoolName, &u.UploadedBy, &u.TeacherID, &status,
		&up, &started, &finished, &u.Rows, &u.Applied, &u.Failed, &u.Warnings,
		&u.UsersCreated, &u.UsersUpdated, &u.ClassesCreated, &u.EnrollmentsAdded, &u.Done, &u.Total,
		&phase, &phaseStarted, &attempts, &u.Message, &notes, &r.Owner, &hb, &r.Restricted, &files)
	if err != nil {
		return r, err
	}
	u.Format, u.Status = format, core.Status(status)
	u.UploadedAt, u.StartedAt, u.FinishedAt, r.Heartbeat = parseTime(up), parseTime(started), parseTime(finished), parseTime(hb)
	u.Phase, u.PhaseStarted = core.Phase(phase), parseTime(phaseStarted)
	u.Resumed = attempts > 1
	if u.TeacherID != 0 {
		u.Mode = core.ModeTeacher
	}
	if notes != "" {
		_ = json.Unmarshal([]byte(notes), &u.Notes)
	}
	// Files in the order the Actions menu shows them.
	for _, k := range []core.FileKind{core.FileUploaded, core.FileCompleted, core.FileError} {
		if strings.Contains(","+files+",", ","+string(k)+",") {
			u.Files = append(u.Files, k)
		}
	}
	return r, nil
}

// Upload returns one upload, or an error of kind KindNotFound.
func (db *DB) Upload(ctx context.Context, id int64) (UploadRecord, error) {
	var r UploadRecord
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = findUpload(ctx, tx, id)
		return err
	})
	return r, err
}

func findUpload(ctx context.Context, tx *sql.Tx, id int64) (UploadRecord, error) {
	r, err := scanUpload(tx.QueryRowContext(ctx, `SELECT `+uploadCols+` FROM uploads u LEFT JOIN schools s ON s.id = u.school_id WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, core.Errorf(core.KindNotFound, "There is no upload %d.", id)
	}
	return r, err
}

// RunningClaim is an upload In Progress and the process that claimed it.
type RunningClaim struct {
	Upload    int64
	Owner     string // "host/pid/nonce"
	Heartbeat time.Time
}

// RunningClaims returns the uploads In Progress and their owners, oldest first. It
// reads (the reader pool), so it answers while another connection holds the write lock.
func (db *DB) RunningClaims(ctx context.Context) ([]RunningClaim, error) {
	var out []RunningClaim
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT
				id,
				coalesce(owner, ''),
				coalesce(heartbeat, '')
			FROM uploads
			WHERE status = 'In Progress'
			ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c RunningClaim
			var hb string
			if err := rows.Scan(&c.Upload, &c.Owner, &hb); err != nil {
				return err
			}
			c.Heartbeat = parseTime(hb)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Claim takes the next upload to run for owner: the oldest Queued upload, or an upload
// left In Progress by an owner that alive says is gone (a crash or a kill). It takes none
// while another live owner runs an upload, so uploads run one at a time across
// processes. ok is false when there is nothing to take; busy is true when something is
// waiting but another process is running an upload. clock gives the claim's time.
func (db *DB) Claim(ctx context.Context, owner string, clock func() time.Time, alive func(owner string, heartbeat time.Time) bool) (rec UploadRecord, ok, busy bool, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		// Read the clock only once the write lock is ours: the upload run before this one
		// may have finished while this transaction waited, and the history must not show
		// two uploads running at once.
		now := clock()
		rows, err := tx.QueryContext(ctx, `SELECT `+uploadCols+` FROM uploads u LEFT JOIN schools s ON s.id = u.school_id
			WHERE u.status IN ('Queued', 'In Progress') ORDER BY u.id`)
		if err != nil {
			return err
		}
		var pending []UploadRecord
		for rows.Next() {
			r, err := scanUpload(rows)
			if err != nil {
				rows.Close()
				return err
			}
			pending = append(pending, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var pick *UploadRecord
		for i := range pending {
			r := &pending[i]
			if r.Status == core.StatusInProgress && r.Owner != owner && alive(r.Owner, r.Heartbeat) {
				busy = true
				return nil
			}
			if pick == nil {
				pick = r
			}
		}
		if pick == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE uploads SET
				status = ?,
				owner = ?,
				heartbeat = ?,
				started_at = ?,
				attempts = attempts + 1,
				progress_done = 0,
				progress_total = 0,
				phase = '',
				phase_started_at = ''
			WHERE id = ?`,
			string(core.StatusInProgress), owner, fmtTime(now), fmtTime(now), pick.ID); err != nil {
			return err
		}
		rec, ok = *pick, true
		rec.Status, rec.Owner, rec.StartedAt = core.StatusInProgress, owner, now
		rec.Resumed = pick.Status == core.StatusInProgress
		return nil
	})
	return rec, ok, busy, err
}

// Heartbeat records the progress of an upload and that its owner is alive. It returns an
// error of kind KindConflict if another process has taken the upload over (or it is no
// longer In Progress).
func (db *DB) Heartbeat(ctx context.Context, id int64, owner string, p core.Progress, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE uploads SET
				progress_done = ?,
				progress_total = ?,
				phase = ?,
				phase_started_at = ?,
				heartbeat = ?
			WHERE id = ? AND owner = ? AND status = ?`,
			p.Done, p.Total, string(p.Phase), fmtTime(p.Started), fmtTime(now), id, owner, string(core.StatusInProgress))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Errorf(core.KindConflict, "Upload %d was taken over by another Rosterdesk process.", id)
		}
		return nil
	})
}

// Finish is what an upload ends with.
type Finish struct {
	Status    core.Status
	Counts    core.Counts
	Message   string
	Notes     []string
	Delimiter string
	// TempPasswordsAt is when the temporary passwords in the Completed File were issued
	// (the zero time when it holds none).
	TempPasswordsAt time.Time
	// Uploaded, when not nil, is stored as the Uploaded File (an upload that failed as
	// a whole still keeps what was read of it). An import stores its files itself.
	Uploaded io.Reader
}

// finishUpload records the outcome and deletes the original file, in the caller's
// transaction, so a crash leaves either the whole result or none.
func finishUpload(ctx context.Context, tx *sql.Tx, id int64, owner string, f Finish, now time.Time) error {
	notes, _ := json.Marshal(f.Notes)
	if len(f.Notes) == 0 {
		notes = nil
	}
	delim := f.Delimiter
	if delim == "" {
		delim = ","
	}
	c := f.Counts
	res, err := tx.ExecContext(ctx, `
		UPDATE uploads SET
			status = ?,
			finished_at = ?,
			rows_total = ?,
			rows_applied = ?,
			rows_failed = ?,
			warnings = ?,
			users_created = ?,
			users_updated = ?,
			classes_created = ?,
			enrollments_added = ?,
			message = ?,
			notes = ?,
			delimiter = ?,
			progress_done = ?,
			progress_total = ?,
			phase = '',
			phase_started_at = '',
			temp_passwords_at = ?,
			heartbeat = ?
		WHERE id = ? AND owner = ?`,
		string(f.Status), fmtTime(now), c.Rows, c.Applied, c.Failed, c.Warnings, c.UsersCreated, c.UsersUpdated, c.ClassesCreated,
		c.EnrollmentsAdded, f.Message, string(notes), delim, c.Rows, c.Rows, fmtTime(f.TempPasswordsAt), fmtTime(now), id, owner)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.KindConflict, "Upload %d was taken over by another Rosterdesk process.", id)
	}
	if f.Uploaded != nil {
		if err := putFile(ctx, tx, id, string(core.FileUploaded), f.Uploaded); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM upload_files WHERE upload_id = ? AND kind = 'original'`, id)
	return err
}

// FinishUpload ends an upload that applied nothing (a file-level failure, a cancel), in
// its own transaction. It returns an error of kind KindConflict when another process
// has taken the upload over.
func (db *DB) FinishUpload(ctx context.Context, id int64, owner string, f Finish, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error { return finishUpload(ctx, tx, id, owner, f, now) })
}

// CancelUpload ends upload id as Cancelled with message, keeping nothing of it, if it is
// still Queued or, when owner is not "", In Progress with that owner (a process that is
// gone). It reports whether it did.
func (db *DB) CancelUpload(ctx context.Context, id int64, owner, message string, now time.Time) (bool, error) {
	done := false
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE uploads SET
				status = ?,
				finished_at = ?,
				message = ?,
				progress_done = 0,
				progress_total = 0,
				phase = '',
				phase_started_at = ''
			WHERE id = ? AND (status = ? OR status = ? AND owner = ? AND owner <> '')`,
			string(core.StatusCancelled), fmtTime(now), message, id, string(core.StatusQueued), string(core.StatusInProgress), owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		done = true
		_, err = tx.ExecContext(ctx, `DELETE FROM upload_files WHERE upload_id = ?`, id)
		return err
	})
	return done, err
}
