package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// Role is the operator's role in the Profile menu.
type Role int

// The roles, as the Profile menu names them.
const (
	RoleOrgAdmin Role = iota
	RoleSchoolAdmin
	RoleTeacher
)

// String returns the role's name as the Profile menu shows it.
func (r Role) String() string {
	switch r {
	case RoleSchoolAdmin:
		return "School Organization Administrator"
	case RoleTeacher:
		return "Teacher"
	}
	return "Organization Administrator"
}

// Profile is who sits at the keyboard: the name shown as "Uploaded By", the role, and the
// selected school.
type Profile struct {
	Name string
	Role Role
	// Managed lists the schools a School Organization Administrator manages.
	Managed []int64
	// Teacher is the teacher account the operator is in the Teacher role, and
	// TeacherSchools the schools that teacher belongs to.
	Teacher        core.Account
	TeacherSchools []int64
	SchoolID       int64
}

// schoolChoices returns the schools the role may pick from.
func (p *Profile) schoolChoices(all []core.School) []core.School {
	var allowed []int64
	switch p.Role {
	case RoleSchoolAdmin:
		allowed = p.Managed
	case RoleTeacher:
		allowed = p.TeacherSchools
	default:
		return all
	}
	var out []core.School
	for _, s := range all {
		if slices.Contains(allowed, s.ID) {
			out = append(out, s)
		}
	}
	return out
}

// fixSchool keeps the selected school among the role's choices, picking the first choice
// when it is not.
func (p *Profile) fixSchool(all []core.School) {
	choices := p.schoolChoices(all)
	for _, s := range choices {
		if s.ID == p.SchoolID {
			return
		}
	}
	p.SchoolID = 0
	if len(choices) > 0 {
		p.SchoolID = choices[0].ID
	}
}

const (
	prefName     = "profile.name"
	prefRole     = "profile.role"
	prefManaged  = "profile.managed"
	prefSchool   = "profile.school"
	prefTeacher  = "profile.teacher"
	prefTSchools = "profile.teacherSchools"
)

// loadProfile restores the profile of the last run. A teacher account is kept only by
// username and looked up again, since it may have changed since.
func (a *App) loadProfile() {
	if a.prefs == nil {
		return
	}
	p := &a.profile
	p.Name = a.prefs.StringWithFallback(prefName, p.Name)
	p.Role = Role(a.prefs.IntWithFallback(prefRole, int(RoleOrgAdmin)))
	p.Managed = parseIDs(a.prefs.String(prefManaged))
	p.SchoolID = int64(a.prefs.Int(prefSchool))
	p.Teacher.Username = a.prefs.String(prefTeacher)
	p.TeacherSchools = parseIDs(a.prefs.String(prefTSchools))
	if p.Role == RoleTeacher && p.Teacher.Username == "" {
		p.Role = RoleOrgAdmin
	}
}

func (a *App) saveProfile() {
	if a.prefs == nil {
		return
	}
	p := a.profile
	a.prefs.SetString(prefName, p.Name)
	a.prefs.SetInt(prefRole, int(p.Role))
	a.prefs.SetString(prefManaged, formatIDs(p.Managed))
	a.prefs.SetInt(prefSchool, int(p.SchoolID))
	a.prefs.SetString(prefTeacher, p.Teacher.Username)
	a.prefs.SetString(prefTSchools, formatIDs(p.TeacherSchools))
}

func parseIDs(s string) []int64 {
	var ids []int64
	for f := range strings.SplitSeq(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func formatIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}
