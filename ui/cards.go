package ui

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/cards"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

var filterPDF = FileFilter{Desc: "PDF document (.pdf)", Extensions: []string{"pdf"}}

// The choices of the login cards dialog.
const (
	layoutEight = "8 per page, with cut lines"
	layoutOne   = "1 per page"
	paperLetter = "Letter"
	paperA4     = "A4"
)

// cardsRequest is what one Print login cards dialog prints.
type cardsRequest struct {
	title    string // the dialog's title
	question string // said above the options; "" for none
	confirm  string // the confirm button
	name     string // the file name suggested
	src      engine.CardSource
	// done runs on the UI goroutine once the cards are saved (a reset changed the
	// accounts shown).
	done func()
}

// cardsDialog asks how to print login cards: layout, paper and QR code, with the
// defaults most offices want (8 a page, their region's paper, QR on).
type cardsDialog struct {
	layout *widget.RadioGroup
	paper  *widget.RadioGroup
	qr     *keyCheck
	modal  *modal
}

// printCards shows the login cards dialog for req; its confirm button asks where to
// save the PDF and prints it there in the background. Nothing happens (a class reset
// included) until a file has been chosen.
func (a *App) printCards(req cardsRequest) *cardsDialog {
	d := &cardsDialog{}
	d.layout = widget.NewRadioGroup([]string{layoutEight, layoutOne}, nil)
	d.layout.Required = true
	d.layout.SetSelected(layoutEight)
	d.paper = widget.NewRadioGroup([]string{paperLetter, paperA4}, nil)
	d.paper.Horizontal, d.paper.Required = true, true
	d.paper.SetSelected(paperLetter)
	if cards.PaperFor(lang.SystemLocale().String()) == cards.A4 {
		d.paper.SetSelected(paperA4)
	}
	d.qr = a.newCheck("QR code of the username (never the password)", nil)
	d.qr.SetChecked(true)
	form := widget.NewForm(widget.NewFormItem("Layout", d.layout), widget.NewFormItem("Paper", d.paper), widget.NewFormItem("", d.qr))
	var content fyne.CanvasObject = form
	if req.question != "" {
		content = container.NewVBox(wrapped(req.question), widget.NewSeparator(), form)
	}
	d.modal = a.showModal(modalSpec{title: req.title, content: content, confirm: req.confirm, size: fyne.NewSize(500, 0),
		onConfirm: func() bool {
			a.saveCards(req, d.options())
			return true
		}})
	return d
}

// options is what the dialog's choices ask for.
func (d *cardsDialog) options() cards.Options {
	o := cards.Options{Layout: cards.EightUp, Paper: cards.Letter, QR: d.qr.Checked}
	if d.layout.Selected == layoutOne {
		o.Layout = cards.OneUp
	}
	if d.paper.Selected == paperA4 {
		o.Paper = cards.A4
	}
	return o
}

// saveCards asks where to save the login cards of req and prints them there in the
// background, through atomicfile: the PDF holds passwords, so it is readable by its
// owner only, and complete or not there at all. The engine puts the file in place
// itself, so that a reset's new passwords are stored exactly when their PDF is there.
func (a *App) saveCards(req cardsRequest, opts cards.Options) {
	actor := a.actor()
	var path string
	var res cards.Result
	a.background("print login cards", func(ctx context.Context) error {
		var err error
		if path, err = a.picker.Save("Save the login cards", fitName(req.name), []FileFilter{filterPDF}); err != nil {
			return err
		}
		if !strings.EqualFold(filepath.Ext(path), ".pdf") {
			path += ".pdf"
		}
		opts.FontDirs = cards.SystemFontDirs()
		f, err := atomicfile.Create(path)
		if err != nil {
			return fileError(path, err, "")
		}
		defer f.Close()
		note := ""
		if req.src.ResetClass != 0 {
			note = "No password was changed: the old ones still work."
		}
		res, err = a.eng.WriteLoginCards(ctx, actor, f, req.src, opts)
		return fileError(path, err, note)
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		a.setStatus("Saved " + count(res.Cards, "login card") + " in " + filepath.Base(path) + " (" + filepath.Dir(path) + ").")
		if note := cardsNote(res); note != "" {
			a.showMessage("Login cards", note)
		}
		if req.done != nil {
			req.done()
		}
	})
}

// cardsNote says what a person must know about the cards just printed: those without a
// password, and the names no font on this computer could draw.
func cardsNote(res cards.Result) string {
	var notes []string
	switch {
	case res.NoPassword == 1:
		notes = append(notes, "1 card has no password: it was used, replaced by a reset, or has expired, so the card asks the student to see their teacher.")
	case res.NoPassword > 1:
		notes = append(notes, count(res.NoPassword, "card")+" have no password: theirs were used, replaced by a reset, or have expired, so the cards ask the students to see their teacher.")
	}
	if res.NoPassword > 0 {
		notes = append(notes, "To print new passwords, use Reset and print login cards on the Accounts page.")
	}
	if n := len(res.NamesNotDrawn); n > 0 {
		notes = append(notes, "No font on this computer draws the names of "+strings.Join(res.NamesNotDrawn, ", ")+
			": their cards ask the teacher to write the name in.")
	}
	return strings.Join(notes, " ")
}

// cardsName suggests a file name for login cards.
func cardsName(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = fileSafe(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(append(kept, "Login_Cards"), "_") + ".pdf"
}

// onUploadCards prints the login cards of upload u's Completed File.
func (s *historyScreen) onUploadCards(u core.Upload) {
	s.a.printCards(cardsRequest{title: "Login cards — " + u.FileName, confirm: "Save PDF…",
		name: cardsName(uploadFileBase(u.FileName)), src: engine.CardSource{Upload: u.ID}})
}

// resetPrintQuestion asks before resetting a class to print its cards, saying how many
// students it touches.
func resetPrintQuestion(c core.Class) string {
	return "Reset the passwords of " + count(c.Students, "student") + " in " + classLabel(c) +
		" and print their login cards? Their current passwords stop working."
}

// onResetPrintClass resets the chosen class's passwords and prints them as login cards,
// so the new passwords exist only in the PDF.
func (s *accountsScreen) onResetPrintClass() {
	class, ok := s.resetableClass("Reset and print login cards")
	if !ok {
		return
	}
	s.cards = s.a.printCards(cardsRequest{title: "Reset and print login cards", question: resetPrintQuestion(class),
		confirm: "Reset and Save PDF…", name: cardsName(class.ClassID), src: engine.CardSource{ResetClass: class.ID}, done: s.load})
}

// onPrintCredentials prints the passwords the new-passwords box shows as login cards.
func (s *accountsScreen) onPrintCredentials(v *credentialsView) {
	src := engine.CardSource{Credentials: v.creds, Class: v.classID}
	name := cardsName("New_Passwords")
	if school, ok := s.a.school(); ok {
		src.School = school.ID
		name = cardsName(school.Name, "New_Passwords")
	}
	s.cards = s.a.printCards(cardsRequest{title: "Print login cards", confirm: "Save PDF…", name: name, src: src})
}
