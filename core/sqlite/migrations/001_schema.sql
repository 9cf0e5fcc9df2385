-- The organization: one per database.
CREATE TABLE org (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE schools (
	id         INTEGER PRIMARY KEY,
	guid       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	name_key   TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
);

-- Users of the organization. *_key columns hold the lower-case form that uniqueness is
-- decided on (User ID and username are unique case-insensitively).
CREATE TABLE users (
	id           INTEGER PRIMARY KEY,
	guid         TEXT NOT NULL UNIQUE,
	user_id      TEXT NOT NULL,
	user_id_key  TEXT NOT NULL UNIQUE,
	role         TEXT NOT NULL CHECK (role IN ('Teacher', 'Student')),
	first_name   TEXT NOT NULL,
	last_name    TEXT NOT NULL,
	grade        TEXT NOT NULL DEFAULT '',
	email        TEXT NOT NULL DEFAULT '',
	email_key    TEXT NOT NULL DEFAULT '',
	username     TEXT NOT NULL,
	username_key TEXT NOT NULL UNIQUE,
	-- pw_kind: 'none', 'temporary' (salted SHA-256 of a generated secret) or
	-- 'permanent' (argon2id of a typed password). Never plaintext.
	pw_kind      TEXT NOT NULL DEFAULT 'none',
	pw_hash      TEXT NOT NULL DEFAULT '',
	pw_issued_at TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
-- A teacher's email is unique among teachers.
CREATE UNIQUE INDEX users_teacher_email ON users (email_key) WHERE role = 'Teacher' AND email_key <> '';

CREATE TABLE school_users (
	school_id INTEGER NOT NULL REFERENCES schools (id),
	user_id   INTEGER NOT NULL REFERENCES users (id),
	PRIMARY KEY (school_id, user_id)
) WITHOUT ROWID;
CREATE INDEX school_users_user ON school_users (user_id);

CREATE TABLE classes (
	id                 INTEGER PRIMARY KEY,
	guid               TEXT NOT NULL UNIQUE,
	school_id          INTEGER NOT NULL REFERENCES schools (id),
	class_id           TEXT NOT NULL,
	class_id_key       TEXT NOT NULL,
	name               TEXT NOT NULL,
	grade              TEXT NOT NULL DEFAULT '',
	start_date         TEXT NOT NULL DEFAULT '',
	end_date           TEXT NOT NULL DEFAULT '',
	primary_teacher_id INTEGER REFERENCES users (id),
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL,
	UNIQUE (school_id, class_id_key)
);

-- Product (Master) codes redeemed for a class; a class may have several.
CREATE TABLE class_codes (
	class_id INTEGER NOT NULL REFERENCES classes (id),
	code     TEXT NOT NULL,
	PRIMARY KEY (class_id, code)
) WITHOUT ROWID;

CREATE TABLE enrollments (
	class_id INTEGER NOT NULL REFERENCES classes (id),
	user_id  INTEGER NOT NULL REFERENCES users (id),
	role     TEXT NOT NULL,
	PRIMARY KEY (class_id, user_id)
) WITHOUT ROWID;
CREATE INDEX enrollments_user ON enrollments (user_id);

CREATE TABLE uploads (
	id                INTEGER PRIMARY KEY,
	file_name         TEXT NOT NULL,
	format            TEXT NOT NULL,
	delimiter         TEXT NOT NULL DEFAULT ',',
	school_id         INTEGER NOT NULL REFERENCES schools (id),
	uploaded_by       TEXT NOT NULL,
	teacher_id        INTEGER REFERENCES users (id),
	status            TEXT NOT NULL,
	uploaded_at       TEXT NOT NULL,
	started_at        TEXT NOT NULL DEFAULT '',
	finished_at       TEXT NOT NULL DEFAULT '',
	rows_total        INTEGER NOT NULL DEFAULT 0,
	rows_applied      INTEGER NOT NULL DEFAULT 0,
	rows_failed       INTEGER NOT NULL DEFAULT 0,
	warnings          INTEGER NOT NULL DEFAULT 0,
	users_created     INTEGER NOT NULL DEFAULT 0,
	users_updated     INTEGER NOT NULL DEFAULT 0,
	classes_created   INTEGER NOT NULL DEFAULT 0,
	enrollments_added INTEGER NOT NULL DEFAULT 0,
	progress_done     INTEGER NOT NULL DEFAULT 0,
	progress_total    INTEGER NOT NULL DEFAULT 0,
	message           TEXT NOT NULL DEFAULT '',
	notes             TEXT NOT NULL DEFAULT '',
	-- owner is the process running the upload ("host/pid/nonce"); heartbeat its last sign
	-- of life. A claim is taken back when its owner is gone.
	owner             TEXT NOT NULL DEFAULT '',
	heartbeat         TEXT NOT NULL DEFAULT '',
	attempts          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX uploads_pending ON uploads (status, id) WHERE status IN ('Queued', 'In Progress');
CREATE INDEX uploads_school ON uploads (school_id, id);

-- The upload's files: 'original' (the bytes as uploaded, kept only until the upload has
-- run, because it may hold typed passwords), and 'uploaded', 'completed', 'error'
-- (gzip-compressed tables, rendered as CSV or XLSX on download).
CREATE TABLE upload_files (
	id        INTEGER PRIMARY KEY,
	upload_id INTEGER NOT NULL REFERENCES uploads (id),
	kind      TEXT NOT NULL,
	data      BLOB NOT NULL,
	UNIQUE (upload_id, kind)
);
