package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// rights is what an actor may do, worked out from the database for one call (SPEC §8):
//   - Organization Administrator (and the database's owner): everything;
//   - School Organization Administrator: only their schools;
//   - Teacher: Import Students/Rosters in the schools they teach in, their own uploads,
//     and the students of their own classes.
type rights struct {
	role     core.OperatorRole
	all      bool    // every school
	schools  []int64 // the schools reached, when not all
	operator core.Operator
	teacher  core.Account // the teacher acted as, in the Teacher role
	name     string       // the "Uploaded By" label
	owner    bool         // the database's owner (Owner)
}

// rights works the actor's rights out from the database. An actor whose account is gone
// is refused with ACCESS_SIGNED_OUT, and one claiming a role its account does not hold
// with ACCESS_ROLE_NOT_HELD; the school lists come from the database, never from the
// caller.
func (s *Service) rights(ctx context.Context, a Actor) (rights, error) {
	name := strings.TrimSpace(a.Name)
	if a.owner {
		return rights{role: core.OperatorOrgAdmin, all: true, name: orDefault(name, "Unknown"), owner: true}, nil
	}
	role := a.Role
	if a.isTeacher() {
		role = core.OperatorTeacher
	}
	switch role {
	case core.OperatorOrgAdmin, core.OperatorSchoolAdmin:
		op, err := s.actingOperator(ctx, a.OperatorID)
		if err != nil {
			return rights{}, err
		}
		if op.Role != role {
			return rights{}, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(role), "")
		}
		r := rights{role: role, all: role == core.OperatorOrgAdmin, operator: op, name: orDefault(name, op.Name)}
		for _, sc := range op.Schools {
			r.schools = append(r.schools, sc.ID)
		}
		return r, nil
	case core.OperatorTeacher:
		if a.TeacherID == 0 {
			return rights{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
		}
		t, err := s.db.UserByID(ctx, a.TeacherID)
		if core.ErrorKind(err) == core.KindNotFound {
			return rights{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
		}
		if err != nil {
			return rights{}, err
		}
		if t.Role != core.RoleTeacher {
			return rights{}, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(core.OperatorTeacher), "")
		}
		r := rights{role: role, teacher: t, name: orDefault(name, t.FullName())}
		if a.OperatorID != 0 {
			// An administrator in the Teacher role: only as their own teacher account.
			op, err := s.actingOperator(ctx, a.OperatorID)
			if err != nil {
				return rights{}, err
			}
			if op.Teacher.ID != t.ID {
				return rights{}, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(core.OperatorTeacher), "")
			}
			r.operator = op
		}
		schools, err := s.db.UserSchools(ctx, t.ID)
		if err != nil {
			return rights{}, err
		}
		for _, sc := range schools {
			r.schools = append(r.schools, sc.ID)
		}
		return r, nil
	case "":
		return rights{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
	}
	return rights{}, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(role), "")
}

// actingOperator loads the administrator account an actor names; a missing one means
// the session outlived its account.
func (s *Service) actingOperator(ctx context.Context, id int64) (core.Operator, error) {
	if id == 0 {
		return core.Operator{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
	}
	op, err := s.db.Operator(ctx, id)
	if core.ErrorKind(err) == core.KindNotFound {
		return op, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
	}
	return op, err
}

// actor returns the actor these rights were worked out for, as an upload records it:
// the label, the role, and the teacher only in the Teacher role.
func (r rights) actor() Actor {
	a := Actor{Name: r.name, Role: r.role, OperatorID: r.operator.ID, owner: r.owner}
	if r.role == core.OperatorTeacher {
		a.TeacherID = r.teacher.ID
	}
	return a
}

func (r rights) isTeacher() bool { return r.role == core.OperatorTeacher }

// reaches reports whether the rights reach school id.
func (r rights) reaches(id int64) bool { return r.all || slices.Contains(r.schools, id) }

// school checks that the rights reach school id, which must exist: ACCESS_SCHOOL when
// they do not, KindNotFound when there is no such school.
func (s *Service) school(ctx context.Context, r rights, id int64) (core.School, error) {
	sc, err := s.db.School(ctx, id)
	if err != nil {
		return sc, err
	}
	if !r.reaches(id) {
		return sc, core.Refusal(core.KindDenied, core.AccessSchool, sc.Name, "")
	}
	return sc, nil
}

// rightsIn works the actor's rights out and checks that they reach school schoolID.
func (s *Service) rightsIn(ctx context.Context, a Actor, schoolID int64) (rights, error) {
	r, err := s.rights(ctx, a)
	if err != nil {
		return r, err
	}
	_, err = s.school(ctx, r, schoolID)
	return r, err
}

// orgAdmin refuses anyone but an Organization Administrator, saying what they tried.
func (r rights) orgAdmin(what string) error {
	if r.role != core.OperatorOrgAdmin {
		return core.Refusal(core.KindDenied, core.AccessOrgAdmin, what, "")
	}
	return nil
}

// admin refuses the Teacher role, saying what was tried.
func (r rights) admin(what string) error {
	if !r.role.IsAdmin() {
		return core.Refusal(core.KindDenied, core.AccessAdmin, what, "")
	}
	return nil
}

// uploadFilter is the part of the history the rights see: a teacher their own uploads,
// a School Organization Administrator their schools', an Organization Administrator
// everything.
func (r rights) uploadFilter() sqlite.UploadFilter {
	switch {
	case r.isTeacher():
		return sqlite.UploadFilter{TeacherID: r.teacher.ID}
	case r.all:
		return sqlite.UploadFilter{}
	}
	return sqlite.UploadFilter{SchoolIDs: nonNil(r.schools)}
}

// seesUpload reports whether the rights reach upload u.
func (r rights) seesUpload(u core.Upload) bool {
	if r.isTeacher() {
		return u.TeacherID == r.teacher.ID
	}
	return r.reaches(u.SchoolID)
}

// account checks that the rights reach user account a: an administrator the users of
// their schools, a teacher the students of their own classes. It returns ACCESS_ACCOUNT
// otherwise.
func (s *Service) account(ctx context.Context, r rights, a core.Account) error {
	switch {
	case r.all:
		return nil
	case r.isTeacher():
		if a.Role == core.RoleStudent {
			ok, err := s.db.TeachesStudent(ctx, r.teacher.ID, a.ID)
			if err != nil || ok {
				return err
			}
		}
	default:
		for _, id := range r.schools {
			in, err := s.db.InSchool(ctx, a.ID, id)
			if err != nil || in {
				return err
			}
		}
	}
	return core.Refusal(core.KindDenied, core.AccessAccount, a.FullName()+" ("+a.Username+")", "")
}

// class checks that the rights reach class id: its school, and for a teacher a class
// they teach. It returns the class's school.
func (s *Service) class(ctx context.Context, r rights, id int64) (int64, error) {
	schoolID, classID, err := s.db.ClassSchool(ctx, id)
	if err != nil {
		return 0, err
	}
	if _, err := s.school(ctx, r, schoolID); err != nil {
		return 0, err
	}
	if r.isTeacher() {
		ok, err := s.db.TeachesClass(ctx, r.teacher.ID, id)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, core.Refusal(core.KindDenied, core.AccessClass, classID, "")
		}
	}
	return schoolID, nil
}

// nonNil returns ids, or an empty slice for nil: "no school" must not read as "every
// school".
func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
