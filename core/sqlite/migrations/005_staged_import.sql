-- An upload's files are kept in parts of at most 1 MiB (upload_files.part 0, 1, …), so
-- that a file of hundreds of megabytes is written and read a part at a time instead of
-- whole in memory. Files stored before keep their one part, part 0.
CREATE TABLE upload_files_parts (
	id        INTEGER PRIMARY KEY,
	upload_id INTEGER NOT NULL REFERENCES uploads (id),
	kind      TEXT NOT NULL,
	part      INTEGER NOT NULL DEFAULT 0,
	data      BLOB NOT NULL,
	UNIQUE (upload_id, kind, part)
);
INSERT INTO upload_files_parts (id, upload_id, kind, part, data) SELECT id, upload_id, kind, 0, data FROM upload_files;
DROP TABLE upload_files;
ALTER TABLE upload_files_parts RENAME TO upload_files;

-- The stage an upload In Progress is in, and when that stage began (progress_done and
-- progress_total count within it), so that a window can estimate the time left.
ALTER TABLE uploads ADD COLUMN phase TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN phase_started_at TEXT NOT NULL DEFAULT '';

-- When the temporary passwords in the upload's Completed File were issued: the
-- pw_issued_at of the users it created with one. '' when the file holds none (or they
-- were emptied), NULL for uploads stored before this column (the file is read to learn).
ALTER TABLE uploads ADD COLUMN temp_passwords_at TEXT;

-- Finds the users who still have the temporary password an upload issued them.
CREATE INDEX users_temporary ON users (pw_issued_at) WHERE pw_kind = 'temporary';
