package engine

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// job is one run of an upload (or a dry run).
type job struct {
	s        *Service
	id       int64 // 0 for a dry run
	name     string
	data     []byte
	schoolID int64
	actor    Actor
	dry      bool
	progress func(core.Progress)

	now      time.Time
	lastBeat time.Time
	inTx     bool
}

// report passes progress on, and outside the import transaction records it in the
// database at most once a second, which also tells other processes the job is alive.
func (j *job) report(ctx context.Context, phase core.Phase, done, total int) error {
	if j.progress != nil {
		j.progress(core.Progress{Upload: j.id, Phase: phase, Done: done, Total: total})
	}
	if j.dry || j.id == 0 || j.inTx {
		return nil
	}
	if t := time.Now(); t.Sub(j.lastBeat) >= time.Second || done == total {
		j.lastBeat = t
		return j.s.db.Heartbeat(ctx, j.id, j.s.owner, done, total, j.s.now())
	}
	return nil
}

// run reads, checks and applies the upload. Each row is all or nothing, and rows that
// pass every check are applied even when others fail. Checks and writes happen in one
// write transaction (sqlite.ImportTx) together with the upload's outcome, so a crash or
// a cancel leaves no half-applied row and the upload can run again from the start.
// Typed passwords are hashed on every core before that transaction opens, so it stays
// short.
func (j *job) run(ctx context.Context) (Result, error) {
	j.now = j.s.now()
	mode := j.actor.Mode()
	p := &plan{mode: mode}

	// Read, grouping the rows as they come. The Uploaded File is written as the rows
	// stream in, so the rows need not keep their raw cells (Row.Raw) for it: only the
	// template's cells stay for the checks.
	if err := j.report(ctx, core.PhaseReading, 0, 0); err != nil {
		return Result{}, err
	}
	rows, up, info, err := j.read(ctx, p)
	if err != nil {
		if core.ErrorCode(err) != "" {
			return j.fail(ctx, core.ErrorMessage(err), core.Counts{})
		}
		return Result{}, err
	}
	defer up.discard() // after an error; files closes it otherwise
	p.warnings = append(p.warnings, info.Warnings...)
	j.data = nil // read: the rows hold copies of every cell the import still needs

	// Checks that need no database.
	if err := j.report(ctx, core.PhaseChecking, 0, len(rows)); err != nil {
		return Result{}, err
	}
	p.finish()

	// Hash typed passwords now, on every core, outside the write transaction.
	var pws []string
	var pwUsers []*userPlan
	for _, u := range p.users {
		if pw := u.val[core.ColPassword]; pw != "" && len(u.issues) == 0 {
			pws = append(pws, pw)
			pwUsers = append(pwUsers, u)
		}
	}
	if len(pws) > 0 && !j.dry {
		hashes, err := account.HashPermanentAllProgress(ctx, pws, 0, func(done int) {
			if done%50 == 0 || done == len(pws) {
				_ = j.report(ctx, core.PhaseHashing, done, len(pws))
			}
		})
		if err != nil {
			return Result{}, err
		}
		for i, u := range pwUsers {
			u.pwKind, u.pwHash = core.PasswordPermanent, hashes[i]
		}
	}
	// New users' GUIDs and temporary passwords need no database: they are made on
	// another core while the database checks run.
	maybeNew := 0
	for _, u := range p.users {
		if u.guid == "" {
			maybeNew++
		}
	}
	creds := makeCredentials(ctx, maybeNew)

	if err := j.report(ctx, core.PhaseApplying, 0, len(rows)); err != nil {
		return Result{}, err
	}

	tx, err := j.s.db.BeginImport(ctx, j.now)
	if err != nil {
		return Result{}, err
	}
	j.inTx = true
	defer tx.Rollback()

	a := &applier{ctx: ctx, j: j, p: p, tx: tx, mode: mode, creds: creds}
	if err := a.checkUsers(); err != nil {
		return Result{}, err
	}
	if err := a.checkClasses(); err != nil {
		return Result{}, err
	}
	a.propagate()
	if err := a.prepare(); err != nil {
		return Result{}, err
	}
	// The files need nothing apply writes, so they are built meanwhile, on the other core.
	var filesDone chan builtFiles
	if !j.dry {
		filesDone = make(chan builtFiles, 1)
		go func() {
			f, err := a.files(up)
			filesDone <- builtFiles{f, err}
		}()
	}
	counts, err := a.apply()
	var built builtFiles
	if filesDone != nil {
		built = <-filesDone // also after an error: files may still be reading the plan
	}
	if err != nil {
		return Result{}, err
	}
	counts.Rows = len(rows)
	counts.Warnings = len(p.warnings)
	_ = j.report(ctx, core.PhaseApplying, len(rows), len(rows))

	status := core.StatusCompleted
	msg := ""
	switch {
	case counts.Applied == 0:
		status = core.StatusFailed
		msg = core.Issue{Code: core.FileNoRowApplied}.Text()
	case counts.Failed > 0:
		status = core.StatusCompletedWithError
	}
	res := Result{Upload: j.id, FileName: j.name, Status: status, Counts: counts, Message: msg, Notes: a.notes()}
	if j.dry {
		return res, nil
	}
	if built.err != nil {
		return Result{}, built.err
	}
	files := built.files
	delim := ","
	if info.Delimiter != 0 {
		delim = string(info.Delimiter)
	}
	if err := tx.Finish(j.id, j.s.owner, sqlite.Finish{Status: status, Counts: counts, Message: msg, Notes: res.Notes, Delimiter: delim, Files: files}, j.s.now()); err != nil {
		return Result{}, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, err
	}
	_ = j.report(ctx, core.PhaseDone, len(rows), len(rows))
	return res, nil
}

// builtFiles is what applier.files returns, sent back from its goroutine.
type builtFiles struct {
	files map[core.FileKind][]byte
	err   error
}

// fail ends an upload whose file could not be used: nothing changes.
func (j *job) fail(ctx context.Context, msg string, c core.Counts) (Result, error) {
	res := Result{Upload: j.id, FileName: j.name, Status: core.StatusFailed, Counts: c, Message: msg}
	if j.dry {
		return res, nil
	}
	err := j.s.db.FinishUpload(ctx, j.id, j.s.owner, sqlite.Finish{Status: core.StatusFailed, Counts: c, Message: msg}, j.s.now())
	return res, err
}

// applier runs the database checks and the writes of one import inside its transaction.
type applier struct {
	ctx  context.Context
	j    *job
	p    *plan
	tx   *sqlite.ImportTx
	mode core.Mode

	usernames *account.Usernames
	creds     <-chan []newCredential // from makeCredentials, for prepare
}

// newCredential is what a new user is given: a GUID and a temporary password, with its hash.
type newCredential struct{ guid, pw, hash string }

// makeCredentials makes n credentials on a goroutine of its own. A 100,000-row import
// spent 0.15 s making them (crypto/rand, SHA-256) in the write transaction; made
// beforehand, they overlap the database checks. Those that go unused (rows that fail,
// users who typed a password) are dropped and never stored or shown. The channel
// gets nil when ctx ends first.
//
// The GUIDs are random (version 4) but handed out in ascending order: each new one then
// goes right after the last in the users' GUID index, whose pages are written once
// instead of being revisited at random for every user (a tenth of the time a
// 100,000-row import spent writing users).
func makeCredentials(ctx context.Context, n int) <-chan []newCredential {
	ch := make(chan []newCredential, 1)
	go func() {
		out := make([]newCredential, n)
		guids := make([]string, n)
		for i := range out {
			if i%1024 == 0 && ctx.Err() != nil {
				ch <- nil
				return
			}
			pw := account.NewTemporaryPassword()
			out[i] = newCredential{pw: pw, hash: account.HashTemporary(pw)}
			guids[i] = newGUID()
		}
		sort.Strings(guids)
		for i := range out {
			out[i].guid = guids[i]
		}
		ch <- out
	}()
	return ch
}

// checkUsers looks the file's users up and checks what needs the database: unknown
// GUIDs, role changes, school membership (teachers), and identifiers taken by others.
func (a *applier) checkUsers() error {
	var guids []string
	for _, u := range a.p.users {
		if u.guid != "" {
			guids = append(guids, u.guid)
		}
	}
	byGUID, err := a.tx.Users("guid", guids)
	if err != nil {
		return err
	}
	var existingIDs []int64
	for _, u := range a.p.users {
		if u.guid != "" {
			e, ok := byGUID[u.guid]
			if !ok {
				u.issues = append(u.issues, core.Issue{Code: core.UserGUIDUnknown, Value: u.guid})
				continue
			}
			u.existing = &e
			existingIDs = append(existingIDs, e.ID)
		}
	}
	inSchool := map[int64]bool{}
	if a.mode == core.ModeTeacher {
		if inSchool, err = a.tx.InSchool(a.j.schoolID, existingIDs); err != nil {
			return err
		}
	}
	for _, u := range a.p.users {
		a.checkUser(u, inSchool)
	}
	return a.checkTaken()
}

func (a *applier) checkUser(u *userPlan, inSchool map[int64]bool) {
	v := &u.val
	if e := u.existing; e != nil {
		role := core.Role(e.Role)
		if u.role != "" && u.role != role && v[core.ColRole] != "" {
			u.issues = append(u.issues, core.Issue{Code: core.RoleChange, Value: string(u.role), Other: e.Role})
		}
		u.role = role
		if a.mode == core.ModeTeacher {
			if role == core.RoleTeacher {
				u.issues = append(u.issues, core.Issue{Code: core.RoleTeacherMode})
			} else if !inSchool[e.ID] {
				u.issues = append(u.issues, core.Issue{Code: core.UserNotInSchool})
			}
		}
		if pw := v[core.ColPassword]; pw != "" && v[core.ColUsername] == "" && strings.EqualFold(pw, e.Username) {
			u.issues = append(u.issues, core.Issue{Code: core.PasswordPolicy, Value: "it is the same as the username"})
		}
	} else if !strings.HasPrefix(u.key, "g:") {
		if v[core.ColUserID] == "" {
			u.issues = append(u.issues, core.Issue{Code: core.UserIDRequired})
		}
		if v[core.ColRole] == "" && a.mode == core.ModeAdmin {
			u.issues = append(u.issues, core.Issue{Code: core.RoleRequired})
		}
		if v[core.ColFirstName] == "" {
			u.issues = append(u.issues, core.Issue{Code: core.FirstNameRequired})
		}
		if v[core.ColLastName] == "" {
			u.issues = append(u.issues, core.Issue{Code: core.LastNameRequired})
		}
		if u.role == core.RoleTeacher && v[core.ColEmail] == "" {
			u.issues = append(u.issues, core.Issue{Code: core.EmailRequired})
		}
	}
	if u.role == core.RoleTeacher && v[core.ColGrade] != "" {
		// A teacher's grade is ignored, which is worth saying once per teacher.
		w := core.Issue{Code: core.WarnTeacherGrade, Value: v[core.ColGrade]}
		a.p.warnings = append(a.p.warnings, w)
		u.grade = ""
		for _, c := range u.issues {
			if c.Code == core.GradeInvalid {
				u.issues = removeIssue(u.issues, core.GradeInvalid)
				break
			}
		}
	}
}

func removeIssue(is []core.Issue, code core.Code) []core.Issue {
	out := is[:0]
	for _, x := range is {
		if x.Code != code {
			out = append(out, x)
		}
	}
	return out
}

// checkTaken fails users whose User ID, username or (teacher) email belongs to another
// stored user.
func (a *applier) checkTaken() error {
	type check struct {
		column string
		col    core.Column
		code   core.Code
		want   func(u *userPlan) bool
	}
	checks := []check{
		{"user_id_key", core.ColUserID, core.UserIDTaken, func(*userPlan) bool { return true }},
		{"username_key", core.ColUsername, core.UsernameTaken, func(*userPlan) bool { return true }},
		{"teacher_email", core.ColEmail, core.EmailTaken, func(u *userPlan) bool { return u.role == core.RoleTeacher }},
	}
	for _, c := range checks {
		var keys []string
		for _, u := range a.p.users {
			if v := u.val[c.col]; v != "" && c.want(u) {
				keys = append(keys, core.Key(v))
			}
		}
		found, err := a.tx.Users(c.column, keys)
		if err != nil {
			return err
		}
		for _, u := range a.p.users {
			v := u.val[c.col]
			if v == "" || !c.want(u) {
				continue
			}
			if other, ok := found[core.Key(v)]; ok && (u.existing == nil || other.ID != u.existing.ID) {
				u.issues = append(u.issues, core.Issue{Code: c.code, Value: v, Other: other.String()})
			}
		}
	}
	return nil
}

// checkClasses looks the file's classes up: a Class GUID must be a class of this school
// (and, for a teacher, their own); a new class's Class ID must be free and it needs a
// name.
func (a *applier) checkClasses() error {
	var guids, ids []string
	for _, c := range a.p.classes {
		switch {
		case c.guid != "":
			guids = append(guids, c.guid)
		case strings.HasPrefix(c.key, "c:"):
			ids = append(ids, c.key[2:])
		}
	}
	byGUID, err := a.tx.Classes("guid", 0, guids)
	if err != nil {
		return err
	}
	byID, err := a.tx.Classes("class_id_key", a.j.schoolID, ids)
	if err != nil {
		return err
	}
	for _, c := range a.p.classes {
		switch {
		case c.guid != "":
			e, ok := byGUID[c.guid]
			if !ok || e.SchoolID != a.j.schoolID {
				c.issues = append(c.issues, core.Issue{Code: core.ClassGUIDUnknown, Value: c.guid})
				continue
			}
			c.existing = &e
			if a.mode == core.ModeTeacher {
				ok, err := a.tx.Teaches(a.j.actor.TeacherID, e.ID)
				if err != nil {
					return err
				}
				if !ok {
					c.issues = append(c.issues, core.Issue{Code: core.ClassNotYours, Value: e.ClassID})
				}
			}
			if id := c.val[core.ColClassID]; id != "" && !strings.EqualFold(id, e.ClassID) {
				other, err := a.tx.Classes("class_id_key", a.j.schoolID, []string{core.Key(id)})
				if err != nil {
					return err
				}
				if o, ok := other[core.Key(id)]; ok && o.ID != e.ID {
					c.issues = append(c.issues, core.Issue{Code: core.ClassIDTaken, Value: id})
				}
			}
		case strings.HasPrefix(c.key, "c:"):
			if _, ok := byID[c.key[2:]]; ok {
				c.issues = append(c.issues, core.Issue{Code: core.ClassIDExists, Value: c.val[core.ColClassID]})
				continue
			}
			if c.val[core.ColClassName] == "" {
				c.issues = append(c.issues, core.Issue{Code: core.ClassNameRequired})
			}
		}
	}
	return nil
}

// propagate decides which rows fail: a row fails with its own problems, its user's and
// its class's. A new class then needs a teacher row that did not fail (an administrator's
// upload), or every row of it fails too.
func (a *applier) propagate() {
	for _, r := range a.p.rows {
		r.failed = len(r.issues) > 0 || len(r.user.issues) > 0 || r.class != nil && len(r.class.issues) > 0
	}
	if a.mode == core.ModeAdmin {
		for _, c := range a.p.classes {
			if c.existing != nil || len(c.issues) > 0 || !strings.HasPrefix(c.key, "c:") {
				continue
			}
			hasTeacher := false
			for _, r := range c.rows {
				if !r.failed && r.user.role == core.RoleTeacher {
					hasTeacher = true
					break
				}
			}
			if !hasTeacher {
				c.issues = append(c.issues, core.Issue{Code: core.ClassNoTeacher, Value: c.val[core.ColClassID]})
				for _, r := range c.rows {
					r.failed = true
				}
			}
		}
	}
	for _, r := range a.p.rows {
		if !r.failed {
			r.user.applied = true
			if r.class != nil {
				r.class.applied = true
			}
		}
	}
	for _, u := range a.p.users {
		if u.applied {
			u.narrow()
		}
	}
	for _, c := range a.p.classes {
		if c.applied {
			c.narrow()
		}
	}
}

// firstApplied returns the first non-blank cell of column c among rows that did not fail.
func firstApplied(rows []*rowPlan, c core.Column) string {
	for _, r := range rows {
		if !r.failed && r.row.cell(c) != "" {
			return r.row.cell(c)
		}
	}
	return ""
}

// narrow drops optional values that only failed rows of the user gave: each row is all or
// nothing, so a failed row's cells must not reach the database through a row that
// passed. Values a new user cannot be created without (names, role, User ID, a teacher's
// email) agree on every row and stay.
func (u *userPlan) narrow() {
	if firstApplied(u.rows, core.ColGrade) == "" {
		u.grade = ""
	}
	if firstApplied(u.rows, core.ColEmail) == "" && (u.existing != nil || u.role != core.RoleTeacher) {
		u.val[core.ColEmail] = ""
	}
	if firstApplied(u.rows, core.ColUsername) == "" {
		u.val[core.ColUsername] = ""
	}
	if firstApplied(u.rows, core.ColPassword) == "" {
		u.val[core.ColPassword] = ""
		u.pwKind, u.pwHash = "", ""
	}
}

// narrow does for a class what userPlan.narrow does for a user.
func (c *classPlan) narrow() {
	for _, col := range []core.Column{core.ColClassGrade, core.ColClassStart, core.ColClassEnd} {
		if firstApplied(c.rows, col) == "" {
			c.val[col] = ""
		}
	}
	if c.existing != nil && firstApplied(c.rows, core.ColClassName) == "" {
		c.val[core.ColClassName] = ""
	}
}

// prepare settles everything the writes and the files show, before any write: the
// usernames, and the GUIDs and temporary passwords of new users and classes. After it
// the plan is only read, so files can run beside apply.
func (a *applier) prepare() error {
	if err := a.assignUsernames(); err != nil {
		return err
	}
	creds := <-a.creds
	if creds == nil {
		if err := a.ctx.Err(); err != nil {
			return err
		}
	}
	for _, u := range a.p.users {
		if !u.applied || u.existing != nil {
			continue
		}
		var cr newCredential
		if len(creds) > 0 {
			cr, creds = creds[0], creds[1:]
		} else { // not expected: every new user was counted
			cr.guid = newGUID()
			cr.pw = account.NewTemporaryPassword()
			cr.hash = account.HashTemporary(cr.pw)
		}
		u.guid = cr.guid
		if u.val[core.ColPassword] == "" {
			u.tempPW = cr.pw
			u.pwKind, u.pwHash = core.PasswordTemporary, cr.hash
		} else if a.j.dry {
			u.pwKind = core.PasswordPermanent // not hashed in a dry run
		}
	}
	for _, c := range a.p.classes {
		if c.applied && c.existing == nil {
			c.guid = newGUID()
		}
	}
	return nil
}

// apply writes the users, classes and enrollments of the rows that passed.
func (a *applier) apply() (core.Counts, error) {
	var c core.Counts
	for _, r := range a.p.rows {
		if r.failed {
			c.Failed++
		} else {
			c.Applied++
		}
	}
	// Stored users are updated first, then new users are inserted a batch at a time,
	// in the same order as before: holding all 100,000 UserWrites at once was some 20 MB
	// at the import's peak of memory.
	var ids []int64
	for _, u := range a.p.users {
		if !u.applied || u.existing == nil {
			continue
		}
		w := a.userWrite(u)
		w.ID, w.GUID = u.existing.ID, u.existing.GUID
		if u.val[core.ColUsername] == "" {
			w.Username = ""
		}
		if u.val[core.ColPassword] == "" {
			w.PwKind, w.PwHash = "", ""
		}
		if err := a.tx.UpdateUser(w); err != nil {
			return c, err
		}
		u.id = w.ID
		ids = append(ids, u.id)
		c.UsersUpdated++
	}
	// Saving progress counts rows: writing users is most of the work, so it moves the
	// bar up to 90%; classes and enrollments take it to the end.
	toInsert, inserted := 0, 0
	for _, u := range a.p.users {
		if u.applied && u.existing == nil {
			toInsert++
		}
	}
	rows := len(a.p.rows)
	batch := make([]*sqlite.UserWrite, 0, sqlite.UserBatch)
	var batchUsers []*userPlan
	flush := func() error {
		if err := a.tx.InsertUsers(batch); err != nil {
			return err
		}
		for i, u := range batchUsers {
			u.id = batch[i].ID
			ids = append(ids, u.id)
		}
		inserted += len(batch)
		if toInsert > 0 {
			_ = a.j.report(a.ctx, core.PhaseApplying, int(int64(inserted)*int64(rows)*9/(10*int64(toInsert))), rows)
		}
		batch, batchUsers = batch[:0], batchUsers[:0]
		return nil
	}
	for _, u := range a.p.users {
		if !u.applied || u.existing != nil {
			continue
		}
		w := a.userWrite(u)
		w.GUID, w.Role = u.guid, string(u.role)
		batch, batchUsers = append(batch, w), append(batchUsers, u)
		c.UsersCreated++
		if len(batch) == sqlite.UserBatch {
			if err := flush(); err != nil {
				return c, err
			}
		}
	}
	if err := flush(); err != nil {
		return c, err
	}
	if err := a.tx.LinkSchool(a.j.schoolID, ids); err != nil {
		return c, err
	}
	n, err := a.applyClasses()
	c.ClassesCreated = n
	if err != nil {
		return c, err
	}
	c.EnrollmentsAdded, err = a.enroll()
	return c, err
}

// userWrite returns the write of an applied user's merged values.
func (a *applier) userWrite(u *userPlan) *sqlite.UserWrite {
	return &sqlite.UserWrite{
		UserID: u.val[core.ColUserID], First: u.val[core.ColFirstName], Last: u.val[core.ColLastName],
		Grade: u.grade, Email: u.val[core.ColEmail], Username: u.username, PwKind: u.pwKind, PwHash: u.pwHash,
	}
}

// assignUsernames gives every applied user their final username: typed, stored, or made
// from their name. Usernames typed anywhere in the file are reserved first, so a made
// one never takes a name that a failed row will claim when it is fixed.
func (a *applier) assignUsernames() error {
	// The stored usernames each generated one could collide with are fetched first, a
	// few hundred bases a query, instead of asking the database once per candidate.
	// Nothing is written before every username is assigned, so they cannot change.
	var bases []string
	seen := make(map[string]struct{})
	for _, u := range a.p.users {
		if u.applied && u.val[core.ColUsername] == "" && u.existing == nil {
			u.username = account.UsernameBase(u.val[core.ColFirstName], u.val[core.ColLastName])
			if _, ok := seen[u.username]; !ok {
				seen[u.username] = struct{}{}
				bases = append(bases, u.username)
			}
		}
	}
	stored, err := a.tx.UsernamesFrom(bases)
	if err != nil {
		return err
	}
	a.usernames = account.NewUsernames(func(k string) bool {
		_, taken := stored[k]
		return taken
	})
	for _, u := range a.p.users {
		if v := u.val[core.ColUsername]; v != "" {
			a.usernames.Reserve(v)
		}
	}
	for _, u := range a.p.users {
		if !u.applied {
			continue
		}
		switch {
		case u.val[core.ColUsername] != "":
			u.username = u.val[core.ColUsername]
		case u.existing != nil:
			u.username = u.existing.Username
		default:
			u.username = a.usernames.NextFor(u.username) // the base, set above
		}
	}
	return nil
}

// applyClasses creates and updates the classes of applied rows, and records their
// Master Codes. It returns how many classes it created.
func (a *applier) applyClasses() (int, error) {
	var inserts []*sqlite.ClassWrite
	var codes []sqlite.ClassCode
	for _, c := range a.p.classes {
		if !c.applied {
			continue
		}
		w := &sqlite.ClassWrite{SchoolID: a.j.schoolID, ClassID: c.val[core.ColClassID], Name: c.val[core.ColClassName],
			Grade: c.val[core.ColClassGrade], Start: c.val[core.ColClassStart], End: c.val[core.ColClassEnd]}
		if c.existing != nil {
			w.ID = c.existing.ID
			c.id = w.ID
			if err := a.tx.UpdateClass(w); err != nil {
				return 0, err
			}
			continue
		}
		w.GUID = c.guid
		if a.mode == core.ModeTeacher {
			w.PrimaryTeacher = a.j.actor.TeacherID
		} else {
			for _, r := range c.rows {
				if !r.failed && r.user.role == core.RoleTeacher {
					w.PrimaryTeacher = r.user.id
					break
				}
			}
		}
		inserts = append(inserts, w)
	}
	if err := a.tx.InsertClasses(inserts); err != nil {
		return 0, err
	}
	k := 0
	for _, c := range a.p.classes {
		if !c.applied {
			continue
		}
		if c.existing == nil {
			c.id = inserts[k].ID
			k++
		}
		seen := map[string]bool{}
		for _, r := range c.rows {
			if mc, ok := core.NormalizeMasterCode(r.row.cell(core.ColMasterCode)); ok && !r.failed && !seen[mc] {
				seen[mc] = true
				codes = append(codes, sqlite.ClassCode{ClassID: c.id, Code: mc})
			}
		}
	}
	return len(inserts), a.tx.AddCodes(codes)
}

// enroll links the users of applied rows to their classes; in a teacher's upload the
// teacher teaches every class they create.
func (a *applier) enroll() (int, error) {
	var es []sqlite.Enrollment
	for _, r := range a.p.rows {
		if !r.failed && r.class != nil {
			es = append(es, sqlite.Enrollment{ClassID: r.class.id, UserID: r.user.id, Role: r.user.role})
		}
	}
	if a.mode == core.ModeTeacher {
		for _, c := range a.p.classes {
			if c.applied && c.existing == nil {
				es = append(es, sqlite.Enrollment{ClassID: c.id, UserID: a.j.actor.TeacherID, Role: core.RoleTeacher})
			}
		}
	}
	return a.tx.Enroll(es)
}

// rowIssues returns every problem of a row: its own, its user's and its class's.
func rowIssues(r *rowPlan) []core.Issue {
	is := append([]core.Issue(nil), r.issues...)
	is = append(is, r.user.issues...)
	if r.class != nil {
		is = append(is, r.class.issues...)
	}
	return is
}

// notes returns the warnings and the first row errors, for the history and rosterctl.
func (a *applier) notes() []string {
	var out []string
	for _, w := range a.p.warnings {
		if len(out) >= MaxNotes {
			return out
		}
		out = append(out, "Warning: "+w.Text())
	}
	for _, r := range a.p.rows {
		if !r.failed {
			continue
		}
		if len(out) >= MaxNotes {
			break
		}
		out = append(out, "Row "+itoa(r.row.line)+": "+core.JoinIssues(rowIssues(r)))
	}
	return out
}
