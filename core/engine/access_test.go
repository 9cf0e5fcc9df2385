package engine_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// world is an organization with people in every role (SPEC §8):
//   - school A (Lincoln): teachers Maria (T1, class MATH: S1, S4) and James (T2, class
//     READ: S2, S5); school B (Washington): teacher Bella (T3, class HIST: S3);
//   - uploads: the administrator's into A and into B, Maria's (S4) and James's (S5);
//   - operators: an Organization Administrator and a School Organization Administrator
//     of school A.
type world struct {
	*env
	orgAdmin, schoolAdmin  engine.Actor
	orgAdminID, schoolAdID int64
	maria, james, bella    engine.Actor
	up                     map[string]int64 // "adminA", "adminB", "maria", "james"
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{env: newEnv(t), up: map[string]int64{}}
	e := w.env
	res := e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,", "S2,Student,Noah,Smith,,READ,")...)
	w.up["adminA"] = res.Upload
	res = e.upload("b.csv", csvOf("User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
		"T3,Teacher,Bella,Chen,bchen@washington.example.org,HIST,History 7",
		"S3,Student,Omar,Haddad,,HIST,"), e.schoolB, admin)
	if res.Status != core.StatusCompleted {
		t.Fatalf("school B import: %s %q", res.Status, res.Notes)
	}
	w.up["adminB"] = res.Upload
	w.maria, w.james, w.bella = e.teacher("T1"), e.teacher("T2"), e.teacher("T3")
	classes := e.classes(e.schoolA)
	for _, u := range []struct {
		who, id, first, class string
		actor                 engine.Actor
	}{{"maria", "S4", "Liam", "MATH", w.maria}, {"james", "S5", "Zoe", "READ", w.james}} {
		res := e.upload(u.who+".csv", csvOf("Student ID,First Name,Last Name,Class ID,Class GUID",
			u.id+","+u.first+",Park,"+u.class+","+classes[u.class].GUID), e.schoolA, u.actor)
		if res.Status != core.StatusCompleted {
			t.Fatalf("%s's import: %s %q", u.who, res.Status, res.Notes)
		}
		w.up[u.who] = res.Upload
	}
	oa, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "oadmin", Name: "Olga Admin", Role: core.OperatorOrgAdmin})
	if err != nil {
		t.Fatal(err)
	}
	sa, _, err := e.svc.AddOperator(e.ctx, admin, engine.NewOperator{Username: "sadmin", Name: "Sam Lincoln",
		Role: core.OperatorSchoolAdmin, SchoolIDs: []int64{e.schoolA.ID}})
	if err != nil {
		t.Fatal(err)
	}
	w.orgAdminID, w.schoolAdID = oa.ID, sa.ID
	w.orgAdmin = engine.Actor{Role: core.OperatorOrgAdmin, OperatorID: oa.ID}
	w.schoolAdmin = engine.Actor{Role: core.OperatorSchoolAdmin, OperatorID: sa.ID}
	return w
}

// calls are the engine's operations on the organization's data, each run as the actor
// given against something that actor may or may not reach.
func (w *world) calls() map[string]func(engine.Actor) error {
	e := w.env
	ctx := e.ctx
	classes := func(s core.School) map[string]core.Class { return e.classes(s) }
	up := func(name string, school core.School) engine.UploadRequest {
		return engine.UploadRequest{FileName: name, Data: csvOf("Student ID,First Name,Last Name", "S99,Eve,Stone"), SchoolID: school.ID}
	}
	return map[string]func(engine.Actor) error{
		"AddSchool":    func(a engine.Actor) error { _, err := e.svc.AddSchool(ctx, a, "Jefferson High"); return err },
		"RenameSchool": func(a engine.Actor) error { return e.svc.RenameSchool(ctx, a, e.schoolB.ID, "Washington Middle") },
		"SchoolByNameB": func(a engine.Actor) error {
			_, err := e.svc.SchoolByName(ctx, a, "Washington Middle")
			return err
		},
		"TeachersA": func(a engine.Actor) error { _, err := e.svc.Teachers(ctx, a, e.schoolA.ID); return err },
		"TeachersB": func(a engine.Actor) error { _, err := e.svc.Teachers(ctx, a, e.schoolB.ID); return err },
		"TeacherSchoolsT2": func(a engine.Actor) error {
			_, err := e.svc.TeacherSchools(ctx, a, e.user("T2").ID)
			return err
		},
		"TeacherSchoolsT3": func(a engine.Actor) error {
			_, err := e.svc.TeacherSchools(ctx, a, e.user("T3").ID)
			return err
		},
		"UserByUsernameS3": func(a engine.Actor) error {
			_, err := e.svc.UserByUsername(ctx, a, e.user("S3").Username)
			return err
		},
		"UserByUsernameS2": func(a engine.Actor) error {
			_, err := e.svc.UserByUsername(ctx, a, e.user("S2").Username)
			return err
		},
		"AccountsAll": func(a engine.Actor) error { _, err := e.svc.Accounts(ctx, a, 0, ""); return err },
		"AccountsB":   func(a engine.Actor) error { _, err := e.svc.Accounts(ctx, a, e.schoolB.ID, ""); return err },
		"ClassesB":    func(a engine.Actor) error { _, err := e.svc.Classes(ctx, a, e.schoolB.ID); return err },
		"ExportUsersB": func(a engine.Actor) error {
			return e.svc.ExportUsers(ctx, a, &bytes.Buffer{}, core.FormatCSV, e.schoolB.ID)
		},
		"ExportClassesB": func(a engine.Actor) error {
			return e.svc.ExportClasses(ctx, a, &bytes.Buffer{}, core.FormatCSV, e.schoolB.ID)
		},
		"HistoryB": func(a engine.Actor) error {
			_, err := e.svc.History(ctx, a, engine.HistoryFilter{SchoolID: e.schoolB.ID})
			return err
		},
		"UploadAdminB":   func(a engine.Actor) error { _, err := e.svc.Upload(ctx, a, w.up["adminB"]); return err },
		"UploadAdminA":   func(a engine.Actor) error { _, err := e.svc.Upload(ctx, a, w.up["adminA"]); return err },
		"UploadJames":    func(a engine.Actor) error { _, err := e.svc.Upload(ctx, a, w.up["james"]); return err },
		"CompletedAdmin": func(a engine.Actor) error { return w.download(a, "adminA", core.FileCompleted) },
		"CompletedB":     func(a engine.Actor) error { return w.download(a, "adminB", core.FileCompleted) },
		"CompletedJames": func(a engine.Actor) error { return w.download(a, "james", core.FileCompleted) },
		"UploadedJames":  func(a engine.Actor) error { return w.download(a, "james", core.FileUploaded) },
		"ResetS2":        func(a engine.Actor) error { _, err := e.svc.ResetPassword(ctx, a, e.user("S2").ID); return err },
		"ResetS3":        func(a engine.Actor) error { _, err := e.svc.ResetPassword(ctx, a, e.user("S3").ID); return err },
		"ResetT2":        func(a engine.Actor) error { _, err := e.svc.ResetPassword(ctx, a, e.user("T2").ID); return err },
		"ResetREAD": func(a engine.Actor) error {
			_, err := e.svc.ResetClassPasswords(ctx, a, classes(e.schoolA)["READ"].ID)
			return err
		},
		"ResetHIST": func(a engine.Actor) error {
			_, err := e.svc.ResetClassPasswords(ctx, a, classes(e.schoolB)["HIST"].ID)
			return err
		},
		"EnqueueB": func(a engine.Actor) error {
			req := up("b.csv", e.schoolB)
			req.Actor = a
			_, err := e.svc.Enqueue(ctx, req)
			return err
		},
		"CheckB": func(a engine.Actor) error {
			req := up("b.csv", e.schoolB)
			req.Actor = a
			_, err := e.svc.Check(ctx, req, nil)
			return err
		},
		"Operators": func(a engine.Actor) error { _, err := e.svc.Operators(ctx, a); return err },
		"AddOperator": func(a engine.Actor) error {
			_, _, err := e.svc.AddOperator(ctx, a, engine.NewOperator{Username: "newadmin", Name: "New Admin", Role: core.OperatorOrgAdmin})
			return err
		},
		"OperatorByUsername": func(a engine.Actor) error { _, err := e.svc.OperatorByUsername(ctx, a, "oadmin"); return err },
		"SetOperatorSchools": func(a engine.Actor) error {
			return e.svc.SetOperatorSchools(ctx, a, w.schoolAdID, []int64{e.schoolB.ID})
		},
		"SetOperatorRole":    func(a engine.Actor) error { return e.svc.SetOperatorRole(ctx, a, w.schoolAdID, core.OperatorOrgAdmin) },
		"SetOperatorTeacher": func(a engine.Actor) error { return e.svc.SetOperatorTeacher(ctx, a, w.schoolAdID, e.user("T1").ID) },
		"ResetOperator":      func(a engine.Actor) error { _, err := e.svc.ResetOperatorPassword(ctx, a, w.orgAdminID); return err },
		"RemoveOperator":     func(a engine.Actor) error { return e.svc.RemoveOperator(ctx, a, w.orgAdminID) },
		"TeacherActor": func(a engine.Actor) error {
			_, err := e.svc.TeacherActor(ctx, a, e.user("T2").Username, "")
			return err
		},
		"SchoolsList": func(a engine.Actor) error { _, err := e.svc.Schools(ctx, a); return err },
		"HistoryList": func(a engine.Actor) error { _, err := e.svc.History(ctx, a, engine.HistoryFilter{}); return err },
		"ExportClassesSelf": func(a engine.Actor) error {
			return e.svc.ExportClasses(ctx, a, &bytes.Buffer{}, core.FormatCSV, e.schoolA.ID)
		},
		"EnqueueA": func(a engine.Actor) error {
			req := up("a.csv", e.schoolA)
			req.Actor = a
			_, err := e.svc.Enqueue(ctx, req)
			return err
		},
		"AccountsA": func(a engine.Actor) error { _, err := e.svc.Accounts(ctx, a, e.schoolA.ID, ""); return err },
		"ClassesA":  func(a engine.Actor) error { _, err := e.svc.Classes(ctx, a, e.schoolA.ID); return err },
		"ExportUsersA": func(a engine.Actor) error {
			return e.svc.ExportUsers(ctx, a, &bytes.Buffer{}, core.FormatCSV, e.schoolA.ID)
		},
		"ResetMATH": func(a engine.Actor) error {
			_, err := e.svc.ResetClassPasswords(ctx, a, classes(e.schoolA)["MATH"].ID)
			return err
		},
		"ResetS1":             func(a engine.Actor) error { _, err := e.svc.ResetPassword(ctx, a, e.user("S1").ID); return err },
		"TeacherSchoolsSelfA": func(a engine.Actor) error { _, err := e.svc.TeacherSchools(ctx, a, e.user("T1").ID); return err },
	}
}

// download writes one of upload name's files as a.
func (w *world) download(a engine.Actor, name string, kind core.FileKind) error {
	return w.svc.WriteUploadFile(w.ctx, a, &bytes.Buffer{}, w.up[name], kind, core.FormatCSV)
}

// TestAccessRefusals calls the engine as the wrong person for each rule of SPEC §8 and
// wants a refusal with its stable catalogue code; the calls that change something are
// refused before they change it.
func TestAccessRefusals(t *testing.T) {
	w := newWorld(t)
	calls := w.calls()
	before := w.snapshot(t)
	for _, tt := range []struct {
		who  string
		call string
		want core.Code
	}{
		// A School Organization Administrator: only their schools, no administrators.
		{"schoolAdmin", "AddSchool", core.AccessOrgAdmin},
		{"schoolAdmin", "RenameSchool", core.AccessOrgAdmin},
		{"schoolAdmin", "SchoolByNameB", core.AccessSchool},
		{"schoolAdmin", "TeachersB", core.AccessSchool},
		{"schoolAdmin", "TeacherSchoolsT3", core.AccessAccount},
		{"schoolAdmin", "UserByUsernameS3", core.AccessAccount},
		{"schoolAdmin", "AccountsAll", core.AccessOrgAdmin},
		{"schoolAdmin", "AccountsB", core.AccessSchool},
		{"schoolAdmin", "ClassesB", core.AccessSchool},
		{"schoolAdmin", "ExportUsersB", core.AccessSchool},
		{"schoolAdmin", "ExportClassesB", core.AccessSchool},
		{"schoolAdmin", "HistoryB", core.AccessSchool},
		{"schoolAdmin", "UploadAdminB", core.AccessUpload},
		{"schoolAdmin", "CompletedB", core.AccessUpload},
		{"schoolAdmin", "ResetS3", core.AccessAccount},
		{"schoolAdmin", "ResetHIST", core.AccessSchool},
		{"schoolAdmin", "EnqueueB", core.AccessSchool},
		{"schoolAdmin", "CheckB", core.AccessSchool},
		{"schoolAdmin", "Operators", core.AccessOrgAdmin},
		{"schoolAdmin", "AddOperator", core.AccessOrgAdmin},
		{"schoolAdmin", "OperatorByUsername", core.AccessOrgAdmin},
		{"schoolAdmin", "SetOperatorSchools", core.AccessOrgAdmin},
		{"schoolAdmin", "SetOperatorRole", core.AccessOrgAdmin},
		{"schoolAdmin", "SetOperatorTeacher", core.AccessOrgAdmin},
		{"schoolAdmin", "ResetOperator", core.AccessOrgAdmin},
		{"schoolAdmin", "RemoveOperator", core.AccessOrgAdmin},
		{"schoolAdmin", "TeacherActor", core.AccessOrgAdmin},
		// A teacher: their own uploads, the students of their own classes, their schools.
		{"maria", "UploadAdminA", core.AccessUpload},
		{"maria", "UploadJames", core.AccessUpload},
		{"maria", "CompletedAdmin", core.AccessUpload},
		{"maria", "CompletedJames", core.AccessUpload},
		{"maria", "UploadedJames", core.AccessUpload},
		{"maria", "ResetS2", core.AccessAccount},
		{"maria", "ResetT2", core.AccessAccount},
		{"maria", "ResetREAD", core.AccessClass},
		{"maria", "UserByUsernameS2", core.AccessAccount},
		{"maria", "TeacherSchoolsT2", core.AccessAccount},
		{"maria", "TeachersA", core.AccessAdmin},
		{"maria", "AccountsAll", core.AccessOrgAdmin},
		{"maria", "AccountsB", core.AccessSchool},
		{"maria", "ClassesB", core.AccessSchool},
		{"maria", "ExportUsersB", core.AccessSchool},
		{"maria", "HistoryB", core.AccessSchool},
		{"maria", "EnqueueB", core.AccessSchool},
		{"maria", "CheckB", core.AccessSchool},
		{"maria", "AddSchool", core.AccessOrgAdmin},
		{"maria", "Operators", core.AccessOrgAdmin},
		{"maria", "TeacherActor", core.AccessOrgAdmin},
		{"bella", "ResetS3", ""}, // her own student, in her own school
		{"bella", "ResetS1", core.AccessAccount},
	} {
		t.Run(tt.who+"/"+tt.call, func(t *testing.T) {
			a := w.actor(tt.who)
			err := calls[tt.call](a)
			if got := core.ErrorCode(err); got != tt.want {
				t.Fatalf("%s as %s = %v (code %q), want code %q", tt.call, tt.who, err, got, tt.want)
			}
			if tt.want != "" && !textPattern(tt.want).MatchString(core.ErrorMessage(err)) {
				t.Errorf("%s as %s says %q, want the words of %s", tt.call, tt.who, core.ErrorMessage(err), tt.want)
			}
		})
	}
	after := w.snapshot(t)
	after.passwords[w.user("S3").UserID] = before.passwords[w.user("S3").UserID] // Bella's reset is allowed
	if !reflect.DeepEqual(before, after) {
		t.Errorf("refused calls changed the database:\nbefore %+v\nafter  %+v", before, after)
	}
}

// state is what the refused calls could have changed.
type state struct {
	schools   []core.School
	uploads   int
	passwords map[string]string // User ID → password label and issue time
	operators []core.Operator
}

func (w *world) snapshot(t *testing.T) state {
	t.Helper()
	e := w.env
	var st state
	var err error
	if st.schools, err = e.svc.Schools(e.ctx, admin); err != nil {
		t.Fatal(err)
	}
	h, err := e.svc.History(e.ctx, admin, engine.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	st.uploads = len(h)
	st.passwords = map[string]string{}
	for id, a := range e.accounts(core.School{}) {
		st.passwords[id] = string(a.Password) + " " + a.IssuedAt.String()
	}
	if st.operators, err = e.svc.Operators(e.ctx, admin); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAccessAllowed runs the same calls as the people they are meant for: each
// succeeds (the refusals above are not a blanket "no").
func TestAccessAllowed(t *testing.T) {
	w := newWorld(t)
	calls := w.calls()
	// In order: the Organization Administrator's changes to the School Organization
	// Administrator come last.
	for _, tt := range []struct{ who, call string }{
		{"schoolAdmin", "TeachersA"}, {"schoolAdmin", "TeacherSchoolsT2"}, {"schoolAdmin", "UserByUsernameS2"},
		{"schoolAdmin", "AccountsA"}, {"schoolAdmin", "ClassesA"}, {"schoolAdmin", "ExportUsersA"}, {"schoolAdmin", "UploadAdminA"},
		{"schoolAdmin", "CompletedAdmin"}, {"schoolAdmin", "CompletedJames"}, {"schoolAdmin", "ResetS2"}, {"schoolAdmin", "ResetT2"},
		{"schoolAdmin", "ResetREAD"}, {"schoolAdmin", "EnqueueA"},
		{"maria", "AccountsA"}, {"maria", "ClassesA"}, {"maria", "ExportUsersA"}, {"maria", "ExportClassesSelf"},
		{"maria", "ResetS1"}, {"maria", "ResetMATH"}, {"maria", "TeacherSchoolsSelfA"}, {"maria", "EnqueueA"},
		{"maria", "SchoolsList"}, {"maria", "HistoryList"},
		{"orgAdmin", "AddSchool"}, {"orgAdmin", "RenameSchool"}, {"orgAdmin", "SchoolByNameB"}, {"orgAdmin", "TeachersB"},
		{"orgAdmin", "TeacherSchoolsT3"}, {"orgAdmin", "UserByUsernameS3"}, {"orgAdmin", "AccountsAll"}, {"orgAdmin", "ExportUsersB"},
		{"orgAdmin", "HistoryB"}, {"orgAdmin", "UploadAdminB"}, {"orgAdmin", "CompletedB"}, {"orgAdmin", "CompletedJames"},
		{"orgAdmin", "ResetS3"}, {"orgAdmin", "ResetT2"}, {"orgAdmin", "ResetHIST"}, {"orgAdmin", "CheckB"},
		{"orgAdmin", "Operators"}, {"orgAdmin", "OperatorByUsername"}, {"orgAdmin", "SetOperatorSchools"},
		{"orgAdmin", "SetOperatorTeacher"}, {"orgAdmin", "ResetOperator"}, {"orgAdmin", "TeacherActor"},
	} {
		t.Run(tt.who+"/"+tt.call, func(t *testing.T) {
			if err := calls[tt.call](w.actor(tt.who)); err != nil {
				t.Errorf("%s as %s = %v, want nil", tt.call, tt.who, err)
			}
		})
	}
}

func (w *world) actor(who string) engine.Actor {
	switch who {
	case "orgAdmin":
		return w.orgAdmin
	case "schoolAdmin":
		return w.schoolAdmin
	case "maria":
		return w.maria
	case "james":
		return w.james
	case "bella":
		return w.bella
	}
	panic("no actor " + who)
}

// TestAccessNobody: the zero Actor (no one signed in, or a caller that forgot the actor)
// may do nothing at all.
func TestAccessNobody(t *testing.T) {
	w := newWorld(t)
	for name, call := range w.calls() {
		t.Run(name, func(t *testing.T) {
			if err := call(engine.Actor{Name: "Someone"}); core.ErrorCode(err) != core.AccessSignedOut {
				t.Errorf("%s with no one signed in = %v, want ACCESS_SIGNED_OUT", name, err)
			}
		})
	}
}

// TestAccessRoleNotHeld: an actor claiming a role its account does not hold is refused,
// whatever it claims.
func TestAccessRoleNotHeld(t *testing.T) {
	w := newWorld(t)
	e := w.env
	for _, tt := range []struct {
		name  string
		actor engine.Actor
		want  core.Code
	}{
		{"SchoolAdminAsOrgAdmin", engine.Actor{Role: core.OperatorOrgAdmin, OperatorID: w.schoolAdID}, core.AccessRoleNotHeld},
		{"OrgAdminAsSchoolAdmin", engine.Actor{Role: core.OperatorSchoolAdmin, OperatorID: w.orgAdminID}, core.AccessRoleNotHeld},
		{"AdminAsUnlinkedTeacher", engine.Actor{Role: core.OperatorTeacher, OperatorID: w.orgAdminID, TeacherID: e.user("T1").ID}, core.AccessRoleNotHeld},
		{"StudentAsTeacher", engine.Actor{Role: core.OperatorTeacher, TeacherID: e.user("S1").ID}, core.AccessRoleNotHeld},
		{"UnknownRole", engine.Actor{Role: "Superuser", OperatorID: w.orgAdminID}, core.AccessRoleNotHeld},
		{"NoOperator", engine.Actor{Role: core.OperatorOrgAdmin}, core.AccessSignedOut},
		{"NoSuchOperator", engine.Actor{Role: core.OperatorOrgAdmin, OperatorID: 9999}, core.AccessSignedOut},
		{"NoSuchTeacher", engine.Actor{Role: core.OperatorTeacher, TeacherID: 9999}, core.AccessSignedOut},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.svc.History(e.ctx, tt.actor, engine.HistoryFilter{}); core.ErrorCode(err) != tt.want {
				t.Errorf("History as %+v = %v, want %s", tt.actor, err, tt.want)
			}
		})
	}
	t.Run("AdminRoleCarryingATeacher", func(t *testing.T) {
		// An Organization Administrator's actor with a teacher in it would import in
		// Import Users/Rosters yet be recorded as the teacher's upload.
		a := w.orgAdmin
		a.TeacherID = e.user("T1").ID
		_, err := e.svc.Enqueue(e.ctx, engine.UploadRequest{FileName: "x.csv", Data: csvOf("User ID"), SchoolID: e.schoolA.ID, Actor: a})
		if core.ErrorCode(err) != core.AccessRoleNotHeld {
			t.Errorf("Enqueue as an administrator carrying a teacher = %v, want ACCESS_ROLE_NOT_HELD", err)
		}
	})
	t.Run("RemovedOperator", func(t *testing.T) {
		if err := e.svc.RemoveOperator(e.ctx, w.orgAdmin, w.schoolAdID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Schools(e.ctx, w.schoolAdmin); core.ErrorCode(err) != core.AccessSignedOut {
			t.Errorf("Schools as a removed administrator = %v, want ACCESS_SIGNED_OUT", err)
		}
	})
}

// TestAccessViews: what each role sees is exactly its part (SPEC §8).
func TestAccessViews(t *testing.T) {
	w := newWorld(t)
	e := w.env
	uploads := func(a engine.Actor, f engine.HistoryFilter) []int64 {
		t.Helper()
		h, err := e.svc.History(e.ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range h {
			ids = append(ids, u.ID)
		}
		slices.Sort(ids)
		return ids
	}
	sorted := func(ids ...int64) []int64 { slices.Sort(ids); return ids }
	t.Run("History", func(t *testing.T) {
		for _, tt := range []struct {
			who  string
			f    engine.HistoryFilter
			want []int64
		}{
			{"orgAdmin", engine.HistoryFilter{}, sorted(w.up["adminA"], w.up["adminB"], w.up["maria"], w.up["james"])},
			{"schoolAdmin", engine.HistoryFilter{}, sorted(w.up["adminA"], w.up["maria"], w.up["james"])},
			{"maria", engine.HistoryFilter{}, []int64{w.up["maria"]}},
			{"maria", engine.HistoryFilter{SchoolID: e.schoolA.ID}, []int64{w.up["maria"]}},
			{"james", engine.HistoryFilter{}, []int64{w.up["james"]}},
			{"bella", engine.HistoryFilter{}, nil},
		} {
			if got := uploads(w.actor(tt.who), tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("History(%s, %+v) = %v, want %v", tt.who, tt.f, got, tt.want)
			}
		}
	})
	t.Run("Schools", func(t *testing.T) {
		for _, tt := range []struct {
			who  string
			want []string
		}{
			{"orgAdmin", []string{"Lincoln Elementary", "Washington Middle"}},
			{"schoolAdmin", []string{"Lincoln Elementary"}},
			{"maria", []string{"Lincoln Elementary"}},
			{"bella", []string{"Washington Middle"}},
		} {
			ss, err := e.svc.Schools(e.ctx, w.actor(tt.who))
			var got []string
			for _, s := range ss {
				got = append(got, s.Name)
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Schools(%s) = %v, %v; want %v", tt.who, got, err, tt.want)
			}
		}
	})
	t.Run("TeacherAccountsAndExport", func(t *testing.T) {
		as, err := e.svc.Accounts(e.ctx, w.maria, e.schoolA.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range as {
			got = append(got, a.UserID)
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"S1", "S4"}) {
			t.Errorf("Accounts(maria) = %v, want her students S1 and S4 only", got)
		}
		var buf bytes.Buffer
		if err := e.svc.ExportUsers(e.ctx, w.maria, &buf, core.FormatCSV, e.schoolA.ID); err != nil {
			t.Fatal(err)
		}
		ids := column(t, csvRows(t, buf.Bytes(), ','), "Student ID")
		sort.Strings(ids)
		if !slices.Equal(ids, []string{"S1", "S4"}) {
			t.Errorf("Export Students as maria = %v, want S1 and S4 only", ids)
		}
		cs, err := e.svc.Classes(e.ctx, w.maria, e.schoolA.ID)
		if err != nil || len(cs) != 1 || cs[0].ClassID != "MATH" {
			t.Errorf("Classes(maria) = %+v, %v; want MATH only", cs, err)
		}
	})
	t.Run("ResetClassAsTeacher", func(t *testing.T) {
		creds, err := e.svc.ResetClassPasswords(e.ctx, w.maria, e.classes(e.schoolA)["MATH"].ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range creds {
			got = append(got, c.UserID)
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"S1", "S4"}) {
			t.Errorf("ResetClassPasswords(MATH) as maria reset %v, want S1 and S4 only", got)
		}
	})
	t.Run("UploadedByIsTheAccount", func(t *testing.T) {
		// The window's actors carry the session's name; an actor without one is labelled
		// with the account's name, never "Unknown".
		res, err := e.svc.Import(e.ctx, engine.UploadRequest{FileName: "olga.csv", Data: csvOf("User ID,Role,First Name,Last Name", "S77,Student,Ida,Berg"),
			SchoolID: e.schoolA.ID, Actor: w.orgAdmin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.svc.Upload(e.ctx, w.orgAdmin, res.Upload)
		if err != nil || u.UploadedBy != "Olga Admin" {
			t.Errorf("Uploaded By = %q, %v; want Olga Admin", u.UploadedBy, err)
		}
	})
}

// TestAccessCheckedEveryCall: rights come from the database on each call, so a change
// of schools takes effect at once, without a new sign-in.
func TestAccessCheckedEveryCall(t *testing.T) {
	w := newWorld(t)
	e := w.env
	if _, err := e.svc.Accounts(e.ctx, w.schoolAdmin, e.schoolB.ID, ""); core.ErrorCode(err) != core.AccessSchool {
		t.Fatalf("before: Accounts(B) = %v, want ACCESS_SCHOOL", err)
	}
	if err := e.svc.SetOperatorSchools(e.ctx, w.orgAdmin, w.schoolAdID, []int64{e.schoolB.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Accounts(e.ctx, w.schoolAdmin, e.schoolB.ID, ""); err != nil {
		t.Errorf("after getting school B: Accounts(B) = %v, want nil", err)
	}
	if _, err := e.svc.Accounts(e.ctx, w.schoolAdmin, e.schoolA.ID, ""); core.ErrorCode(err) != core.AccessSchool {
		t.Errorf("after losing school A: Accounts(A) = %v, want ACCESS_SCHOOL", err)
	}
}

// TestRequestCodesCovered fails when an ACCESS_, SIGNIN_ or ADMIN_ catalogue entry is
// named by no test of this package, so a new refusal cannot ship untested (the upload
// entries have TestCatalogCasesCoverCatalog).
func TestRequestCodesCovered(t *testing.T) {
	names := map[core.Code]string{} // code → its constant's name in catalog.go
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "catalog.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, id := range vs.Names {
				if i >= len(vs.Values) {
					break
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					names[core.Code(strings.Trim(lit.Value, `"`))] = id.Name
				}
			}
		}
		return true
	})
	var src strings.Builder
	tests, _ := filepath.Glob("*_test.go")
	for _, name := range tests {
		if name == "access_test.go" {
			// This file's own tables count, not this function's mention of them.
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			src.WriteString(string(b[:strings.Index(string(b), "func TestRequestCodesCovered")]))
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, e := range core.Catalog {
		if e.Severity != core.SeverityRequest {
			continue
		}
		if !strings.Contains(src.String(), "core."+names[e.Code]) {
			t.Errorf("catalogue entry %s (core.%s) is named by no test", e.Code, names[e.Code])
		}
	}
}
