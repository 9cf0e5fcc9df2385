package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// NewUpload is an upload to record.
type NewUpload struct {
	FileName   string
	Format     core.Format
	SchoolID   int64
	UploadedBy string
	TeacherID  int64
	Original   []byte
}

// InsertUpload records an upload as Queued with its original file.
func (db *DB) InsertUpload(ctx context.Context, u NewUpload, now time.Time) (int64, error) {
	var id int64
	if u.Original == nil {
		// An empty file is still an upload: it runs and fails with "The file is empty".
		u.Original = []byte{}
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var teacher any
		if u.TeacherID != 0 {
			teacher = u.TeacherID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO uploads (file_name, format, school_id, uploaded_by, teacher_id, status, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.FileName, string(u.Format), u.SchoolID, u.UploadedBy, teacher, string(core.StatusQueued), fmtTime(now))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return putFile(ctx, tx, id, "original", u.Original)
	})
	return id, err
}

func putFile(ctx context.Context, tx *sql.Tx, id int64, kind string, data []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO upload_files (upload_id, kind, data) VALUES (?, ?, ?)
		ON CONFLICT (upload_id, kind) DO UPDATE SET data = excluded.data`, id, kind, data)
	return err
}

// File returns one stored file of an upload: "original", or a core.FileKind.
func (db *DB) File(ctx context.Context, id int64, kind string) ([]byte, error) {
	var b []byte
	err := db.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT data FROM upload_files WHERE upload_id = ? AND kind = ?`, id, kind).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.KindNotFound, "Upload %d has no %s file.", id, kind)
		}
		return err
	})
	return b, err
}

const uploadCols = `u.id, u.file_name, u.format, u.delimiter, u.school_id, COALESCE(s.name, ''), u.uploaded_by, COALESCE(u.teacher_id, 0), u.status,
	u.uploaded_at, u.started_at, u.finished_at, u.rows_total, u.rows_applied, u.rows_failed, u.warnings,
	u.users_created, u.users_updated, u.classes_created, u.enrollments_added, u.progress_done, u.progress_total,
	u.message, u.notes, u.owner, u.heartbeat,
	COALESCE((SELECT group_concat(kind, ',') FROM upload_files f WHERE f.upload_id = u.id AND f.kind <> 'original'), '')`

// UploadRecord is an upload with its bookkeeping.
type UploadRecord struct {
	core.Upload
	Delimiter string
	Owner     string
	Heartbeat time.Time
}

func scanUpload(sc interface{ Scan(...any) error }) (UploadRecord, error) {
	var r UploadRecord
	u := &r.Upload
	var format, status, up, started, finished, notes, hb, files string
	err := sc.Scan(&u.ID, &u.FileName, &format, &r.Delimiter, &u.SchoolID, &u.SchoolName, &u.UploadedBy, &u.TeacherID, &status,
		&up, &started, &finished, &u.Rows, &u.Applied, &u.Failed, &u.Warnings,
		&u.UsersCreated, &u.UsersUpdated, &u.ClassesCreated, &u.EnrollmentsAdded, &u.Done, &u.Total,
		&u.Message, &notes, &r.Owner, &hb, &files)
	if err != nil {
		return r, err
	}
	u.Format, u.Status = format, core.Status(status)
	u.UploadedAt, u.StartedAt, u.FinishedAt, r.Heartbeat = parseTime(up), parseTime(started), parseTime(finished), parseTime(hb)
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

// Upload returns one upload.
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
		if _, err := tx.ExecContext(ctx, `UPDATE uploads SET status = ?, owner = ?, heartbeat = ?, started_at = ?, attempts = attempts + 1,
			progress_done = 0, progress_total = 0 WHERE id = ?`,
			string(core.StatusInProgress), owner, fmtTime(now), fmtTime(now), pick.ID); err != nil {
			return err
		}
		rec, ok = *pick, true
		rec.Status, rec.Owner, rec.StartedAt = core.StatusInProgress, owner, now
		return nil
	})
	return rec, ok, busy, err
}

// Heartbeat records the progress of an upload and that its owner is alive. It returns an
// error of kind KindConflict if another process has taken the upload over.
func (db *DB) Heartbeat(ctx context.Context, id int64, owner string, done, total int, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE uploads SET progress_done = ?, progress_total = ?, heartbeat = ? WHERE id = ? AND owner = ? AND status = ?`,
			done, total, fmtTime(now), id, owner, string(core.StatusInProgress))
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
	// Files are the tables to keep: core.FileKind → encoded data; nil entries are skipped.
	Files map[core.FileKind][]byte
}

// finishUpload records the outcome, stores the result files and deletes the original
// file, in the caller's transaction, so a crash leaves either the whole result or none.
func finishUpload(ctx context.Context, tx *sql.Tx, id int64, owner string, f Finish, now time.Time) error {
	notes, _ := json.Marshal(f.Notes)
	if len(f.Notes) == 0 {
		notes = nil
	}
	c := f.Counts
	res, err := tx.ExecContext(ctx, `UPDATE uploads SET status = ?, finished_at = ?, rows_total = ?, rows_applied = ?, rows_failed = ?,
		warnings = ?, users_created = ?, users_updated = ?, classes_created = ?, enrollments_added = ?, message = ?, notes = ?,
		delimiter = ?, progress_done = ?, progress_total = ?, heartbeat = ?
		WHERE id = ? AND owner = ?`,
		string(f.Status), fmtTime(now), c.Rows, c.Applied, c.Failed, c.Warnings, c.UsersCreated, c.UsersUpdated, c.ClassesCreated,
		c.EnrollmentsAdded, f.Message, string(notes), f.Delimiter, c.Rows, c.Rows, fmtTime(now), id, owner)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.KindConflict, "Upload %d was taken over by another Rosterdesk process.", id)
	}
	for _, k := range []core.FileKind{core.FileUploaded, core.FileCompleted, core.FileError} {
		if data := f.Files[k]; data != nil {
			if err := putFile(ctx, tx, id, string(k), data); err != nil {
				return err
			}
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM upload_files WHERE upload_id = ? AND kind = 'original'`, id)
	return err
}

// FinishUpload ends an upload that applied nothing (a file-level failure), in its own
// transaction.
func (db *DB) FinishUpload(ctx context.Context, id int64, owner string, f Finish, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error { return finishUpload(ctx, tx, id, owner, f, now) })
}
