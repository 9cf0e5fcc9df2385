package engine

import (
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// Actor is who does something: the operator's name (shown as "Uploaded By") and, in the
// Teacher role, the teacher account they are. TeacherID 0 means an administrator.
type Actor struct {
	Name      string
	TeacherID int64
}

// Mode returns the import mode the actor works in.
func (a Actor) Mode() core.Mode {
	if a.TeacherID != 0 {
		return core.ModeTeacher
	}
	return core.ModeAdmin
}

// UploadRequest is a file handed to Enqueue or Check.
type UploadRequest struct {
	FileName string // the base name shown in the history; its extension picks the format
	Data     []byte // the file's bytes
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
}

// MaxNotes bounds how many notes a result keeps.
const MaxNotes = 200

// HistoryFilter selects uploads for History.
type HistoryFilter struct {
	SchoolID int64 // 0: every school
	Limit    int   // 0: no limit
	Offset   int
}

// AuthStatus is the outcome of a sign-in.
type AuthStatus int

// The sign-in outcomes.
const (
	// AuthOK: signed in with a permanent password.
	AuthOK AuthStatus = iota
	// AuthChangeRequired: the temporary password was right; a permanent one must be set.
	AuthChangeRequired
	// AuthRefused: wrong password, unknown user, or an expired temporary password.
	AuthRefused
)

// AuthResult is what Authenticate says.
type AuthResult struct {
	Status AuthStatus
	// Reason explains a refusal or a required change in plain words.
	Reason string
	// Expired is true when the refusal is an expired temporary password.
	Expired bool
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
	// another process's, and when it takes one over. It is called from inside the
	// claim, often: it must return at once and must not call the Service.
	OnWait func(Wait)
}
