package engine_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// printedCard is one login card as pdftotext reads it back.
type printedCard struct {
	text     string // the page's text, runs of white space made one space
	username string
	password string // "" when the card says to ask for a new password
}

// oneUp prints one card a page, so each page of the PDF is one card.
var oneUp = cards.Options{Layout: cards.OneUp, Paper: cards.Letter}

var cardRE = regexp.MustCompile(`Username (\S+) Password (This password no longer works|\S+)`)

// readCards reads a login-card PDF printed one card a page back with pdftotext.
func readCards(t *testing.T, pdf []byte) []printedCard {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cards.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var list []printedCard
	for _, text := range cardstest.Pages(t, path) {
		m := cardRE.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("page %q is not a login card", text)
		}
		c := printedCard{text: text, username: m[1], password: m[2]}
		if strings.HasPrefix(c.password, "This password no longer works") {
			c.password = ""
		}
		list = append(list, c)
	}
	return list
}

// printCards prints src as actor, one card a page, and reads the cards back.
func (e *env) printCards(actor engine.Actor, src engine.CardSource) (cards.Result, []printedCard) {
	e.t.Helper()
	var pdf pdfFile
	res, err := e.svc.WriteLoginCards(e.ctx, actor, &pdf, src, oneUp)
	if err != nil {
		e.t.Fatalf("WriteLoginCards(%+v): %v", src, err)
	}
	if !pdf.published || pdf.removed {
		e.t.Fatalf("WriteLoginCards(%+v) succeeded with the PDF published %v, removed %v", src, pdf.published, pdf.removed)
	}
	t := e.t.(*testing.T)
	return res, readCards(t, pdf.Bytes())
}

// byUsername indexes cards by username; a username printed twice fails the test.
func byUsername(t *testing.T, list []printedCard) map[string]printedCard {
	t.Helper()
	out := map[string]printedCard{}
	for _, c := range list {
		if _, dup := out[c.username]; dup {
			t.Errorf("username %s is on two cards", c.username)
		}
		out[c.username] = c
	}
	return out
}

// signsIn reports whether pw is a temporary password that signs in to username.
func (e *env) signsIn(username, pw string) bool {
	e.t.Helper()
	r, err := e.svc.Authenticate(e.ctx, username, pw)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Status == engine.AuthChangeRequired
}

// completedPasswords returns the temporary passwords of an upload's Completed File by
// username.
func (e *env) completedPasswords(id int64) map[string]string {
	e.t.Helper()
	rows := e.table(id, core.FileCompleted, core.FormatCSV)
	users, pws := column(e.t, rows, core.ColUsername.String()), column(e.t, rows, core.ColPassword.String())
	out := map[string]string{}
	for i := range users {
		if pws[i] != "" {
			out[users[i]] = pws[i]
		}
	}
	return out
}

func TestLoginCardsFromUpload(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport(append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,",
		"S2,Student,Noah,Smith,,MATH,",
		"S3,Student,Zoë,Nguyễn,,READ,",
		"S4,Student,Omar,Haddad,,,")...)
	temp := e.completedPasswords(res.Upload)
	ava, noah, zoe, omar := e.user("S1"), e.user("S2"), e.user("S3"), e.user("S4")

	t.Run("OK", func(t *testing.T) {
		r, list := e.printCards(admin, engine.CardSource{Upload: res.Upload})
		if r.Cards != 4 || r.Pages != 4 || r.NoPassword != 0 {
			t.Errorf("Result = %+v, want 4 cards on 4 pages, every one with its password", r)
		}
		got := byUsername(t, list)
		for _, a := range []core.Account{ava, noah, zoe, omar} {
			c, ok := got[a.Username]
			if !ok {
				t.Errorf("no card for %s", a.Username)
				continue
			}
			if c.password != temp[a.Username] {
				t.Errorf("card of %s shows password %q, want the Completed File's %q", a.Username, c.password, temp[a.Username])
			}
			if !strings.Contains(c.text, "Lincoln Elementary") || !strings.Contains(c.text, a.FullName()) {
				t.Errorf("card of %s = %q, want the school and %q", a.Username, c.text, a.FullName())
			}
		}
		for _, tt := range []struct{ username, class string }{
			{ava.Username, "Math 3A · Maria Garcia"}, {zoe.Username, "Reading 3B · James Oconnor"}, {omar.Username, "No class"},
		} {
			if !strings.Contains(got[tt.username].text, tt.class) {
				t.Errorf("card of %s = %q, want the class line %q", tt.username, got[tt.username].text, tt.class)
			}
		}
		for _, teacher := range []string{e.user("T1").Username, e.user("T2").Username} {
			if _, ok := got[teacher]; ok {
				t.Errorf("teacher %s has a card", teacher)
			}
		}
	})

	t.Run("UsedPasswordNotPrinted", func(t *testing.T) {
		if err := e.svc.ChangePassword(e.ctx, ava.Username, temp[ava.Username], "Sunflower2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ResetPassword(e.ctx, admin, noah.ID); err != nil {
			t.Fatal(err)
		}
		r, list := e.printCards(admin, engine.CardSource{Upload: res.Upload})
		got := byUsername(t, list)
		for _, u := range []string{ava.Username, noah.Username} {
			if c := got[u]; c.password != "" || strings.Contains(c.text, temp[u]) {
				t.Errorf("card of %s = %q, want no password: it was used or replaced", u, c.text)
			}
		}
		if got[zoe.Username].password != temp[zoe.Username] {
			t.Errorf("card of %s lost its password", zoe.Username)
		}
		if r.NoPassword != 2 {
			t.Errorf("NoPassword = %d, want 2", r.NoPassword)
		}
	})

	t.Run("ExpiredPasswordNotPrinted", func(t *testing.T) {
		e.clock.Add(core.TempPasswordLifetime)
		r, list := e.printCards(admin, engine.CardSource{Upload: res.Upload})
		for _, c := range list {
			if c.password != "" {
				t.Errorf("card of %s shows %q after 90 days", c.username, c.password)
			}
			// SPEC §10: the card says to ask the teacher; it must not give a reason
			// that is false here (nobody signed in with these passwords).
			if strings.Contains(c.text, "Signed in") {
				t.Errorf("card of %s, whose password expired unused, reads %q", c.username, c.text)
			}
		}
		if r.NoPassword != len(list) {
			t.Errorf("NoPassword = %d, want every card (%d)", r.NoPassword, len(list))
		}
	})

	t.Run("CardsNoPasswords", func(t *testing.T) {
		// Once no password of the file signs in, the file forgets them all.
		if _, err := e.svc.ScrubCompletedFiles(e.ctx); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.WriteLoginCards(e.ctx, admin, &pdfFile{}, engine.CardSource{Upload: res.Upload}, oneUp)
		if core.ErrorCode(err) != core.CardsNoPasswords {
			t.Errorf("WriteLoginCards(scrubbed upload) = %v, want CARDS_NO_PASSWORDS", err)
		}
	})
}

func TestLoginCardsTeacherUploadOnlyOwnClasses(t *testing.T) {
	w := newWorld(t)
	_, list := w.printCards(w.maria, engine.CardSource{Upload: w.up["maria"]})
	liam := w.user("S4")
	if len(list) != 1 || list[0].username != liam.Username || list[0].password == "" {
		t.Fatalf("Maria's cards of her upload = %+v, want Liam's with his password", list)
	}
	// A student her upload made in no class of hers: a card, without the password.
	res := w.upload("noclass.csv", csvOf("Student ID,First Name,Last Name", "S8,Ella,Brown"), w.schoolA, w.maria)
	if res.Status != core.StatusCompleted {
		t.Fatalf("import: %s %q", res.Status, res.Notes)
	}
	_, list = w.printCards(w.maria, engine.CardSource{Upload: res.Upload})
	if len(list) != 1 || list[0].password != "" {
		t.Errorf("Maria's card of a student in none of her classes = %+v, want no password", list)
	}
}

func TestLoginCardsResetClass(t *testing.T) {
	e := newEnv(t)
	res := e.mustImport(append(slices.Clone(classTeachers),
		"S1,Student,Ava,Johnson,,MATH,", "S2,Student,Noah,Smith,,MATH,", "S3,Student,Zoë,Nguyễn,,READ,")...)
	old := e.completedPasswords(res.Upload)
	math := e.classes(e.schoolA)["MATH"]
	ava, noah, zoe := e.user("S1"), e.user("S2"), e.user("S3")

	t.Run("WriteFailsNothingReset", func(t *testing.T) {
		_, err := e.svc.WriteLoginCards(e.ctx, admin, &pdfFile{failWrite: true}, engine.CardSource{ResetClass: math.ID}, oneUp)
		if err == nil {
			t.Fatal("WriteLoginCards to a failing writer: no error")
		}
		for _, a := range []core.Account{ava, noah} {
			if !e.signsIn(a.Username, old[a.Username]) {
				t.Errorf("%s's password stopped working though no card was written", a.Username)
			}
		}
	})

	// stillOld fails the test unless Ava's and Noah's passwords are the ones their upload
	// gave them.
	stillOld := func(t *testing.T) {
		t.Helper()
		for _, a := range []core.Account{ava, noah} {
			if !e.signsIn(a.Username, old[a.Username]) {
				t.Errorf("%s's old password stopped working, yet no card was printed", a.Username)
			}
		}
	}
	src := engine.CardSource{ResetClass: math.ID}

	t.Run("SyncFailsNothingReset", func(t *testing.T) {
		f := &pdfFile{failSync: true}
		if _, err := e.svc.WriteLoginCards(e.ctx, admin, f, src, oneUp); err == nil {
			t.Fatal("WriteLoginCards with a failing Sync: no error")
		}
		if f.published || !f.removed {
			t.Errorf("the PDF was published %v, removed %v; want removed only", f.published, f.removed)
		}
		stillOld(t)
	})

	t.Run("RenameFailsNothingReset", func(t *testing.T) {
		// A real file whose rename fails: a folder took its name after it was created.
		dir := t.TempDir()
		path := filepath.Join(dir, "MATH.pdf")
		f, err := atomicfile.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := os.MkdirAll(filepath.Join(path, "in the way"), 0o700); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.WriteLoginCards(e.ctx, admin, f, src, oneUp)
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != path || atomicfile.Problem(err) == "" {
			t.Errorf("WriteLoginCards with a failing rename = %v, want the file's own error naming %s", err, path)
		}
		stillOld(t)
		if entries, _ := os.ReadDir(dir); len(entries) != 1 || !entries[0].IsDir() {
			t.Errorf("%s holds %v, want only the folder in the way: no PDF, no temporary file", dir, entries)
		}
	})

	t.Run("CommitFailsPDFRemoved", func(t *testing.T) {
		// The PDF is put in place, then the commit fails: here because printing is
		// stopped between the two, which database/sql turns into a failed commit.
		path := filepath.Join(t.TempDir(), "MATH.pdf")
		f, err := atomicfile.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		_, err = e.svc.WriteLoginCards(ctx, admin, publishThen{f, func() {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("after Publish: %v", err)
			}
			cancel()
		}}, src, oneUp)
		if core.ErrorKind(err) != core.KindStorage || !strings.Contains(core.ErrorMessage(err), "the old ones still work and the login cards were deleted") {
			t.Errorf("WriteLoginCards whose commit fails = %v (%q), want a storage error saying the cards were deleted", err, core.ErrorMessage(err))
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the PDF of passwords that were not stored is still there: %v", err)
		}
		stillOld(t)
	})

	t.Run("CommitFailsRemoveFails", func(t *testing.T) {
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		f := &pdfFile{failRemove: true, publish: func() error { cancel(); return nil }}
		_, err := e.svc.WriteLoginCards(ctx, admin, f, src, oneUp)
		if !strings.Contains(core.ErrorMessage(err), "Delete the login cards just saved: their passwords do not work.") {
			t.Errorf("WriteLoginCards whose commit and removal fail says %q, want to delete the cards", core.ErrorMessage(err))
		}
		stillOld(t)
	})

	t.Run("OK", func(t *testing.T) {
		r, list := e.printCards(admin, engine.CardSource{ResetClass: math.ID})
		if r.Cards != 2 || r.NoPassword != 0 {
			t.Errorf("Result = %+v, want 2 cards with passwords", r)
		}
		got := byUsername(t, list)
		for _, a := range []core.Account{ava, noah} {
			c := got[a.Username]
			if c.password == "" || c.password == old[a.Username] {
				t.Errorf("card of %s shows %q, want a new password", a.Username, c.password)
			}
			if !e.signsIn(a.Username, c.password) {
				t.Errorf("the printed password of %s does not sign in", a.Username)
			}
			if e.signsIn(a.Username, old[a.Username]) {
				t.Errorf("the old password of %s still signs in", a.Username)
			}
			if !strings.Contains(c.text, "Math 3A · Maria Garcia") {
				t.Errorf("card of %s = %q, want the class and its teacher", a.Username, c.text)
			}
		}
		if _, ok := got[zoe.Username]; ok {
			t.Error("a student of another class has a card")
		}
		if !e.signsIn(zoe.Username, old[zoe.Username]) {
			t.Error("the reset touched a student of another class")
		}
	})

	t.Run("EmptyClass", func(t *testing.T) {
		e.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T9,Teacher,Ines,Ruiz,iruiz@lincoln.example.org,ART,Art")
		art := e.classes(e.schoolA)["ART"]
		_, err := e.svc.WriteLoginCards(e.ctx, admin, &pdfFile{}, engine.CardSource{ResetClass: art.ID}, oneUp)
		if core.ErrorKind(err) != core.KindNotFound {
			t.Errorf("WriteLoginCards(reset of a class without students) = %v, want KindNotFound", err)
		}
	})
}

// pdfFile is a CardsFile in memory that records what WriteLoginCards did with it.
// failWrite and failSync stand in for a full disk; publish, when not nil, runs as
// Publish; failRemove makes Remove fail.
type pdfFile struct {
	bytes.Buffer
	failWrite, failSync, failRemove bool
	publish                         func() error
	synced, published, removed      bool
}

func (f *pdfFile) Write(p []byte) (int, error) {
	if f.failWrite {
		return 0, errors.New("disk full")
	}
	return f.Buffer.Write(p)
}

func (f *pdfFile) Sync() error {
	if f.failSync {
		return errors.New("disk full")
	}
	f.synced = true
	return nil
}

func (f *pdfFile) Publish() error {
	if f.publish != nil {
		if err := f.publish(); err != nil {
			return err
		}
	}
	f.published = true
	return nil
}

func (f *pdfFile) Remove() error {
	if f.failRemove {
		return errors.New("permission denied")
	}
	f.removed = true
	return nil
}

// publishThen is an atomicfile.File that calls after once it is published.
type publishThen struct {
	*atomicfile.File
	after func()
}

func (p publishThen) Publish() error {
	err := p.File.Publish()
	if err == nil {
		p.after()
	}
	return err
}

// TestLoginCardsPublished: the cards of a source that changes nothing are published, and
// removed when publishing fails.
func TestLoginCardsPublished(t *testing.T) {
	w := newWorld(t)
	src := engine.CardSource{Upload: w.up["adminA"]}
	f := &pdfFile{publish: func() error { return errors.New("rename failed") }}
	if _, err := w.svc.WriteLoginCards(w.ctx, admin, f, src, oneUp); err == nil || !f.removed {
		t.Errorf("WriteLoginCards with a failing Publish = %v, removed %v; want the error and the file removed", err, f.removed)
	}
	f = &pdfFile{failWrite: true}
	if _, err := w.svc.WriteLoginCards(w.ctx, admin, f, src, oneUp); err == nil || f.published || !f.removed {
		t.Errorf("WriteLoginCards with a failing Write = %v, published %v, removed %v", err, f.published, f.removed)
	}
}

func TestLoginCardsTeacher(t *testing.T) {
	w := newWorld(t)
	maria := w.user("T1")
	ava, liam := w.user("S1"), w.user("S4")
	temp := w.completedPasswords(w.up["adminA"])
	for k, v := range w.completedPasswords(w.up["maria"]) {
		temp[k] = v
	}
	if _, err := w.svc.ResetPassword(w.ctx, admin, liam.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		name  string
		actor engine.Actor
	}{{"Maria", w.maria}, {"SchoolAdmin", w.schoolAdmin}, {"OrgAdmin", w.orgAdmin}} {
		t.Run(who.name, func(t *testing.T) {
			r, list := w.printCards(who.actor, engine.CardSource{Teacher: maria.ID})
			got := byUsername(t, list)
			if len(got) != 2 || r.Cards != 2 {
				t.Fatalf("cards = %+v, want Ava's and Liam's (MATH)", list)
			}
			if got[ava.Username].password != temp[ava.Username] {
				t.Errorf("Ava's card shows %q, want her Completed File's password", got[ava.Username].password)
			}
			// Liam's password was reset after his upload: it is in no file, so his card
			// has none, and never the stale one.
			if c := got[liam.Username]; c.password != "" || strings.Contains(c.text, temp[liam.Username]) {
				t.Errorf("Liam's card = %q, want no password", c.text)
			}
		})
	}
	t.Run("CardsNoStudents", func(t *testing.T) {
		w.mustImport("User ID,Role,First Name,Last Name,Email,Class ID,Class Name", "T9,Teacher,Ines,Ruiz,iruiz@lincoln.example.org,ART,Art")
		_, err := w.svc.WriteLoginCards(w.ctx, admin, &pdfFile{}, engine.CardSource{Teacher: w.user("T9").ID}, oneUp)
		if core.ErrorCode(err) != core.CardsNoStudents {
			t.Errorf("WriteLoginCards(teacher without students) = %v, want CARDS_NO_STUDENTS", err)
		}
	})
	t.Run("NotATeacher", func(t *testing.T) {
		_, err := w.svc.WriteLoginCards(w.ctx, admin, &pdfFile{}, engine.CardSource{Teacher: ava.ID}, oneUp)
		if core.ErrorCode(err) != core.AdminNotTeacher {
			t.Errorf("WriteLoginCards(a student as teacher) = %v, want ADMIN_NOT_TEACHER", err)
		}
	})
}

// TestLoginCardsTeacherReadsOnlyHerUploads: a teacher's cards read only the Completed
// Files that can hold a live password of one of her students, those of uploads whose
// passwords were issued when her students' were, newest first, and stop once every
// student is found. The other uploads of the school, before and after hers, have
// damaged Completed Files here, and the older one is of a Rosterdesk that did not record
// when its passwords were issued, so only reading it could tell: reading either fails.
func TestLoginCardsTeacherReadsOnlyHerUploads(t *testing.T) {
	e := newEnv(t)
	other := func(name, id, last string) int64 {
		res := e.upload(name, csvOf("User ID,Role,First Name,Last Name,Email,Class ID,Class Name",
			"T"+id+",Teacher,Ines,"+last+",iruiz"+id+"@lincoln.example.org,ART"+id+",Art",
			"S"+id+",Student,Eve,"+last+",,ART"+id+","), e.schoolA, admin)
		if res.Status != core.StatusCompleted {
			t.Fatalf("import %s: %s %q", name, res.Status, res.Notes)
		}
		e.clock.Add(time.Minute) // each upload issues its passwords at its own time
		return res.Upload
	}
	before := other("before.csv", "80", "Ruiz")
	hers := e.mustImport(append(slices.Clone(classTeachers), "S1,Student,Ava,Johnson,,MATH,", "S2,Student,Noah,Smith,,MATH,")...)
	temp := e.completedPasswords(hers.Upload)
	e.clock.Add(time.Minute)
	after := other("after.csv", "90", "Stone")

	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(e.path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE upload_files SET data = x'1f8b0000deadbeef' WHERE kind = 'completed' AND upload_id IN (?, ?)`,
		`UPDATE uploads SET temp_passwords_at = NULL WHERE id = ?`,
	} {
		args := []any{before, after}
		if strings.Contains(q, "NULL") {
			args = args[:1]
		}
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if err := e.svc.WriteUploadFile(e.ctx, admin, io.Discard, after, core.FileCompleted, core.FormatCSV); err == nil {
		t.Fatal("the damaged Completed File reads: the test proves nothing")
	}

	_, list := e.printCards(admin, engine.CardSource{Teacher: e.user("T1").ID})
	got := byUsername(t, list)
	for _, a := range []core.Account{e.user("S1"), e.user("S2")} {
		if c := got[a.Username]; c.password == "" || c.password != temp[a.Username] {
			t.Errorf("%s's card shows %q, want %q from her upload", a.Username, c.password, temp[a.Username])
		}
	}
}

func TestLoginCardsCredentials(t *testing.T) {
	w := newWorld(t)
	ava := w.user("S1")
	cred, err := w.svc.ResetPassword(w.ctx, w.maria, ava.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, list := w.printCards(w.maria, engine.CardSource{Credentials: []core.Credential{cred}, School: w.schoolA.ID})
	if len(list) != 1 || list[0].password != cred.Password || !strings.Contains(list[0].text, "Math 3A · Maria Garcia") {
		t.Fatalf("cards = %+v, want Ava's new password in Math 3A", list)
	}
	// A password replaced since it was shown is not printed.
	if _, err := w.svc.ResetPassword(w.ctx, admin, ava.ID); err != nil {
		t.Fatal(err)
	}
	_, list = w.printCards(w.maria, engine.CardSource{Credentials: []core.Credential{cred}, School: w.schoolA.ID})
	if len(list) != 1 || list[0].password != "" {
		t.Errorf("cards = %+v, want no password: it was replaced", list)
	}
	// A class's new passwords print with that class.
	creds, err := w.svc.ResetClassPasswords(w.ctx, admin, w.classes(w.schoolA)["READ"].ID)
	if err != nil {
		t.Fatal(err)
	}
	_, list = w.printCards(admin, engine.CardSource{Credentials: creds, Class: w.classes(w.schoolA)["READ"].ID})
	if len(list) != len(creds) {
		t.Fatalf("%d cards, want %d", len(list), len(creds))
	}
	for _, c := range list {
		if c.password == "" || !strings.Contains(c.text, "Reading 3B · James Oconnor") {
			t.Errorf("card = %q, want its new password in Reading 3B", c.text)
		}
	}
}

// TestLoginCardsAccess asks for cards as the wrong person for each rule and wants the
// refusal's catalogue code, with no password changed; then as the right people.
func TestLoginCardsAccess(t *testing.T) {
	w := newWorld(t)
	classes := w.classes(w.schoolA)
	hist := w.classes(w.schoolB)["HIST"]
	s2cred := core.Credential{Username: w.user("S2").Username, Password: "Xx23456789abcd"}
	srcs := map[string]engine.CardSource{
		"UploadAdminA":    {Upload: w.up["adminA"]},
		"UploadAdminB":    {Upload: w.up["adminB"]},
		"UploadMaria":     {Upload: w.up["maria"]},
		"UploadJames":     {Upload: w.up["james"]},
		"ResetMATH":       {ResetClass: classes["MATH"].ID},
		"ResetREAD":       {ResetClass: classes["READ"].ID},
		"ResetHIST":       {ResetClass: hist.ID},
		"TeacherT1":       {Teacher: w.user("T1").ID},
		"TeacherT2":       {Teacher: w.user("T2").ID},
		"TeacherT3":       {Teacher: w.user("T3").ID},
		"CredentialsS2":   {Credentials: []core.Credential{s2cred}, School: w.schoolA.ID},
		"CredentialsB":    {Credentials: []core.Credential{s2cred}, School: w.schoolB.ID},
		"CredentialsREAD": {Credentials: []core.Credential{s2cred}, Class: classes["READ"].ID},
	}
	before := w.snapshot(t)
	for _, tt := range []struct {
		who, src string
		want     core.Code
	}{
		{"schoolAdmin", "UploadAdminB", core.AccessUpload},
		{"schoolAdmin", "ResetHIST", core.AccessSchool},
		{"schoolAdmin", "TeacherT3", core.AccessAccount},
		{"schoolAdmin", "CredentialsB", core.AccessSchool},
		{"maria", "UploadAdminA", core.AccessUpload},
		{"maria", "UploadJames", core.AccessUpload},
		{"maria", "ResetREAD", core.AccessClass},
		{"maria", "ResetHIST", core.AccessSchool},
		{"maria", "TeacherT2", core.AccessAccount},
		{"maria", "CredentialsS2", core.AccessAccount},
		{"maria", "CredentialsREAD", core.AccessClass},
		{"signedOut", "UploadAdminA", core.AccessSignedOut},
		{"signedOut", "ResetMATH", core.AccessSignedOut},
	} {
		t.Run(tt.who+"/"+tt.src, func(t *testing.T) {
			a := engine.Actor{}
			if tt.who != "signedOut" {
				a = w.actor(tt.who)
			}
			_, err := w.svc.WriteLoginCards(w.ctx, a, &pdfFile{}, srcs[tt.src], oneUp)
			if core.ErrorCode(err) != tt.want || core.ErrorKind(err) != core.KindDenied {
				t.Errorf("WriteLoginCards(%s) as %s = %v, want %s", tt.src, tt.who, err, tt.want)
			}
		})
	}
	if after := w.snapshot(t); !reflect.DeepEqual(before, after) {
		t.Error("a refused request changed the database")
	}
	for _, tt := range []struct{ who, src string }{
		{"schoolAdmin", "UploadAdminA"}, {"schoolAdmin", "TeacherT1"}, {"schoolAdmin", "ResetREAD"},
		{"maria", "UploadMaria"}, {"maria", "TeacherT1"}, {"maria", "ResetMATH"},
		{"orgAdmin", "UploadAdminB"}, {"orgAdmin", "ResetHIST"}, {"orgAdmin", "TeacherT3"},
	} {
		t.Run("Allowed/"+tt.who+"/"+tt.src, func(t *testing.T) {
			if _, err := w.svc.WriteLoginCards(w.ctx, w.actor(tt.who), &pdfFile{}, srcs[tt.src], oneUp); err != nil {
				t.Errorf("WriteLoginCards(%s) as %s: %v", tt.src, tt.who, err)
			}
		})
	}
}

func TestLoginCardsOneSource(t *testing.T) {
	w := newWorld(t)
	for _, src := range []engine.CardSource{{}, {Upload: w.up["adminA"], Teacher: w.user("T1").ID}} {
		_, err := w.svc.WriteLoginCards(w.ctx, admin, &pdfFile{}, src, oneUp)
		if core.ErrorKind(err) != core.KindInvalid {
			t.Errorf("WriteLoginCards(%+v) = %v, want KindInvalid", src, err)
		}
	}
}

func TestClassByClassID(t *testing.T) {
	w := newWorld(t)
	c, err := w.svc.ClassByClassID(w.ctx, w.maria, w.schoolA.ID, " math ")
	if err != nil || c.ClassID != "MATH" || c.Teacher != "Maria Garcia" {
		t.Errorf("ClassByClassID(math) as Maria = %+v, %v; want MATH", c, err)
	}
	if _, err := w.svc.ClassByClassID(w.ctx, w.maria, w.schoolA.ID, "READ"); core.ErrorCode(err) != core.AccessClass {
		t.Errorf("ClassByClassID(READ) as Maria = %v, want ACCESS_CLASS", err)
	}
	if _, err := w.svc.ClassByClassID(w.ctx, w.schoolAdmin, w.schoolB.ID, "HIST"); core.ErrorCode(err) != core.AccessSchool {
		t.Errorf("ClassByClassID(HIST) as the school admin of A = %v, want ACCESS_SCHOOL", err)
	}
	if _, err := w.svc.ClassByClassID(w.ctx, admin, w.schoolA.ID, "NOPE"); core.ErrorKind(err) != core.KindNotFound {
		t.Errorf("ClassByClassID(NOPE) = %v, want KindNotFound", err)
	}
}
