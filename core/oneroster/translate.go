package oneroster

import (
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// The second half of Read: the records in the spill become template rows.

// spillPage is how many records a pass over the spill reads at a time.
const spillPage = 500

// duplicateUsers fails every record of a sourcedId that users.csv repeats. It walks
// the index of sourcedIds in its order, so that each record's look for another of its
// sourcedId reads the page it is on, not a page anywhere in the index.
func (rd *reader) duplicateUsers() error {
	type dup struct {
		line int
		id   string
	}
	afterID, afterLine := "", 0
	for {
		page, err := scanAll(rd, `
			SELECT a.line, a.id FROM users a INDEXED BY users_id
			WHERE (a.id, a.line) > (?, ?) AND EXISTS (SELECT 1 FROM users b WHERE b.id = a.id AND b.line != a.line)
			ORDER BY a.id, a.line
			LIMIT ?`, []any{afterID, afterLine, spillPage}, func(rows *sql.Rows, d *dup) error {
			return rows.Scan(&d.line, &d.id)
		})
		if err != nil {
			return fmt.Errorf("find repeated users: %w", err)
		}
		for _, d := range page {
			if err := rd.addProblem("users", d.line, Problem{Code: ProblemDuplicateID, Value: d.id, Other: UsersFile}); err != nil {
				return err
			}
			afterID, afterLine = d.id, d.line
		}
		if len(page) < spillPage {
			return nil
		}
	}
}

// assignUserIDs fails the imported users of the school who would share a User ID
// (their User IDs were chosen as they were read, chooseUserID): they would merge.
func (rd *reader) assignUserIDs() error {
	type member struct {
		line   int
		key    string
		userID string
	}
	var group []member
	fail := func() error {
		if len(group) > 1 {
			lines := make([]string, len(group))
			for i, m := range group {
				lines[i] = strconv.Itoa(m.line)
			}
			for _, m := range group {
				p := Problem{Code: ProblemUserIDShared, Value: m.userID, Other: "users.csv lines " + joinAnd(lines)}
				if err := rd.addProblem("users", m.line, p); err != nil {
					return err
				}
			}
		}
		group = group[:0]
		return nil
	}
	afterKey, afterLine := "", 0
	for {
		page, err := scanAll(rd, `
			SELECT a.line, a.id_key, a.user_id FROM users a
			WHERE a.id_key IS NOT NULL AND (a.id_key, a.line) > (?, ?) AND a.in_school AND `+rd.imported("a")+` AND EXISTS (
				SELECT 1 FROM users b
				WHERE b.id_key = a.id_key AND b.line != a.line AND b.in_school AND `+rd.imported("b")+`)
			ORDER BY a.id_key, a.line
			LIMIT ?`, []any{afterKey, afterLine, spillPage}, func(rows *sql.Rows, m *member) error {
			return rows.Scan(&m.line, &m.key, &m.userID)
		})
		if err != nil {
			return fmt.Errorf("find shared User IDs: %w", err)
		}
		for _, m := range page {
			if len(group) > 0 && group[0].key != m.key {
				if err := fail(); err != nil {
					return err
				}
			}
			group = append(group, m)
			afterKey, afterLine = m.key, m.line
		}
		if len(page) < spillPage {
			return fail()
		}
	}
}

// assignClassIDs chooses each class's Class ID: its classCode when that is a valid Class
// ID no other class of the school has (SIS class codes are often a course's, shared by
// its sections), else its sourcedId under the same conditions.
func (rd *reader) assignClassIDs() error {
	_, err := rd.db.ExecContext(rd.ctx, `
		UPDATE classes SET class_id = code, class_key = code_key
		WHERE place != 2 AND code_key IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM classes o WHERE o.code_key = classes.code_key AND o.place != 2 AND o.line != classes.line)`)
	if err != nil {
		return fmt.Errorf("choose Class IDs: %w", err)
	}
	type class struct {
		line     int
		id, code string
	}
	after := 0
	for {
		page, err := scanAll(rd, `
			SELECT line, id, code FROM classes
			WHERE place != 2 AND class_id = '' AND line > ?
			ORDER BY line
			LIMIT ?`, []any{after, spillPage}, func(rows *sql.Rows, c *class) error {
			return rows.Scan(&c.line, &c.id, &c.code)
		})
		if err != nil {
			return fmt.Errorf("choose Class IDs: %w", err)
		}
		for _, c := range page {
			after = c.line
			if core.ValidClassID(c.id) {
				var taken bool
				k := core.Key(c.id)
				err := rd.queryRow(`
					SELECT EXISTS (SELECT 1 FROM classes WHERE code_key = ?1 AND place != 2)
						OR EXISTS (SELECT 1 FROM classes WHERE class_key = ?1)`, []any{k}, &taken)
				if err != nil {
					return fmt.Errorf("choose Class IDs: %w", err)
				}
				if !taken {
					if _, err := rd.db.ExecContext(rd.ctx, `UPDATE classes SET class_id = ?, class_key = ? WHERE line = ?`, c.id, k, c.line); err != nil {
						return fmt.Errorf("choose Class IDs: %w", err)
					}
					continue
				}
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
			if err := rd.addProblem("classes", c.line, Problem{Code: ProblemClassID, Value: strings.Join(why, " and "), Other: c.id}); err != nil {
				return err
			}
		}
		if len(page) < spillPage {
			return nil
		}
	}
}

// scanAll runs query and returns its rows, each scanned by scan.
func scanAll[T any](rd *reader, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	var out []T
	err := rd.query(query, args, func(rows *sql.Rows) error {
		var x T
		if err := scan(rows, &x); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// userColumns are the columns of a user record a row needs, from users u, for scanUser;
// all blank (line 0) when the LEFT JOIN found none.
const userColumns = `coalesce(u.line, 0), coalesce(u.id, ''), coalesce(u.role, ''), coalesce(u.first, ''),
	coalesce(u.last, ''), coalesce(u.grade, ''), coalesce(u.email, ''), coalesce(u.username, ''),
	coalesce(u.user_id, ''), u.problems`

// scanUser scans userColumns, then extra, into u.
func scanUser(rows *sql.Rows, u *userRec, extra ...any) error {
	var ps sql.NullString
	dest := append([]any{&u.line, &u.id, &u.role, &u.first, &u.last, &u.grade, &u.email, &u.username, &u.userID, &ps}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	var err error
	u.problems, err = decodeProblems(ps)
	return err
}

// enrolled is a kept enrollment, with its user record (line 0: users.csv has none).
type enrolled struct {
	line        int
	class, user string
	u           userRec
}

// enrolledColumns are the columns scanEnrolled scans, from enrollments e and users u.
const enrolledColumns = userColumns + `, e.line, e.class, e.user`

// scanEnrolled scans enrolledColumns.
func scanEnrolled(rows *sql.Rows, e *enrolled) error {
	return scanUser(rows, &e.u, &e.line, &e.class, &e.user)
}

// rowsOut hands on the template rows (see Result.Rows for their order): class by class,
// then the enrollments in no class, then the users in none.
func (rd *reader) rowsOut() error {
	after := 0
	for {
		page, err := scanAll(rd, `
			SELECT line, id, title, grade, start, end, class_id, problems FROM classes
			WHERE place != 2 AND line > ?
			ORDER BY line
			LIMIT ?`, []any{after, spillPage}, func(rows *sql.Rows, c *classRec) error {
			var ps sql.NullString
			if err := rows.Scan(&c.line, &c.id, &c.title, &c.grade, &c.start, &c.end, &c.classID, &ps); err != nil {
				return err
			}
			var err error
			c.problems, err = decodeProblems(ps)
			return err
		})
		if err != nil {
			return fmt.Errorf("read classes: %w", err)
		}
		for i := range page {
			after = page[i].line
			if err := rd.classRows(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < spillPage {
			break
		}
	}
	if err := rd.orphanRows(); err != nil {
		return err
	}
	return rd.userRows()
}

// classRows hands on the rows of class c: its kept enrollments, the primary teacher
// first (the import makes the first teacher row of a new class its primary teacher),
// then its other teachers and its students, each in enrollments.csv order. A class of
// another teacher (Options.Teacher) is skipped instead.
func (rd *reader) classRows(c *classRec) error {
	ok, err := rd.uploadersClass(c)
	if err != nil {
		return err
	}
	if !ok {
		res, err := rd.db.ExecContext(rd.ctx, `UPDATE enrollments SET state = ? WHERE class = ? AND state = ?`,
			enrollmentOthers, c.id, enrollmentKept)
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			return fmt.Errorf("skip another teacher's class: %w", err)
		}
		rd.res.Skipped.OtherTeachersClasses++
		rd.res.Skipped.Enrollments += int(n)
		return nil
	}
	// One class's enrollments at a time: tens, a few thousand at the very most.
	es, err := scanAll(rd, `
		SELECT `+enrolledColumns+`
		FROM enrollments e
		LEFT JOIN users u ON u.line = e.uline
		WHERE e.class = ? AND e.state = ?
		ORDER BY e.rank, e.line`, []any{c.id, enrollmentKept}, scanEnrolled)
	if err != nil {
		return fmt.Errorf("read enrollments: %w", err)
	}
	for i := range es {
		if err := rd.addRow(&es[i], c); err != nil {
			return err
		}
	}
	return nil
}

// orphanRows hands on the rows of the kept enrollments in classes classes.csv lacks, in
// enrollments.csv order.
func (rd *reader) orphanRows() error {
	after := 0
	for {
		page, err := scanAll(rd, `
			SELECT `+enrolledColumns+`
			FROM enrollments e
			LEFT JOIN users u ON u.line = e.uline
			WHERE e.line > ? AND e.state = ? AND NOT EXISTS (SELECT 1 FROM classes c WHERE c.id = e.class)
			ORDER BY e.line
			LIMIT ?`, []any{after, enrollmentKept, spillPage}, scanEnrolled)
		if err != nil {
			return fmt.Errorf("read enrollments: %w", err)
		}
		for i := range page {
			after = page[i].line
			if err := rd.addRow(&page[i], nil); err != nil {
				return err
			}
		}
		if len(page) < spillPage {
			return nil
		}
	}
}

// userRows counts the users left out, by why, and hands on a row for each user of the
// school in no class, in users.csv order.
func (rd *reader) userRows() error {
	type user struct {
		u                          userRec
		inSchool, rowed, elsewhere bool
	}
	after := 0
	for {
		page, err := scanAll(rd, `
			SELECT `+userColumns+`, u.in_school,
				EXISTS (SELECT 1 FROM enrollments e WHERE e.uline = u.line AND e.state = ?2),
				EXISTS (SELECT 1 FROM enrollments e WHERE e.uline = u.line AND e.state = ?3)
			FROM users u
			WHERE u.line > ?1
			ORDER BY u.line
			LIMIT ?4`, []any{after, enrollmentKept, enrollmentOthers, spillPage}, func(rows *sql.Rows, x *user) error {
			return scanUser(rows, &x.u, &x.inSchool, &x.rowed, &x.elsewhere)
		})
		if err != nil {
			return fmt.Errorf("read users: %w", err)
		}
		for i := range page {
			x := &page[i]
			after = x.u.line
			switch role := x.u.role; {
			case role != "student" && role != "teacher":
				rd.res.Skipped.OtherRoles++
			case !x.inSchool:
				rd.res.Skipped.OtherSchools++
			case role == "teacher" && rd.opts.Mode == core.ModeTeacher:
				rd.res.Skipped.Teachers++
			case !x.rowed && x.elsewhere:
				rd.res.Skipped.OtherTeachersStudents++
			case !x.rowed:
				if err := rd.add(Origin{UsersFile, x.u.line}, &x.u, nil, nil); err != nil {
					return err
				}
			}
		}
		if len(page) < spillPage {
			return nil
		}
	}
}

// uploadersClass reports whether class c may be read for the teacher who uploads (see
// Options.Teacher): it has no teacher in the package, or the uploader is one of them.
func (rd *reader) uploadersClass(c *classRec) (bool, error) {
	t := rd.opts.Teacher
	if rd.opts.Mode != core.ModeTeacher || t.GUID == "" && t.UserID == "" {
		return true, nil
	}
	teachers, mine := 0, false
	err := rd.query(`
		SELECT e.user, coalesce(u.ids, ''), u.line IS NOT NULL
		FROM enrollments e
		LEFT JOIN users u ON u.line = e.uline
		WHERE e.class = ? AND e.teaches`, []any{c.id}, func(rows *sql.Rows) error {
		var id, ids string
		var found bool
		if err := rows.Scan(&id, &ids, &found); err != nil {
			return err
		}
		teachers++
		if g, ok := core.NormalizeGUID(id); ok && t.GUID != "" && g == strings.ToLower(t.GUID) {
			mine = true
		}
		if !found || t.UserID == "" {
			return nil
		}
		cands := []string{id}
		if ids != "" {
			cands = append(cands, strings.Split(ids, idSep)...)
		}
		for _, cand := range cands {
			if core.Key(cand) == core.Key(t.UserID) {
				mine = true
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read the class's teachers: %w", err)
	}
	return teachers == 0 || mine, nil
}

// rank orders a class's enrollments: primary teacher, other teachers, students.
func rank(role string, primary bool) int {
	switch {
	case role == "teacher" && primary:
		return 0
	case role == "teacher":
		return 1
	}
	return 2
}

// addRow hands on the row of one enrollment; c is its class, nil when missing.
func (rd *reader) addRow(e *enrolled, c *classRec) error {
	var probs []Problem
	u := &e.u
	if u.line == 0 {
		probs = append(probs, Problem{Code: ProblemUserMissing, Value: e.user})
		u = nil
	}
	if c == nil {
		probs = append(probs, Problem{Code: ProblemClassMissing, Value: e.class})
	}
	return rd.add(Origin{EnrollmentsFile, e.line}, u, c, probs)
}

// add hands on a row for user u (nil when missing) in class c (nil for none).
func (rd *reader) add(origin Origin, u *userRec, c *classRec, probs []Problem) error {
	var r Row
	r.Origin = origin
	r.Line = rd.rows + 2
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
	rd.rows++
	if err := rd.emit(&r); err != nil {
		return err
	}
	return rd.tick()
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
	if !rd.termsOK && rd.classes > 0 {
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
