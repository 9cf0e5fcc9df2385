package oneroster

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// The second half of Read: the records read become template rows.

// assignUserIDs chooses each imported user's User ID: the first candidate that is a
// valid User ID, else the sourcedId when it is one, else the first candidate as it is (so
// the row fails naming it). Users who would share a User ID fail instead of merging.
func (rd *reader) assignUserIDs() {
	byKey := map[string][]*userRec{}
	for _, u := range rd.userSeq {
		if !u.inSchool || !rd.imported(u) {
			continue
		}
		for _, c := range u.ids {
			if core.ValidUserID(c) {
				u.userID = c
				break
			}
		}
		if u.userID == "" && core.ValidUserID(u.id) {
			u.userID = u.id
		}
		if u.userID == "" && len(u.ids) > 0 {
			u.userID = u.ids[0]
		}
		if u.userID != "" {
			k := core.Key(u.userID)
			byKey[k] = append(byKey[k], u)
		}
	}
	for _, same := range byKey {
		if len(same) < 2 {
			continue
		}
		lines := make([]string, len(same))
		for i, u := range same {
			lines[i] = strconv.Itoa(u.line)
		}
		for _, u := range same {
			u.problems = appendProblem(u.problems, Problem{Code: ProblemUserIDShared, Value: u.userID, Other: "users.csv lines " + joinAnd(lines)})
		}
	}
}

// assignClassIDs chooses each class's Class ID: its classCode when that is a valid Class
// ID no other class of the school has (SIS class codes are often a course's, shared by
// its sections), else its sourcedId under the same conditions.
func (rd *reader) assignClassIDs() {
	codes := map[string]int{}
	for _, c := range rd.clsSeq {
		if core.ValidClassID(c.code) {
			codes[core.Key(c.code)]++
		}
	}
	taken := map[string]bool{}
	for _, c := range rd.clsSeq {
		if core.ValidClassID(c.code) && codes[core.Key(c.code)] == 1 {
			c.classID = c.code
			taken[core.Key(c.code)] = true
		}
	}
	for _, c := range rd.clsSeq {
		if c.classID != "" {
			continue
		}
		if core.ValidClassID(c.id) && !taken[core.Key(c.id)] && codes[core.Key(c.id)] == 0 {
			c.classID = c.id
			taken[core.Key(c.id)] = true
			continue
		}
		var why []string
		switch {
		case c.code == "":
		case !core.ValidClassID(c.code):
			why = append(why, fmt.Sprintf("classCode %q is not letters, digits, - and _", c.code))
		default:
			why = append(why, fmt.Sprintf("classCode %q is shared with another class", c.code))
		}
		if core.ValidClassID(c.id) {
			why = append(why, fmt.Sprintf("sourcedId %q is another class's Class ID", c.id))
		} else {
			why = append(why, fmt.Sprintf("sourcedId %q is not 1 to 50 letters, digits, - and _", c.id))
		}
		c.problems = appendProblem(c.problems, Problem{Code: ProblemClassID, Value: strings.Join(why, " and "), Other: c.id})
	}
}

// rows builds the template rows (see Result.Rows for their order).
func (rd *reader) rows() {
	// Enrollments by class, in classes.csv order; enrollments of a missing class after.
	byClass := map[string][]enrollRec{}
	var orphans []enrollRec
	for _, e := range rd.enrolls {
		if c := rd.classes[e.class]; c != nil && (c.school == rd.school.id || rd.orgs[c.school] == nil) {
			byClass[e.class] = append(byClass[e.class], e)
		} else {
			orphans = append(orphans, e)
		}
	}
	for _, c := range rd.clsSeq {
		es := byClass[c.id]
		if !rd.uploadersClass(c) {
			rd.res.Skipped.OtherTeachersClasses++
			rd.res.Skipped.Enrollments += len(es)
			for _, e := range es {
				if u := rd.users[e.user]; u != nil {
					u.elsewhere = true
				}
			}
			continue
		}
		// The primary teacher first, so a new class gets them as its primary teacher
		// (the import makes the first teacher row of a new class its primary teacher).
		sort.SliceStable(es, func(i, j int) bool { return rank(es[i]) < rank(es[j]) })
		for _, e := range es {
			rd.addRow(e, c)
		}
	}
	for _, e := range orphans {
		rd.addRow(e, nil)
	}
	for _, u := range rd.userSeq {
		switch {
		case u.role != "student" && u.role != "teacher":
			rd.res.Skipped.OtherRoles++
		case !u.inSchool:
			rd.res.Skipped.OtherSchools++
		case !rd.imported(u):
			rd.res.Skipped.Teachers++
		case !u.rowed && u.elsewhere:
			rd.res.Skipped.OtherTeachersStudents++
		case !u.rowed:
			rd.add(Origin{UsersFile, u.line}, u, nil, nil)
		}
	}
}

// uploadersClass reports whether class c may be read for the teacher who uploads (see
// Options.Teacher): it has no teacher in the package, or the uploader is one of them.
func (rd *reader) uploadersClass(c *classRec) bool {
	t := rd.opts.Teacher
	if rd.opts.Mode != core.ModeTeacher || t.GUID == "" && t.UserID == "" || len(rd.classTeachers[c.id]) == 0 {
		return true
	}
	for _, id := range rd.classTeachers[c.id] {
		u := rd.users[id]
		if g, ok := core.NormalizeGUID(id); ok && t.GUID != "" && g == strings.ToLower(t.GUID) {
			return true
		}
		if u == nil || t.UserID == "" {
			continue
		}
		for _, cand := range append([]string{id}, u.ids...) {
			if core.Key(cand) == core.Key(t.UserID) {
				return true
			}
		}
	}
	return false
}

// rank orders a class's enrollments: primary teacher, other teachers, students.
func rank(e enrollRec) int {
	switch {
	case e.role == "teacher" && e.primary:
		return 0
	case e.role == "teacher":
		return 1
	}
	return 2
}

// addRow adds the row of one enrollment; c is its class, nil when missing.
func (rd *reader) addRow(e enrollRec, c *classRec) {
	var probs []Problem
	u := rd.users[e.user]
	if u == nil {
		probs = append(probs, Problem{Code: ProblemUserMissing, Value: e.user})
	} else {
		u.rowed = true
	}
	if c == nil {
		probs = append(probs, Problem{Code: ProblemClassMissing, Value: e.class})
	}
	rd.add(Origin{EnrollmentsFile, e.line}, u, c, probs)
}

// add appends a row for user u (nil when missing) in class c (nil for none).
func (rd *reader) add(origin Origin, u *userRec, c *classRec, probs []Problem) {
	var r Row
	r.Origin = origin
	r.Line = len(rd.res.Rows) + 2
	cells := &r.Cells
	if u != nil {
		if rd.opts.UserExists != nil {
			if g, ok := core.NormalizeGUID(u.id); ok && rd.opts.UserExists(g) {
				cells[core.ColUserGUID] = g
			}
		}
		if cells[core.ColUserGUID] == "" && rd.opts.UserGUID != nil && core.ValidUserID(u.userID) && !hasProblem(u.problems, ProblemUserIDShared) {
			cells[core.ColUserGUID] = rd.opts.UserGUID(u.userID)
		}
		cells[core.ColUserID] = u.userID
		if rd.opts.Mode != core.ModeTeacher {
			cells[core.ColRole] = titleRole(u.role)
		}
		cells[core.ColFirstName] = u.first
		cells[core.ColLastName] = u.last
		if u.role == "student" {
			cells[core.ColGrade] = u.grade
		}
		cells[core.ColEmail] = u.email
		cells[core.ColUsername] = u.username
		for _, p := range u.problems {
			probs = appendProblem(probs, p)
		}
	}
	if c != nil {
		cells[core.ColClassID] = c.classID
		cells[core.ColClassName] = c.title
		cells[core.ColClassGrade] = c.grade
		cells[core.ColClassStart] = c.start
		cells[core.ColClassEnd] = c.end
		if rd.opts.ClassGUID != nil && c.classID != "" {
			cells[core.ColClassGUID] = rd.opts.ClassGUID(c.id, c.classID)
		}
		for _, p := range c.problems {
			probs = appendProblem(probs, p)
		}
	}
	r.Problems = probs
	cols := core.TemplateColumns(rd.opts.Mode)
	r.Raw = make([]string, len(cols))
	for i, col := range cols {
		r.Raw[i] = cells[col]
	}
	rd.res.Rows = append(rd.res.Rows, r)
}

func titleRole(role string) string {
	if role == "teacher" {
		return string(core.RoleTeacher)
	}
	return string(core.RoleStudent)
}

// hasProblem reports whether list has a problem of code.
func hasProblem(list []Problem, code ProblemCode) bool {
	for _, p := range list {
		if p.Code == code {
			return true
		}
	}
	return false
}

// appendProblem appends p unless the list has it already.
func appendProblem(list []Problem, p Problem) []Problem {
	for _, q := range list {
		if q == p {
			return list
		}
	}
	return append(list, p)
}

// warnings says in plain words what was left out or ignored.
func (rd *reader) warnings() {
	w := &rd.res.Warnings
	add := func(format string, args ...any) { *w = append(*w, fmt.Sprintf(format, args...)) }
	sk := rd.res.Skipped
	// Each count has its sentence for one and for many, with {n} and {school} filled in.
	for _, c := range []struct {
		n         int
		one, many string
	}{
		{sk.Schools, "Only {school} was read; the package's other school was skipped.",
			"Only {school} was read; the package's {n} other schools were skipped."},
		{sk.OtherSchools, "1 student or teacher of another school only was skipped.",
			"{n} students and teachers of other schools only were skipped."},
		{sk.OtherRoles, "1 user who is neither a student nor a teacher (a parent, an administrator…) was skipped.",
			"{n} users who are neither students nor teachers (parents, administrators, aides…) were skipped."},
		{sk.Teachers, "1 teacher was skipped: Import Students/Rosters imports students only.",
			"{n} teachers were skipped: Import Students/Rosters imports students only."},
		{sk.OtherTeachersClasses, "1 class of another teacher was skipped: Import Students/Rosters imports your own classes only.",
			"{n} classes of other teachers were skipped: Import Students/Rosters imports your own classes only."},
		{sk.OtherTeachersStudents, "1 student who is only in other teachers' classes was skipped.",
			"{n} students who are only in other teachers' classes were skipped."},
		{sk.Classes, "1 class of another school was skipped.",
			"{n} classes of other schools were skipped."},
		{sk.Enrollments, "1 enrollment in another school's class, or of a user left out, was skipped.",
			"{n} enrollments in other schools' classes, or of users left out, were skipped."},
		{sk.Duplicates, "1 repeated enrollment of a user already in the class was skipped.",
			"{n} repeated enrollments of users already in their class were skipped."},
		{sk.Deleted, "1 record marked tobedeleted was skipped: an import never removes anything.",
			"{n} records marked tobedeleted were skipped: an import never removes anything."},
		{rd.unmapped, "1 user or class has a grade Rosterdesk has no level for (such as UG, 13 or PS); it was left blank.",
			"{n} users and classes have grades Rosterdesk has no level for (such as UG, 13 or PS); they were left blank."},
		{rd.combined, "1 user or class has several grades; Rosterdesk keeps one, so it was left blank.",
			"{n} users and classes have several grades; Rosterdesk keeps one, so those were left blank."},
		{rd.unknownOrgs, "1 link of a user to an org that is not in orgs.csv was ignored.",
			"{n} links of users to orgs that are not in orgs.csv were ignored."},
	} {
		fill := strings.NewReplacer("{n}", core.Thousands(c.n), "{school}", rd.school.name)
		switch {
		case c.n == 1:
			*w = append(*w, fill.Replace(c.one))
		case c.n > 1:
			*w = append(*w, fill.Replace(c.many))
		}
	}
	if rd.passwords {
		add("The package holds passwords; Rosterdesk never imports them (new users get temporary passwords).")
	}
	if !rd.termsOK && len(rd.clsSeq) > 0 {
		add("The package has no terms (academicSessions.csv), so classes were read without start and end dates.")
	}
	for _, f := range rd.absentButSet {
		add("%s is in the zip but manifest.csv says it is absent, so it was not read.", f)
	}
	files := make([]string, 0, len(rd.ignoredCols))
	for f := range rd.ignoredCols {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return fileOrder(files[i]) < fileOrder(files[j]) })
	for _, f := range files {
		cols := rd.ignoredCols[f]
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = strconv.Quote(c)
		}
		if len(cols) == 1 {
			add("%s: the column %s is not part of OneRoster 1.1 and was ignored.", f, quoted[0])
		} else {
			add("%s: the columns %s are not part of OneRoster 1.1 and were ignored.", f, joinAnd(quoted))
		}
	}
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
