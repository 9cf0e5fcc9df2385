package engine

import (
	"context"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The pause of a username's sign-in after wrong passwords (SPEC §8): five in a row
// pause it for five minutes.
const (
	signInLimit = 5
	signInPause = 5 * time.Minute
)

// hasher is the password hashing sign-in uses. Tests swap it for one that counts the
// work done, to prove that a known and an unknown username cost the same.
type hasher interface {
	Verify(encoded, password string) bool
	HashPermanent(password string) string
}

// accountHasher is the real hashing of package account.
type accountHasher struct{}

func (accountHasher) Verify(encoded, password string) bool { return account.Verify(encoded, password) }
func (accountHasher) HashPermanent(password string) string { return account.HashPermanent(password) }

// Hashes of a random secret nobody knows, with the parameters of real ones. A password
// is checked against them where an account has no hash of that kind (an unknown
// username, a temporary password's missing argon2id, a permanent password's missing
// SHA-256), so every attempt does one argon2id and one SHA-256 verification, and the
// time an attempt takes does not tell whether the username exists or which kind of
// password it has. They are constants because hashing them at start-up would make the
// first attempt slower than the others.
const (
	decoyPermanentHash = "$argon2id$v=19$m=19456,t=2,p=1$M3dBnpcnDh5e+3YZdDjd3g$6HDJdZVkA07OLOmAKZkVZIjPzHvnaLMiN53mdM5nMh0"
	decoyTemporaryHash = "$sha256$r72K7DKFpjpNrxOoOTFgBg$O5ovinGQfxvHameuLKi/B/tIRr8dSr6ajdT2j5qWUBs"
)

// verify reports whether password is the account's password, doing the same hashing
// work whatever the account (see the decoy hashes).
func (s *Service) verify(l sqlite.Login, password string) bool {
	permanent, temporary := decoyPermanentHash, decoyTemporaryHash
	own := l.Found && l.Password != core.PasswordNone && l.Hash != ""
	if own {
		if account.IsTemporaryHash(l.Hash) {
			temporary = l.Hash
		} else {
			permanent = l.Hash
		}
	}
	okPermanent := s.hash.Verify(permanent, password)
	okTemporary := s.hash.Verify(temporary, password)
	return own && (permanent == l.Hash && okPermanent || temporary == l.Hash && okTemporary)
}

// Authenticate checks a username and password of any account: an administrator, a
// teacher or a student (rosterctl login; the window uses SignIn). A right temporary
// password within its 90 days answers AuthChangeRequired: a permanent password must be
// set (ChangePassword) first. An expired temporary password is refused; an
// administrator must reset it. Five wrong passwords in a row pause the username's
// sign-in for five minutes (AuthLocked), kept in the database, for an unknown username
// exactly as for a known one; the answers never tell whether the username exists.
func (s *Service) Authenticate(ctx context.Context, username, password string) (AuthResult, error) {
	_, res, err := s.check(ctx, username, password)
	return res, err
}

// check does Authenticate's work and also returns the account found.
func (s *Service) check(ctx context.Context, username, password string) (sqlite.Login, AuthResult, error) {
	key := core.Key(strings.TrimSpace(username))
	now := s.now()
	until, err := s.db.BeginSignIn(ctx, key, now, signInLimit, signInPause)
	if err != nil {
		return sqlite.Login{}, AuthResult{}, err
	}
	if !until.IsZero() {
		return sqlite.Login{}, locked(until, ""), nil
	}
	l, err := s.db.LoginByUsername(ctx, username)
	if err != nil {
		return l, AuthResult{}, err
	}
	right := s.verify(l, password)
	var res AuthResult
	switch {
	case !right:
		res = authResult(AuthRefused, core.SignInWrong)
	case l.Password == core.PasswordTemporary && !now.Before(l.IssuedAt.Add(core.TempPasswordLifetime)):
		res = authResult(AuthRefused, core.SignInExpired)
		res.Expired = true
	case l.Password == core.PasswordTemporary:
		res = authResult(AuthChangeRequired, core.SignInChangeRequired)
	default:
		res = AuthResult{Status: AuthOK}
	}
	// A right password, even an expired one, is not a failure.
	until, err = s.db.EndSignIn(ctx, key, right, now, signInLimit, signInPause)
	if err != nil {
		return l, AuthResult{}, err
	}
	if !right && !until.IsZero() {
		res = locked(until, core.Issue{Code: core.SignInWrong}.Problem()+" ")
	}
	return l, res, nil
}

func authResult(st AuthStatus, code core.Code) AuthResult {
	return AuthResult{Status: st, Code: code, Reason: core.Issue{Code: code}.Text()}
}

// locked is the answer while a username's sign-in is paused until until; prefix goes
// before the explanation.
func locked(until time.Time, prefix string) AuthResult {
	at := until.Local().Format("15:04")
	return AuthResult{Status: AuthLocked, Code: core.SignInLocked, LockedUntil: until,
		Reason: prefix + core.Issue{Code: core.SignInLocked, Value: at}.Text()}
}

// SignIn signs a person in to the window: an administrator with their administrator
// account, or a teacher with their teacher account. It answers as Authenticate does,
// and with AuthOK it gives the Session: who signed in, the roles the account holds and
// their schools. A student's account, even with the right password, is refused
// (SIGNIN_STUDENT) and its temporary password stays unused; with a wrong password a
// student gets the same answer as anyone, so the refusal tells nothing to someone who
// does not know the password.
func (s *Service) SignIn(ctx context.Context, username, password string) (AuthResult, error) {
	l, res, err := s.check(ctx, username, password)
	if err != nil {
		return res, err
	}
	if (res.Status == AuthOK || res.Status == AuthChangeRequired || res.Expired) && l.UserRole == core.RoleStudent {
		return authResult(AuthRefused, core.SignInStudent), nil
	}
	if res.Status == AuthOK {
		res.Session, err = s.session(ctx, l.OperatorID, l.UserID)
	}
	return res, err
}

// ChangePassword sets a permanent password for an account signing in with its
// temporary (or current) password; the window then calls SignIn with the new one. A
// refused current password counts towards the pause as in Authenticate. The new
// password must meet the password policy and differ from the current one. Errors are
// of kind KindInvalid with a SIGNIN_ code.
func (s *Service) ChangePassword(ctx context.Context, username, current, newPassword string) error {
	l, res, err := s.check(ctx, username, current)
	if err != nil {
		return err
	}
	if res.Status == AuthRefused || res.Status == AuthLocked {
		return &core.Error{Kind: core.KindInvalid, Code: res.Code, Message: res.Reason}
	}
	probs := account.PolicyProblems(newPassword, l.Username, l.Email)
	if newPassword == current {
		probs = append(probs, "it is the same as the current password")
	}
	if len(probs) > 0 {
		return core.RefusalItems(core.KindInvalid, core.SignInPasswordPolicy, probs)
	}
	hash := s.hash.HashPermanent(newPassword)
	if l.OperatorID != 0 {
		return s.db.SetOperatorPassword(ctx, l.OperatorID, core.PasswordPermanent, hash, s.now(), l.Hash)
	}
	if err := s.db.SetPassword(ctx, l.UserID, core.PasswordPermanent, hash, s.now(), l.Hash); err != nil {
		return err
	}
	if l.Password == core.PasswordTemporary {
		s.tidyCompletedFiles(ctx)
	}
	return nil
}

// RefreshSession reads a session's account again: its name, roles and schools as they
// are now. An account removed since is refused with ACCESS_SIGNED_OUT.
func (s *Service) RefreshSession(ctx context.Context, sess Session) (Session, error) {
	if sess.OperatorID == 0 && sess.TeacherID == 0 {
		return Session{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
	}
	return s.session(ctx, sess.OperatorID, sess.TeacherID)
}

// session builds the session of administrator operatorID, or else of teacher userID.
func (s *Service) session(ctx context.Context, operatorID, userID int64) (Session, error) {
	var sess Session
	if operatorID != 0 {
		op, err := s.actingOperator(ctx, operatorID)
		if err != nil {
			return sess, err
		}
		schools := op.Schools
		if op.Role == core.OperatorOrgAdmin {
			if schools, err = s.db.Schools(ctx); err != nil {
				return sess, err
			}
		}
		sess = Session{Username: op.Username, Name: op.Name, OperatorID: op.ID, TeacherID: op.Teacher.ID,
			Roles: []RoleGrant{{Role: op.Role, Schools: schools}}}
	} else {
		t, err := s.db.UserByID(ctx, userID)
		if core.ErrorKind(err) == core.KindNotFound || err == nil && t.Role != core.RoleTeacher {
			return sess, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
		}
		if err != nil {
			return sess, err
		}
		sess = Session{Username: t.Username, Name: t.FullName(), TeacherID: t.ID}
	}
	if sess.TeacherID != 0 {
		schools, err := s.db.UserSchools(ctx, sess.TeacherID)
		if err != nil {
			return sess, err
		}
		sess.Roles = append(sess.Roles, RoleGrant{Role: core.OperatorTeacher, Schools: schools})
	}
	return sess, nil
}
