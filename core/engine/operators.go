package engine

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// SetupState says what the database needs before anyone can sign in: the window shows
// first run for SetupNewDatabase, asks for the first administrator for SetupNeedsAdmin,
// and opens at its sign-in screen for SetupReady.
func (s *Service) SetupState(ctx context.Context) (SetupState, error) {
	if _, err := s.db.Org(ctx); core.ErrorKind(err) == core.KindNotInitialized {
		return SetupNewDatabase, nil
	} else if err != nil {
		return 0, err
	}
	has, err := s.db.HasOperators(ctx)
	if err != nil || !has {
		return SetupNeedsAdmin, err
	}
	return SetupReady, nil
}

// Setup is first run: in one transaction it creates the organization (unless the
// database has one), its first school (unless one of that name exists) and the first
// Organization Administrator, with the permanent password they chose, and signs them in.
// It is refused with ACCESS_SETUP_DONE once the database has an administrator, so it
// cannot be used to add another one.
func (s *Service) Setup(ctx context.Context, req SetupRequest) (Session, error) {
	state, err := s.SetupState(ctx)
	if err != nil {
		return Session{}, err
	}
	if state == SetupReady {
		return Session{}, core.Refusal(core.KindConflict, core.AccessSetupDone, "", "")
	}
	org := strings.Join(strings.Fields(req.Org), " ")
	if state == SetupNewDatabase && org == "" {
		return Session{}, core.Errorf(core.KindInvalid, "Type the organization's name, for example \"Springfield School District\".")
	}
	school := ""
	if strings.TrimSpace(req.School) != "" || state == SetupNewDatabase {
		if school, err = cleanName("school", req.School); err != nil {
			return Session{}, err
		}
	}
	admin := req.Admin
	admin.Role, admin.SchoolIDs = core.OperatorOrgAdmin, nil
	op, err := s.newOperator(admin)
	if err != nil {
		return Session{}, err
	}
	if probs := account.PolicyProblems(req.Password, op.Username, op.Email); len(probs) > 0 {
		return Session{}, core.RefusalItems(core.KindInvalid, core.SignInPasswordPolicy, probs)
	}
	op.PwKind, op.PwHash = core.PasswordPermanent, s.hash.HashPermanent(req.Password)
	created, err := s.db.Setup(ctx, org, school, op, s.now())
	if err != nil {
		return Session{}, err
	}
	return s.session(ctx, created.ID, 0)
}

// newOperator checks an administrator account to add and returns it for storage,
// without a password. Its errors are ADMIN_ entries of kind KindInvalid.
func (s *Service) newOperator(o NewOperator) (sqlite.NewOperator, error) {
	out := sqlite.NewOperator{
		Username:  strings.TrimSpace(o.Username),
		Name:      strings.Join(strings.Fields(o.Name), " "),
		Email:     strings.TrimSpace(o.Email),
		Role:      o.Role,
		SchoolIDs: o.SchoolIDs,
		TeacherID: o.TeacherID,
	}
	// Administrators' usernames are ASCII, so a look-alike (Cyrillic і for i) cannot
	// pass for another account's (SPEC §12).
	if !core.ValidUsername(out.Username) || strings.ContainsFunc(out.Username, func(r rune) bool { return r > unicode.MaxASCII }) {
		return out, core.Refusal(core.KindInvalid, core.AdminUsernameFormat, out.Username, "")
	}
	if out.Name == "" || len([]rune(out.Name)) > 100 || strings.ContainsFunc(out.Name, core.Unprintable) {
		return out, core.Refusal(core.KindInvalid, core.AdminName, "", "")
	}
	if out.Email != "" && !core.ValidEmail(out.Email) {
		return out, core.Refusal(core.KindInvalid, core.AdminEmail, out.Email, "")
	}
	switch out.Role {
	case core.OperatorOrgAdmin:
		out.SchoolIDs = nil // an Organization Administrator reaches every school
	case core.OperatorSchoolAdmin:
		if len(out.SchoolIDs) == 0 {
			return out, core.Refusal(core.KindInvalid, core.AdminNoSchool, "", "")
		}
	default:
		return out, core.Refusal(core.KindInvalid, core.AdminRole, string(out.Role), "")
	}
	return out, nil
}

// AddOperator adds an administrator account with a new temporary password, returned
// once in the Credential: the person must replace it at their first sign-in, within 90
// days. Usernames are unique across administrators and users (ADMIN_USERNAME_TAKEN).
// Only an Organization Administrator may add administrators.
func (s *Service) AddOperator(ctx context.Context, actor Actor, o NewOperator) (core.Operator, core.Credential, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.Operator{}, core.Credential{}, err
	}
	if err := r.orgAdmin("add an administrator"); err != nil {
		return core.Operator{}, core.Credential{}, err
	}
	op, err := s.newOperator(o)
	if err != nil {
		return core.Operator{}, core.Credential{}, err
	}
	pw := account.NewTemporaryPassword()
	op.PwKind, op.PwHash = core.PasswordTemporary, account.HashTemporary(pw)
	now := s.now()
	added, err := s.db.AddOperator(ctx, op, now)
	if err != nil {
		return core.Operator{}, core.Credential{}, err
	}
	return added, credential("", added.Name, added.Username, pw, now), nil
}

// Operators lists the administrator accounts by name, for an Organization
// Administrator.
func (s *Service) Operators(ctx context.Context, actor Actor) ([]core.Operator, error) {
	if err := s.orgAdmin(ctx, actor, "list the administrators"); err != nil {
		return nil, err
	}
	ops, err := s.db.Operators(ctx)
	for i := range ops {
		s.fixLock(&ops[i])
	}
	return ops, err
}

// OperatorByUsername finds an administrator account by username (compared by core.Key),
// for an Organization Administrator. It returns ADMIN_NOT_FOUND (KindNotFound) when
// there is none.
func (s *Service) OperatorByUsername(ctx context.Context, actor Actor, username string) (core.Operator, error) {
	if err := s.orgAdmin(ctx, actor, "look up an administrator"); err != nil {
		return core.Operator{}, err
	}
	op, err := s.db.OperatorByUsername(ctx, username)
	s.fixLock(&op)
	return op, err
}

// fixLock clears a pause of sign-in that is over.
func (s *Service) fixLock(op *core.Operator) {
	if !s.now().Before(op.LockedUntil) {
		op.LockedUntil = time.Time{}
	}
}

// SetOperatorSchools replaces the schools of administrator id. A School Organization
// Administrator keeps at least one (ADMIN_NO_SCHOOL). Only an Organization Administrator
// may.
func (s *Service) SetOperatorSchools(ctx context.Context, actor Actor, id int64, schoolIDs []int64) error {
	if err := s.orgAdmin(ctx, actor, "change an administrator's schools"); err != nil {
		return err
	}
	op, err := s.db.Operator(ctx, id)
	if err != nil {
		return err
	}
	if op.Role == core.OperatorSchoolAdmin && len(schoolIDs) == 0 {
		return core.Refusal(core.KindInvalid, core.AdminNoSchool, "", "")
	}
	return s.db.SetOperatorSchools(ctx, id, schoolIDs, s.now())
}

// SetOperatorRole makes administrator id an Organization Administrator or a School
// Organization Administrator (who must have a school already: ADMIN_NO_SCHOOL). The
// last Organization Administrator stays one (ACCESS_LAST_ORG_ADMIN). Only an
// Organization Administrator may.
func (s *Service) SetOperatorRole(ctx context.Context, actor Actor, id int64, role core.OperatorRole) error {
	if err := s.orgAdmin(ctx, actor, "change an administrator's role"); err != nil {
		return err
	}
	if !role.IsAdmin() {
		return core.Refusal(core.KindInvalid, core.AdminRole, string(role), "")
	}
	op, err := s.db.Operator(ctx, id)
	if err != nil {
		return err
	}
	if role == core.OperatorSchoolAdmin && len(op.Schools) == 0 {
		return core.Refusal(core.KindInvalid, core.AdminNoSchool, "", "")
	}
	return s.db.SetOperatorRole(ctx, id, role, s.now())
}

// SetOperatorTeacher links administrator id to the teacher account teacherID (0
// unlinks): signed in as the administrator, the person may then switch to the Teacher
// role as that teacher. Only an Organization Administrator may.
func (s *Service) SetOperatorTeacher(ctx context.Context, actor Actor, id, teacherID int64) error {
	if err := s.orgAdmin(ctx, actor, "link an administrator to a teacher account"); err != nil {
		return err
	}
	return s.db.SetOperatorTeacher(ctx, id, teacherID, s.now())
}

// ResetOperatorPassword issues a new temporary password to administrator id, returned
// once; the old password stops working and any pause of the account's sign-in ends.
// Only an Organization Administrator may.
func (s *Service) ResetOperatorPassword(ctx context.Context, actor Actor, id int64) (core.Credential, error) {
	if err := s.orgAdmin(ctx, actor, "reset an administrator's password"); err != nil {
		return core.Credential{}, err
	}
	op, err := s.db.Operator(ctx, id)
	if err != nil {
		return core.Credential{}, err
	}
	pw := account.NewTemporaryPassword()
	now := s.now()
	if err := s.db.SetOperatorPassword(ctx, id, core.PasswordTemporary, account.HashTemporary(pw), now, ""); err != nil {
		return core.Credential{}, err
	}
	return credential("", op.Name, op.Username, pw, now), nil
}

// RemoveOperator removes administrator id; their uploads keep the name they were made
// under. The last Organization Administrator cannot be removed
// (ACCESS_LAST_ORG_ADMIN). Only an Organization Administrator may.
func (s *Service) RemoveOperator(ctx context.Context, actor Actor, id int64) error {
	if err := s.orgAdmin(ctx, actor, "remove an administrator"); err != nil {
		return err
	}
	return s.db.RemoveOperator(ctx, id)
}

// orgAdmin refuses anyone but an Organization Administrator.
func (s *Service) orgAdmin(ctx context.Context, actor Actor, what string) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	return r.orgAdmin(what)
}
