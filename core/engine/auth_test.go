package engine_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

const adminPassword = "Lighthouse42x"

// signIn signs in and fails the test on an error.
func (e *env) signIn(username, password string) engine.AuthResult {
	e.t.Helper()
	r, err := e.svc.SignIn(e.ctx, username, password)
	if err != nil {
		e.t.Fatalf("SignIn(%q): %v", username, err)
	}
	return r
}

// addAdmin adds an administrator as the owner and returns the account and its
// temporary password.
func (e *env) addAdmin(o engine.NewOperator) (core.Operator, string) {
	e.t.Helper()
	op, cred, err := e.svc.AddOperator(e.ctx, admin, o)
	if err != nil {
		e.t.Fatalf("AddOperator(%+v): %v", o, err)
	}
	return op, cred.Password
}

func TestSetup(t *testing.T) {
	ctx := t.Context()
	path := t.TempDir() + "/rosterdesk.db"
	svc, err := engine.Open(ctx, path, engine.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	state := func() engine.SetupState {
		t.Helper()
		s, err := svc.SetupState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := state(); s != engine.SetupNewDatabase {
		t.Fatalf("SetupState(new database) = %v, want SetupNewDatabase", s)
	}
	req := engine.SetupRequest{Org: "Springfield School District", School: "Lincoln Elementary",
		Admin: engine.NewOperator{Username: "pat", Name: "Pat Office", Email: "pat@springfield.example.org"}, Password: adminPassword}

	t.Run("ErrPolicy", func(t *testing.T) {
		bad := req
		bad.Password = "short"
		if _, err := svc.Setup(ctx, bad); core.ErrorCode(err) != core.SignInPasswordPolicy {
			t.Errorf("Setup(weak password) = %v, want SIGNIN_PASSWORD_POLICY", err)
		}
		bad = req
		bad.Admin.Username = "pat smith"
		if _, err := svc.Setup(ctx, bad); core.ErrorCode(err) != core.AdminUsernameFormat {
			t.Errorf("Setup(username with a space) = %v, want ADMIN_USERNAME_FORMAT", err)
		}
		bad = req
		bad.School = ""
		if _, err := svc.Setup(ctx, bad); core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("Setup(no school) = %v, want KindInvalid", err)
		}
		if s := state(); s != engine.SetupNewDatabase {
			t.Errorf("after refused setups: SetupState = %v, want SetupNewDatabase (nothing made)", s)
		}
	})
	t.Run("OK", func(t *testing.T) {
		sess, err := svc.Setup(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := sess.Grant(core.OperatorOrgAdmin)
		if sess.Name != "Pat Office" || sess.Username != "pat" || !ok || len(g.Schools) != 1 || g.Schools[0].Name != "Lincoln Elementary" || len(sess.Roles) != 1 {
			t.Errorf("Setup session = %+v, want Pat Office, Organization Administrator of Lincoln Elementary only", sess)
		}
		if s := state(); s != engine.SetupReady {
			t.Errorf("SetupState after setup = %v, want SetupReady", s)
		}
		r, err := svc.SignIn(ctx, "PAT", adminPassword)
		if err != nil || r.Status != engine.AuthOK || r.Session.OperatorID != sess.OperatorID {
			t.Errorf("SignIn(PAT) = %+v, %v; want AuthOK as Pat", r, err)
		}
	})
	t.Run("ErrAgain", func(t *testing.T) {
		again := req
		again.Admin.Username = "intruder"
		if _, err := svc.Setup(ctx, again); core.ErrorCode(err) != core.AccessSetupDone {
			t.Errorf("a second Setup = %v, want ACCESS_SETUP_DONE", err)
		}
	})
}

// TestSetupAfterInit: a database made by rosterctl init without --admin is
// recognisable, and first run then only asks for the administrator.
func TestSetupAfterInit(t *testing.T) {
	e := newEnv(t)
	if s, err := e.svc.SetupState(e.ctx); err != nil || s != engine.SetupNeedsAdmin {
		t.Fatalf("SetupState after init = %v, %v; want SetupNeedsAdmin", s, err)
	}
	sess, err := e.svc.Setup(e.ctx, engine.SetupRequest{Org: "ignored", Admin: engine.NewOperator{Username: "pat", Name: "Pat Office"}, Password: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := sess.Grant(core.OperatorOrgAdmin); len(g.Schools) != 2 {
		t.Errorf("session schools = %+v, want the two existing schools", g.Schools)
	}
	if org, _ := e.svc.Org(e.ctx); org.Name != "Springfield School District" {
		t.Errorf("org = %q, want the existing name kept", org.Name)
	}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,")...)
	rows := e.table(1, core.FileCompleted, core.FormatCSV)
	temp := map[string]string{}
	for i, id := range column(t, rows, "User ID") {
		temp[id] = column(t, rows, "Password")[i]
	}
	maria, ava := e.user("T1"), e.user("S1")
	op, opTemp := e.addAdmin(engine.NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})

	t.Run("OperatorFirstUse", func(t *testing.T) {
		r := e.signIn("oadmin", opTemp)
		if r.Status != engine.AuthChangeRequired || r.Code != core.SignInChangeRequired {
			t.Fatalf("SignIn(temporary) = %+v, want AuthChangeRequired", r)
		}
		if err := e.svc.ChangePassword(e.ctx, "oadmin", opTemp, adminPassword); err != nil {
			t.Fatal(err)
		}
		r = e.signIn("OAdmin", adminPassword)
		if r.Status != engine.AuthOK || r.Session.OperatorID != op.ID || r.Session.Name != "Olga Admin" {
			t.Fatalf("SignIn(new password) = %+v, want AuthOK as Olga", r)
		}
		if r.Session.Holds(core.OperatorTeacher) || !r.Session.Holds(core.OperatorOrgAdmin) {
			t.Errorf("roles = %+v, want Organization Administrator only", r.Session.Roles)
		}
		if _, ok := r.Session.Actor(core.OperatorTeacher); ok {
			t.Errorf("Session.Actor(Teacher) = ok for an account that does not hold it")
		}
		if r := e.signIn("oadmin", opTemp); r.Status != engine.AuthRefused || r.Code != core.SignInWrong {
			t.Errorf("SignIn(used temporary) = %+v, want AuthRefused SIGNIN_WRONG", r)
		}
	})
	t.Run("Teacher", func(t *testing.T) {
		if r := e.signIn(maria.Username, temp["T1"]); r.Status != engine.AuthChangeRequired {
			t.Fatalf("SignIn(teacher, temporary) = %+v, want AuthChangeRequired", r)
		}
		if err := e.svc.ChangePassword(e.ctx, maria.Username, temp["T1"], "Blackboard77q"); err != nil {
			t.Fatal(err)
		}
		r := e.signIn(maria.Username, "Blackboard77q")
		if r.Status != engine.AuthOK || r.Session.TeacherID != maria.ID || r.Session.OperatorID != 0 {
			t.Fatalf("SignIn(teacher) = %+v, want AuthOK as Maria", r)
		}
		g, ok := r.Session.Grant(core.OperatorTeacher)
		if !ok || len(r.Session.Roles) != 1 || len(g.Schools) != 1 || g.Schools[0].ID != e.schoolA.ID {
			t.Errorf("teacher roles = %+v, want Teacher at Lincoln only", r.Session.Roles)
		}
		a, ok := r.Session.Actor(core.OperatorTeacher)
		if !ok || a.TeacherID != maria.ID || a.Mode() != core.ModeTeacher {
			t.Errorf("Session.Actor(Teacher) = %+v, %v; want Maria in teacher mode", a, ok)
		}
		if _, ok := r.Session.Actor(core.OperatorOrgAdmin); ok {
			t.Errorf("a teacher's session gave an Organization Administrator actor")
		}
	})
	t.Run("ErrStudent", func(t *testing.T) {
		for _, pw := range []string{temp["S1"], "Wrong12345"} {
			r := e.signIn(ava.Username, pw)
			want := core.SignInStudent
			if pw == "Wrong12345" {
				want = core.SignInWrong // a wrong password says nothing about the account
			}
			if r.Status != engine.AuthRefused || r.Code != want {
				t.Errorf("SignIn(student, %q) = %+v, want AuthRefused %s", pw, r, want)
			}
		}
		if r, _ := e.svc.Authenticate(e.ctx, ava.Username, temp["S1"]); r.Status != engine.AuthChangeRequired {
			t.Errorf("after the window refused her: Authenticate(student, temporary) = %+v, want it still unused", r)
		}
	})
	t.Run("AdminWhoTeaches", func(t *testing.T) {
		// The administrator role granted to a teacher: one person, two roles, switched
		// among in the Profile menu, each checked by the engine.
		if err := e.svc.SetOperatorTeacher(e.ctx, admin, op.ID, e.user("T2").ID); err != nil {
			t.Fatal(err)
		}
		r := e.signIn("oadmin", adminPassword)
		if !r.Session.Holds(core.OperatorOrgAdmin) || !r.Session.Holds(core.OperatorTeacher) || r.Session.Roles[0].Role != core.OperatorOrgAdmin {
			t.Fatalf("roles = %+v, want Organization Administrator then Teacher", r.Session.Roles)
		}
		asTeacher, _ := r.Session.Actor(core.OperatorTeacher)
		if _, err := e.svc.Operators(e.ctx, asTeacher); core.ErrorCode(err) != core.AccessOrgAdmin {
			t.Errorf("Operators in the Teacher role = %v, want ACCESS_ORG_ADMIN", err)
		}
		if cs, err := e.svc.Classes(e.ctx, asTeacher, e.schoolA.ID); err != nil || len(cs) != 1 || cs[0].ClassID != "READ" {
			t.Errorf("Classes in the Teacher role = %+v, %v; want James's READ only", cs, err)
		}
		asAdmin, _ := r.Session.Actor(core.OperatorOrgAdmin)
		if _, err := e.svc.Operators(e.ctx, asAdmin); err != nil {
			t.Errorf("Operators as Organization Administrator = %v", err)
		}
		// The teacher account's own sign-in still gives the Teacher role only.
		if err := e.svc.ChangePassword(e.ctx, e.user("T2").Username, temp["T2"], "Chalkdust88q"); err != nil {
			t.Fatal(err)
		}
		if r := e.signIn(e.user("T2").Username, "Chalkdust88q"); len(r.Session.Roles) != 1 || r.Session.OperatorID != 0 {
			t.Errorf("teacher account's session = %+v, want the Teacher role only", r.Session)
		}
		if err := e.svc.SetOperatorTeacher(e.ctx, admin, op.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Classes(e.ctx, asTeacher, e.schoolA.ID); core.ErrorCode(err) != core.AccessRoleNotHeld {
			t.Errorf("after unlinking: Classes in the Teacher role = %v, want ACCESS_ROLE_NOT_HELD", err)
		}
		sess, err := e.svc.RefreshSession(e.ctx, r.Session)
		if err != nil || sess.Holds(core.OperatorTeacher) {
			t.Errorf("RefreshSession after unlinking = %+v, %v; want no Teacher role", sess, err)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		_, pw := e.addAdmin(engine.NewOperator{Username: "late", Name: "Lou Late", Role: core.OperatorOrgAdmin})
		e.clock.Add(core.TempPasswordLifetime)
		r := e.signIn("late", pw)
		if r.Status != engine.AuthRefused || !r.Expired || r.Code != core.SignInExpired || r.Reason != (core.Issue{Code: core.SignInExpired}).Text() {
			t.Errorf("SignIn(expired temporary) = %+v, want AuthRefused SIGNIN_EXPIRED", r)
		}
		if r := e.signIn("late", "Wrong12345"); r.Expired {
			t.Errorf("SignIn(wrong password, expired account) = %+v, want not Expired (no probing)", r)
		}
	})
	t.Run("ErrRemovedAccount", func(t *testing.T) {
		r := e.signIn("oadmin", adminPassword)
		other, _ := e.addAdmin(engine.NewOperator{Username: "other", Name: "Other Admin", Role: core.OperatorOrgAdmin})
		if err := e.svc.RemoveOperator(e.ctx, admin, op.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RefreshSession(e.ctx, r.Session); core.ErrorCode(err) != core.AccessSignedOut {
			t.Errorf("RefreshSession(removed account) = %v, want ACCESS_SIGNED_OUT", err)
		}
		if r := e.signIn("oadmin", adminPassword); r.Status != engine.AuthRefused || r.Code != core.SignInWrong {
			t.Errorf("SignIn(removed account) = %+v, want AuthRefused SIGNIN_WRONG", r)
		}
		_ = other
	})
}

// TestLockout: five wrong passwords in a row pause that username's sign-in for five
// minutes, kept in the database, for a known and an unknown username alike.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	op, pw := e.addAdmin(engine.NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})
	if err := e.svc.ChangePassword(e.ctx, "oadmin", pw, adminPassword); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"oadmin", "nobody"} {
		t.Run(user, func(t *testing.T) {
			var got []engine.AuthStatus
			for range 5 {
				got = append(got, e.signIn(user, "Wrong12345").Status)
			}
			want := []engine.AuthStatus{engine.AuthRefused, engine.AuthRefused, engine.AuthRefused, engine.AuthRefused, engine.AuthLocked}
			if !slices.Equal(got, want) {
				t.Fatalf("five wrong passwords for %s = %v, want four refusals then a pause", user, got)
			}
			// The right password waits too: the pause is not a hint.
			r := e.signIn(user, adminPassword)
			if r.Status != engine.AuthLocked || r.Code != core.SignInLocked || !r.LockedUntil.Equal(e.clock.Now().Add(5*time.Minute)) {
				t.Fatalf("SignIn while paused = %+v, want AuthLocked until five minutes from now", r)
			}
			// A restart does not end the pause: it is in the database.
			svc := e.open("")
			if r, _ := svc.SignIn(e.ctx, user, adminPassword); r.Status != engine.AuthLocked {
				t.Errorf("after a restart: SignIn = %+v, want still AuthLocked", r)
			}
			if r, _ := svc.Authenticate(e.ctx, user, adminPassword); r.Status != engine.AuthLocked {
				t.Errorf("rosterctl login while paused = %+v, want AuthLocked", r)
			}
			if err := svc.ChangePassword(e.ctx, user, adminPassword, "Another42xy"); core.ErrorCode(err) != core.SignInLocked {
				t.Errorf("ChangePassword while paused = %v, want SIGNIN_LOCKED", err)
			}
			e.clock.Add(5*time.Minute - time.Second)
			if r := e.signIn(user, adminPassword); r.Status != engine.AuthLocked {
				t.Errorf("one second before the end: SignIn = %+v, want AuthLocked", r)
			}
			e.clock.Add(time.Second)
			wantAfter := engine.AuthOK
			if user == "nobody" {
				wantAfter = engine.AuthRefused
			}
			if r := e.signIn(user, adminPassword); r.Status != wantAfter {
				t.Errorf("after five minutes: SignIn = %+v, want %v", r, wantAfter)
			}
		})
	}
	t.Run("RightPasswordResetsTheCount", func(t *testing.T) {
		for range 4 {
			e.signIn("oadmin", "Wrong12345")
		}
		if r := e.signIn("oadmin", adminPassword); r.Status != engine.AuthOK {
			t.Fatalf("SignIn after 4 wrong = %+v, want AuthOK", r)
		}
		for range 4 {
			e.signIn("oadmin", "Wrong12345")
		}
		if r := e.signIn("oadmin", adminPassword); r.Status != engine.AuthOK {
			t.Errorf("after 4 + 4 wrong passwords with a right one between = %+v, want AuthOK", r)
		}
	})
	t.Run("ResetEndsThePause", func(t *testing.T) {
		for range 5 {
			e.signIn("oadmin", "Wrong12345")
		}
		ops, err := e.svc.Operators(e.ctx, admin)
		if err != nil || len(ops) != 1 || ops[0].LockedUntil.IsZero() {
			t.Fatalf("Operators while paused = %+v, %v; want LockedUntil set", ops, err)
		}
		cred, err := e.svc.ResetOperatorPassword(e.ctx, admin, op.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r := e.signIn("oadmin", cred.Password); r.Status != engine.AuthChangeRequired {
			t.Errorf("SignIn with the reset password = %+v, want AuthChangeRequired", r)
		}
	})
	t.Run("AtOnce", func(t *testing.T) {
		// Twenty wrong passwords tried at the same moment: at most four are answered
		// "wrong", the rest with the pause (TestSignInSameWork counts the passwords
		// actually checked).
		e.clock.Add(time.Hour)
		var wg sync.WaitGroup
		statuses := make(chan engine.AuthStatus, 20)
		for range 20 {
			wg.Go(func() {
				r, err := e.svc.SignIn(e.ctx, "target", "Wrong12345")
				if err != nil {
					t.Error(err)
				}
				statuses <- r.Status
			})
		}
		wg.Wait()
		close(statuses)
		checked := 0
		for st := range statuses {
			if st == engine.AuthRefused {
				checked++
			}
		}
		if checked > 4 {
			t.Errorf("%d of 20 simultaneous attempts were checked and refused, want at most 4 before the pause", checked)
		}
	})
}

// TestUsernamesAcrossAccounts: a username is unique across administrators and users,
// compared by core.Key, whichever is made first.
func TestUsernamesAcrossAccounts(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name,Email,Username", "T1,Teacher,Maria,Garcia,mg@lincoln.example.org,MGarcia")
	t.Run("ErrAdminTakesUserName", func(t *testing.T) {
		_, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "mgarcia", Name: "M G", Role: core.OperatorOrgAdmin})
		if core.ErrorCode(err) != core.AdminUsernameTaken {
			t.Errorf("AddOperator(a teacher's username) = %v, want ADMIN_USERNAME_TAKEN", err)
		}
	})
	e.addAdmin(engine.NewOperator{Username: "jsmith", Name: "Jo Smith", Role: core.OperatorOrgAdmin})
	t.Run("ErrAdminUsernameTwice", func(t *testing.T) {
		_, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "JSMITH", Name: "J S", Role: core.OperatorOrgAdmin})
		if core.ErrorCode(err) != core.AdminUsernameTaken {
			t.Errorf("AddOperator(JSMITH beside jsmith) = %v, want ADMIN_USERNAME_TAKEN", err)
		}
	})
	t.Run("ErrImportTakesAdminName", func(t *testing.T) {
		res := e.upload("u.csv", csvOf("User ID,Role,First Name,Last Name,Username", "S1,Student,Ava,Lee,JSmith"), e.schoolA, admin)
		if res.Status != core.StatusFailed || !textPattern(core.UsernameTaken).MatchString(e.errorCells(res.Upload)["S1"]) {
			t.Errorf("import of an administrator's username = %s %q, want the row refused with USERNAME_TAKEN", res.Status, e.errorCells(res.Upload))
		}
	})
	t.Run("ErrUpdateTakesAdminName", func(t *testing.T) {
		res := e.upload("u.csv", csvOf("User GUID,User ID,Role,First Name,Last Name,Email,Username",
			e.user("T1").GUID+",T1,Teacher,Maria,Garcia,mg@lincoln.example.org,jsmith"), e.schoolA, admin)
		if res.Status != core.StatusFailed || !textPattern(core.UsernameTaken).MatchString(e.errorCells(res.Upload)["T1"]) {
			t.Errorf("update to an administrator's username = %s %q, want the row refused with USERNAME_TAKEN", res.Status, e.errorCells(res.Upload))
		}
		if got := e.user("T1").Username; got != "MGarcia" {
			t.Errorf("T1's username = %q, want MGarcia kept", got)
		}
	})
	t.Run("MadeUsernameSkipsAdmin", func(t *testing.T) {
		res := e.mustImport("User ID,Role,First Name,Last Name", "S2,Student,John,Smith")
		if got := e.user("S2").Username; got != "jsmith2" {
			t.Errorf("made username for John Smith = %q, want jsmith2 (jsmith is an administrator's)", got)
		}
		_ = res
	})
}

// TestOperators covers managing administrators (Organization Administrator only).
func TestOperators(t *testing.T) {
	e := newEnv(t)
	oa, _ := e.addAdmin(engine.NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})
	t.Run("ErrInput", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			op   engine.NewOperator
			want core.Code
		}{
			{"Username", engine.NewOperator{Username: "a b", Name: "A B", Role: core.OperatorOrgAdmin}, core.AdminUsernameFormat},
			{"UsernameNotASCII", engine.NewOperator{Username: "jsmіth", Name: "A B", Role: core.OperatorOrgAdmin}, core.AdminUsernameFormat},
			{"Name", engine.NewOperator{Username: "ab1", Name: "  ", Role: core.OperatorOrgAdmin}, core.AdminName},
			{"NameControl", engine.NewOperator{Username: "ab1", Name: "A\x1b[31mB", Role: core.OperatorOrgAdmin}, core.AdminName},
			{"Email", engine.NewOperator{Username: "ab1", Name: "A B", Email: "not-an-email", Role: core.OperatorOrgAdmin}, core.AdminEmail},
			{"Role", engine.NewOperator{Username: "ab1", Name: "A B", Role: core.OperatorTeacher}, core.AdminRole},
			{"NoSchool", engine.NewOperator{Username: "ab1", Name: "A B", Role: core.OperatorSchoolAdmin}, core.AdminNoSchool},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, _, err := e.svc.AddOperator(e.ctx, admin, tt.op); core.ErrorCode(err) != tt.want {
					t.Errorf("AddOperator(%+v) = %v, want %s", tt.op, err, tt.want)
				}
			})
		}
	})
	e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,")...)
	sa, pw := e.addAdmin(engine.NewOperator{Username: "sadmin", Name: "Sam Lincoln", Email: "sam@lincoln.example.org",
		Role: core.OperatorSchoolAdmin, SchoolIDs: []int64{e.schoolA.ID}, TeacherID: e.user("T1").ID})
	t.Run("Added", func(t *testing.T) {
		if len(pw) < 12 || sa.Password != core.PasswordTemporary || len(sa.Schools) != 1 || sa.Schools[0].ID != e.schoolA.ID || sa.Teacher.Username != e.user("T1").Username {
			t.Errorf("AddOperator = %+v, password %q; want a temporary password, Lincoln, linked to Maria", sa, pw)
		}
		ops, err := e.svc.Operators(e.ctx, admin)
		if err != nil || len(ops) != 2 || ops[0].Name != "Olga Admin" || ops[1].Name != "Sam Lincoln" {
			t.Errorf("Operators = %+v, %v; want Olga then Sam", ops, err)
		}
		if got, err := e.svc.OperatorByUsername(e.ctx, admin, "SADMIN"); err != nil || got.ID != sa.ID {
			t.Errorf("OperatorByUsername(SADMIN) = %+v, %v", got, err)
		}
		if _, err := e.svc.OperatorByUsername(e.ctx, admin, "nobody"); core.ErrorCode(err) != core.AdminNotFound {
			t.Errorf("OperatorByUsername(nobody) = %v, want ADMIN_NOT_FOUND", err)
		}
	})
	t.Run("ErrTeacherLinks", func(t *testing.T) {
		if err := e.svc.SetOperatorTeacher(e.ctx, admin, oa.ID, e.user("T1").ID); core.ErrorCode(err) != core.AdminTeacherLinked {
			t.Errorf("linking Maria to a second administrator = %v, want ADMIN_TEACHER_LINKED", err)
		}
		if err := e.svc.SetOperatorTeacher(e.ctx, admin, oa.ID, e.user("S1").ID); core.ErrorCode(err) != core.AdminNotTeacher {
			t.Errorf("linking a student = %v, want ADMIN_NOT_TEACHER", err)
		}
	})
	t.Run("Schools", func(t *testing.T) {
		if err := e.svc.SetOperatorSchools(e.ctx, admin, sa.ID, nil); core.ErrorCode(err) != core.AdminNoSchool {
			t.Errorf("SetOperatorSchools(none) = %v, want ADMIN_NO_SCHOOL", err)
		}
		if err := e.svc.SetOperatorSchools(e.ctx, admin, sa.ID, []int64{e.schoolA.ID, e.schoolB.ID}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.OperatorByUsername(e.ctx, admin, "sadmin")
		if len(got.Schools) != 2 {
			t.Errorf("schools = %+v, want both", got.Schools)
		}
	})
	t.Run("LastOrgAdmin", func(t *testing.T) {
		sessAdmin := engine.Actor{Role: core.OperatorOrgAdmin, OperatorID: oa.ID}
		if err := e.svc.RemoveOperator(e.ctx, sessAdmin, oa.ID); core.ErrorCode(err) != core.AccessLastOrgAdmin {
			t.Errorf("removing the last Organization Administrator = %v, want ACCESS_LAST_ORG_ADMIN", err)
		}
		if err := e.svc.SetOperatorRole(e.ctx, sessAdmin, oa.ID, core.OperatorSchoolAdmin); core.ErrorCode(err) != core.AdminNoSchool && core.ErrorCode(err) != core.AccessLastOrgAdmin {
			t.Errorf("demoting the last Organization Administrator = %v, want a refusal", err)
		}
		if err := e.svc.SetOperatorSchools(e.ctx, sessAdmin, oa.ID, []int64{e.schoolA.ID}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetOperatorRole(e.ctx, sessAdmin, oa.ID, core.OperatorSchoolAdmin); core.ErrorCode(err) != core.AccessLastOrgAdmin {
			t.Errorf("demoting the last Organization Administrator = %v, want ACCESS_LAST_ORG_ADMIN", err)
		}
		if err := e.svc.SetOperatorRole(e.ctx, sessAdmin, sa.ID, core.OperatorOrgAdmin); err != nil {
			t.Fatal(err)
		}
		// Sam is an Organization Administrator now, so Olga may go; her upload keeps
		// her name.
		res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "o.csv", Data: csvOf("User ID,Role,First Name,Last Name", "S8,Student,Ida,Berg"),
			SchoolID: e.schoolA.ID, Actor: sessAdmin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RemoveOperator(e.ctx, admin, oa.ID); err != nil {
			t.Fatalf("RemoveOperator = %v", err)
		}
		if u, err := e.svc.Upload(e.ctx, admin, res.Upload); err != nil || u.UploadedBy != "Olga Admin" {
			t.Errorf("removed administrator's upload: Uploaded By %q, %v; want Olga Admin", u.UploadedBy, err)
		}
		if _, err := e.svc.OperatorByUsername(e.ctx, admin, "oadmin"); core.ErrorCode(err) != core.AdminNotFound {
			t.Errorf("after removal: OperatorByUsername = %v, want ADMIN_NOT_FOUND", err)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		cred, err := e.svc.ResetOperatorPassword(e.ctx, admin, sa.ID)
		if err != nil || cred.Password == pw || cred.Username != "sadmin" || !cred.ExpiresAt.Equal(e.clock.Now().Add(core.TempPasswordLifetime)) {
			t.Fatalf("ResetOperatorPassword = %+v, %v; want a new password for 90 days", cred, err)
		}
		if r := e.signIn("sadmin", pw); r.Status != engine.AuthRefused {
			t.Errorf("old temporary password after reset = %+v, want AuthRefused", r)
		}
		if r := e.signIn("sadmin", cred.Password); r.Status != engine.AuthChangeRequired {
			t.Errorf("new temporary password = %+v, want AuthChangeRequired", r)
		}
	})
}

// TestInitSample: sample data comes with an administrator whose credentials sign in
// (after the first-use change).
func TestInitSample(t *testing.T) {
	ctx := t.Context()
	svc, err := engine.Open(ctx, t.TempDir()+"/sample.db", engine.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	res, err := svc.InitSample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Org.Name == "" || res.Admin.Username == "" || res.Admin.Password == "" {
		t.Fatalf("InitSample = %+v, want an organization and the administrator's credentials", res)
	}
	if s, _ := svc.SetupState(ctx); s != engine.SetupReady {
		t.Errorf("SetupState after sample = %v, want SetupReady", s)
	}
	r, err := svc.SignIn(ctx, res.Admin.Username, res.Admin.Password)
	if err != nil || r.Status != engine.AuthChangeRequired {
		t.Fatalf("SignIn(sample administrator) = %+v, %v; want AuthChangeRequired", r, err)
	}
	if err := svc.ChangePassword(ctx, res.Admin.Username, res.Admin.Password, adminPassword); err != nil {
		t.Fatal(err)
	}
	r, _ = svc.SignIn(ctx, res.Admin.Username, adminPassword)
	a, ok := r.Session.Actor(core.OperatorOrgAdmin)
	if !ok {
		t.Fatalf("sample session = %+v, want an Organization Administrator", r.Session)
	}
	h, err := svc.History(ctx, a, engine.HistoryFilter{})
	if err != nil || len(h) != 2 || h[0].UploadedBy != res.Admin.Name {
		t.Errorf("sample history = %+v, %v; want two uploads by %s", h, err, res.Admin.Name)
	}
}
