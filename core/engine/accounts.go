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
	if _, err := s.class(ctx, r, classID); err != nil {
		return nil, err
	}
	students, err := s.db.Accounts(ctx, sqlite.AccountFilter{ClassID: classID, StudentsOnly: true})
	if err != nil {
		return nil, err
	}
	if len(students) == 0 {
		return nil, core.Errorf(core.KindNotFound, "That class has no students.")
	}
	now := s.now()
	ids := make([]int64, len(students))
	hashes := make([]string, len(students))
	out := make([]core.Credential, len(students))
	for i, a := range students {
		pw := account.NewTemporaryPassword()
		ids[i], hashes[i] = a.ID, account.HashTemporary(pw)
		out[i] = credential(a.UserID, a.FullName(), a.Username, pw, now)
	}
	if err := s.db.SetPasswords(ctx, ids, hashes, now); err != nil {
		return nil, err
	}
	return out, nil
}
