package ui

import (
	"context"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/report"
)

// fakeEngine is a small in-memory engine. Its function fields, when set, replace the
// default behaviour of one method; calls records each method called, in order.
type fakeEngine struct {
	mu       sync.Mutex
	now      time.Time
	org      *core.Org
	schools  []core.School
	accounts map[int64][]core.Account // by school
	classes  map[int64][]core.Class
	uploads  []core.Upload // oldest first
	calls    []string
	// lastActor is the actor of the last call that takes one.
	lastActor engine.Actor

	// Accounts that sign in: administrators, and the passwords of teachers and students
	// (by username, lower case). Sign-in answers as the engine does, in its words.
	operators []core.Operator
	passwords map[string]fakePassword
	fails     map[string]int
	paused    map[string]time.Time
	nextID    int64

	// runGate, when set, is called by RunPending for each upload once it is In Progress
	// (after a first progress report); a test blocks uploads with it.
	runGate func(ctx context.Context, u core.Upload) error
	// resume makes RunPending take uploads left In Progress too, as the engine does with
	// those a quit or a crash interrupted (without it they belong to a live process).
	resume bool
	// waitFn, when set, is called as RunPending starts, as the engine waits there for
	// another process's upload (and calls Options.OnWait).
	waitFn func(ctx context.Context) error
	// cancelled holds the running uploads Cancel was asked to stop: RunPending ends
	// them Cancelled once their gate lets them go on, as the engine stops a run before
	// its commit.
	cancelled map[int64]bool
	// finished, when set, is called (under the lock) as RunPending finishes an upload.
	finished func(u *core.Upload)
	enqueue  func(req engine.UploadRequest) error
	checkFn  func(req engine.UploadRequest) (engine.Result, error)
	history  func(f engine.HistoryFilter) // called before History answers
	resetPwd func(id int64) (core.Credential, error)
	// accountsPage, when set, is called by AccountsPage with its context and query (it
	// may block).
	accountsPage func(ctx context.Context, query string) error
	// classCreds, when set, is what ResetClassPasswords answers.
	classCreds []core.Credential
	// cardsFn, when set, answers WriteLoginCards; cardsAsked records each request.
	cardsFn    func(src engine.CardSource, opts cards.Options) (cards.Result, error)
	cardsAsked []cardsCall

	// version counts changes to the data, as the database's data_version does: tests
	// that change the fake's data behind the window's back call touch.
	version int
}

// touch records that the data changed (another process wrote).
func (f *fakeEngine) touch() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.version++
}

// fakeWatcher reports the fake's version changes, as engine.Watcher reports commits.
type fakeWatcher struct {
	f    *fakeEngine
	seen int
	init bool
}

func (w *fakeWatcher) Changed(context.Context) (bool, error) {
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	w.f.record("Changed")
	changed := w.init && w.f.version != w.seen
	w.seen, w.init = w.f.version, true
	return changed, nil
}

func (w *fakeWatcher) Close() error { return nil }

func (f *fakeEngine) Watch(context.Context) (engine.Watcher, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Watch")
	return &fakeWatcher{f: f}, nil
}

// fakePassword is an account's password as the fake keeps it: in the clear, with its
// kind and when a temporary one was issued.
type fakePassword struct {
	password  string
	temporary bool
	issued    time.Time
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{
		now:       time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC),
		accounts:  map[int64][]core.Account{},
		classes:   map[int64][]core.Class{},
		passwords: map[string]fakePassword{},
		fails:     map[string]int{},
		paused:    map[string]time.Time{},
		nextID:    100,
	}
}

// The seeded accounts' permanent passwords.
const (
	patPassword = "Riverside2026"
	anaPassword = "Chalkboard77"
)

// seeded returns an engine with an organization, two schools, accounts and a class, and
// an Organization Administrator, Pat Lee (username pat), who signs in with patPassword;
// Ana Diaz, a teacher at both schools, signs in as adiaz with anaPassword.
func seeded() *fakeEngine {
	f := newFakeEngine()
	f.org = &core.Org{Name: "Riverside USD"}
	f.schools = []core.School{{ID: 1, Name: "Lincoln Elementary"}, {ID: 2, Name: "Washington Middle"}}
	issued := f.now.Add(-10 * 24 * time.Hour)
	f.accounts[1] = []core.Account{
		{ID: 10, UserID: "T100", Role: core.RoleTeacher, FirstName: "Ana", LastName: "Diaz", Username: "adiaz", Password: core.PasswordPermanent, Classes: []string{"MATH3"}},
		{ID: 11, UserID: "S200", Role: core.RoleStudent, FirstName: "Ben", LastName: "Ng", Grade: "3", Username: "bng", Password: core.PasswordTemporary, IssuedAt: issued, Classes: []string{"MATH3"}},
		{ID: 12, UserID: "S201", Role: core.RoleStudent, FirstName: "Cleo", LastName: "Park", Grade: "3", Username: "cpark", Password: core.PasswordTemporary, IssuedAt: f.now.Add(-100 * 24 * time.Hour)},
	}
	f.accounts[2] = []core.Account{
		{ID: 10, UserID: "T100", Role: core.RoleTeacher, FirstName: "Ana", LastName: "Diaz", Username: "adiaz", Password: core.PasswordPermanent},
	}
	f.classes[1] = []core.Class{{ID: 5, ClassID: "MATH3", Name: "Math 3", Teacher: "Ana Diaz", Students: 1}}
	f.operators = []core.Operator{{ID: 1, Username: "pat", Name: "Pat Lee", Role: core.OperatorOrgAdmin, Password: core.PasswordPermanent}}
	f.passwords["pat"] = fakePassword{password: patPassword}
	f.passwords["adiaz"] = fakePassword{password: anaPassword}
	return f
}

func (f *fakeEngine) record(name string) {
	f.calls = append(f.calls, name)
}

// called reports how many times method name was called.
func (f *fakeEngine) called(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == name {
			n++
		}
	}
	return n
}

func (f *fakeEngine) actor() engine.Actor {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastActor
}

func (f *fakeEngine) Now() time.Time { return f.now }

func (f *fakeEngine) Org(context.Context) (core.Org, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Org")
	if f.org == nil {
		return core.Org{}, &core.Error{Kind: core.KindNotInitialized, Message: "no organization yet"}
	}
	return *f.org, nil
}

func (f *fakeEngine) InitSample(context.Context) (engine.SampleResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("InitSample")
	f.org = &core.Org{Name: "Sample District"}
	f.schools = append(f.schools, core.School{ID: 1, Name: "Sample Elementary"}, core.School{ID: 2, Name: "Sample Middle"})
	cred := core.Credential{Name: "Sample Administrator", Username: "admin", Password: "Qw3rTy7uPk9mZx", ExpiresAt: f.now.Add(core.TempPasswordLifetime)}
	f.operators = append(f.operators, core.Operator{ID: 1, Username: "admin", Name: cred.Name, Role: core.OperatorOrgAdmin, Password: core.PasswordTemporary, IssuedAt: f.now})
	f.passwords["admin"] = fakePassword{password: cred.Password, temporary: true, issued: f.now}
	return engine.SampleResult{Org: *f.org, Admin: cred}, nil
}

func (f *fakeEngine) AddSchool(_ context.Context, _ engine.Actor, name string) (core.School, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("AddSchool")
	for _, s := range f.schools {
		if strings.EqualFold(s.Name, name) {
			return core.School{}, &core.Error{Kind: core.KindConflict, Message: "A school named " + name + " already exists."}
		}
	}
	s := core.School{ID: int64(len(f.schools) + 1), Name: name}
	f.schools = append(f.schools, s)
	return s, nil
}

func (f *fakeEngine) RenameSchool(_ context.Context, _ engine.Actor, id int64, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RenameSchool")
	for i := range f.schools {
		if f.schools[i].ID == id {
			f.schools[i].Name = name
			return nil
		}
	}
	return &core.Error{Kind: core.KindNotFound, Message: "no such school"}
}

func (f *fakeEngine) Schools(_ context.Context, actor engine.Actor) ([]core.School, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Schools")
	f.lastActor = actor
	out, err := f.reach(actor)
	slices.SortFunc(out, func(a, b core.School) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

func (f *fakeEngine) UserByUsername(_ context.Context, _ engine.Actor, username string) (core.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UserByUsername")
	for _, accs := range f.accounts {
		for _, a := range accs {
			if strings.EqualFold(a.Username, username) {
				return a, nil
			}
		}
	}
	return core.Account{}, &core.Error{Kind: core.KindNotFound, Message: "no such user"}
}

func (f *fakeEngine) AccountsPage(ctx context.Context, actor engine.Actor, schoolID int64, query string, offset, limit int) (engine.AccountPage, error) {
	f.mu.Lock()
	f.record("AccountsPage")
	f.lastActor = actor
	hook := f.accountsPage
	f.mu.Unlock()
	if hook != nil {
		if err := hook(ctx, query); err != nil {
			return engine.AccountPage{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.Account
	q := core.SearchKey(strings.TrimSpace(query))
	for _, a := range f.accounts[schoolID] {
		if actor.TeacherID != 0 && a.Role != core.RoleStudent {
			continue
		}
		if q != "" && !strings.Contains(core.SearchKey(a.FirstName+" "+a.LastName+" "+a.Username+" "+a.UserID), q) {
			continue
		}
		out = append(out, a)
	}
	p := engine.AccountPage{Total: len(out)}
	if offset < len(out) {
		p.Accounts = slices.Clone(out[offset:min(offset+limit, len(out))])
	}
	return p, nil
}

func (f *fakeEngine) Classes(_ context.Context, actor engine.Actor, schoolID int64) ([]core.Class, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Classes")
	return slices.Clone(f.classes[schoolID]), nil
}

func (f *fakeEngine) WriteTemplate(w io.Writer, format core.Format, mode core.Mode) error {
	f.mu.Lock()
	f.record("WriteTemplate")
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "template %s mode=%d", format, mode)
	return err
}

func (f *fakeEngine) ExportUsers(_ context.Context, actor engine.Actor, w io.Writer, format core.Format, schoolID int64) error {
	f.mu.Lock()
	f.record("ExportUsers")
	f.lastActor = actor
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "users %s school=%d teacher=%d", format, schoolID, actor.TeacherID)
	return err
}

func (f *fakeEngine) ExportClasses(_ context.Context, actor engine.Actor, w io.Writer, format core.Format, schoolID int64) error {
	f.mu.Lock()
	f.record("ExportClasses")
	f.lastActor = actor
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "classes %s school=%d", format, schoolID)
	return err
}

func (f *fakeEngine) WriteTable(_ context.Context, w io.Writer, fm core.Format, sheet string, header []string, rows iter.Seq[[]string]) error {
	f.mu.Lock()
	f.record("WriteTable")
	f.mu.Unlock()
	return report.Write(w, fm, sheet, header, rows)
}

func (f *fakeEngine) ExportOneRoster(_ context.Context, actor engine.Actor, w io.Writer, schoolID int64) error {
	f.mu.Lock()
	f.record("ExportOneRoster")
	f.lastActor = actor
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "oneroster school=%d", schoolID)
	return err
}

func (f *fakeEngine) schoolName(id int64) string {
	for _, s := range f.schools {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

func (f *fakeEngine) Enqueue(_ context.Context, req engine.UploadRequest) (core.Upload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Enqueue")
	f.lastActor = req.Actor
	if f.enqueue != nil {
		if err := f.enqueue(req); err != nil {
			return core.Upload{}, err
		}
	}
	u := core.Upload{
		ID: int64(len(f.uploads) + 1), FileName: req.FileName, SchoolID: req.SchoolID,
		SchoolName: f.schoolName(req.SchoolID), UploadedBy: req.Actor.Name, TeacherID: req.Actor.TeacherID, Status: core.StatusQueued,
		UploadedAt: f.now, Files: []core.FileKind{core.FileUploaded},
	}
	f.uploads = append(f.uploads, u)
	return u, nil
}

func (f *fakeEngine) Check(_ context.Context, req engine.UploadRequest, progress func(core.Progress)) (engine.Result, error) {
	f.mu.Lock()
	f.record("Check")
	check := f.checkFn
	f.mu.Unlock()
	progress(core.Progress{Phase: core.PhaseChecking, Done: 1, Total: 3})
	if check != nil {
		return check(req)
	}
	return engine.Result{Status: core.StatusCompletedWithError, Counts: core.Counts{Rows: 3, Applied: 2, Failed: 1, UsersCreated: 2}, Notes: []string{"Row 4: First Name is missing."}}, nil
}

// RunPending runs every queued upload: each ends Completed with Errors (3 rows, 1 failed).
func (f *fakeEngine) RunPending(ctx context.Context, progress func(core.Progress)) ([]engine.Result, error) {
	f.mu.Lock()
	f.record("RunPending")
	wait := f.waitFn
	f.mu.Unlock()
	if wait != nil {
		if err := wait(ctx); err != nil {
			return nil, err
		}
	}
	var results []engine.Result
	for {
		f.mu.Lock()
		i := slices.IndexFunc(f.uploads, func(u core.Upload) bool {
			return u.Status == core.StatusQueued || f.resume && u.Status == core.StatusInProgress
		})
		if i < 0 {
			f.mu.Unlock()
			return results, nil
		}
		// Like the engine, an upload taken up again after a quit or a crash is marked
		// resumed (its second attempt).
		f.uploads[i].Resumed = f.uploads[i].Resumed || f.uploads[i].Status == core.StatusInProgress
		f.uploads[i].Status = core.StatusInProgress
		// Like the engine, the stored row lags behind the progress callback.
		f.uploads[i].Total = 10
		f.uploads[i].Done = 0
		u := f.uploads[i]
		gate := f.runGate
		f.mu.Unlock()
		progress(core.Progress{Upload: u.ID, Phase: core.PhaseApplying, Done: 5, Total: 10})
		if gate != nil {
			if err := gate(ctx, u); err != nil {
				return results, err
			}
		}
		f.mu.Lock()
		up := &f.uploads[i]
		if f.cancelled[up.ID] {
			up.Status, up.Message = core.StatusCancelled, "The upload was cancelled before it was saved: nothing in the file was applied."
			up.Files = nil
			f.version++
			f.mu.Unlock()
			results = append(results, engine.Result{Upload: u.ID, FileName: u.FileName, Status: up.Status, Message: up.Message, Resumed: up.Resumed})
			continue
		}
		up.Status = core.StatusCompletedWithError
		up.Counts = core.Counts{Rows: 3, Applied: 2, Failed: 1}
		up.Files = []core.FileKind{core.FileUploaded, core.FileCompleted, core.FileError}
		if f.finished != nil {
			f.finished(up)
		}
		f.version++
		f.mu.Unlock()
		progress(core.Progress{Upload: u.ID, Phase: core.PhaseDone, Done: 10, Total: 10})
		results = append(results, engine.Result{Upload: u.ID, FileName: u.FileName, Status: core.StatusCompletedWithError, Counts: up.Counts, Resumed: up.Resumed})
	}
}

// Cancel cancels a queued upload at once and marks a running one to end Cancelled, as
// the engine does; a finished one is a conflict, in the engine's words.
func (f *fakeEngine) Cancel(_ context.Context, actor engine.Actor, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Cancel")
	f.lastActor = actor
	for i := range f.uploads {
		u := &f.uploads[i]
		if u.ID != id {
			continue
		}
		switch u.Status {
		case core.StatusQueued:
			u.Status, u.Message, u.Files = core.StatusCancelled, "Cancelled by "+actor.Name+" before it ran: nothing in the file was applied.", nil
			f.version++
		case core.StatusInProgress:
			if f.cancelled == nil {
				f.cancelled = map[int64]bool{}
			}
			f.cancelled[id] = true
		default:
			return core.Errorf(core.KindConflict, "Upload %d has already finished (%s), so there is nothing to cancel.", id, u.Status)
		}
		return nil
	}
	return &core.Error{Kind: core.KindNotFound, Message: "no such upload"}
}

func (f *fakeEngine) Upload(_ context.Context, _ engine.Actor, id int64) (core.Upload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.uploads {
		if u.ID == id {
			return u, nil
		}
	}
	return core.Upload{}, &core.Error{Kind: core.KindNotFound, Message: "no such upload"}
}

func (f *fakeEngine) History(_ context.Context, actor engine.Actor, hf engine.HistoryFilter) ([]core.Upload, error) {
	f.mu.Lock()
	f.record("History")
	f.lastActor = actor
	hook := f.history
	f.mu.Unlock()
	if hook != nil {
		hook(hf)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.Upload
	if _, err := f.reach(actor); err != nil {
		return nil, err
	}
	for i := len(f.uploads) - 1; i >= 0; i-- {
		if actor.Role == core.OperatorTeacher && f.uploads[i].TeacherID != actor.TeacherID {
			continue
		}
		if hf.SchoolID == 0 || f.uploads[i].SchoolID == hf.SchoolID {
			out = append(out, f.uploads[i])
		}
	}
	if hf.Offset > len(out) {
		hf.Offset = len(out)
	}
	out = out[hf.Offset:]
	if hf.Limit > 0 && len(out) > hf.Limit {
		out = out[:hf.Limit]
	}
	return out, nil
}

func (f *fakeEngine) WriteUploadFile(_ context.Context, _ engine.Actor, w io.Writer, id int64, kind core.FileKind, format core.Format) error {
	f.mu.Lock()
	f.record("WriteUploadFile")
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "upload %d %s %s", id, kind, format)
	return err
}

func (f *fakeEngine) ResetPassword(_ context.Context, _ engine.Actor, id int64) (core.Credential, error) {
	f.mu.Lock()
	f.record("ResetPassword")
	hook := f.resetPwd
	f.mu.Unlock()
	if hook != nil {
		return hook(id)
	}
	return core.Credential{UserID: "S200", Name: "Ben Ng", Username: "bng", Password: "Kp7-wQ2x-Rt9m", ExpiresAt: f.now.Add(core.TempPasswordLifetime)}, nil
}

func (f *fakeEngine) ResetClassPasswords(_ context.Context, _ engine.Actor, classID int64) ([]core.Credential, error) {
	f.mu.Lock()
	f.record("ResetClassPasswords")
	creds := f.classCreds
	f.mu.Unlock()
	if creds != nil {
		return creds, nil
	}
	return []core.Credential{
		{UserID: "S200", Name: "Ben Ng", Username: "bng", Password: "Tz4-hY8p-Lm3q"},
		{UserID: "S201", Name: "Cleo Park", Username: "cpark", Password: "Vb6-nN2r-Qs5w"},
	}, nil
}

// cardsCall is one WriteLoginCards request the fake was given.
type cardsCall struct {
	actor engine.Actor
	src   engine.CardSource
	opts  cards.Options
}

// WriteLoginCards writes a fake PDF into pdf and publishes it, and, as the engine,
// removes it on every failure.
func (f *fakeEngine) WriteLoginCards(_ context.Context, actor engine.Actor, pdf engine.CardsFile, src engine.CardSource, opts cards.Options) (res cards.Result, err error) {
	f.mu.Lock()
	f.record("WriteLoginCards")
	f.cardsAsked = append(f.cardsAsked, cardsCall{actor, src, opts})
	hook := f.cardsFn
	f.mu.Unlock()
	defer func() {
		if err != nil {
			pdf.Remove()
		}
	}()
	res = cards.Result{Pages: 1, Cards: max(len(src.Credentials), 3)}
	if hook != nil {
		if res, err = hook(src, opts); err != nil {
			return res, err
		}
	}
	if _, err = fmt.Fprintf(pdf, "%%PDF-fake upload=%d reset=%d creds=%d class=%d school=%d layout=%d paper=%d qr=%v",
		src.Upload, src.ResetClass, len(src.Credentials), src.Class, src.School, opts.Layout, opts.Paper, opts.QR); err != nil {
		return res, err
	}
	return res, pdf.Publish()
}

// lastCards returns the last WriteLoginCards request.
func (f *fakeEngine) lastCards() (cardsCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cardsAsked) == 0 {
		return cardsCall{}, false
	}
	return f.cardsAsked[len(f.cardsAsked)-1], true
}

// fakePicker answers file dialogs: Open returns openPath, Save returns a file in dir;
// each remembers what it was asked.
type fakePicker struct {
	mu         sync.Mutex
	dir        string
	openPath   string
	err        error
	savedNames []string       // default names the Save dialog suggested
	saved      []string       // paths Save returned
	filters    [][]FileFilter // the filters of each Save
}

func (p *fakePicker) Open(title string, filters []FileFilter) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return "", p.err
	}
	return p.openPath, nil
}

func (p *fakePicker) Save(title, defaultName string, filters []FileFilter) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return "", p.err
	}
	p.savedNames = append(p.savedNames, defaultName)
	p.filters = append(p.filters, filters)
	path := p.dir + "/" + defaultName
	p.saved = append(p.saved, path)
	return path, nil
}

// lastSave returns the suggested name and the path of the last Save.
func (p *fakePicker) lastSave() (string, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.saved) == 0 {
		return "", ""
	}
	return p.savedNames[len(p.savedNames)-1], p.saved[len(p.saved)-1]
}

// reach returns the schools actor reaches, or the engine's refusal of an actor that is
// nobody or claims a role its account does not hold. Call it with f.mu held.
func (f *fakeEngine) reach(actor engine.Actor) ([]core.School, error) {
	switch actor.Role {
	case core.OperatorOrgAdmin, core.OperatorSchoolAdmin:
		op, ok := f.operatorByID(actor.OperatorID)
		if !ok {
			return nil, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
		}
		if op.Role != actor.Role {
			return nil, core.Refusal(core.KindDenied, core.AccessRoleNotHeld, string(actor.Role), "")
		}
		if op.Role == core.OperatorOrgAdmin {
			return slices.Clone(f.schools), nil
		}
		return slices.Clone(op.Schools), nil
	case core.OperatorTeacher:
		if actor.TeacherID == 0 {
			return nil, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
		}
		return f.teacherSchools(actor.TeacherID), nil
	}
	return nil, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
}

func (f *fakeEngine) teacherSchools(id int64) []core.School {
	var out []core.School
	for _, sc := range f.schools {
		if slices.ContainsFunc(f.accounts[sc.ID], func(a core.Account) bool { return a.ID == id }) {
			out = append(out, sc)
		}
	}
	return out
}

func (f *fakeEngine) operatorByID(id int64) (*core.Operator, bool) {
	for i := range f.operators {
		if f.operators[i].ID == id && id != 0 {
			return &f.operators[i], true
		}
	}
	return nil, false
}

// user finds a teacher's or student's account by username.
func (f *fakeEngine) user(username string) (core.Account, bool) {
	for _, sc := range f.schools {
		for _, a := range f.accounts[sc.ID] {
			if strings.EqualFold(a.Username, username) {
				return a, true
			}
		}
	}
	return core.Account{}, false
}

// session is what the engine's session gives an administrator or a teacher.
func (f *fakeEngine) session(operatorID, teacherID int64) (engine.Session, bool) {
	var sess engine.Session
	if op, ok := f.operatorByID(operatorID); ok {
		schools := op.Schools
		if op.Role == core.OperatorOrgAdmin {
			schools = slices.Clone(f.schools)
		}
		sess = engine.Session{Username: op.Username, Name: op.Name, OperatorID: op.ID, TeacherID: op.Teacher.ID,
			Roles: []engine.RoleGrant{{Role: op.Role, Schools: schools}}}
	} else if operatorID != 0 {
		return sess, false
	} else {
		found := false
		for _, sc := range f.schools {
			for _, a := range f.accounts[sc.ID] {
				if a.ID == teacherID && a.Role == core.RoleTeacher {
					sess, found = engine.Session{Username: a.Username, Name: a.FullName(), TeacherID: a.ID}, true
				}
			}
		}
		if !found {
			return sess, false
		}
	}
	if sess.TeacherID != 0 {
		sess.Roles = append(sess.Roles, engine.RoleGrant{Role: core.OperatorTeacher, Schools: f.teacherSchools(sess.TeacherID)})
	}
	return sess, true
}

func (f *fakeEngine) SetupState(context.Context) (engine.SetupState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetupState")
	switch {
	case f.org == nil:
		return engine.SetupNewDatabase, nil
	case len(f.operators) == 0:
		return engine.SetupNeedsAdmin, nil
	}
	return engine.SetupReady, nil
}

func (f *fakeEngine) Setup(_ context.Context, req engine.SetupRequest) (engine.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Setup")
	if len(f.operators) > 0 {
		return engine.Session{}, core.Refusal(core.KindConflict, core.AccessSetupDone, "", "")
	}
	if probs := account.PolicyProblems(req.Password, req.Admin.Username, req.Admin.Email); len(probs) > 0 {
		return engine.Session{}, core.RefusalItems(core.KindInvalid, core.SignInPasswordPolicy, probs)
	}
	if f.org == nil {
		f.org = &core.Org{Name: req.Org}
	}
	if req.School != "" && !slices.ContainsFunc(f.schools, func(s core.School) bool { return strings.EqualFold(s.Name, req.School) }) {
		f.schools = append(f.schools, core.School{ID: int64(len(f.schools) + 1), Name: req.School})
	}
	if len(f.schools) == 0 {
		return engine.Session{}, core.Errorf(core.KindInvalid, "Type the name of the organization's first school.")
	}
	op := f.addOperator(req.Admin, fakePassword{password: req.Password})
	sess, _ := f.session(op.ID, 0)
	return sess, nil
}

func (f *fakeEngine) addOperator(o engine.NewOperator, pw fakePassword) core.Operator {
	f.nextID++
	op := core.Operator{ID: f.nextID, Username: o.Username, Name: o.Name, Email: o.Email, Role: o.Role, CreatedAt: f.now}
	for _, sc := range f.schools {
		if o.Role == core.OperatorSchoolAdmin && slices.Contains(o.SchoolIDs, sc.ID) {
			op.Schools = append(op.Schools, sc)
		}
	}
	if t, ok := f.userByID(o.TeacherID); ok {
		op.Teacher = t
	}
	op.Password = core.PasswordPermanent
	if pw.temporary {
		op.Password, op.IssuedAt = core.PasswordTemporary, pw.issued
	}
	f.operators = append(f.operators, op)
	f.passwords[strings.ToLower(o.Username)] = pw
	return op
}

func (f *fakeEngine) userByID(id int64) (core.Account, bool) {
	for _, sc := range f.schools {
		for _, a := range f.accounts[sc.ID] {
			if a.ID == id && id != 0 {
				return a, true
			}
		}
	}
	return core.Account{}, false
}

func authAnswer(st engine.AuthStatus, code core.Code) engine.AuthResult {
	return engine.AuthResult{Status: st, Code: code, Reason: core.Issue{Code: code}.Text()}
}

func pausedAnswer(until time.Time, prefix string) engine.AuthResult {
	return engine.AuthResult{Status: engine.AuthLocked, Code: core.SignInLocked, LockedUntil: until,
		Reason: prefix + core.Issue{Code: core.SignInLocked, Value: until.Local().Format("15:04")}.Text()}
}

// check answers a username and password as the engine's sign-in does: five wrong in a
// row pause the username for five minutes, known or not. Call it with f.mu held.
func (f *fakeEngine) check(username, password string) (engine.AuthResult, bool) {
	key := strings.ToLower(strings.TrimSpace(username))
	if until := f.paused[key]; f.now.Before(until) {
		return pausedAnswer(until, ""), false
	}
	pw, known := f.passwords[key]
	right := known && pw.password == password
	if !right {
		f.fails[key]++
		if f.fails[key] >= 5 {
			f.fails[key] = 0
			f.paused[key] = f.now.Add(5 * time.Minute)
			return pausedAnswer(f.paused[key], core.Issue{Code: core.SignInWrong}.Problem()+" "), false
		}
		return authAnswer(engine.AuthRefused, core.SignInWrong), false
	}
	f.fails[key] = 0
	switch {
	case pw.temporary && !f.now.Before(pw.issued.Add(core.TempPasswordLifetime)):
		res := authAnswer(engine.AuthRefused, core.SignInExpired)
		res.Expired = true
		return res, true
	case pw.temporary:
		return authAnswer(engine.AuthChangeRequired, core.SignInChangeRequired), true
	}
	return engine.AuthResult{Status: engine.AuthOK}, true
}

func (f *fakeEngine) SignIn(_ context.Context, username, password string) (engine.AuthResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SignIn")
	res, right := f.check(username, password)
	if !right {
		return res, nil
	}
	if u, ok := f.user(username); ok && u.Role == core.RoleStudent {
		return authAnswer(engine.AuthRefused, core.SignInStudent), nil
	}
	if res.Status != engine.AuthOK {
		return res, nil
	}
	for _, op := range f.operators {
		if strings.EqualFold(op.Username, username) {
			res.Session, _ = f.session(op.ID, 0)
			return res, nil
		}
	}
	u, _ := f.user(username)
	res.Session, _ = f.session(0, u.ID)
	return res, nil
}

func (f *fakeEngine) ChangePassword(_ context.Context, username, current, newPassword string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ChangePassword")
	res, right := f.check(username, current)
	if !right || res.Status == engine.AuthRefused {
		return &core.Error{Kind: core.KindInvalid, Code: res.Code, Message: res.Reason}
	}
	probs := account.PolicyProblems(newPassword, username, "")
	if newPassword == current {
		probs = append(probs, "it is the same as the current password")
	}
	if len(probs) > 0 {
		return core.RefusalItems(core.KindInvalid, core.SignInPasswordPolicy, probs)
	}
	f.passwords[strings.ToLower(strings.TrimSpace(username))] = fakePassword{password: newPassword}
	for i := range f.operators {
		if strings.EqualFold(f.operators[i].Username, username) {
			f.operators[i].Password = core.PasswordPermanent
		}
	}
	return nil
}

func (f *fakeEngine) RefreshSession(_ context.Context, sess engine.Session) (engine.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RefreshSession")
	fresh, ok := f.session(sess.OperatorID, sess.TeacherID)
	if !ok {
		return engine.Session{}, core.Refusal(core.KindDenied, core.AccessSignedOut, "", "")
	}
	return fresh, nil
}

// orgAdmin refuses anyone but an Organization Administrator. Call it with f.mu held.
func (f *fakeEngine) orgAdmin(actor engine.Actor, what string) error {
	if _, err := f.reach(actor); err != nil {
		return err
	}
	if actor.Role != core.OperatorOrgAdmin {
		return core.Refusal(core.KindDenied, core.AccessOrgAdmin, what, "")
	}
	return nil
}

func (f *fakeEngine) Operators(_ context.Context, actor engine.Actor) ([]core.Operator, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Operators")
	if err := f.orgAdmin(actor, "list the administrators"); err != nil {
		return nil, err
	}
	out := slices.Clone(f.operators)
	for i := range out {
		if until := f.paused[strings.ToLower(out[i].Username)]; f.now.Before(until) {
			out[i].LockedUntil = until
		}
	}
	slices.SortFunc(out, func(a, b core.Operator) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// The temporary passwords the fake issues: one per call, predictable.
func (f *fakeEngine) newTemporary() fakePassword {
	f.nextID++
	return fakePassword{password: fmt.Sprintf("Tmp%dKx7Qw", f.nextID), temporary: true, issued: f.now}
}

func (f *fakeEngine) AddOperator(_ context.Context, actor engine.Actor, o engine.NewOperator) (core.Operator, core.Credential, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("AddOperator")
	if err := f.orgAdmin(actor, "add an administrator"); err != nil {
		return core.Operator{}, core.Credential{}, err
	}
	if _, taken := f.passwords[strings.ToLower(o.Username)]; taken {
		return core.Operator{}, core.Credential{}, core.Refusal(core.KindConflict, core.AdminUsernameTaken, o.Username, "")
	}
	if o.Role == core.OperatorSchoolAdmin && len(o.SchoolIDs) == 0 {
		return core.Operator{}, core.Credential{}, core.Refusal(core.KindInvalid, core.AdminNoSchool, "", "")
	}
	pw := f.newTemporary()
	op := f.addOperator(o, pw)
	return op, core.Credential{Name: op.Name, Username: op.Username, Password: pw.password, ExpiresAt: f.now.Add(core.TempPasswordLifetime)}, nil
}

func (f *fakeEngine) SetOperatorSchools(_ context.Context, actor engine.Actor, id int64, schoolIDs []int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetOperatorSchools")
	if err := f.orgAdmin(actor, "change an administrator's schools"); err != nil {
		return err
	}
	op, ok := f.operatorByID(id)
	if !ok {
		return core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	op.Schools = nil
	for _, sc := range f.schools {
		if slices.Contains(schoolIDs, sc.ID) {
			op.Schools = append(op.Schools, sc)
		}
	}
	return nil
}

// lastOrgAdmin refuses to take the role of the last Organization Administrator.
func (f *fakeEngine) lastOrgAdmin(op *core.Operator) error {
	if op.Role != core.OperatorOrgAdmin {
		return nil
	}
	for _, o := range f.operators {
		if o.ID != op.ID && o.Role == core.OperatorOrgAdmin {
			return nil
		}
	}
	return core.Refusal(core.KindConflict, core.AccessLastOrgAdmin, op.Name, "")
}

func (f *fakeEngine) SetOperatorRole(_ context.Context, actor engine.Actor, id int64, role core.OperatorRole) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetOperatorRole")
	if err := f.orgAdmin(actor, "change an administrator's role"); err != nil {
		return err
	}
	op, ok := f.operatorByID(id)
	if !ok {
		return core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	if role != core.OperatorOrgAdmin {
		if err := f.lastOrgAdmin(op); err != nil {
			return err
		}
	}
	op.Role = role
	return nil
}

func (f *fakeEngine) SetOperatorTeacher(_ context.Context, actor engine.Actor, id, teacherID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetOperatorTeacher")
	if err := f.orgAdmin(actor, "link an administrator to a teacher account"); err != nil {
		return err
	}
	op, ok := f.operatorByID(id)
	if !ok {
		return core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	op.Teacher, _ = f.userByID(teacherID)
	return nil
}

func (f *fakeEngine) ResetOperatorPassword(_ context.Context, actor engine.Actor, id int64) (core.Credential, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("ResetOperatorPassword")
	if err := f.orgAdmin(actor, "reset an administrator's password"); err != nil {
		return core.Credential{}, err
	}
	op, ok := f.operatorByID(id)
	if !ok {
		return core.Credential{}, core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	pw := f.newTemporary()
	key := strings.ToLower(op.Username)
	f.passwords[key] = pw
	delete(f.paused, key)
	op.Password, op.IssuedAt = core.PasswordTemporary, f.now
	return core.Credential{Name: op.Name, Username: op.Username, Password: pw.password, ExpiresAt: f.now.Add(core.TempPasswordLifetime)}, nil
}

func (f *fakeEngine) RemoveOperator(_ context.Context, actor engine.Actor, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("RemoveOperator")
	if err := f.orgAdmin(actor, "remove an administrator"); err != nil {
		return err
	}
	op, ok := f.operatorByID(id)
	if !ok {
		return core.Refusal(core.KindNotFound, core.AdminNotFound, "", "")
	}
	if err := f.lastOrgAdmin(op); err != nil {
		return err
	}
	delete(f.passwords, strings.ToLower(op.Username))
	f.operators = slices.DeleteFunc(f.operators, func(o core.Operator) bool { return o.ID == id })
	return nil
}

// timerClock is the auto-lock's clock in tests: it moves only when told, and then calls
// the functions whose time has come.
type timerClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*pendingTimer
}

type pendingTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func (c *timerClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *timerClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &pendingTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// Advance moves the clock on by d and fires the timers that came due.
func (c *timerClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*pendingTimer
	keep := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case !t.at.After(c.now):
			t.stopped = true
			due = append(due, t)
		default:
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

// pending is how many timers wait.
func (c *timerClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// blockRuns makes every upload the fake runs wait, once In Progress, until release is
// closed; running is closed when the first one starts waiting.
func (f *fakeEngine) blockRuns() (running, release chan struct{}) {
	running, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.runGate = func(ctx context.Context, u core.Upload) error {
		once.Do(func() { close(running) })
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return running, release
}
