package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// These tests drive the window over the real engine on a temporary database, so the
// rules the window relies on are the engine's own.

var realNow = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)

// realEngine opens an engine on a new database: the first Organization Administrator
// (oadmin), and a roster the administrator imported with two teachers who chose their
// passwords (mgarcia, joconnor) and their classes' students.
func realEngine(t *testing.T) *engine.Service {
	t.Helper()
	ctx := context.Background()
	svc, err := engine.Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), engine.Options{Now: func() time.Time { return realNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	sess, err := svc.Setup(ctx, engine.SetupRequest{Org: "Springfield USD", School: "Lincoln Elementary",
		Admin: engine.NewOperator{Username: "oadmin", Name: "Olga Admin"}, Password: "Riverside2026"})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := sess.Actor(core.OperatorOrgAdmin)
	schools, err := svc.Schools(ctx, admin)
	if err != nil || len(schools) != 1 {
		t.Fatalf("Schools = %v, %v", schools, err)
	}
	roster := "User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name\r\n" +
		"T1,Teacher,Maria,Garcia,,mgarcia@lincoln.example.org,mgarcia,Blackboard77q,MATH,Math 3\r\n" +
		"T2,Teacher,James,OConnor,,joconnor@lincoln.example.org,joconnor,Chalkdust88q,READ,Reading 3\r\n" +
		"S1,Student,Ava,Johnson,3,,,,MATH,\r\n" +
		"S2,Student,Noah,Smith,3,,,,READ,\r\n"
	if res, err := svc.Import(ctx, engine.UploadRequest{FileName: "roster.csv", Data: []byte(roster), SchoolID: schools[0].ID, Actor: admin}, nil); err != nil || res.Status != core.StatusCompleted {
		t.Fatalf("Import(roster) = %+v, %v", res, err)
	}
	james, err := svc.SignIn(ctx, "joconnor", "Chalkdust88q")
	if err != nil || james.Status != engine.AuthOK {
		t.Fatalf("SignIn(joconnor) = %+v, %v", james, err)
	}
	asJames, _ := james.Session.Actor(core.OperatorTeacher)
	students := "User ID,First Name,Last Name,Grade Level\r\nS3,Liam,Nguyen,3\r\n"
	if res, err := svc.Import(ctx, engine.UploadRequest{FileName: "james.csv", Data: []byte(students), SchoolID: schools[0].ID, Actor: asJames}, nil); err != nil || res.Status != core.StatusCompleted {
		t.Fatalf("Import(james) = %+v, %v", res, err)
	}
	return svc
}

func realHarness(t *testing.T, svc *engine.Service) *harness {
	h := newHarnessFor(t, svc, realNow)
	h.a.Start()
	h.settle()
	return h
}

// TestTeacherSeesOnlyOwnUploads (real engine): signed in as Maria, the history holds
// only her own uploads, named with her name, and the administrator's and another
// teacher's files are refused in the engine's words, with nothing saved.
func TestTeacherSeesOnlyOwnUploads(t *testing.T) {
	svc := realEngine(t)
	h := realHarness(t, svc)
	h.signInAs("mgarcia", "Blackboard77q")
	h.settle()
	if a := h.a.actor(); a.Role != core.OperatorTeacher || a.Name != "Maria Garcia" {
		t.Fatalf("the window acts as %+v", a)
	}
	h.a.showPage(PageHistory)
	h.settle()
	if n := len(h.a.history.uploads); n != 0 {
		t.Fatalf("Maria's history lists %d uploads of others", n)
	}
	h.a.imp.file = &chosenFile{name: "maria.csv", data: []byte("User ID,First Name,Last Name,Grade Level\r\nS4,Mia,Brown,3\r\n")}
	h.a.imp.updateButtons()
	test.Tap(h.a.imp.uploadBtn)
	h.settle()
	ups := h.a.history.uploads
	if len(ups) != 1 || ups[0].FileName != "maria.csv" || ups[0].UploadedBy != "Maria Garcia" || ups[0].Status != core.StatusCompleted {
		t.Fatalf("Maria's history = %+v, want her upload only", ups)
	}
	// Her own Completed File downloads.
	h.a.history.onDownload(ups[0], core.FileCompleted, core.FormatCSV)
	h.settle()
	if _, path := h.picker.lastSave(); !strings.Contains(readFile(t, path), "S4") {
		t.Errorf("Maria's Completed File = %q", readFile(t, path))
	}
	// The administrator's roster (upload 1) and James's (upload 2) are not hers.
	for _, u := range []core.Upload{{ID: 1, FileName: "roster.csv"}, {ID: 2, FileName: "james.csv"}} {
		h.a.history.onDownload(u, core.FileCompleted, core.FormatCSV)
		h.settle()
		got := overlayText(h.win)
		if !strings.Contains(got, "is not one you may open") {
			t.Errorf("downloading %s showed %q, want the engine's refusal", u.FileName, got)
		}
		if _, path := h.picker.lastSave(); fileExists(path) {
			t.Errorf("the refused %s left %s behind", u.FileName, path)
		}
		for _, o := range h.win.Canvas().Overlays().List() {
			h.win.Canvas().Overlays().Remove(o)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestSignInPauseRealEngine: five wrong passwords at the window pause the username's
// sign-in, with the engine's words and time; a new window on the same database still
// waits (the pause is stored).
func TestSignInPauseRealEngine(t *testing.T) {
	svc := realEngine(t)
	h := realHarness(t, svc)
	for range 5 {
		h.submitSignIn("oadmin", "Wrong12345")
	}
	until := realNow.Add(5 * time.Minute).Local().Format("15:04")
	if got := h.a.signIn.message.Text; !strings.Contains(got, "paused until "+until) {
		t.Fatalf("after five wrong passwords: %q", got)
	}
	again := realHarness(t, svc)
	again.submitSignIn("oadmin", "Riverside2026")
	if got := again.a.signIn.message.Text; !strings.Contains(got, "paused until "+until) || again.a.main != nil {
		t.Errorf("a new window during the pause: %q", got)
	}
}
