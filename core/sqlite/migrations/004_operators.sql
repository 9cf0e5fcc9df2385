-- Operator accounts: the Organization Administrators and School Organization
-- Administrators who sign in to the window (SPEC §8). Teachers sign in with their user
-- account; students never sign in to the window.
--
-- username_key is core.Key(username), computed in Go like every key. A username is unique
-- in the whole database, across operators and users. The triggers below refuse an
-- operator's username a user already holds; the other way round, an import checks and
-- skips the operators' usernames inside its own write transaction (ImportTx.Users,
-- ImportTx.UsernamesFrom), because a trigger on users would run for every row of every
-- import.
--
-- teacher_id links an administrator who also teaches to their teacher account: signed in
-- with the administrator's username they may switch to the Teacher role as that teacher.
-- The teacher account's own username and password still grant the Teacher role only.
CREATE TABLE operators (
	id           INTEGER PRIMARY KEY,
	username     TEXT NOT NULL,
	username_key TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	email        TEXT NOT NULL DEFAULT '',
	role         TEXT NOT NULL CHECK (role IN ('Organization Administrator', 'School Organization Administrator')),
	teacher_id   INTEGER UNIQUE REFERENCES users (id),
	-- As users.pw_kind: 'none', 'temporary' (salted SHA-256 of a generated secret) or
	-- 'permanent' (argon2id of a typed password). Never plaintext.
	pw_kind      TEXT NOT NULL DEFAULT 'none',
	pw_hash      TEXT NOT NULL DEFAULT '',
	pw_issued_at TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);

-- The schools of a School Organization Administrator.
CREATE TABLE operator_schools (
	operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
	school_id   INTEGER NOT NULL REFERENCES schools (id),
	PRIMARY KEY (operator_id, school_id)
) WITHOUT ROWID;

-- Wrong passwords in a row, per username key, whether or not an account has that
-- username (so an unknown username behaves exactly like a known one). Five in a row
-- pause the username's sign-in until locked_until; kept here so a restart does not
-- reset it.
CREATE TABLE signin_failures (
	username_key TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT '',
	last_failure TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER operators_username_insert BEFORE INSERT ON operators
WHEN EXISTS (SELECT 1 FROM users WHERE username_key = NEW.username_key)
BEGIN
	SELECT RAISE(ABORT, 'username taken: a user account has it');
END;

CREATE TRIGGER operators_username_update BEFORE UPDATE OF username_key ON operators
WHEN NEW.username_key <> OLD.username_key AND EXISTS (SELECT 1 FROM users WHERE username_key = NEW.username_key)
BEGIN
	SELECT RAISE(ABORT, 'username taken: a user account has it');
END;
