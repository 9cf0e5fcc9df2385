package ui

import (
	"fmt"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// Profile is who sits at the keyboard: the account signed in, the role it acts in now
// (one of the roles the account holds) and the selected school. The zero Profile is
// nobody: its actor may do nothing.
type Profile struct {
	Session  engine.Session
	Role     core.OperatorRole
	SchoolID int64
}

// signedIn reports whether an account is signed in.
func (p *Profile) signedIn() bool { return p.Session.OperatorID != 0 || p.Session.TeacherID != 0 }

// actor is who the window acts as for the engine: the account in its current role. A
// role the account does not hold gives the zero Actor, which the engine refuses.
func (p *Profile) actor() engine.Actor {
	a, _ := p.Session.Actor(p.Role)
	return a
}

// sameAccount reports whether two sessions are of one account: the same administrator,
// or the same teacher signed in with their own account.
func sameAccount(a, b engine.Session) bool {
	return a.OperatorID == b.OperatorID && a.TeacherID == b.TeacherID && (a.OperatorID != 0 || a.TeacherID != 0)
}

// fixSchool keeps the selected school among schools (the role's), picking the first one
// when it is not.
func (p *Profile) fixSchool(schools []core.School) {
	for _, s := range schools {
		if s.ID == p.SchoolID {
			return
		}
	}
	p.SchoolID = 0
	if len(schools) > 0 {
		p.SchoolID = schools[0].ID
	}
}

// shortRole is a role as the Profile button shows it.
func shortRole(r core.OperatorRole) string {
	switch r {
	case core.OperatorSchoolAdmin:
		return "School Admin"
	case core.OperatorTeacher:
		return "Teacher"
	case core.OperatorOrgAdmin:
		return "Org Admin"
	}
	return ""
}

// The auto-lock's choices, in minutes; lockDefault is SPEC §8's 15 minutes.
var lockChoices = []int{5, 10, 15, 30, 60}

const lockDefault = 15

const (
	prefLockMinutes = "lock.minutes"
	prefSchoolOf    = "school.%d.%d.%s" // operator, teacher, role: the school last selected
)

// obsoletePrefs are what the window remembered before it had sign-in: a role and a
// teacher anyone could pick. They are removed so nothing reads them again.
var obsoletePrefs = []string{"profile.name", "profile.role", "profile.managed", "profile.school", "profile.teacher", "profile.teacherSchools"}

func (a *App) forgetObsoletePrefs() {
	if a.prefs == nil {
		return
	}
	for _, k := range obsoletePrefs {
		a.prefs.RemoveValue(k)
	}
}

// lockAfter is how long the window waits without input before it locks itself.
func (a *App) lockAfter() time.Duration {
	m := lockDefault
	if a.prefs != nil {
		m = a.prefs.IntWithFallback(prefLockMinutes, lockDefault)
	}
	if m <= 0 {
		m = lockDefault
	}
	return time.Duration(m) * time.Minute
}

func (a *App) setLockAfter(minutes int) {
	if a.prefs != nil {
		a.prefs.SetInt(prefLockMinutes, minutes)
	}
	a.armLock()
}

// schoolKey is the preference that remembers the school an account last used in a role.
func schoolKey(p Profile) string {
	return fmt.Sprintf(prefSchoolOf, p.Session.OperatorID, p.Session.TeacherID, shortRole(p.Role))
}

// rememberedSchool is the school the account last used in its current role, 0 if none.
func (a *App) rememberedSchool() int64 {
	if a.prefs == nil || !a.profile.signedIn() {
		return 0
	}
	return int64(a.prefs.Int(schoolKey(a.profile)))
}

func (a *App) rememberSchool() {
	if a.prefs == nil || !a.profile.signedIn() || a.profile.SchoolID == 0 {
		return
	}
	a.prefs.SetInt(schoolKey(a.profile), int(a.profile.SchoolID))
}
