package engine

import (
	"context"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// ResetPassword issues a new temporary password to user id and returns it (shown once).
// The 90-day clock starts again.
func (s *Service) ResetPassword(ctx context.Context, userID int64) (core.Credential, error) {
	a, err := s.db.UserByID(ctx, userID)
	if err != nil {
		return core.Credential{}, err
	}
	pw := account.NewTemporaryPassword()
	now := s.now()
	if err := s.db.SetPassword(ctx, userID, core.PasswordTemporary, account.HashTemporary(pw), now, ""); err != nil {
		return core.Credential{}, err
	}
	return credential(a, pw, now), nil
}

func credential(a core.Account, pw string, issued time.Time) core.Credential {
	return core.Credential{UserID: a.UserID, Name: strings.TrimSpace(a.FirstName + " " + a.LastName), Username: a.Username,
		Password: pw, ExpiresAt: issued.Add(core.TempPasswordLifetime)}
}

// ResetClassPasswords issues new temporary passwords to every student of a class, in one
// transaction.
func (s *Service) ResetClassPasswords(ctx context.Context, classID int64) ([]core.Credential, error) {
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
		out[i] = credential(a, pw, now)
	}
	if err := s.db.SetPasswords(ctx, ids, hashes, now); err != nil {
		return nil, err
	}
	return out, nil
}

// Authenticate checks a username and password. A right temporary password within its 90
// days answers AuthChangeRequired: the person must set a permanent password
// (ChangePassword) before signing in. An expired temporary password is refused; an
// administrator or teacher must reset it.
func (s *Service) Authenticate(ctx context.Context, username, password string) (AuthResult, error) {
	c, err := s.db.UserByUsername(ctx, username)
	if core.ErrorKind(err) == core.KindNotFound {
		// Same answer as a wrong password, so usernames cannot be probed.
		return AuthResult{Status: AuthRefused, Reason: "The username or password is wrong."}, nil
	}
	if err != nil {
		return AuthResult{}, err
	}
	switch c.Password {
	case core.PasswordTemporary:
		if !account.Verify(c.Hash, password) {
			return AuthResult{Status: AuthRefused, Reason: "The username or password is wrong."}, nil
		}
		if !s.now().Before(c.TempExpiresAt()) {
			return AuthResult{Status: AuthRefused, Expired: true, Reason: "This temporary password was not used within 90 days and has expired. Ask your teacher or administrator to reset it."}, nil
		}
		return AuthResult{Status: AuthChangeRequired, Reason: "This is a temporary password: choose your own password now."}, nil
	case core.PasswordPermanent:
		if !account.Verify(c.Hash, password) {
			return AuthResult{Status: AuthRefused, Reason: "The username or password is wrong."}, nil
		}
		return AuthResult{Status: AuthOK}, nil
	}
	return AuthResult{Status: AuthRefused, Reason: "This account has no password yet. Ask your teacher or administrator to reset it."}, nil
}

// ChangePassword sets a permanent password for a user signing in with their temporary
// (or current) password. The new password must meet the password policy.
func (s *Service) ChangePassword(ctx context.Context, username, current, newPassword string) error {
	res, err := s.Authenticate(ctx, username, current)
	if err != nil {
		return err
	}
	if res.Status == AuthRefused {
		return core.Errorf(core.KindInvalid, "%s", res.Reason)
	}
	c, err := s.db.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	if probs := account.PolicyProblems(newPassword, c.Username, c.Email); len(probs) > 0 {
		return core.Errorf(core.KindInvalid, "The new password is not accepted: %s. %s", strings.Join(probs, "; "),
			"Use 9 to 20 characters with an upper-case letter, a lower-case letter and a digit, and no spaces.")
	}
	if newPassword == current {
		return core.Errorf(core.KindInvalid, "Choose a new password that differs from the temporary one.")
	}
	hash := account.HashPermanent(newPassword)
	return s.db.SetPassword(ctx, c.ID, core.PasswordPermanent, hash, s.now(), c.Hash)
}
