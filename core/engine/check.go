package engine

import (
	"context"
	"slices"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The decide stage's passes: each reads the stage a page at a time, in the order of one
// of its indexes, and hands the decide functions one user or one class at a time.

// pageSize is how many rows, users or classes a pass reads at a time.
const pageSize = 1000

// row decodes a staged row's cells, its typed password opened when open is true.
func (j *job) row(sr *sqlite.StagedRow, open bool) (*core.Row, error) {
	r := &core.Row{Line: sr.Line}
	return r, j.keys.decodeCells(sr.Cells, r, open)
}

// mergeUsers merges the rows of each user of the file, by user, checks what needs no
// other user and nothing stored, and stages the users.
func (j *job) mergeUsers(ctx context.Context, st *sqlite.Stage) error {
	var m *userMerge
	done := 0
	flush := func() error {
		if m == nil {
			return nil
		}
		return st.AddUser(ctx, j.stagedUser(m.plan()))
	}
	ukey, line := "", 0
	for {
		page, err := st.UserRows(ctx, ukey, line, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			sr := &page[i]
			r, err := j.row(sr, true)
			if err != nil {
				return err
			}
			if m == nil || m.key != sr.UKey {
				if err := flush(); err != nil {
					return err
				}
				m = newUserMerge(j.mode, &j.p, sr.UKey)
			}
			m.add(r)
		}
		done += len(page)
		j.prog.fraction(core.PhaseChecking, 0.6*float64(done)/float64(max(j.counts.Rows, 1)), j.counts.Rows)
		if len(page) < pageSize {
			break
		}
		ukey, line = page[len(page)-1].UKey, page[len(page)-1].Line
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return st.FlushUsers(ctx)
}

// stagedUser is the stage's record of a user plan.
func (j *job) stagedUser(u *userPlan) *sqlite.StagedUser {
	v := &u.vals
	s := &sqlite.StagedUser{
		UKey: u.key, FirstLine: u.firstLine, GUID: u.guid,
		UserID: v[core.ColUserID], Role: string(u.role), First: v[core.ColFirstName], Last: v[core.ColLastName],
		Grade: v[core.ColGrade], Email: v[core.ColEmail], Username: v[core.ColUsername], Password: j.keys.seal(v[core.ColPassword]),
		IDKey: key(v[core.ColUserID]), NameKey: key(v[core.ColUsername]), EmailKey: key(v[core.ColEmail]),
		Base:   account.UsernameBase(v[core.ColFirstName], v[core.ColLastName], v[core.ColUserID]),
		Issues: encodeProblems(u.problems), Failed: len(u.problems) > 0,
	}
	if u.grade != "" {
		s.Grade = u.grade
	}
	if u.role == core.RoleTeacher {
		s.TeacherEmailKey = s.EmailKey
	}
	s.Applied = !s.Failed
	return s
}

// key is core.Key, "" for "".
func key(s string) string {
	if s == "" {
		return ""
	}
	return core.Key(s)
}

// userPlanOf turns a staged user back into a plan, its password opened.
func (j *job) userPlanOf(s *sqlite.StagedUser) (*userPlan, error) {
	u := &userPlan{key: s.UKey, firstLine: s.FirstLine, guid: s.GUID, role: core.Role(s.Role)}
	v := &u.vals
	v[core.ColUserID], v[core.ColRole], v[core.ColFirstName], v[core.ColLastName] = s.UserID, s.Role, s.First, s.Last
	v[core.ColGrade], v[core.ColEmail], v[core.ColUsername] = s.Grade, s.Email, s.Username
	pw, err := j.keys.open(s.Password)
	if err != nil {
		return nil, err
	}
	v[core.ColPassword] = pw
	if g, ok := j.p.grade(s.Grade); ok {
		u.grade = g
	}
	if u.problems, err = decodeProblems(s.Issues); err != nil {
		return nil, err
	}
	return u, nil
}

// mergeClasses merges the rows of each class of the file, by class, and stages the
// classes.
func (j *job) mergeClasses(ctx context.Context, st *sqlite.Stage) error {
	var m *classMerge
	done := 0
	flush := func() error {
		if m == nil {
			return nil
		}
		c := m.plan()
		for _, d := range m.short {
			if it := &j.warn.sheet[sheetShortYears]; len(it.first) < 2 {
				it.add(d)
			} else {
				it.n++
			}
		}
		return st.AddClass(ctx, j.stagedClass(c))
	}
	ckey, line := "", 0
	for {
		page, err := st.ClassRows(ctx, ckey, line, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			sr := &page[i]
			r, err := j.row(sr, false)
			if err != nil {
				return err
			}
			if m == nil || m.key != sr.CKey {
				if err := flush(); err != nil {
					return err
				}
				m = newClassMerge(j.mode, &j.p, sr.CKey)
			}
			m.add(r)
		}
		done += len(page)
		j.prog.fraction(core.PhaseChecking, 0.6+0.3*float64(done)/float64(max(j.counts.Rows, 1)), j.counts.Rows)
		if len(page) < pageSize {
			break
		}
		ckey, line = page[len(page)-1].CKey, page[len(page)-1].Line
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return st.FlushClasses(ctx)
}

// stagedClass is the stage's record of a class plan.
func (j *job) stagedClass(c *classPlan) *sqlite.StagedClass {
	return &sqlite.StagedClass{
		CKey: c.key, FirstLine: c.firstLine, GUID: c.guid, ClassID: c.classID, IDKey: key(c.classID),
		TypedID: c.typedID, TypedKey: key(c.typedID), Name: c.name, NameGiven: c.nameGiven,
		Grade: c.grade, Start: c.start, End: c.end,
		Issues: encodeProblems(c.problems), Failed: len(c.problems) > 0, Applied: len(c.problems) == 0,
	}
}

// classPlanOf turns a staged class back into a plan.
func classPlanOf(s *sqlite.StagedClass) (*classPlan, error) {
	c := &classPlan{key: s.CKey, firstLine: s.FirstLine, guid: s.GUID, classID: s.ClassID, typedID: s.TypedID, name: s.Name,
		nameGiven: s.NameGiven, grade: s.Grade, start: s.Start, end: s.End}
	var err error
	c.problems, err = decodeProblems(s.Issues)
	return c, err
}

// duplicates fails every user of the file who shares a User ID, a username or (a
// teacher) an email with another user of the file.
func (j *job) duplicates(ctx context.Context, st *sqlite.Stage) error {
	for _, k := range []struct {
		stage sqlite.SharedKey
		kind  sharedKind
	}{{sqlite.SharedUserID, sharedUserID}, {sqlite.SharedUsername, sharedUsername}, {sqlite.SharedTeacherEmail, sharedEmail}} {
		err := st.SharedKeys(ctx, k.stage, func(run sqlite.KeyRun) error {
			// The first rows of every user sharing the key hold the first rows of all.
			var all []int
			total := 0
			for _, ukey := range run.UKeys {
				ls, n, err := st.UserLines(ctx, ukey, maxLines)
				if err != nil {
					return err
				}
				all, total = append(all, ls...), total+n
			}
			slices.Sort(all)
			all = all[:min(len(all), maxLines)]
			lines := lineList{lines: all, more: total - len(all)}
			for _, ukey := range run.UKeys {
				b, err := st.UserIssues(ctx, ukey)
				if err != nil {
					return err
				}
				ps, err := decodeProblems(b)
				if err != nil {
					return err
				}
				ps = append(ps, duplicateProblem(k.kind, run.Value, lines))
				if err := st.FailUser(ctx, ukey, encodeProblems(ps)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// hashPasswords hashes every typed password of a user without a problem so far, on
// every core, before the import transaction opens. A password that is the account's
// current temporary password (a Completed File uploaded again) is not hashed: it keeps
// the account as it is (checkStoredUser). A dry run hashes nothing.
func (j *job) hashPasswords(ctx context.Context, st *sqlite.Stage) error {
	if j.dry {
		return nil
	}
	total, err := st.CountTypedPasswords(ctx)
	if err != nil || total == 0 {
		return err
	}
	j.prog.set(core.PhaseHashing, 0, total)
	done := 0
	after := ""
	for {
		page, err := st.TypedPasswords(ctx, after, 256)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		temps, err := j.s.db.TemporaryHashes(ctx, page)
		if err != nil {
			return err
		}
		pws := make([]string, len(page))
		for i, tp := range page {
			pw, err := j.keys.open(tp.Password)
			if err != nil {
				return err
			}
			if h, ok := temps[tp.GUID]; !ok || !account.Verify(h, pw) {
				pws[i] = pw
			}
		}
		base := done
		hashes, err := account.HashPermanentAll(ctx, pws, 0, func(n int) { j.prog.set(core.PhaseHashing, base+n, total) })
		if err != nil {
			return err
		}
		for i, tp := range page {
			if hashes[i] != "" {
				if err := st.SetPasswordHash(ctx, tp.UKey, hashes[i]); err != nil {
					return err
				}
			}
		}
		done += len(page)
		after = page[len(page)-1].UKey
	}
	j.prog.set(core.PhaseHashing, total, total)
	return nil
}

// checkStoredUsers checks every user of the file against what is stored.
func (j *job) checkStoredUsers(ctx context.Context, tx *sqlite.ImportTx) error {
	after := ""
	for {
		page, err := tx.UsersWithStored(ctx, j.schoolID, j.actor.TeacherID, after, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			us := &page[i]
			u, err := j.userPlanOf(&us.StagedUser)
			if err != nil {
				return err
			}
			checkStoredUser(j.mode, u, userSnapshot{byGUID: us.ByGUID, inSchool: us.InSchool, taught: us.Taught,
				restricted: j.restricted, private: j.restricted || j.mode == core.ModeTeacher,
				idOwner: us.IDOwner, nameOwner: us.NameOwner, emailOwner: us.EmailOwner}, &j.warn)
			next := j.stagedUser(u)
			next.PwHash = us.PwHash
			if u.vals[core.ColPassword] == "" {
				next.PwHash = ""
			} else if next.PwHash == "" && !j.dry && !next.Failed {
				// The account's temporary password changed since the passwords were
				// hashed, so this one is no longer it: it is a new permanent password.
				next.PwHash = account.HashPermanent(u.vals[core.ColPassword])
			}
			if next.Failed {
				j.usersFailed++
			}
			if changedUser(&us.StagedUser, next) {
				next.Password = j.keys.seal(u.vals[core.ColPassword])
				if err := tx.SetUser(ctx, next); err != nil {
					return err
				}
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].UKey
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// changedUser reports whether a staged user needs writing again: anything but the
// sealed password (sealed afresh each time) differs, or the password came or went.
func changedUser(a, b *sqlite.StagedUser) bool {
	return a.UserID != b.UserID || a.Role != b.Role || a.Grade != b.Grade || a.Email != b.Email || a.Username != b.Username ||
		a.PwHash != b.PwHash || string(a.Issues) != string(b.Issues) || a.Failed != b.Failed ||
		a.Applied != b.Applied || (len(a.Password) == 0) != (len(b.Password) == 0)
}

// checkStoredClasses checks every class of the file against what is stored.
func (j *job) checkStoredClasses(ctx context.Context, tx *sqlite.ImportTx) error {
	after := ""
	for {
		page, err := tx.ClassesWithStored(ctx, j.schoolID, j.actor.TeacherID, after, pageSize)
		if err != nil {
			return err
		}
		for i := range page {
			cs := &page[i]
			c, err := classPlanOf(&cs.StagedClass)
			if err != nil {
				return err
			}
			checkStoredClass(j.mode, j.schoolID, c, classSnapshot{byGUID: cs.ByGUID, teaches: cs.Teaches, idOwner: cs.IDOwner}, &j.warn)
			next := j.stagedClass(c)
			if cs.ByGUID != nil && len(c.problems) == 0 {
				next.CID = cs.ByGUID.ID
			}
			if next.Failed {
				j.classesFailed++
			}
			if next.CID != 0 || next.ClassID != cs.ClassID || string(next.Issues) != string(cs.Issues) {
				if err := tx.SetClass(ctx, next); err != nil {
					return err
				}
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].CKey
	}
}

// needTeachers fails the new classes of an administrator's upload that no teacher row
// can be applied to.
func (j *job) needTeachers(ctx context.Context, tx *sqlite.ImportTx) error {
	if j.mode != core.ModeAdmin {
		return nil
	}
	after := ""
	for {
		page, err := tx.NewClassesWithoutTeacher(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, c := range page {
			ps, err := decodeProblems(c.Issues)
			if err != nil {
				return err
			}
			if !classOfOneRow(c.CKey) {
				ps = append(ps, noTeacherProblem(c.ClassID))
			}
			if err := tx.FailClass(ctx, c.CKey, encodeProblems(ps)); err != nil {
				return err
			}
			j.classesFailed++
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].CKey
	}
}

// groupRows reads rows a page at a time in the order of their group (user or class),
// without their cells, and calls fn with each group's rows. A group's rows are held
// while it is read: those of one user or one class.
func groupRows(ctx context.Context, tx *sqlite.ImportTx, by int, fn func(key string, rows []sqlite.RowState) error) error {
	group := func(r *sqlite.RowState) string {
		if by == sqlite.ByUser {
			return r.UKey
		}
		return r.CKey
	}
	var cur []sqlite.RowState
	key, line := "", 0
	for {
		page, err := tx.RowStates(ctx, by, key, line, pageSize)
		if err != nil {
			return err
		}
		for _, r := range page {
			if len(cur) > 0 && group(&cur[0]) != group(&r) {
				if err := fn(group(&cur[0]), cur); err != nil {
					return err
				}
				cur = cur[:0]
			}
			cur = append(cur, r)
		}
		if len(page) < pageSize {
			break
		}
		key, line = group(&page[len(page)-1]), page[len(page)-1].Line
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if len(cur) > 0 {
		return fn(group(&cur[0]), cur)
	}
	return nil
}

// settle reads the rows of a group (by user or class) that has failing rows and returns
// which columns hold a value on a row that does not fail, and whether every row fails.
func (j *job) settle(ctx context.Context, tx *sqlite.ImportTx, by int, key string, states []sqlite.RowState) (k kept, failing, all bool, err error) {
	n := 0
	for i := range states {
		if states[i].Own || states[i].OtherFailed {
			n++
		}
	}
	if n == 0 {
		return k, false, false, nil
	}
	if n == len(states) {
		return k, true, true, nil
	}
	rows, err := tx.GroupRows(ctx, by, key)
	if err != nil {
		return k, false, false, err
	}
	for i := range rows {
		if rows[i].Own || rows[i].OtherFailed {
			continue
		}
		r, err := j.row(&rows[i].StagedRow, false)
		if err != nil {
			return k, false, false, err
		}
		k.add(r)
	}
	return k, true, false, nil
}

// settleUsers decides which users are applied (those with a row that is) and drops
// from them the values only failed rows gave. A user's rows fail beyond the user's own
// problems only by their own cells or their class: with neither, there is nothing to
// settle.
func (j *job) settleUsers(ctx context.Context, tx *sqlite.ImportTx) error {
	if j.ownFailed == 0 && j.classesFailed == 0 {
		return nil
	}
	return groupRows(ctx, tx, sqlite.ByUser, func(ukey string, rows []sqlite.RowState) error {
		k, failing, all, err := j.settle(ctx, tx, sqlite.ByUser, ukey, rows)
		if err != nil || !failing {
			return err
		}
		s, err := tx.StagedUserByKey(ctx, ukey)
		if err != nil {
			return err
		}
		u, err := j.userPlanOf(s)
		if err != nil {
			return err
		}
		if !all {
			narrowUser(u, k)
		}
		next := j.stagedUser(u)
		next.Issues, next.Failed, next.Applied = s.Issues, s.Failed, !all
		next.PwHash = s.PwHash
		if u.vals[core.ColPassword] == "" {
			next.PwHash = ""
		}
		if !changedUser(s, next) {
			return nil
		}
		return tx.SetUser(ctx, next)
	})
}

// settleClasses decides which classes are applied and drops from them the values only
// failed rows gave: a class's rows fail beyond its own problems only by their own cells
// or their user.
func (j *job) settleClasses(ctx context.Context, tx *sqlite.ImportTx) error {
	if j.ownFailed == 0 && j.usersFailed == 0 {
		return nil
	}
	return groupRows(ctx, tx, sqlite.ByClass, func(ckey string, rows []sqlite.RowState) error {
		k, failing, all, err := j.settle(ctx, tx, sqlite.ByClass, ckey, rows)
		if err != nil || !failing {
			return err
		}
		s, err := tx.StagedClassByKey(ctx, ckey)
		if err != nil {
			return err
		}
		c, err := classPlanOf(s)
		if err != nil {
			return err
		}
		if !all {
			narrowClass(c, k)
		}
		next := j.stagedClass(c)
		next.Issues, next.Failed, next.CID, next.ClassID, next.Applied = s.Issues, s.Failed, s.CID, s.ClassID, !all
		return tx.SetClass(ctx, next)
	})
}
