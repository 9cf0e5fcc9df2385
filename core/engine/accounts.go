package engine

import (
	"context"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// ResetPassword issues a new temporary password to user id and returns it (shown once).
// The 90-day clock starts again, and any pause of the account's sign-in ends. An
// administrator resets the users of their schools, a teacher only the students of their
// own classes (ACCESS_ACCOUNT otherwise).
func (s *Service) ResetPassword(ctx context.Context, actor Actor, userID int64) (core.Credential, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.Credential{}, err
	}
	a, err := s.db.UserByID(ctx, userID)
	if err != nil {
		return core.Credential{}, err
	}
	if err := s.account(ctx, r, a); err != nil {
		return core.Credential{}, err
	}
	pw := account.NewTemporaryPassword()
	now := s.now()
	if err := s.db.SetPassword(ctx, userID, core.PasswordTemporary, account.HashTemporary(pw), now, ""); err != nil {
		return core.Credential{}, err
	}
	s.tidyCompletedFiles(ctx)
	return credential(a.UserID, a.FullName(), a.Username, pw, now), nil
}

func credential(userID, name, username, pw string, issued time.Time) core.Credential {
	return core.Credential{UserID: userID, Name: name, Username: username, Password: pw, ExpiresAt: issued.Add(core.TempPasswordLifetime)}
}

// ResetClassPasswords issues new temporary passwords to every student of a class, in one
// transaction. An administrator resets the classes of their schools, a teacher only their
// own classes (ACCESS_CLASS otherwise).
func (s *Service) ResetClassPasswords(ctx context.Context, actor Actor, classID int64) ([]core.Credential, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return nil, err
	}
	reset, err := s.newClassPasswords(ctx, r, classID)
	if err != nil {
		return nil, err
	}
	if err := reset.store(ctx, s); err != nil {
		return nil, err
	}
	out := make([]core.Credential, len(reset.students))
	for i, a := range reset.students {
		out[i] = credential(a.UserID, a.FullName(), a.Username, reset.passwords[i], reset.now)
	}
	return out, nil
}

// classReset is a reset of a class's passwords, made but not stored yet.
type classReset struct {
	schoolID  int64
	students  []core.Account
	passwords []string
	hashes    []string
	now       time.Time
}

// newClassPasswords checks that the rights reach class classID (ACCESS_SCHOOL,
// ACCESS_CLASS) and makes a new temporary password for each of its students, storing
// nothing yet. A class without students is KindNotFound.
func (s *Service) newClassPasswords(ctx context.Context, r rights, classID int64) (classReset, error) {
	schoolID, err := s.class(ctx, r, classID)
	if err != nil {
		return classReset{}, err
	}
	students, err := s.db.Accounts(ctx, sqlite.AccountFilter{ClassID: classID, StudentsOnly: true})
	if err != nil {
		return classReset{}, err
	}
	if len(students) == 0 {
		return classReset{}, core.Errorf(core.KindNotFound, "That class has no students.")
	}
	c := classReset{schoolID: schoolID, students: students, now: s.now(),
		passwords: make([]string, len(students)), hashes: make([]string, len(students))}
	for i := range students {
		c.passwords[i] = account.NewTemporaryPassword()
		c.hashes[i] = account.HashTemporary(c.passwords[i])
	}
	return c, nil
}

// store stores the reset's passwords in one transaction.
func (c classReset) store(ctx context.Context, s *Service) error {
	return c.storeThen(ctx, s, nil)
}

// storeThen stores the reset's passwords in one transaction that commits only once then
// (when not nil) has succeeded: see sqlite.DB.SetPasswordsThen.
func (c classReset) storeThen(ctx context.Context, s *Service, then func() error) error {
	ids := make([]int64, len(c.students))
	for i, a := range c.students {
		ids[i] = a.ID
	}
	if err := s.db.SetPasswordsThen(ctx, ids, c.hashes, c.now, then); err != nil {
		return err
	}
	s.tidyCompletedFiles(ctx)
	return nil
}
