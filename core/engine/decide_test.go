package engine

// Table tests of the decide stage's rules (SPEC §2–§3, issue 13 items 8–11, 16, 17, 25,
// issue 9 item 1) on plain values: no database, no file. The end-to-end tests in
// engine_test.go and integrity_test.go prove the stages call them.

import (
	"slices"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// cells is a row's cells by header letter, "B": "S1".
type cells map[string]string

// with returns a copy of c with the cells kv sets ("B", "S2", "D", "Noah").
func (c cells) with(kv ...string) cells {
	out := cells{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// mkRow returns row line of the admin template with the given cells.
func mkRow(line int, cs cells) *core.Row {
	r := &core.Row{Line: line}
	for col, v := range cs {
		r.Cells[core.Column(col[0]-'A')] = v
	}
	return r
}

// codes returns the codes of issues, in order.
func codes(is []core.Issue) []core.Code {
	out := make([]core.Code, len(is))
	for i, x := range is {
		out[i] = x.Code
	}
	return out
}

func problemCodes(ps []problem) []core.Code {
	out := make([]core.Code, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}

func TestCheckRow(t *testing.T) {
	const guid = "0b0a4d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	tests := []struct {
		name string
		row  cells
		want []core.Code
	}{
		{"no class", cells{"B": "S1"}, nil},
		{"user GUID not one", cells{"A": "123"}, []core.Code{core.UserGUIDFormat}},
		{"class column without Class ID", cells{"K": "Math"}, []core.Code{core.ClassIDRequired}},
		{"Class ID with a space", cells{"J": "MATH 1"}, []core.Code{core.ClassIDFormat}},
		{"Class ID in scientific notation, new class", cells{"J": "1.23E+05"}, []core.Code{core.ClassIDScientific}},
		{"Class ID in scientific notation, by Class GUID: kept as stored", cells{"J": "1.23E+05", "P": guid}, nil},
		{"Class GUID not one", cells{"J": "M1", "P": "x"}, []core.Code{core.ClassGUIDFormat}},
		{"class grade", cells{"J": "M1", "L": "13"}, []core.Code{core.ClassGradeInvalid}},
		{"start date", cells{"J": "M1", "M": "31/31/2026"}, []core.Code{core.ClassStartInvalid}},
		{"end date", cells{"J": "M1", "N": "soon"}, []core.Code{core.ClassEndInvalid}},
		{"class name with a line break", cells{"J": "M1", "K": "Math\nAdvanced"}, []core.Code{core.ClassNameBreak}},
		{"class name too long", cells{"J": "M1", "K": strings.Repeat("x", 101)}, []core.Code{core.ClassNameFormat}},
		// Found by the red-team round: seven characters were "longer than 100".
		{"class name with a control character", cells{"J": "M1", "K": "Art\tand\x07Craft"}, []core.Code{core.ClassNameControl}},
		{"class name with a text-direction override", cells{"J": "M1", "K": "Math \u202e3gnp.exe"}, []core.Code{core.ClassNameControl}},
		// Found by the red-team round: a teacher's class named =HYPERLINK(…) reached the
		// OneRoster export's classes.csv as a formula for whoever opened it in Excel.
		{"class name that is a formula", cells{"J": "M1", "K": `=HYPERLINK("http://x","Math")`}, []core.Code{core.ClassNameStart}},
		{"class name that starts with a sign", cells{"J": "M1", "K": "+1 Math"}, []core.Code{core.ClassNameStart}},
		{"class name that starts with a digit", cells{"J": "M1", "K": "3rd Grade (AP) Math"}, nil},
		{"master code", cells{"J": "M1", "O": "ABC"}, []core.Code{core.MasterCodeFormat}},
		{"every class cell at once", cells{"J": "M1", "L": "13", "M": "x", "N": "y"},
			[]core.Code{core.ClassGradeInvalid, core.ClassStartInvalid, core.ClassEndInvalid}},
		{"good class", cells{"J": "M1", "K": "Math", "L": "KG", "M": "8/15/26", "N": "2027-06-10", "O": "abcd-efgh-ijkl-mnop"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(checkRow(mkRow(2, tt.row), &parsers{})); !slices.Equal(got, tt.want) {
				t.Errorf("checkRow = %v, want %v", got, tt.want)
			}
		})
	}
	// The date message's example is the user's own date (issue 13, "same spirit").
	is := checkRow(mkRow(2, cells{"J": "M1", "M": "15.08.2026"}), &parsers{})
	if len(is) != 1 || !strings.Contains(is[0].Text(), "08/15/2026") {
		t.Errorf("date issue %q does not give the user's date as the example", is[0].Text())
	}
}

// mergeUser merges rows of one user and returns the plan.
func mergeUser(mode core.Mode, key string, rows ...*core.Row) *userPlan {
	m := newUserMerge(mode, &parsers{}, key)
	for _, r := range rows {
		m.add(r)
	}
	return m.plan()
}

func TestUserPlan(t *testing.T) {
	student := cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee", "F": "4", "G": "ann@x.org"}
	with := student.with
	tests := []struct {
		name string
		mode core.Mode
		rows []cells
		want []core.Code
	}{
		{"good student", core.ModeAdmin, []cells{student}, nil},
		{"User ID with a space", core.ModeAdmin, []cells{with("B", "S 1")}, []core.Code{core.UserIDFormat}},
		{"User ID in scientific notation", core.ModeAdmin, []cells{with("B", "1.23457E+11")}, []core.Code{core.UserIDScientific}},
		{"role", core.ModeAdmin, []cells{with("C", "Parent")}, []core.Code{core.RoleInvalid}},
		{"name starting with a hyphen", core.ModeAdmin, []cells{with("E", "-Lee")}, []core.Code{core.LastNameStart}},
		{"name with a digit", core.ModeAdmin, []cells{with("D", "Ann2")}, []core.Code{core.FirstNameFormat}},
		{"Chinese name", core.ModeAdmin, []cells{with("D", "小明", "E", "王")}, nil},
		{"Persian name with ZWNJ", core.ModeAdmin, []cells{with("D", "نیلوفر", "E", "می\u200cدانم")}, nil},
		{"combining marks", core.ModeAdmin, []cells{with("D", "Zoe\u0308", "E", "Nguye\u0302\u0303n")}, nil},
		{"grade", core.ModeAdmin, []cells{with("F", "13")}, []core.Code{core.GradeInvalid}},
		{"email", core.ModeAdmin, []cells{with("G", "ann@")}, []core.Code{core.EmailFormat}},
		{"non-ASCII username (look-alikes)", core.ModeAdmin, []cells{with("H", "аnn")}, []core.Code{core.UsernameFormat}},
		{"password too weak", core.ModeAdmin, []cells{with("I", "abc")}, []core.Code{core.PasswordPolicy}},
		{"password a spreadsheet runs as a formula", core.ModeAdmin, []cells{with("I", "=Secret123x")}, []core.Code{core.PasswordPolicy}},
		{"password beginning with an apostrophe", core.ModeAdmin, []cells{with("I", "'Secret123x")}, []core.Code{core.PasswordPolicy}},
		{"password equal to the email", core.ModeAdmin, []cells{with("G", "Ann.Lee1@x.org", "I", "ann.lee1@x.org")}, []core.Code{core.PasswordPolicy}},
		{"password equal to the generated username", core.ModeAdmin, []cells{with("I", "ALee123456")}, []core.Code{core.PasswordPolicy}},
		{"password equal to a typed username", core.ModeAdmin, []cells{with("H", "annlee", "I", "Annlee1234")}, nil},
		{"teacher row in a teacher's upload", core.ModeTeacher, []cells{with("C", "Teacher")}, []core.Code{core.RoleTeacherMode}},
		{"two rows that agree, spelled differently", core.ModeAdmin, []cells{student, with("C", "STUDENT", "F", "04", "G", "ANN@x.org")}, nil},
		{"two rows with different grades", core.ModeAdmin, []cells{student, with("F", "5")}, []core.Code{core.UserRowsDisagree}},
		{"one User ID, two names: two people", core.ModeAdmin, []cells{student, with("D", "Bob")}, []core.Code{core.UserIDDuplicate}},
		{"two passwords differing in case", core.ModeAdmin, []cells{with("I", "Secret123x"), with("I", "secret123X")}, []core.Code{core.UserRowsDisagree}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows []*core.Row
			for i, c := range tt.rows {
				rows = append(rows, mkRow(2+i, c))
			}
			u := mergeUser(tt.mode, userKey(rows[0]), rows...)
			if got := problemCodes(u.problems); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v (%+v)", got, tt.want, u.problems)
			}
		})
	}
}

// TestUserPlanCauseFirst: when one row's own bad cell is all that makes a user's rows
// disagree, that row fails with its own problem and the others with the consequence,
// said once, naming the cause (issue 9 item 1).
func TestUserPlanCauseFirst(t *testing.T) {
	good := cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee", "G": "ann@x.org"}
	bad := cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee", "G": "ann(at)x.org"}
	u := mergeUser(core.ModeAdmin, "u:s1", mkRow(2, good), mkRow(3, good), mkRow(12, bad), mkRow(13, good))
	if got, want := problemCodes(u.problems), []core.Code{core.EmailFormat, core.FailedByRow}; !slices.Equal(got, want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
	if u.problems[0].Line != 12 {
		t.Errorf("cause on line %d, want 12", u.problems[0].Line)
	}
	if u.vals[core.ColEmail] != "ann@x.org" {
		t.Errorf("merged email %q, want the valid one", u.vals[core.ColEmail])
	}
	cons := u.problems[1].Issue
	if want := "3 rows of user S1 cannot be saved because row 12's Email is not an email address."; !strings.HasPrefix(cons.Text(), want) {
		t.Errorf("consequence %q, want it to start %q", cons.Text(), want)
	}
	// Row 12 reports its own problem only; row 3 the consequence only; the note of the
	// consequence follows row 12's.
	if got := codes(rowProblems(12, nil, u.problems)); !slices.Equal(got, []core.Code{core.EmailFormat}) {
		t.Errorf("row 12 reports %v, want its own EMAIL_FORMAT only", got)
	}
	if got := codes(rowProblems(3, nil, u.problems)); !slices.Equal(got, []core.Code{core.FailedByRow}) {
		t.Errorf("row 3 reports %v, want the consequence", got)
	}
	if got := codes(firstCause(12, u.problems)); !slices.Equal(got, []core.Code{core.FailedByRow}) {
		t.Errorf("firstCause(12) = %v, want the consequence after the cause", got)
	}
	if got := firstCause(3, u.problems); len(got) != 0 {
		t.Errorf("firstCause(3) = %v, want none", got)
	}
}

func mergeClass(key string, rows ...*core.Row) *classPlan {
	m := newClassMerge(core.ModeAdmin, &parsers{}, key)
	for _, r := range rows {
		m.add(r)
	}
	return m.plan()
}

func TestClassPlan(t *testing.T) {
	tests := []struct {
		name string
		rows []cells
		want []core.Code
	}{
		{"good class", []cells{{"J": "4A", "K": "Math", "M": "08/15/2026", "N": "06/10/2027"}, {"J": "4a"}}, nil},
		{"names differ", []cells{{"J": "4A", "K": "Math"}, {"J": "4A", "K": "Maths"}}, []core.Code{core.ClassRowsDisagree}},
		{"same date written two ways", []cells{{"J": "4A", "M": "08/15/2026"}, {"J": "4A", "M": "2026-08-15"}}, nil},
		{"end before start", []cells{{"J": "4A", "M": "2026-08-15", "N": "2026-08-01"}}, []core.Code{core.ClassDatesOrder}},
		{"only bad values: their rows fail on their own", []cells{{"J": "4A", "M": "x"}, {"J": "4A", "M": "y"}}, nil},
		{"one bad date among good ones: the consequence", []cells{{"J": "4A", "M": "2026-08-15"}, {"J": "4A", "M": "2026-13-45"}}, []core.Code{core.FailedByRow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows []*core.Row
			for i, c := range tt.rows {
				rows = append(rows, mkRow(2+i, c))
			}
			c := mergeClass(classKey(rows[0]), rows...)
			if got := problemCodes(c.problems); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v (%+v)", got, tt.want, c.problems)
			}
		})
	}
	// The example of issue 9 item 1.
	var rows []*core.Row
	for line := 2; line <= 28; line++ {
		d := "08/15/2026"
		if line == 12 {
			d = "08/15/20266"
		}
		rows = append(rows, mkRow(line, cells{"J": "4A", "M": d}))
	}
	c := mergeClass("c:4a", rows...)
	if len(c.problems) != 1 || !strings.HasPrefix(c.problems[0].Text(), "26 rows of class 4A cannot be saved because row 12's Class Start Date is not a date.") {
		t.Errorf("problems = %+v", c.problems)
	}
	if c.start != "2026-08-15" {
		t.Errorf("start %q, want the good rows' date", c.start)
	}
	// Two-digit years read as 20YY, and remembered for the spreadsheet note.
	m := newClassMerge(core.ModeAdmin, &parsers{}, "c:4a")
	m.add(mkRow(2, cells{"J": "4A", "M": "8/15/26", "N": "6/10/27"}))
	if c := m.plan(); c.start != "2026-08-15" || c.end != "2027-06-10" || m.shortN != 2 {
		t.Errorf("short dates: start %q end %q, %d noted", c.start, c.end, m.shortN)
	}
}

func TestDuplicateProblem(t *testing.T) {
	var l lineList
	for line := 2; line < 12; line++ {
		l.add(line)
	}
	for k, want := range map[sharedKind]core.Code{sharedUserID: core.UserIDDuplicate, sharedUsername: core.UsernameDuplicate, sharedEmail: core.EmailDuplicate} {
		p := duplicateProblem(k, "x", l)
		if p.Code != want || len(p.Rows) != maxLines || p.MoreRows != 10-maxLines || p.Line != 0 {
			t.Errorf("duplicateProblem(%d) = %+v", k, p)
		}
	}
}

func TestCheckStoredUser(t *testing.T) {
	temp := "Tq7mX2pLk9wZ"
	stored := &sqlite.ExistingUser{ID: 7, GUID: "0b0a4d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", UserID: "00123", Role: "Student",
		FirstName: "Ann", LastName: "Lee", Email: "ann.lee@x.org", Username: "alee", PwKind: "temporary", PwHash: account.HashTemporary(temp)}
	teacher := &sqlite.ExistingUser{ID: 8, UserID: "T1", Role: "Teacher", FirstName: "Maria", LastName: "Garcia", Username: "mgarcia"}
	other := &sqlite.ExistingUser{ID: 9, UserID: "S9", Role: "Student", FirstName: "Bo", LastName: "Li", Username: "bli"}
	byGUID := func(kv ...string) *core.Row {
		c := cells{"A": stored.GUID}
		for i := 0; i < len(kv); i += 2 {
			c[kv[i]] = kv[i+1]
		}
		return mkRow(2, c)
	}
	newUser := func(kv ...string) *core.Row {
		c := cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee"}
		for i := 0; i < len(kv); i += 2 {
			c[kv[i]] = kv[i+1]
		}
		return mkRow(2, c)
	}
	tests := []struct {
		name   string
		mode   core.Mode
		row    *core.Row
		snap   userSnapshot
		want   []core.Code
		userID string // the User ID applied, when the test is about it
		pw     string // the password applied ("" keeps it)
		sheet  int    // spreadsheet changes noted
		kept   int
		why    string // what the first problem says
	}{
		{name: "unknown GUID", row: byGUID(), want: []core.Code{core.UserGUIDUnknown}},
		{name: "update by GUID", row: byGUID("F", "5"), snap: userSnapshot{byGUID: stored}},
		{name: "role change refused", row: byGUID("C", "Teacher"), snap: userSnapshot{byGUID: stored}, want: []core.Code{core.RoleChange}},
		{name: "teacher's upload: a student of another school", mode: core.ModeTeacher, row: byGUID(), snap: userSnapshot{byGUID: stored}, want: []core.Code{core.UserNotInSchool}},
		{name: "teacher's upload: a student of the school", mode: core.ModeTeacher, row: byGUID(), snap: userSnapshot{byGUID: stored, inSchool: true}},
		{name: "teacher's upload: a teacher by GUID", mode: core.ModeTeacher, row: byGUID(), snap: userSnapshot{byGUID: teacher, inSchool: true}, want: []core.Code{core.RoleTeacherMode}},
		{name: "leading zeros lost: stored User ID kept", row: byGUID("B", "123"), snap: userSnapshot{byGUID: stored}, userID: "", sheet: 1},
		{name: "scientific notation: stored User ID kept", row: byGUID("B", "1.23E+02"), snap: userSnapshot{byGUID: stored}, userID: "", sheet: 1},
		{name: "a real new User ID", row: byGUID("B", "124"), snap: userSnapshot{byGUID: stored}, userID: "124"},
		{name: "the same User ID in another case", row: byGUID("B", "00123"), snap: userSnapshot{byGUID: stored}, userID: "00123"},
		{name: "Completed File again: temporary password kept", row: byGUID("I", temp), snap: userSnapshot{byGUID: stored}, pw: "", kept: 1},
		{name: "a new permanent password", row: byGUID("I", "Secret123x"), snap: userSnapshot{byGUID: stored}, pw: "Secret123x"},
		{name: "password equal to the stored username", row: byGUID("I", "ALEE"), snap: userSnapshot{byGUID: stored}, want: []core.Code{core.PasswordPolicy}, pw: "ALEE", why: "the same as the username"},
		{name: "password equal to the stored email", row: byGUID("I", "Ann.Lee@x.org"), snap: userSnapshot{byGUID: stored}, want: []core.Code{core.PasswordPolicy}, pw: "Ann.Lee@x.org", why: "the same as the email"},
		{name: "new user", row: newUser()},
		{name: "new user without User ID, role, names", row: mkRow(2, cells{"G": "x@x.org"}),
			want: []core.Code{core.UserIDRequired, core.RoleRequired, core.FirstNameRequired, core.LastNameRequired}},
		{name: "teacher's upload: role implied", mode: core.ModeTeacher, row: mkRow(2, cells{"B": "S1", "D": "Ann", "E": "Lee"})},
		{name: "new teacher without email", row: newUser("C", "Teacher"), want: []core.Code{core.EmailRequired}},
		// A teacher's upload cannot add a teacher at all: asking for the email too would
		// send them to fix a row that must go.
		{name: "teacher's upload: new teacher without email", mode: core.ModeTeacher, row: newUser("C", "Teacher"), want: []core.Code{core.RoleTeacherMode}},
		{name: "teacher's grade dropped with a warning", row: newUser("C", "Teacher", "G", "a@x.org", "F", "13")},
		{name: "User ID taken", row: newUser(), snap: userSnapshot{idOwner: other}, want: []core.Code{core.UserIDTaken}},
		{name: "username taken", row: newUser("H", "bli"), snap: userSnapshot{nameOwner: other}, want: []core.Code{core.UsernameTaken}},
		{name: "student's email shared: allowed", row: newUser("G", "b@x.org"), snap: userSnapshot{emailOwner: other}},
		{name: "teacher's email taken", row: newUser("C", "Teacher", "G", "b@x.org"), snap: userSnapshot{emailOwner: other}, want: []core.Code{core.EmailTaken}},
		{name: "own identifiers are not taken", row: byGUID("B", "00123", "H", "alee"), snap: userSnapshot{byGUID: stored, idOwner: stored, nameOwner: stored}, userID: "00123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mode := tt.mode
			u := mergeUser(mode, userKey(tt.row), tt.row)
			var w notices
			checkStoredUser(mode, u, tt.snap, &w)
			if got := problemCodes(u.problems); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v (%+v)", got, tt.want, u.problems)
			}
			if tt.why != "" && (len(u.problems) == 0 || !strings.Contains(u.problems[0].Text(), tt.why)) {
				t.Errorf("problems %+v do not say %q", u.problems, tt.why)
			}
			if tt.row.Cells[core.ColUserID] != "" && u.vals[core.ColUserID] != tt.userID && (tt.userID != "" || tt.sheet > 0) {
				t.Errorf("User ID applied = %q, want %q", u.vals[core.ColUserID], tt.userID)
			}
			if tt.row.Cells[core.ColPassword] != "" && u.vals[core.ColPassword] != tt.pw {
				t.Errorf("password applied = %q, want %q", u.vals[core.ColPassword], tt.pw)
			}
			if n := w.sheet[sheetZeros].n + w.sheet[sheetScientific].n; n != tt.sheet {
				t.Errorf("%d spreadsheet changes noted, want %d", n, tt.sheet)
			}
			if w.kept != tt.kept {
				t.Errorf("%d temporary passwords kept, want %d", w.kept, tt.kept)
			}
			if u.role == core.RoleTeacher && (u.grade != "" || u.vals[core.ColGrade] != "") {
				t.Errorf("a teacher keeps grade %q", u.grade)
			}
		})
	}
}

// TestChangesStored: a user counts as updated, and a teacher's upload may touch another
// teacher's student, only when a stored value actually changes. Found by the attack
// round: a user rostered with cells blank or exactly as stored counted as "1 updated".
func TestChangesStored(t *testing.T) {
	temp := "Tq7mX2pLk9wZ"
	stored := &sqlite.ExistingUser{ID: 7, GUID: "0b0a4d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", UserID: "00123", Role: "Student",
		FirstName: "Ann", LastName: "Lee", Grade: "5", Email: "ann.lee@x.org", Username: "alee", PwKind: "temporary", PwHash: account.HashTemporary(temp)}
	asStored := cells{"A": stored.GUID, "B": "00123", "C": "Student", "D": "Ann", "E": "Lee", "F": "5", "G": "ann.lee@x.org", "H": "alee"}
	guidOnly := cells{"A": stored.GUID}
	for _, tt := range []struct {
		name string
		mode core.Mode
		row  cells
		want bool
	}{
		{"OnlyRostered", 0, guidOnly.with("J", "MATH3A"), false},
		{"ExportedRowAsStored", 0, asStored, false},
		{"RoleInAnotherCase", 0, asStored.with("C", "student"), false},
		{"GradeWrittenAnotherWay", 0, guidOnly.with("F", "05"), false},
		{"LeadingZerosLost", 0, guidOnly.with("B", "123"), false},
		{"CompletedFileTemporaryPassword", 0, asStored.with("I", temp), false},
		{"TeacherModeAsStored", core.ModeTeacher, guidOnly.with("D", "Ann", "H", "alee"), false},
		{"NewFirstName", 0, guidOnly.with("D", "Anne"), true},
		{"FirstNameInAnotherCase", 0, guidOnly.with("D", "ANN"), true},
		{"NewGrade", 0, guidOnly.with("F", "K"), true},
		{"NewUserID", 0, guidOnly.with("B", "00124"), true},
		{"EmailInAnotherCase", 0, guidOnly.with("G", "Ann.Lee@x.org"), true},
		{"UsernameInAnotherCase", 0, guidOnly.with("H", "ALee"), true},
		{"NewPermanentPassword", 0, guidOnly.with("I", "Secret123x"), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := mkRow(2, tt.row)
			u := mergeUser(tt.mode, userKey(r), r)
			var w notices
			checkStoredUser(tt.mode, u, userSnapshot{byGUID: stored, inSchool: true, taught: true}, &w)
			if len(u.problems) > 0 {
				t.Fatalf("problems %+v, want none", u.problems)
			}
			if got := changesStored(u, stored); got != tt.want {
				t.Errorf("changesStored(%v) = %v, want %v", tt.row, got, tt.want)
			}
			// Another teacher's student may be rostered as they are, never changed.
			u = mergeUser(core.ModeTeacher, userKey(r), r)
			checkStoredUser(core.ModeTeacher, u, userSnapshot{byGUID: stored, inSchool: true}, &w)
			if got := hasCode(u.problems, core.UserNotYours); got != tt.want {
				t.Errorf("teacher's upload of another's student: UserNotYours %v, want %v (%+v)", got, tt.want, u.problems)
			}
		})
	}
}

func TestCheckStoredClass(t *testing.T) {
	const guid = "0b0a4d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	stored := &sqlite.ExistingClass{ID: 3, GUID: guid, SchoolID: 1, ClassID: "007"}
	elsewhere := &sqlite.ExistingClass{ID: 4, GUID: guid, SchoolID: 2, ClassID: "007"}
	another := &sqlite.ExistingClass{ID: 5, SchoolID: 1, ClassID: "ART"}
	tests := []struct {
		name    string
		mode    core.Mode
		row     cells
		snap    classSnapshot
		want    []core.Code
		classID string
		sheet   int
	}{
		{name: "unknown Class GUID", row: cells{"J": "007", "P": guid}, want: []core.Code{core.ClassGUIDUnknown}, classID: "007"},
		{name: "Class GUID of another school", row: cells{"J": "007", "P": guid}, snap: classSnapshot{byGUID: elsewhere}, want: []core.Code{core.ClassGUIDUnknown}, classID: "007"},
		{name: "by Class GUID", row: cells{"J": "007", "P": guid}, snap: classSnapshot{byGUID: stored}, classID: "007"},
		{name: "teacher: not their class", mode: core.ModeTeacher, row: cells{"J": "007", "P": guid}, snap: classSnapshot{byGUID: stored}, want: []core.Code{core.ClassNotYours}, classID: "007"},
		{name: "teacher: their class", mode: core.ModeTeacher, row: cells{"J": "007", "P": guid}, snap: classSnapshot{byGUID: stored, teaches: true}, classID: "007"},
		{name: "leading zeros lost: stored Class ID kept", row: cells{"J": "7", "P": guid}, snap: classSnapshot{byGUID: stored}, classID: "", sheet: 1},
		{name: "renamed to a free Class ID", row: cells{"J": "MUSIC", "P": guid}, snap: classSnapshot{byGUID: stored}, classID: "MUSIC"},
		{name: "renamed to a taken Class ID", row: cells{"J": "art", "P": guid}, snap: classSnapshot{byGUID: stored, idOwner: another}, want: []core.Code{core.ClassIDTaken}, classID: "art"},
		{name: "new class", row: cells{"J": "MATH", "K": "Math"}, classID: "MATH"},
		{name: "new class whose Class ID exists", row: cells{"J": "art", "K": "Art"}, snap: classSnapshot{idOwner: another}, want: []core.Code{core.ClassIDExists}, classID: "art"},
		{name: "new class without a name", row: cells{"J": "MATH"}, want: []core.Code{core.ClassNameRequired}, classID: "MATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mode := tt.mode
			r := mkRow(2, tt.row)
			c := mergeClass(classKey(r), r)
			var w notices
			checkStoredClass(mode, 1, c, tt.snap, &w)
			if got := problemCodes(c.problems); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
			if c.classID != tt.classID {
				t.Errorf("Class ID applied = %q, want %q", c.classID, tt.classID)
			}
			if w.sheet[sheetClassIDs].n != tt.sheet {
				t.Errorf("%d Class ID changes noted, want %d", w.sheet[sheetClassIDs].n, tt.sheet)
			}
		})
	}
}

// TestNarrow: each row is all or nothing, so the cells only failed rows gave are not
// applied through the rows that passed (SPEC §3.5).
func TestNarrow(t *testing.T) {
	u := mergeUser(core.ModeAdmin, "u:s1",
		mkRow(2, cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee"}),
		mkRow(3, cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee", "F": "4", "G": "a@x.org", "H": "annlee", "I": "Secret123x"}))
	var k kept
	k.add(mkRow(2, cells{"B": "S1", "C": "Student", "D": "Ann", "E": "Lee"}))
	narrowUser(u, k)
	for _, c := range []core.Column{core.ColGrade, core.ColEmail, core.ColUsername, core.ColPassword} {
		if u.vals[c] != "" {
			t.Errorf("user keeps %s %q from the failed row", c.HeaderFor(core.ModeAdmin), u.vals[c])
		}
	}
	if u.vals[core.ColFirstName] != "Ann" {
		t.Errorf("first name %q, want Ann (every row has it)", u.vals[core.ColFirstName])
	}
	// A new teacher's email is required, so it stays.
	tch := mergeUser(core.ModeAdmin, "u:t1", mkRow(2, cells{"B": "T1", "C": "Teacher", "D": "M", "E": "G", "G": "m@x.org"}))
	narrowUser(tch, kept{})
	if tch.vals[core.ColEmail] != "m@x.org" {
		t.Errorf("new teacher's email dropped")
	}

	c := mergeClass("c:m1", mkRow(2, cells{"J": "M1", "K": "Math"}), mkRow(3, cells{"J": "M1", "L": "5", "M": "2026-08-15", "N": "2027-06-10"}))
	var kc kept
	kc.add(mkRow(2, cells{"J": "M1", "K": "Math"}))
	narrowClass(c, kc)
	if c.grade != "" || c.start != "" || c.end != "" || c.name != "Math" {
		t.Errorf("class after narrowing: %+v", c)
	}
}

// TestSpreadsheetNote: what a spreadsheet program did is said in one warning line.
func TestSpreadsheetNote(t *testing.T) {
	var w notices
	w.sheet[sheetZeros].add("00123")
	w.sheet[sheetZeros].add("00456")
	w.sheet[sheetShortYears].add("8/15/26")
	w.kept = 3
	got := w.finish(core.ModeAdmin)
	if len(got) != 2 || got[0].Code != core.WarnPasswordKept || got[1].Code != core.WarnSpreadsheet {
		t.Fatalf("notices = %+v", got)
	}
	text := got[1].Text()
	for _, want := range []string{"This file was changed by a spreadsheet program:", "leading zeros of User IDs 00123 and 00456", "8/15/26"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q does not contain %q", text, want)
		}
	}
	if !strings.Contains(got[0].Text(), "3 accounts kept their current temporary password") {
		t.Errorf("kept note %q", got[0].Text())
	}
}
