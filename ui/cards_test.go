package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// localPaper is the paper the login cards dialog offers first on this computer.
func localPaper() cards.Paper { return cards.PaperFor(lang.SystemLocale().String()) }

// checkSavedCards checks that the last Save asked for a PDF named name and that the file
// holds what the engine wrote, readable by its owner only.
func checkSavedCards(t *testing.T, h *harness, name string) string {
	t.Helper()
	got, path := h.picker.lastSave()
	if got != name {
		t.Errorf("Save suggested %q, want %q", got, name)
	}
	h.picker.mu.Lock()
	filters := h.picker.filters[len(h.picker.filters)-1]
	h.picker.mu.Unlock()
	if len(filters) != 1 || !slices.Equal(filters[0].Extensions, []string{"pdf"}) {
		t.Errorf("Save filters = %+v, want PDF only", filters)
	}
	body := readFile(t, path)
	if !strings.HasPrefix(body, "%PDF-fake") {
		t.Errorf("saved file = %q, want the engine's PDF", body)
	}
	if st, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("saved cards have mode %v, want 0600: they hold passwords", st.Mode().Perm())
	}
	return body
}

// TestUploadLoginCards: the history's Actions menu prints an upload's login cards with
// the defaults (8 a page, the region's paper, QR on), through the window's picker.
func TestUploadLoginCards(t *testing.T) {
	h := started(t)
	hist := h.a.history
	failed := core.Upload{ID: 7, FileName: "bad.xlsx", Status: core.StatusFailed, Files: []core.FileKind{core.FileUploaded}}
	if !menuItem(t, hist.actionsMenu(failed), "Login cards (PDF)…").Disabled {
		t.Error("Login cards is enabled for an upload without a Completed File")
	}
	done := core.Upload{ID: 8, FileName: "fall roster.csv", Status: core.StatusCompleted,
		Files: []core.FileKind{core.FileUploaded, core.FileCompleted}}
	item := menuItem(t, hist.actionsMenu(done), "Login cards (PDF)…")
	if item.Disabled {
		t.Fatal("Login cards is disabled for an upload with a Completed File")
	}
	item.Action()
	if got := overlayText(h.win); !strings.Contains(got, "Layout") || !strings.Contains(got, "QR code of the username") {
		t.Errorf("the dialog says %q", got)
	}
	h.a.topModal().submit()
	h.settle()
	checkSavedCards(t, h, "fall_roster_Login_Cards.pdf")
	call, ok := h.eng.lastCards()
	if !ok {
		t.Fatal("no login cards were printed")
	}
	want := cards.Options{Layout: cards.EightUp, Paper: localPaper(), QR: true}
	if call.src.Upload != 8 || call.opts.Layout != want.Layout || call.opts.Paper != want.Paper || !call.opts.QR {
		t.Errorf("WriteLoginCards(%+v, %+v), want upload 8 with %+v", call.src, call.opts, want)
	}
	if call.actor != h.a.actor() {
		t.Errorf("cards printed as %+v, want the signed-in %+v", call.actor, h.a.actor())
	}
	if !strings.HasPrefix(h.a.status.Text, "Saved 3 login cards in fall_roster_Login_Cards.pdf") {
		t.Errorf("status line = %q", h.a.status.Text)
	}
}

// TestResetAndPrintCards: the Accounts page says how many passwords it resets before
// printing a class's cards; nothing happens when the question or the file dialog is
// cancelled; the options chosen reach the engine.
func TestResetAndPrintCards(t *testing.T) {
	eng := seeded()
	eng.classes[1] = []core.Class{{ID: 5, ClassID: "4A", Name: "4A", Students: 26}, {ID: 6, ClassID: "ART", Name: "Art", Students: 0}}
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	if !s.printClassBtn.Disabled() {
		t.Error("Reset and print is enabled with no class chosen")
	}
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.printClassBtn)
	want := "Reset the passwords of 26 students in 4A and print their login cards? Their current passwords stop working."
	if got := strings.Join(strings.Fields(overlayText(h.win)), " "); !strings.Contains(got, want) {
		t.Errorf("the question says %q, want %q", got, want)
	}
	h.press(fyne.KeyEscape)
	h.settle()
	if n := eng.called("WriteLoginCards") + eng.called("ResetClassPasswords"); n != 0 {
		t.Fatal("Escape reset the class")
	}

	// Cancelling the file dialog resets nothing either.
	test.Tap(s.printClassBtn)
	h.picker.err = ErrCancelled
	s.cards.modal.submit()
	h.settle()
	if eng.called("WriteLoginCards") != 0 || overlayText(h.win) != "" {
		t.Fatalf("a cancelled file dialog printed (%d) or said %q", eng.called("WriteLoginCards"), overlayText(h.win))
	}
	h.picker.err = nil

	test.Tap(s.printClassBtn)
	d := s.cards
	if d.layout.Selected != layoutEight || !d.qr.Checked || d.options().Paper != localPaper() {
		t.Errorf("defaults = %q, %q, QR %v; want 8 a page, the region's paper, QR on", d.layout.Selected, d.paper.Selected, d.qr.Checked)
	}
	d.layout.SetSelected(layoutOne)
	d.paper.SetSelected(paperA4)
	d.qr.SetChecked(false)
	d.modal.submit()
	h.settle()
	checkSavedCards(t, h, "4A_Login_Cards.pdf")
	call, _ := eng.lastCards()
	if call.src.ResetClass != 5 || call.opts.Layout != cards.OneUp || call.opts.Paper != cards.A4 || call.opts.QR {
		t.Errorf("WriteLoginCards(%+v, %+v), want a reset of class 5, 1 a page on A4 without QR", call.src, call.opts)
	}
	if eng.called("ResetClassPasswords") != 0 {
		t.Error("the passwords were reset outside the PDF")
	}

	// A class without students: nothing to print, and it says so.
	s.classSelect.SetSelectedIndex(1)
	test.Tap(s.printClassBtn)
	if got := overlayText(h.win); !strings.Contains(got, "Art has no students") {
		t.Errorf("an empty class says %q", got)
	}
}

// TestLoginCardsRefused: the engine's refusal is shown in its words and no file is left.
func TestLoginCardsRefused(t *testing.T) {
	eng := seeded()
	eng.cardsFn = func(engine.CardSource, cards.Options) (cards.Result, error) {
		return cards.Result{}, core.Refusal(core.KindDenied, core.AccessClass, "4A", "")
	}
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.printClassBtn)
	s.cards.modal.submit()
	h.settle()
	if got := overlayText(h.win); !strings.Contains(got, "You do not teach the class 4A.") {
		t.Errorf("the refusal says %q", got)
	}
	if _, path := h.picker.lastSave(); path != "" {
		if _, err := os.Stat(path); err == nil {
			t.Errorf("a refused print left %s", path)
		}
	}
}

// TestResetAndPrintRenameFails: when the PDF cannot be put in place (a folder took its
// name while it was printed), the window says the file was not saved and that no
// password changed, leaves no file, and does not reload the accounts as if they had
// changed.
func TestResetAndPrintRenameFails(t *testing.T) {
	eng := seeded()
	var h *harness
	eng.cardsFn = func(engine.CardSource, cards.Options) (cards.Result, error) {
		_, path := h.picker.lastSave()
		return cards.Result{Pages: 1, Cards: 26}, os.MkdirAll(filepath.Join(path, "in the way"), 0o700)
	}
	h = startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	s.classSelect.SetSelectedIndex(0)
	loads := eng.called("AccountsPage")
	test.Tap(s.printClassBtn)
	s.cards.modal.submit()
	h.settle()
	got := strings.Join(strings.Fields(overlayText(h.win)), " ")
	for _, want := range []string{"MATH3_Login_Cards.pdf was not saved", "No password was changed: the old ones still work."} {
		if !strings.Contains(got, want) {
			t.Errorf("the window says %q, want %q", got, want)
		}
	}
	_, path := h.picker.lastSave()
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || !entries[0].IsDir() {
		t.Errorf("the folder holds %v, want only the folder in the way: no PDF, no temporary file", entries)
	}
	if n := eng.called("AccountsPage"); n != loads {
		t.Errorf("the accounts were loaded again (%d times) after a reset that changed nothing", n-loads)
	}
}

// TestPrintNewPasswords: the new-passwords box prints its passwords as login cards, of
// the class reset, in the selected school.
func TestPrintNewPasswords(t *testing.T) {
	eng := seeded()
	h := startedOn(t, eng, PageAccounts)
	s := h.a.accounts
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.resetClassBtn)
	s.confirm.submit()
	h.settle()
	if s.creds == nil {
		t.Fatal("no passwords shown")
	}
	test.Tap(s.creds.printBtn)
	s.cards.modal.submit()
	h.settle()
	checkSavedCards(t, h, "Lincoln_Elementary_New_Passwords_Login_Cards.pdf")
	call, _ := eng.lastCards()
	if len(call.src.Credentials) != 2 || call.src.Credentials[1].Username != "cpark" || call.src.Class != 5 || call.src.School != 1 {
		t.Errorf("WriteLoginCards(%+v), want the 2 new passwords of class 5 in school 1", call.src)
	}
}

// TestLoginCardsNote: cards printed without a password, or without a name, are
// explained after saving.
func TestLoginCardsNote(t *testing.T) {
	eng := seeded()
	eng.cardsFn = func(engine.CardSource, cards.Options) (cards.Result, error) {
		return cards.Result{Pages: 1, Cards: 3, NoPassword: 2, NamesNotDrawn: []string{"wli"}}, nil
	}
	h := started(t)
	h.a.eng = eng
	h.a.history.onUploadCards(core.Upload{ID: 3, FileName: "x.csv"})
	h.a.topModal().submit()
	h.settle()
	got := strings.Join(strings.Fields(overlayText(h.win)), " ")
	for _, want := range []string{"2 cards have no password", "Reset and print login cards", "names of wli"} {
		if !strings.Contains(got, want) {
			t.Errorf("the note says %q, want %q", got, want)
		}
	}
	if cardsNote(cards.Result{Cards: 4}) != "" {
		t.Error("a note for cards that lack nothing")
	}
}

// TestResetAndPrintRealEngine (real engine): Maria, signed in, resets and prints her
// class; the PDF's password signs in and the old one no longer does. Her colleague's
// upload is refused in the engine's words.
func TestResetAndPrintRealEngine(t *testing.T) {
	svc := realEngine(t)
	ctx := context.Background()
	var old bytes.Buffer
	if err := svc.WriteUploadFile(ctx, engine.Owner("test"), &old, 1, core.FileCompleted, core.FormatCSV); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`ajohnson,([A-Za-z0-9]{12,})`).FindStringSubmatch(old.String())
	if m == nil {
		t.Fatalf("no password for ajohnson in %q", old.String())
	}
	h := realHarness(t, svc)
	h.signInAs("mgarcia", "Blackboard77q")
	h.a.showPage(PageAccounts)
	h.settle()
	s := h.a.accounts
	if len(s.classes) != 1 || s.classes[0].ClassID != "MATH" {
		t.Fatalf("Maria's classes = %+v", s.classes)
	}
	s.classSelect.SetSelectedIndex(0)
	test.Tap(s.printClassBtn)
	s.cards.layout.SetSelected(layoutOne) // one card a page reads back in order
	s.cards.modal.submit()
	h.settle()
	if got := overlayText(h.win); got != "" {
		t.Fatalf("printing said %q", got)
	}
	_, path := h.picker.lastSave()
	if !strings.HasPrefix(readFile(t, path), "%PDF-") {
		t.Fatalf("%s is not a PDF", path)
	}
	if r, err := svc.Authenticate(ctx, "ajohnson", m[1]); err != nil || r.Status != engine.AuthRefused {
		t.Errorf("the old password: %+v, %v; want refused after the reset", r, err)
	}

	// James's upload (2) is not hers.
	h.a.history.onUploadCards(core.Upload{ID: 2, FileName: "james.csv"})
	h.a.topModal().submit()
	h.settle()
	if got := overlayText(h.win); !strings.Contains(got, "is not one you may open") {
		t.Errorf("printing James's upload showed %q, want the engine's refusal", got)
	}

	// The printed password signs in (read back with pdftotext, last: it may skip).
	text := cardstest.Text(t, path)
	pw := regexp.MustCompile(`Username ajohnson Password (\S+)`).FindStringSubmatch(text)
	if pw == nil {
		t.Fatalf("the PDF's text has no password for ajohnson:\n%s", text)
	}
	if r, err := svc.Authenticate(ctx, "ajohnson", pw[1]); err != nil || r.Status != engine.AuthChangeRequired {
		t.Errorf("the printed password: %+v, %v; want it to sign in", r, err)
	}
}
