package engine

import (
	"io/fs"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// Actor is who does something: a person signed in to the window, acting in one of the
// roles their account holds (Session.Actor), a teacher named to rosterctl --teacher
// (TeacherActor), or the owner of the database file (Owner). Every engine call that
// reads or changes the organization's data takes one, and the engine works out the
// actor's rights from the database on every call; the zero Actor may do nothing.
type Actor struct {
	// Name labels the actor's uploads ("Uploaded By"); empty means the account's name.
	Name string
	// Role is the role the actor acts in. It may be left empty when TeacherID is set:
	// the actor is then that teacher.
	Role core.OperatorRole
	// OperatorID is the administrator account signed in; 0 for a teacher signed in with
	// their own account, and for the owner.
	OperatorID int64
	// TeacherID is the teacher account acted as, in the Teacher role only.
	TeacherID int64
	// owner marks the owner of the database file (Owner): an Organization Administrator
	// without an account.
	owner bool
}

// restricted reports whether the actor's uploads may change only the users of the
// upload's school: a School Organization Administrator's.
func (a Actor) restricted() bool { return a.Role == core.OperatorSchoolAdmin }

// Owner returns the actor of whoever owns the database file, as rosterctl acts: an
// Organization Administrator without an account, whose uploads show name as "Uploaded
// By". The operating system protects the file; the window never acts as the owner of a
// database that has administrator accounts.
func Owner(name string) Actor {
	return Actor{Name: name, Role: core.OperatorOrgAdmin, owner: true}
}

// Mode returns the import mode the actor works in.
func (a Actor) Mode() core.Mode {
	if a.isTeacher() {
		return core.ModeTeacher
	}
	return core.ModeAdmin
}

func (a Actor) isTeacher() bool {
	return a.Role == core.OperatorTeacher || (a.Role == "" && a.TeacherID != 0)
}

// Session is an account signed in to the window: who it is and the roles it holds, each
// with the schools it reaches (as they were at sign-in: the engine checks again on every
// call). The window offers exactly these roles in the Profile menu.
type Session struct {
	Username string
	// Name is the account's name, shown as "Uploaded By".
	Name string
	// OperatorID is the administrator account, 0 when a teacher signed in with their
	// own account.
	OperatorID int64
	// TeacherID is the teacher account the person may act as, 0 when none.
	TeacherID int64
	// Roles are the roles the account holds: the administrator role first, then
	// Teacher.
	Roles []RoleGrant
}

// RoleGrant is one role a session holds and the schools it reaches, by name.
type RoleGrant struct {
	Role    core.OperatorRole
	Schools []core.School
}

// Holds reports whether the session's account holds role.
func (s Session) Holds(role core.OperatorRole) bool {
	_, ok := s.Grant(role)
	return ok
}

// Grant returns the session's grant of role, and false when the account does not hold it.
func (s Session) Grant(role core.OperatorRole) (RoleGrant, bool) {
	for _, g := range s.Roles {
		if g.Role == role {
			return g, true
		}
	}
	return RoleGrant{}, false
}

// Actor returns the actor of the session in role, and false when the account does not
// hold role: a person switches only among the roles their account holds.
func (s Session) Actor(role core.OperatorRole) (Actor, bool) {
	if !s.Holds(role) {
		return Actor{}, false
	}
	a := Actor{Name: s.Name, Role: role, OperatorID: s.OperatorID}
	if role == core.OperatorTeacher {
		a.TeacherID = s.TeacherID
	}
	return a, true
}

// UploadRequest is a file handed to Enqueue or Check.
type UploadRequest struct {
	FileName string // the base name shown in the history; its extension picks the format
	// File is the file, as the caller opened it: it is read a part at a time, never
	// whole in memory, and refused if it changes while it is read. When nil, Data is the
	// file's bytes.
	File     fs.File
	Data     []byte
	SchoolID int64
	Actor    Actor
}

// Result is the outcome of an import or a dry run.
type Result struct {
	Upload   int64  // 0 for a dry run
	FileName string // the uploaded file's name, as the history shows it
	Status   core.Status
	core.Counts
	// Message says why the upload Failed, in plain words.
	Message string
	// Notes are warnings and the first row errors ("Row 4: …"), at most MaxNotes.
	Notes []string
	// Resumed reports that the upload was interrupted (a crash, a quit) and this run
	// started it again from the beginning.
	Resumed bool
	// Mode is the tool the upload was made in: a teacher's (Import Students/Rosters)
	// counts students. An upload run later (queued, resumed) is told by its record.
	Mode core.Mode
}

// MaxNotes bounds how many notes a result keeps.
const MaxNotes = 200

// HistoryFilter selects uploads for History, within what the actor may see.
type HistoryFilter struct {
	SchoolID int64 // 0: every school the actor may see
	Limit    int   // 0: no limit
	Offset   int
}

// AuthStatus is the outcome of a sign-in.
type AuthStatus int

// The sign-in outcomes.
const (
	// AuthOK: signed in with a permanent password.
	AuthOK AuthStatus = iota
	// AuthChangeRequired: the temporary password was right; a permanent one must be set
	// (ChangePassword) before signing in.
	AuthChangeRequired
	// AuthRefused: wrong password, unknown user, an expired temporary password, or (at
	// the window) a student account.
	AuthRefused
	// AuthLocked: five wrong passwords in a row paused this username's sign-in until
	// LockedUntil; the password was not checked.
	AuthLocked
)

// AuthResult is what Authenticate and SignIn say.
type AuthResult struct {
	Status AuthStatus
	// Code is the catalogue entry of a refusal, a pause or a required change
	// (SIGNIN_WRONG, SIGNIN_EXPIRED, SIGNIN_STUDENT, SIGNIN_LOCKED,
	// SIGNIN_CHANGE_REQUIRED); "" for AuthOK.
	Code core.Code
	// Reason explains a refusal or a required change in plain words.
	Reason string
	// Expired is true when the refusal is an expired temporary password.
	Expired bool
	// LockedUntil is when a pause of this username's sign-in ends (AuthLocked, or a
	// refusal that started the pause).
	LockedUntil time.Time
	// Session is who signed in: set by SignIn when Status is AuthOK.
	Session Session
}

// SetupState says what a database needs before anyone can sign in to the window.
type SetupState int

// The setup states.
const (
	// SetupNewDatabase: no organization yet; first run asks for the organization, its
	// first school and the first Organization Administrator.
	SetupNewDatabase SetupState = iota
	// SetupNeedsAdmin: the organization exists (rosterctl init without --admin) but no
	// administrator account does; the window asks for the first administrator.
	SetupNeedsAdmin
	// SetupReady: the window opens at its sign-in screen.
	SetupReady
)

// SetupRequest is what first run asks for. Org is ignored when the organization exists,
// and School is optional when it has a school already.
type SetupRequest struct {
	Org    string
	School string
	// Admin is the first Organization Administrator; Password is the permanent
	// password they chose, checked against the password policy.
	Admin    NewOperator
	Password string
}

// NewOperator is an administrator account to add.
type NewOperator struct {
	Username string
	Name     string
	Email    string // optional
	// Role is core.OperatorOrgAdmin or core.OperatorSchoolAdmin.
	Role core.OperatorRole
	// SchoolIDs are a School Organization Administrator's schools.
	SchoolIDs []int64
	// TeacherID is the teacher account the administrator also is (0: none): signed in
	// as the administrator they may then switch to the Teacher role as that teacher.
	TeacherID int64
}

// SampleResult is what InitSample made: the organization and the sample Organization
// Administrator's username and temporary password, to show once.
type SampleResult struct {
	Org   core.Org
	Admin core.Credential
}

// Options configure a Service.
type Options struct {
	// Now stands in for the clock (tests, ROSTERDESK_NOW). Nil means time.Now.
	Now func() time.Time
	// Owner names this process in upload claims. Empty means host and pid.
	Owner string
	// StaleAfter is how long the heartbeat of another process's upload may stay
	// unchanged before this process takes the upload over (see owner.go). Zero means
	// DefaultStaleAfter.
	StaleAfter time.Duration
	// OnWait, when not nil, hears why an upload this process wants to run waits for
	// another process's, and when it takes one over; and, as a Wait with Locked, why
	// any write waits for the database's write lock (see BusyNoticeAfter). It is called
	// from inside the claim or the waiting write, often: it must return at once and must
	// not call the Service.
	OnWait func(Wait)
	// BusyWait bounds how long a write (an import's, or any other) waits for the
	// database's write lock, held by another process's write transaction (a long import
	// in rosterctl while the window is open) or by another program that has the
	// database open for writing, before it gives up. Zero means 10 minutes.
	BusyWait time.Duration
	// BusyNoticeAfter is how long a write waits for the write lock before OnWait hears
	// of it (a Wait with Locked set), and then again a few times a second while it
	// waits: a short wait for another process's brief write is not worth a word. Zero
	// means 2 seconds.
	BusyNoticeAfter time.Duration
	// CheckpointWait bounds how long, after an upload whose file held typed passwords,
	// the WAL checkpoint is tried again while a reader holds it back; it is tried once
	// more at the next start. Zero means 30 seconds.
	CheckpointWait time.Duration
}

// withDefaults returns o with its zero limits set to their defaults.
func (o Options) withDefaults() Options {
	if o.BusyWait == 0 {
		o.BusyWait = 10 * time.Minute
	}
	if o.BusyNoticeAfter == 0 {
		o.BusyNoticeAfter = 2 * time.Second
	}
	if o.CheckpointWait == 0 {
		o.CheckpointWait = 30 * time.Second
	}
	return o
}
