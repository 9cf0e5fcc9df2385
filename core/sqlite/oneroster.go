package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
)

// OneRosterScope selects what a OneRoster export holds.
type OneRosterScope struct {
	// SchoolID is the school exported; 0 exports every school of the organization.
	SchoolID int64
	// TeacherID, when not 0, keeps only the classes that teacher teaches in the school,
	// with their members.
	TeacherID int64
}

// OneRoster reads, in one read transaction so that the package is consistent, what a
// OneRoster export of scope holds: the organization, the schools, the users linked to
// them or enrolled in their classes (a teacher's scope: the members of the teacher's
// classes), and the classes with their teachers and students. The organization's GUID
// is derived from its creation time (it has no GUID column); Snapshot.Today is left for
// the caller. It returns an error of kind core.KindNotInitialized without an
// organization, and core.KindNotFound for a school that does not exist.
func (db *DB) OneRoster(ctx context.Context, scope OneRosterScope) (oneroster.Snapshot, error) {
	var snap oneroster.Snapshot
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		snap, err = readOneRoster(ctx, tx, scope)
		return err
	})
	return snap, err
}

func readOneRoster(ctx context.Context, tx *sql.Tx, scope OneRosterScope) (oneroster.Snapshot, error) {
	var snap oneroster.Snapshot
	var created string
	err := tx.QueryRowContext(ctx, `SELECT name, created_at FROM org WHERE id = 1`).Scan(&snap.Org.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return snap, &core.Error{Kind: core.KindNotInitialized, Message: "This database has no organization yet."}
	}
	if err != nil {
		return snap, err
	}
	snap.Org.GUID = oneroster.DerivedOrgGUID(created)

	schoolGUID, err := oneRosterSchools(ctx, tx, scope, &snap)
	if err != nil {
		return snap, err
	}
	classes, err := oneRosterClasses(ctx, tx, scope, schoolGUID, &snap)
	if err != nil {
		return snap, err
	}
	userGUID, err := oneRosterUsers(ctx, tx, scope, schoolGUID, &snap)
	if err != nil {
		return snap, err
	}
	return snap, oneRosterEnrollments(ctx, tx, scope, classes, userGUID, &snap)
}

// oneRosterSchools reads the schools of scope and returns their GUIDs by id.
func oneRosterSchools(ctx context.Context, tx *sql.Tx, scope OneRosterScope, snap *oneroster.Snapshot) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT
			id,
			guid,
			name
		FROM schools
		WHERE ? = 0 OR id = ?
		ORDER BY name_key`, scope.SchoolID, scope.SchoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	guids := map[int64]string{}
	for rows.Next() {
		var id int64
		var s oneroster.School
		if err := rows.Scan(&id, &s.GUID, &s.Name); err != nil {
			return nil, err
		}
		guids[id] = s.GUID
		snap.Schools = append(snap.Schools, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if scope.SchoolID != 0 && len(guids) == 0 {
		return nil, core.Errorf(core.KindNotFound, "That school no longer exists.")
	}
	return guids, nil
}

// classScope is the WHERE clause of the classes in scope (alias c), with its arguments.
func classScope(scope OneRosterScope) (string, []any) {
	where := `(? = 0 OR c.school_id = ?)`
	args := []any{scope.SchoolID, scope.SchoolID}
	if scope.TeacherID != 0 {
		where += ` AND c.id IN (SELECT class_id FROM enrollments WHERE user_id = ? AND role = 'Teacher')`
		args = append(args, scope.TeacherID)
	}
	return where, args
}

// oneRosterClasses reads the classes of scope into snap and returns their positions in
// snap.Classes by id.
func oneRosterClasses(ctx context.Context, tx *sql.Tx, scope OneRosterScope, schoolGUID map[int64]string, snap *oneroster.Snapshot) (map[int64]int, error) {
	where, args := classScope(scope)
	rows, err := tx.QueryContext(ctx, `
		SELECT
			c.id,
			c.guid,
			c.school_id,
			c.class_id,
			c.name,
			c.grade,
			c.start_date,
			c.end_date,
			COALESCE(p.guid, '')
		FROM classes c
		LEFT JOIN users p ON p.id = c.primary_teacher_id
		WHERE `+where+`
		ORDER BY c.school_id, c.class_id_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pos := map[int64]int{}
	for rows.Next() {
		var id, school int64
		var c oneroster.Class
		if err := rows.Scan(&id, &c.GUID, &school, &c.ClassID, &c.Name, &c.Grade, &c.Start, &c.End, &c.Primary); err != nil {
			return nil, err
		}
		c.School = schoolGUID[school]
		pos[id] = len(snap.Classes)
		snap.Classes = append(snap.Classes, c)
	}
	return pos, rows.Err()
}

// oneRosterUsers reads the users of scope, with their schools, and returns their GUIDs
// by id. An organization's export holds every user; a school's, the users linked to it
// or enrolled in its classes; a teacher's, the members of the teacher's classes.
func oneRosterUsers(ctx context.Context, tx *sql.Tx, scope OneRosterScope, schoolGUID map[int64]string, snap *oneroster.Snapshot) (map[int64]string, error) {
	where, args := classScope(scope)
	members := `u.id IN (
			SELECT e.user_id
			FROM enrollments e
			JOIN classes c ON c.id = e.class_id
			WHERE ` + where + `)`
	switch {
	case scope.TeacherID != 0:
	case scope.SchoolID != 0:
		members += ` OR u.id IN (SELECT user_id FROM school_users WHERE school_id = ?)`
		args = append(args, scope.SchoolID)
	default:
		members, args = `1`, nil
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT
			u.id,
			u.guid,
			u.user_id,
			u.role,
			u.first_name,
			u.last_name,
			u.grade,
			u.email,
			u.username
		FROM users u
		WHERE `+members+`
		ORDER BY u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	guids := map[int64]string{}
	pos := map[int64]int{}
	for rows.Next() {
		var id int64
		var u oneroster.User
		var role string
		if err := rows.Scan(&id, &u.GUID, &u.UserID, &role, &u.FirstName, &u.LastName, &u.Grade, &u.Email, &u.Username); err != nil {
			return nil, err
		}
		u.Role = core.Role(role)
		guids[id] = u.GUID
		pos[id] = len(snap.Users)
		snap.Users = append(snap.Users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	links, err := tx.QueryContext(ctx, `
		SELECT
			user_id,
			school_id
		FROM school_users
		WHERE ? = 0 OR school_id = ?`, scope.SchoolID, scope.SchoolID)
	if err != nil {
		return nil, err
	}
	defer links.Close()
	for links.Next() {
		var user, school int64
		if err := links.Scan(&user, &school); err != nil {
			return nil, err
		}
		if i, ok := pos[user]; ok && schoolGUID[school] != "" {
			snap.Users[i].Schools = append(snap.Users[i].Schools, schoolGUID[school])
		}
	}
	return guids, links.Err()
}

// oneRosterEnrollments reads the teachers and students of the classes of scope.
func oneRosterEnrollments(ctx context.Context, tx *sql.Tx, scope OneRosterScope, classes map[int64]int, userGUID map[int64]string, snap *oneroster.Snapshot) error {
	where, args := classScope(scope)
	rows, err := tx.QueryContext(ctx, `
		SELECT
			e.class_id,
			e.user_id,
			e.role
		FROM enrollments e
		JOIN classes c ON c.id = e.class_id
		WHERE `+where+`
		ORDER BY e.class_id, e.user_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var class, user int64
		var role string
		if err := rows.Scan(&class, &user, &role); err != nil {
			return err
		}
		i, ok := classes[class]
		guid := userGUID[user]
		if !ok || guid == "" {
			// Both queries select the same classes in one transaction, so this is a bug;
			// skipping the member would silently drop them from the package.
			return fmt.Errorf("read OneRoster export: enrollment of user %d in class %d is outside the export", user, class)
		}
		c := &snap.Classes[i]
		if core.Role(role) == core.RoleTeacher {
			c.Teachers = append(c.Teachers, guid)
		} else {
			c.Students = append(c.Students, guid)
		}
	}
	return rows.Err()
}

// OneRosterLookups answers, for a OneRoster import into one school, the questions
// oneroster.Read asks of the database (oneroster.Options.UserExists and ClassGUID),
// inside one read transaction, so a package is translated against one state of the
// database. Its methods may be called only while the function given to
// DB.WithOneRosterLookups runs.
type OneRosterLookups struct {
	ctx      context.Context
	user     *sql.Stmt
	byUserID *sql.Stmt
	// Answers already looked up, for the users a package names on several rows (a
	// teacher's classes, a student's); emptied when full, so that a package of a million
	// users does not keep them all (lookupCache).
	users    map[string]bool
	userIDs  map[string]string // User ID key → GUID, "" for none
	byGUID   map[string]string // the school's classes: GUID → GUID
	byID     map[string]string // Class ID key → GUID
	firstErr error
}

// lookupCache is how many answers of each kind OneRosterLookups keeps.
const lookupCache = 1 << 14

// WithOneRosterLookups runs fn with the lookups of a OneRoster import into school
// schoolID. The school's classes are read at once (a school has thousands at most);
// users are looked up one GUID at a time, as the package names them, since a database
// may hold millions. The first error of a lookup is returned once fn has run.
func (db *DB) WithOneRosterLookups(ctx context.Context, schoolID int64, fn func(*OneRosterLookups) error) error {
	return db.read(ctx, func(tx *sql.Tx) error {
		l := &OneRosterLookups{ctx: ctx, users: map[string]bool{}, userIDs: map[string]string{}, byGUID: map[string]string{}, byID: map[string]string{}}
		rows, err := tx.QueryContext(ctx, `SELECT guid, class_id_key FROM classes WHERE school_id = ?`, schoolID)
		if err != nil {
			return fmt.Errorf("read classes: %w", err)
		}
		for rows.Next() {
			var guid, key string
			if err := rows.Scan(&guid, &key); err != nil {
				rows.Close()
				return fmt.Errorf("read classes: %w", err)
			}
			l.byGUID[guid], l.byID[key] = guid, guid
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("read classes: %w", err)
		}
		if l.user, err = tx.PrepareContext(ctx, `SELECT 1 FROM users WHERE guid = ?`); err != nil {
			return fmt.Errorf("prepare user lookup: %w", err)
		}
		defer l.user.Close()
		if l.byUserID, err = tx.PrepareContext(ctx, `SELECT guid FROM users WHERE user_id_key = ?`); err != nil {
			return fmt.Errorf("prepare user lookup: %w", err)
		}
		defer l.byUserID.Close()
		return errors.Join(fn(l), l.firstErr)
	})
}

// UserExists reports whether guid (lower case) is an existing user's GUID.
func (l *OneRosterLookups) UserExists(guid string) bool {
	if ok, seen := l.users[guid]; seen {
		return ok
	}
	var one int
	err := l.user.QueryRowContext(l.ctx, guid).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		if l.firstErr == nil {
			l.firstErr = fmt.Errorf("look up user %s: %w", guid, err)
		}
		return false
	}
	if len(l.users) >= lookupCache {
		clear(l.users)
	}
	l.users[guid] = err == nil
	return err == nil
}

// UserGUID returns the GUID of the user whose User ID is userID (as core.Key compares
// them), or "".
func (l *OneRosterLookups) UserGUID(userID string) string {
	k := core.Key(userID)
	if g, seen := l.userIDs[k]; seen {
		return g
	}
	var guid string
	err := l.byUserID.QueryRowContext(l.ctx, k).Scan(&guid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		if l.firstErr == nil {
			l.firstErr = fmt.Errorf("look up User ID %s: %w", userID, err)
		}
		return ""
	}
	if len(l.userIDs) >= lookupCache {
		clear(l.userIDs)
	}
	l.userIDs[k] = guid
	return guid
}

// ClassGUID returns the GUID of the school's class whose GUID is sourcedID, else of the
// one whose Class ID is classID (as core.Key compares them), else "".
func (l *OneRosterLookups) ClassGUID(sourcedID, classID string) string {
	if g, ok := core.NormalizeGUID(sourcedID); ok {
		if guid := l.byGUID[g]; guid != "" {
			return guid
		}
	}
	if classID == "" {
		return ""
	}
	return l.byID[core.Key(classID)]
}
