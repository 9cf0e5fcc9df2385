package ui

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
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

	// runGate, when set, is called by RunPending for each upload once it is In Progress
	// (after a first progress report); a test blocks uploads with it.
	runGate func(ctx context.Context, u core.Upload) error
	// resume makes RunPending take uploads left In Progress too, as the engine does with
	// those a quit or a crash interrupted (without it they belong to a live process).
	resume bool
	// finished, when set, is called (under the lock) as RunPending finishes an upload.
	finished func(u *core.Upload)
	enqueue  func(req engine.UploadRequest) error
	check    func(req engine.UploadRequest) (engine.Result, error)
	history  func(f engine.HistoryFilter) // called before History answers
	resetPwd func(id int64) (core.Credential, error)
	// accountsPage, when set, is called by AccountsPage with its context and query (it
	// may block).
	accountsPage func(ctx context.Context, query string) error
	// classCreds, when set, is what ResetClassPasswords answers.
	classCreds []core.Credential

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

func newFakeEngine() *fakeEngine {
	return &fakeEngine{
		now:      time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC),
		accounts: map[int64][]core.Account{},
		classes:  map[int64][]core.Class{},
	}
}

// seeded returns an engine with an organization, two schools, accounts and a class.
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

func (f *fakeEngine) Init(_ context.Context, name string) (core.Org, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Init")
	if f.org == nil {
		f.org = &core.Org{Name: name}
	}
	return *f.org, nil
}

func (f *fakeEngine) InitSample(context.Context) (engine.SampleResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("InitSample")
	f.org = &core.Org{Name: "Sample District"}
	f.schools = append(f.schools, core.School{ID: 1, Name: "Sample Elementary"}, core.School{ID: 2, Name: "Sample Middle"})
	return engine.SampleResult{Org: *f.org, Admin: core.Credential{Name: "Sample Administrator", Username: "admin", Password: "Qw3rTy7uPk9mZx"}}, nil
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

func (f *fakeEngine) Schools(context.Context, engine.Actor) ([]core.School, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Schools")
	out := slices.Clone(f.schools)
	slices.SortFunc(out, func(a, b core.School) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (f *fakeEngine) Teachers(_ context.Context, _ engine.Actor, schoolID int64) ([]core.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("Teachers")
	var out []core.Account
	for _, a := range f.accounts[schoolID] {
		if a.Role == core.RoleTeacher {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeEngine) TeacherSchools(_ context.Context, _ engine.Actor, teacherID int64) ([]core.School, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("TeacherSchools")
	var out []core.School
	for _, s := range f.schools {
		for _, a := range f.accounts[s.ID] {
			if a.ID == teacherID && a.Role == core.RoleTeacher {
				out = append(out, s)
				break
			}
		}
	}
	return out, nil
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
		SchoolName: f.schoolName(req.SchoolID), UploadedBy: req.Actor.Name, Status: core.StatusQueued,
		UploadedAt: f.now, Files: []core.FileKind{core.FileUploaded},
	}
	f.uploads = append(f.uploads, u)
	return u, nil
}

func (f *fakeEngine) Check(_ context.Context, req engine.UploadRequest, progress func(core.Progress)) (engine.Result, error) {
	f.mu.Lock()
	f.record("Check")
	check := f.check
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
	f.mu.Unlock()
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
		up.Status = core.StatusCompletedWithError
		up.Counts = core.Counts{Rows: 3, Applied: 2, Failed: 1}
		up.Files = []core.FileKind{core.FileUploaded, core.FileCompleted, core.FileError}
		if f.finished != nil {
			f.finished(up)
		}
		f.version++
		f.mu.Unlock()
		progress(core.Progress{Upload: u.ID, Phase: core.PhaseDone, Done: 10, Total: 10})
		results = append(results, engine.Result{Upload: u.ID, FileName: u.FileName, Status: core.StatusCompletedWithError, Counts: up.Counts})
	}
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

func (f *fakeEngine) History(_ context.Context, _ engine.Actor, hf engine.HistoryFilter) ([]core.Upload, error) {
	f.mu.Lock()
	f.record("History")
	hook := f.history
	f.mu.Unlock()
	if hook != nil {
		hook(hf)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.Upload
	for i := len(f.uploads) - 1; i >= 0; i-- {
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

// fakePicker answers file dialogs: Open returns openPath, Save returns a file in dir;
// each remembers what it was asked.
type fakePicker struct {
	mu         sync.Mutex
	dir        string
	openPath   string
	err        error
	savedNames []string // default names the Save dialog suggested
	saved      []string // paths Save returned
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
