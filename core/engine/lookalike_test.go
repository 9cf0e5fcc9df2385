package engine_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/sqlite/migrations"
)

// TestLookalikeUserIDs: a User ID typed on another keyboard is the same User ID. The
// attack round made Ｓ１１ (fullwidth, a Japanese or Chinese keyboard) and S١١
// (Arabic-Indic digits) users apart from S11. Now, whichever spelling came first, a row
// without a User GUID that names the other is refused as USER_ID_TAKEN with the
// user it belongs to (the import's rule for a User ID that exists), and a row with the
// User GUID updates that user: a second account is never made.
func TestLookalikeUserIDs(t *testing.T) {
	for _, tt := range []struct {
		name, first, again string
	}{
		{"Fullwidth", "S11", "Ｓ１１"},
		{"FullwidthLowerCase", "S11", "ｓ１１"},
		{"ArabicIndic", "S11", "S١١"},
		{"Persian", "S11", "S۱۱"},
		{"FullwidthFirst", "Ｓ１１", "S11"},
		{"ArabicIndicFirst", "S١١", "s11"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustImport("User ID,Role,First Name,Last Name", tt.first+",Student,Ann,Lee")
			before := e.user(tt.first)

			res := e.upload("again.csv", csvOf("User ID,Role,First Name,Last Name", tt.again+",Student,Annie,Lee"), e.schoolA, admin)
			notes := strings.Join(res.Notes, "\n")
			if res.Status != core.StatusFailed || res.UsersCreated != 0 || !textPattern(core.UserIDTaken).MatchString(notes) || !strings.Contains(notes, "Ann Lee") {
				t.Errorf("import of %q after %q = %s %+v %q, want Failed with USER_ID_TAKEN naming Ann Lee", tt.again, tt.first, res.Status, res.Counts, res.Notes)
			}

			res = e.mustImport("User GUID,User ID,Role,First Name,Last Name", before.GUID+","+tt.again+",Student,Annie,Lee")
			if res.UsersCreated != 0 || res.UsersUpdated != 1 {
				t.Errorf("update by GUID naming %q: counts %+v, want the one user updated", tt.again, res.Counts)
			}
			all := e.accounts(core.School{})
			if len(all) != 1 {
				t.Fatalf("after importing %q and %q: %d users %v, want 1", tt.first, tt.again, len(all), all)
			}
			for _, got := range all {
				if got.ID != before.ID || got.FirstName != "Annie" || core.Key(got.UserID) != core.Key(tt.first) {
					t.Errorf("user = %+v, want user %d, User ID %q in any spelling, renamed Annie", got, before.ID, tt.first)
				}
			}
		})
	}

	// Two spellings in one file are one user, never two.
	t.Run("OneFile", func(t *testing.T) {
		e := newEnv(t)
		res := e.upload("both.csv", csvOf("User ID,Role,First Name,Last Name", "S11,Student,Ann,Lee", "Ｓ１１,Student,Ann,Lee"), e.schoolA, admin)
		if res.UsersCreated != 1 || len(e.accounts(core.School{})) != 1 {
			t.Errorf("S11 and Ｓ１１ in one file: %s %+v %q, want one user", res.Status, res.Counts, res.Notes)
		}
	})
}

// TestLookalikeClassIDsAndEmails: the other keys fold alike. A new class ＭＡＴＨ is
// refused where MATH exists (CLASS_ID_EXISTS, as for MATH itself), and a second teacher
// may not take ａｎｎ@x.org when a teacher has ann@x.org.
func TestLookalikeClassIDsAndEmails(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T1,Teacher,Ann,Lee,ann@x.org,MATH,Math 3A")
	res := e.upload("s1.csv", csvOf("User ID,Role,First Name,Last Name,Class ID,Class Name", "S1,Student,Bo,Berg,ＭＡＴＨ,Math 3B"), e.schoolA, admin)
	if res.ClassesCreated != 0 || len(e.classes(e.schoolA)) != 1 || !textPattern(core.ClassIDExists).MatchString(strings.Join(res.Notes, "\n")) {
		t.Errorf("a class ＭＡＴＨ where MATH exists: %s %+v %q; want CLASS_ID_EXISTS and one class", res.Status, res.Counts, res.Notes)
	}
	res = e.upload("t2.csv", csvOf("User ID,Role,First Name,Last Name,Email", "T2,Teacher,Cy,Dunn,ａｎｎ@x.org"), e.schoolA, admin)
	if res.Status != core.StatusFailed || !textPattern(core.EmailTaken).MatchString(strings.Join(res.Notes, "\n")) {
		t.Errorf("a second teacher with ａｎｎ@x.org = %s %q, want Failed with EMAIL_TAKEN", res.Status, res.Notes)
	}
}

// TestLookalikeKeysFoldedInGo: every write stores core.Key of its value, computed in Go,
// never by SQL: after creates, an update by GUID to a fullwidth User ID, a school added
// and renamed with an ideographic space and an administrator added, every key column of
// every row (migrations.KeyColumns, and the administrators') is core.Key of its value,
// and creating S22 after the update set Ｓ２２ is refused as USER_ID_TAKEN.
func TestLookalikeKeysFoldedInGo(t *testing.T) {
	e := newEnv(t)
	e.mustImport("User ID,Role,First Name,Last Name,Email,Username,Class ID,Class Name",
		"T1,Teacher,Ann,Lee,ＡＮＮ@x.org,annlee,ＭＡＴＨ１,Math",
		"S1,Student,Bo,Berg,,,ＭＡＴＨ１,")
	s1 := e.user("S1")
	e.mustImport("User GUID,User ID,Role,First Name,Last Name", s1.GUID+",Ｓ２２,,,")
	school, err := e.svc.AddSchool(e.ctx, admin, "Oak\u3000School")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RenameSchool(e.ctx, admin, school.ID, "Oak\u3000School\u3000№２"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddSchool(e.ctx, admin, "Oak School No2"); core.ErrorKind(err) != core.KindConflict {
		t.Errorf("AddSchool(Oak School No2) after Oak\\u3000School\\u3000№２ = %v, want a conflict", err)
	}
	e.addAdmin(engine.NewOperator{Username: "Pat.Office", Name: "Pat Office", Role: core.OperatorOrgAdmin})

	res := e.upload("again.csv", csvOf("User ID,Role,First Name,Last Name", "S22,Student,Cy,Dunn"), e.schoolA, admin)
	if res.Status != core.StatusFailed || !textPattern(core.UserIDTaken).MatchString(strings.Join(res.Notes, "\n")) {
		t.Errorf("creating S22 after an update set Ｓ２２ = %s %q, want Failed with USER_ID_TAKEN", res.Status, res.Notes)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(e.path)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	columns := append([]migrations.KeyColumn{{Table: "operators", Value: "username", Key: "username_key"}}, migrations.KeyColumns...)
	checked := 0
	for _, c := range columns {
		rows, err := db.QueryContext(e.ctx, `SELECT `+c.Value+`, `+c.Key+` FROM `+c.Table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var value, key string
			if err := rows.Scan(&value, &key); err != nil {
				t.Fatal(err)
			}
			if want := core.Key(value); key != want {
				t.Errorf("%s.%s of %q = %q, want core.Key = %q", c.Table, c.Key, value, key, want)
			}
			if value != strings.ToLower(value) || strings.ContainsFunc(value, func(r rune) bool { return r > 0x7f }) {
				checked++ // a value whose key differs from it: the fold was exercised
			}
		}
		rows.Close()
	}
	if checked < 5 {
		t.Errorf("only %d stored values needed folding, want the test's fullwidth and mixed-case ones", checked)
	}
}

// TestLookalikeUsernameSignIn: a username typed in fullwidth (a Japanese or Chinese
// keyboard left in that mode) is the username: the right password signs in, and wrong
// passwords count toward that username's pause, whichever way each was typed.
func TestLookalikeUsernameSignIn(t *testing.T) {
	e := newEnv(t)
	_, pw := e.addAdmin(engine.NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})
	if err := e.svc.ChangePassword(e.ctx, "ｏａｄｍｉｎ", pw, adminPassword); err != nil {
		t.Fatalf("ChangePassword typed in fullwidth: %v", err)
	}
	if r := e.signIn("ＯＡＤＭＩＮ", adminPassword); r.Status != engine.AuthOK {
		t.Fatalf("SignIn(ＯＡＤＭＩＮ) = %+v, want AuthOK", r)
	}
	var got []engine.AuthStatus
	for _, user := range []string{"oadmin", "ｏａｄｍｉｎ", "OADMIN", "ｏａｄｍｉｎ", "oadmin"} {
		got = append(got, e.signIn(user, "Wrong12345").Status)
	}
	want := []engine.AuthStatus{engine.AuthRefused, engine.AuthRefused, engine.AuthRefused, engine.AuthRefused, engine.AuthLocked}
	if !slices.Equal(got, want) {
		t.Errorf("five wrong passwords, typed three ways = %v, want four refusals then a pause", got)
	}
}

// TestFullwidthPunctuationClassID: a Class ID typed with a Japanese, Chinese or Korean
// keyboard's fullwidth hyphen, ＡＲＴ－１, is the Class ID ART-1 (core.Key folds it so)
// and valid as such, as User IDs typed in fullwidth are. It used to be refused as
// CLASS_ID_FORMAT before its key was looked at. Never two classes: where ART-1 exists a
// new ＡＲＴ－１ is CLASS_ID_EXISTS; in one file both spellings are one class, stored as
// first typed; and with its Class GUID the row rosters into ART-1.
func TestFullwidthPunctuationClassID(t *testing.T) {
	t.Run("ExistingClass", func(t *testing.T) {
		e := newEnv(t)
		e.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
			"T1,Teacher,Ann,Lee,ann@x.org,ART-1,Art")
		res := e.upload("s1.csv", csvOf("User ID,Role,First Name,Last Name,Class ID,Class Name", "S1,Student,Bo,Berg,ＡＲＴ－１,Art 2"), e.schoolA, admin)
		if res.ClassesCreated != 0 || len(e.classes(e.schoolA)) != 1 || !textPattern(core.ClassIDExists).MatchString(strings.Join(res.Notes, "\n")) {
			t.Errorf("a new class ＡＲＴ－１ where ART-1 exists: %s %+v %q; want CLASS_ID_EXISTS and one class", res.Status, res.Counts, res.Notes)
		}
		art := e.classes(e.schoolA)["ART-1"]
		res = e.upload("s2.csv", csvOf("User ID,Role,First Name,Last Name,Class ID,Class GUID", "S2,Student,Cy,Dunn,ＡＲＴ－１,"+art.GUID), e.schoolA, admin)
		if res.Status != core.StatusCompleted || res.ClassesCreated != 0 || res.EnrollmentsAdded != 1 || len(e.classes(e.schoolA)) != 1 {
			t.Errorf("rostering into ART-1 by its GUID, typed ＡＲＴ－１: %s %+v %q; want Completed, one enrollment, one class", res.Status, res.Counts, res.Notes)
		}
		// As a User ID updated by GUID, the class takes the upload's spelling.
		if _, ok := e.classes(e.schoolA)["ＡＲＴ－１"]; !ok {
			t.Errorf("after the row with its GUID the classes are %v, want ART-1 stored as the upload spelled it", e.classes(e.schoolA))
		}
	})
	t.Run("OneFile", func(t *testing.T) {
		e := newEnv(t)
		res := e.upload("both.csv", csvOf("User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
			"T1,Teacher,Ann,Lee,ann@x.org,ＡＲＴ－１,Art",
			"S1,Student,Bo,Berg,,ART-1,",
			"S2,Student,Cy,Dunn,,art－1,"), e.schoolA, admin)
		classes := e.classes(e.schoolA)
		c, ok := classes["ＡＲＴ－１"]
		if res.Status != core.StatusCompleted || res.ClassesCreated != 1 || len(classes) != 1 || !ok {
			t.Fatalf("ＡＲＴ－１, ART-1 and art－1 in one file: %s %+v %q, classes %v; want one class, stored as first typed", res.Status, res.Counts, res.Notes, classes)
		}
		if res.EnrollmentsAdded != 3 {
			t.Errorf("enrollments added = %d, want 3: every spelling rosters into the one class", res.EnrollmentsAdded)
		}
		if got, err := e.svc.ClassByClassID(e.ctx, admin, e.schoolA.ID, "art-1"); err != nil || got.ID != c.ID {
			t.Errorf("ClassByClassID(art-1) = %+v, %v; want the class ＡＲＴ－１", got, err)
		}
	})
}
