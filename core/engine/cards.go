package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/report"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// CardSource says whose login cards to print (SPEC §10). Set exactly one of Upload,
// ResetClass, Teacher and Credentials.
type CardSource struct {
	// Upload prints the students of an upload's Completed File that were given a
	// temporary password, one card per row (a student in two classes gets a card for
	// each).
	Upload int64
	// ResetClass gives every student of the class a new temporary password and prints
	// them, so that the new passwords exist only in the PDF.
	ResetClass int64
	// Teacher prints a card for every student of every class of this teacher account,
	// with the temporary password the student was last given where a stored Completed
	// File still holds it and it still signs in. Nothing is reset: a student whose
	// password is gone gets a card that says to ask for a new one.
	Teacher int64
	// Credentials prints passwords the caller has just been given by ResetPassword or
	// ResetClassPasswords (the window's new-passwords box). Each card shows Class when it
	// is not 0, else the student's first class in School that the actor reaches.
	Credentials []core.Credential
	Class       int64
	School      int64
}

// CardsFile is the file WriteLoginCards prints into. *atomicfile.File is the one the
// front ends use.
type CardsFile interface {
	io.Writer
	// Sync makes what was written complete and durable without putting the file in
	// place yet; WriteLoginCards calls it before storing a reset's passwords.
	Sync() error
	// Publish puts the file in place (synced first if it was not), where the person who
	// asked for it will find it.
	Publish() error
	// Remove undoes whichever of these steps happened: after a failed Publish it
	// throws the unpublished file away, after Publish it deletes the file.
	Remove() error
}

// WriteLoginCards prints the login cards of src as one PDF into f and says what it
// printed. The rules of the rest of the engine hold: a teacher prints only the cards of
// their own uploads and classes, a School Organization Administrator only in their
// schools (ACCESS_UPLOAD, ACCESS_SCHOOL, ACCESS_CLASS, ACCESS_ACCOUNT otherwise).
//
// A card never shows a password that no longer signs in: each plaintext is checked
// against the account's stored hash and the 90 days, and a card whose password was used,
// expired or replaced says "ask your teacher" instead. An upload whose Completed File
// holds no password any more is CARDS_NO_PASSWORDS; a class or teacher without students
// CARDS_NO_STUDENTS.
//
// WriteLoginCards publishes f itself, and removes it on every failure: when it returns
// nil the PDF is in place, and when it returns an error there is no PDF and no password
// has changed. A ResetClass's new passwords exist only in the PDF, so neither may happen
// without the other: the PDF is rendered and synced, the passwords are stored in a
// transaction, f is published, and only then is the transaction committed. A failed
// Publish rolls the passwords back (the old ones still sign in); a failed commit after
// it removes the PDF again, and the error says so. opts.Printed defaults to the
// service's now.
func (s *Service) WriteLoginCards(ctx context.Context, actor Actor, f CardsFile, src CardSource, opts cards.Options) (res cards.Result, err error) {
	defer func() {
		if err != nil {
			err = discard(f, err)
		}
	}()
	set := 0
	for _, ok := range []bool{src.Upload != 0, src.ResetClass != 0, src.Teacher != 0, src.Credentials != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return cards.Result{}, core.Errorf(core.KindInvalid, "Say whose login cards to print: an upload, a class to reset, a teacher or new passwords.")
	}
	r, err := s.rights(ctx, actor)
	if err != nil {
		return cards.Result{}, err
	}
	if opts.Printed.IsZero() {
		opts.Printed = s.now()
	}
	var list []cards.Card
	switch {
	case src.ResetClass != 0:
		return s.resetClassCards(ctx, r, f, src.ResetClass, opts)
	case src.Upload != 0:
		list, err = s.uploadCards(ctx, r, src.Upload)
	case src.Teacher != 0:
		list, err = s.teacherCards(ctx, r, src.Teacher)
	default:
		list, err = s.credentialCards(ctx, r, src)
	}
	if err != nil {
		return cards.Result{}, err
	}
	if res, err = cards.Render(ctx, f, list, opts); err != nil {
		return cards.Result{}, err
	}
	return res, f.Publish()
}

// ClassByClassID finds a class of school schoolID by its Class ID (compared by
// core.Key). It returns KindNotFound when the school has no such class, and
// ACCESS_SCHOOL or ACCESS_CLASS when the actor does not reach it.
func (s *Service) ClassByClassID(ctx context.Context, actor Actor, schoolID int64, classID string) (core.Class, error) {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return core.Class{}, err
	}
	sc, err := s.school(ctx, r, schoolID)
	if err != nil {
		return core.Class{}, err
	}
	classes, err := s.db.Classes(ctx, schoolID, 0)
	if err != nil {
		return core.Class{}, err
	}
	key := core.Key(strings.TrimSpace(classID))
	for _, c := range classes {
		if core.Key(c.ClassID) == key {
			if _, err := s.class(ctx, r, c.ID); err != nil {
				return core.Class{}, err
			}
			return c, nil
		}
	}
	return core.Class{}, core.Errorf(core.KindNotFound, "%s has no class with the Class ID %q.", sc.Name, strings.TrimSpace(classID))
}

// signsIn reports whether pw is still the temporary password of an account whose
// password is of kind, hashed as hash and issued at issued: not yet used (a used one was
// replaced by a permanent password) and not older than the 90 days.
func signsIn(kind core.PasswordState, hash string, issued time.Time, pw string, now time.Time) bool {
	return pw != "" && kind == core.PasswordTemporary && now.Before(issued.Add(core.TempPasswordLifetime)) && account.Verify(hash, pw)
}

// livePassword returns pw when it still signs in to a, else "".
func livePassword(a sqlite.CardAccount, pw string, now time.Time) string {
	if signsIn(a.Password, a.Hash, a.IssuedAt, pw, now) {
		return pw
	}
	return ""
}

// cardOf makes the card of student a in class c of school.
func cardOf(school string, c core.Class, a core.Account, pw string) cards.Card {
	return cards.Card{School: school, ClassID: c.ClassID, ClassName: c.Name, Teacher: c.Teacher,
		FirstName: a.FirstName, LastName: a.LastName, Username: a.Username, Password: pw}
}

// completedRow is a student's row of a Completed File that holds a temporary password.
type completedRow struct {
	guid, first, last, username, password string
	classID, className, classGUID         string
}

// completedRows reads upload id's stored Completed File and returns its student rows
// that hold a temporary password; keep, when not nil, keeps only the rows of those
// GUIDs. It also says whether the file had student rows at all.
func (s *Service) completedRows(ctx context.Context, id int64, keep map[string]bool) (rows []completedRow, students int, err error) {
	file, err := s.db.File(ctx, id, string(core.FileCompleted))
	if err != nil {
		return nil, 0, err
	}
	t, err := report.NewTableReader(file.Reader())
	if err != nil {
		return nil, 0, fmt.Errorf("read stored %s: %w", core.FileCompleted, err)
	}
	h := t.Header()
	col := func(c core.Column) int { return indexOf(h, c) }
	guidC, roleC, firstC, lastC := col(core.ColUserGUID), col(core.ColRole), col(core.ColFirstName), col(core.ColLastName)
	userC, pwC, classC, nameC, classGUIDC := col(core.ColUsername), col(core.ColPassword), col(core.ColClassID), col(core.ColClassName), col(core.ColClassGUID)
	for cells := range t.Rows() {
		get := func(i int) string {
			if i >= 0 && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		// The teacher template has no Role column: every row is a student.
		if roleC >= 0 && !strings.EqualFold(get(roleC), string(core.RoleStudent)) {
			continue
		}
		students++
		row := completedRow{guid: get(guidC), first: get(firstC), last: get(lastC), username: get(userC), password: get(pwC),
			classID: get(classC), className: get(nameC), classGUID: get(classGUIDC)}
		if row.password == "" || row.guid == "" || keep != nil && !keep[row.guid] {
			continue
		}
		rows = append(rows, row)
	}
	if err := t.Err(); err != nil {
		return nil, 0, fmt.Errorf("read stored %s: %w", core.FileCompleted, err)
	}
	return rows, students, nil
}

// uploadCards makes the cards of upload id's Completed File, each joined with the
// student's account as it is now, the class and its primary teacher.
func (s *Service) uploadCards(ctx context.Context, r rights, id int64) ([]cards.Card, error) {
	rec, err := s.upload(ctx, r, id)
	if err != nil {
		return nil, err
	}
	if !rec.HasFile(core.FileCompleted) {
		return nil, core.Errorf(core.KindNotFound, "Upload %d has no Completed File, so it has no passwords to print.", id)
	}
	school, err := s.db.School(ctx, rec.SchoolID)
	if err != nil {
		return nil, err
	}
	rows, _, err := s.completedRows(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, core.Refusal(core.KindNotFound, core.CardsNoPasswords, itoa(int(id)), "")
	}
	guids := make([]string, len(rows))
	for i, row := range rows {
		guids[i] = row.guid
	}
	accounts, err := s.db.AccountsByGUID(ctx, guids)
	if err != nil {
		return nil, err
	}
	classes, err := s.db.Classes(ctx, rec.SchoolID, 0)
	if err != nil {
		return nil, err
	}
	byGUID, byKey := map[string]core.Class{}, map[string]core.Class{}
	for _, c := range classes {
		byGUID[c.GUID], byKey[core.Key(c.ClassID)] = c, c
	}
	// A teacher prints passwords only in the classes they teach (their upload may hold
	// a student in no class of theirs).
	var taught map[int64]bool
	if r.isTeacher() {
		mine, err := s.db.Classes(ctx, rec.SchoolID, r.teacher.ID)
		if err != nil {
			return nil, err
		}
		taught = map[int64]bool{}
		for _, c := range mine {
			taught[c.ID] = true
		}
	}
	now := s.now()
	out := make([]cards.Card, 0, len(rows))
	for _, row := range rows {
		c, ok := byGUID[row.classGUID]
		if !ok && row.classID != "" {
			c, ok = byKey[core.Key(row.classID)]
		}
		if !ok {
			c = core.Class{ClassID: row.classID, Name: row.className}
		}
		a, found := accounts[row.guid]
		if !found {
			// The account is gone: the card may name the student, but no password of
			// theirs signs in.
			out = append(out, cardOf(school.Name, c, core.Account{FirstName: row.first, LastName: row.last, Username: row.username}, ""))
			continue
		}
		pw := livePassword(a, row.password, now)
		if taught != nil && !taught[c.ID] {
			pw = ""
		}
		out = append(out, cardOf(school.Name, c, a.Account, pw))
	}
	return out, nil
}

// resetClassCards resets the passwords of class classID's students (as
// ResetClassPasswords) and prints their cards into f, in the order that never loses a
// password: render, sync, store, publish, commit (see WriteLoginCards). It leaves
// removing f on failure to WriteLoginCards; a commit that failed after f was published
// is a *commitFailed, so that the message can say whether the PDF is gone.
func (s *Service) resetClassCards(ctx context.Context, r rights, f CardsFile, classID int64, opts cards.Options) (cards.Result, error) {
	reset, err := s.newClassPasswords(ctx, r, classID)
	if err != nil {
		return cards.Result{}, err
	}
	school, err := s.db.School(ctx, reset.schoolID)
	if err != nil {
		return cards.Result{}, err
	}
	c, err := s.classInfo(ctx, reset.schoolID, classID)
	if err != nil {
		return cards.Result{}, err
	}
	list := make([]cards.Card, len(reset.students))
	for i, a := range reset.students {
		list[i] = cardOf(school.Name, c, a, reset.passwords[i])
	}
	res, err := cards.Render(ctx, f, list, opts)
	if err != nil {
		return cards.Result{}, err
	}
	if err := f.Sync(); err != nil {
		return cards.Result{}, err
	}
	published := false
	var publishErr error
	err = reset.storeThen(ctx, s, func() error {
		publishErr = f.Publish()
		published = publishErr == nil
		return publishErr
	})
	switch {
	case publishErr != nil:
		// Returned as Publish said it, not as the database layer dressed it: the
		// front ends name the file and what is wrong with it.
		return cards.Result{}, publishErr
	case err != nil && published:
		return cards.Result{}, &commitFailed{err}
	case err != nil:
		return cards.Result{}, err
	}
	return res, nil
}

// commitFailed is the error of a reset whose passwords could not be committed after its
// PDF was published: the PDF's passwords do not sign in.
type commitFailed struct{ err error }

func (e *commitFailed) Error() string { return "store new passwords: " + e.err.Error() }
func (e *commitFailed) Unwrap() error { return e.err }

// discard removes f after WriteLoginCards failed with err, and returns the error to
// report: err, except after a failed commit, where what must be said depends on whether
// the PDF could be removed.
func discard(f CardsFile, err error) error {
	rmErr := f.Remove()
	var cf *commitFailed
	if !errors.As(err, &cf) {
		return err
	}
	why := core.ErrorMessage(cf.err)
	if errors.Is(cf.err, context.Canceled) || errors.Is(cf.err, context.DeadlineExceeded) {
		why = "Printing was stopped before they were stored."
	}
	msg := "The new passwords could not be saved, so the old ones still work and the login cards were deleted. " + why
	if rmErr != nil {
		msg = "The new passwords could not be saved, so the old ones still work. Delete the login cards just saved: their passwords do not work. " + why
		// As text: the removal's *fs.PathError must not read as the reason the cards
		// were not written.
		err = fmt.Errorf("%w (and removing the cards failed: %v)", err, rmErr)
	}
	return &core.Error{Kind: core.KindStorage, Op: "reset and print", Message: msg, Err: err}
}

// classInfo returns class id of school schoolID with its name and primary teacher.
func (s *Service) classInfo(ctx context.Context, schoolID, id int64) (core.Class, error) {
	classes, err := s.db.Classes(ctx, schoolID, 0)
	if err != nil {
		return core.Class{}, err
	}
	for _, c := range classes {
		if c.ID == id {
			return c, nil
		}
	}
	return core.Class{}, core.Errorf(core.KindNotFound, "That class no longer exists.")
}

// teacherCards makes a card for every student of every class of teacher teacherID in the
// schools the rights reach, with the passwords stored Completed Files still hand out.
func (s *Service) teacherCards(ctx context.Context, r rights, teacherID int64) ([]cards.Card, error) {
	t, err := s.db.UserByID(ctx, teacherID)
	if err != nil {
		return nil, err
	}
	if t.Role != core.RoleTeacher {
		return nil, core.Refusal(core.KindInvalid, core.AdminNotTeacher, t.Username, "")
	}
	denied := core.Refusal(core.KindDenied, core.AccessAccount, t.FullName()+" ("+t.Username+")", "")
	if r.isTeacher() && t.ID != r.teacher.ID {
		return nil, denied
	}
	all, err := s.db.UserSchools(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	type member struct {
		school string
		class  core.Class
		a      core.Account
	}
	var members []member
	schools := map[int64]bool{}
	reached := false
	for _, sc := range all {
		if !r.reaches(sc.ID) {
			continue
		}
		reached = true
		classes, err := s.db.Classes(ctx, sc.ID, t.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range classes {
			students, err := s.db.Accounts(ctx, sqlite.AccountFilter{ClassID: c.ID, StudentsOnly: true})
			if err != nil {
				return nil, err
			}
			for _, a := range students {
				members = append(members, member{sc.Name, c, a})
				schools[sc.ID] = true
			}
		}
	}
	if !reached && len(all) > 0 {
		return nil, denied
	}
	if len(members) == 0 {
		return nil, core.Refusal(core.KindNotFound, core.CardsNoStudents, t.FullName(), "")
	}
	seen := map[string]bool{}
	guids := make([]string, 0, len(members))
	for _, m := range members {
		if !seen[m.a.GUID] {
			seen[m.a.GUID] = true
			guids = append(guids, m.a.GUID)
		}
	}
	accounts, err := s.db.AccountsByGUID(ctx, guids)
	if err != nil {
		return nil, err
	}
	live, err := s.storedPasswords(ctx, schools, accounts)
	if err != nil {
		return nil, err
	}
	out := make([]cards.Card, len(members))
	for i, m := range members {
		out[i] = cardOf(m.school, m.class, m.a, live[m.a.GUID])
	}
	return out, nil
}

// storedPasswords returns, by GUID, the password of each of accounts that a stored
// Completed File of an upload into schools still hands out and that still signs in.
//
// It reads only the files that can hold one. An account's temporary password is issued
// by an upload (or a reset) at one moment, which the account keeps as its issue time and
// the upload as the issue time of its file's passwords: so only an account whose
// temporary password has not expired can be found, and only in the file of an upload
// with the same issue time (or one stored before that time was recorded, which only
// reading tells). Those are read newest first, each for its own accounts only, until
// every account that can be found is.
func (s *Service) storedPasswords(ctx context.Context, schools map[int64]bool, accounts map[string]sqlite.CardAccount) (map[string]string, error) {
	now := s.now()
	live := map[string]string{}
	pending := map[string]bool{}
	issued := map[time.Time]bool{}
	for g, a := range accounts {
		if a.Password == core.PasswordTemporary && now.Before(a.IssuedAt.Add(core.TempPasswordLifetime)) {
			pending[g] = true
			issued[a.IssuedAt] = true
		}
	}
	if len(pending) == 0 {
		return live, nil
	}
	ids := make([]int64, 0, len(schools))
	for id := range schools {
		ids = append(ids, id)
	}
	files, err := s.db.CompletedFilesIssued(ctx, ids, slices.Collect(maps.Keys(issued)))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if len(pending) == 0 {
			break
		}
		keep := pending // an older upload's file may hold any of them
		if !f.IssuedAt.IsZero() {
			keep = map[string]bool{}
			for g := range pending {
				if accounts[g].IssuedAt.Equal(f.IssuedAt) {
					keep[g] = true
				}
			}
			if len(keep) == 0 {
				continue // its accounts were found in a newer file of the same moment
			}
		}
		rows, _, err := s.completedRows(ctx, f.Upload, keep)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if pw := livePassword(accounts[row.guid], row.password, now); pw != "" {
				live[row.guid] = pw
				delete(pending, row.guid)
			}
		}
	}
	return live, nil
}

// credentialCards makes the cards of passwords just issued, each checked against the
// account it belongs to.
func (s *Service) credentialCards(ctx context.Context, r rights, src CardSource) ([]cards.Card, error) {
	if len(src.Credentials) == 0 {
		return nil, core.Errorf(core.KindInvalid, "There are no new passwords to print.")
	}
	schoolID := src.School
	var fixed *core.Class
	if src.Class != 0 {
		var err error
		if schoolID, err = s.class(ctx, r, src.Class); err != nil {
			return nil, err
		}
		c, err := s.classInfo(ctx, schoolID, src.Class)
		if err != nil {
			return nil, err
		}
		fixed = &c
	}
	school, err := s.school(ctx, r, schoolID)
	if err != nil {
		return nil, err
	}
	classes, err := s.db.Classes(ctx, schoolID, r.teacher.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]core.Class{}
	for _, c := range classes {
		byID[c.ID] = c
	}
	now := s.now()
	out := make([]cards.Card, 0, len(src.Credentials))
	for _, cred := range src.Credentials {
		a, err := s.db.UserByUsername(ctx, cred.Username)
		if err != nil {
			return nil, err
		}
		if err := s.account(ctx, r, a); err != nil {
			return nil, err
		}
		stored, err := s.db.AccountsByGUID(ctx, []string{a.GUID})
		if err != nil {
			return nil, err
		}
		c := core.Class{}
		if fixed != nil {
			c = *fixed
		} else {
			ids, err := s.db.StudentClasses(ctx, a.ID, schoolID)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if cl, ok := byID[id]; ok {
					c = cl
					break
				}
			}
		}
		out = append(out, cardOf(school.Name, c, a, livePassword(stored[a.GUID], cred.Password, now)))
	}
	return out, nil
}
