// Package cards prints login cards: a PDF with one card per student that carries the
// school, class, teacher, the student's name, username and temporary password, and
// optionally a QR code of the username, for children who cannot read a spreadsheet
// (SPEC §10).
//
// The package takes plain values and writes to an io.Writer; it knows nothing of the
// database or of where the passwords come from. The intended wiring:
//
//   - From an upload: the engine reads the upload's stored Completed File and makes a
//     Card of every Student row (School is the upload's school; ClassID, ClassName from
//     the row; Teacher from the class's teacher; FirstName, LastName, Username, Password
//     from the row). A row whose password is no longer the account's current temporary
//     password, or has expired, gets an empty Password: the card then says "This
//     password no longer works — ask your teacher for a new one".
//   - From a class reset: the engine resets the temporary password of every student of
//     the class in one transaction and makes a Card of each with the new password.
//   - Per teacher: the Cards of each of the teacher's classes, in one document.
//
// Render sorts the cards by class and then by last name, so callers may pass them in
// any order.
package cards

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Card is one student's login card.
type Card struct {
	School    string
	ClassID   string // the class's Class ID; cards are grouped by it
	ClassName string // printed; the Class ID is printed when it is empty
	Teacher   string // the class's teacher as printed ("Ms Garcia")
	FirstName string
	LastName  string
	Username  string
	// Password is the student's temporary password. Leave it empty when the password has
	// been used or has expired: the card then tells the child to ask for a new one, so a
	// stale password is never handed out.
	Password string
}

// Layout is how many cards a page holds.
type Layout int

const (
	// EightUp puts eight cards on a page, two across and four down, with dashed cut lines.
	EightUp Layout = iota
	// OneUp puts one larger card on each page.
	OneUp
)

// Paper is the sheet size printed on.
type Paper int

const (
	// Letter is US Letter, 8.5 × 11 in.
	Letter Paper = iota
	// A4 is 210 × 297 mm.
	A4
)

// ParseLayout reads a layout as the command line writes it: "8up" or "1up".
func ParseLayout(s string) (Layout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "8up", "8":
		return EightUp, nil
	case "1up", "1":
		return OneUp, nil
	}
	return 0, fmt.Errorf("layout %q: use 8up (eight cards a page) or 1up (one card a page)", s)
}

// ParsePaper reads a paper size as the command line writes it: "letter" or "a4".
func ParsePaper(s string) (Paper, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "letter", "us-letter":
		return Letter, nil
	case "a4":
		return A4, nil
	}
	return 0, fmt.Errorf("paper %q: use letter or a4", s)
}

// Options says how to print.
type Options struct {
	Layout Layout
	Paper  Paper
	// QR adds a QR code holding the username (only the username: a lost card must not
	// give anyone the password by a scan).
	QR bool
	// Printed is the date printed on each class's cover line and stored in the file; the
	// zero time leaves both out.
	Printed time.Time
	// FontDirs are folders searched, with their subfolders, for a font that draws a name
	// the built-in fonts cannot (Chinese, Japanese, Korean, Hebrew, Devanagari, Thai...).
	// SystemFontDirs gives the usual ones. A name no font draws is printed as a note
	// asking the teacher to write it in; the card still has its username and password.
	FontDirs []string
}

// Result says what was printed.
type Result struct {
	Pages int
	Cards int
	// NoPassword counts the cards printed without a password because it was used or
	// expired.
	NoPassword int
	// NamesNotDrawn lists the usernames whose name no font could draw.
	NamesNotDrawn []string
}

// ErrNoCards is returned by Render when there is no card to print.
var ErrNoCards = errors.New("no students to print login cards for")

// Render writes the login cards as one PDF to w. Each class starts on a new page whose
// top line says the class, its teacher, how many cards it has and the print date. It
// returns ErrNoCards for an empty list, an error naming the card for a card without a
// username, and ctx's error when cancelled; nothing useful has been written to w then.
func Render(ctx context.Context, w io.Writer, cards []Card, opts Options) (Result, error) {
	r, err := render(ctx, w, cards, opts)
	if err != nil {
		return Result{}, err
	}
	return r.res, nil
}

// render is Render, returning the renderer so that tests can see where everything went.
func render(ctx context.Context, w io.Writer, cards []Card, opts Options) (*renderer, error) {
	if len(cards) == 0 {
		return nil, ErrNoCards
	}
	for i, c := range cards {
		if strings.TrimSpace(c.Username) == "" {
			return nil, fmt.Errorf("card %d (%s %s) has no username", i+1, c.FirstName, c.LastName)
		}
	}
	set, err := newFontSet(opts.FontDirs)
	if err != nil {
		return nil, err
	}
	doc := &pdfDoc{}
	r := &renderer{set: set, opts: opts, geo: geometryFor(opts.Layout, opts.Paper)}
	pagesObj := doc.alloc()
	resObj := doc.alloc()
	var kids []string
	for _, cl := range groupClasses(cards) {
		n := (len(cl.cards) + r.geo.perPage - 1) / r.geo.perPage
		for p, page := range chunk(cl.cards, r.geo.perPage) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			cv := r.page(cl, page, p, n)
			content := doc.addStream("", cv.b.Bytes())
			kids = append(kids, fmt.Sprintf("%d 0 R", doc.add(fmt.Sprintf(
				"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %d 0 R /Contents %d 0 R >>",
				pagesObj, num(r.geo.pageW), num(r.geo.pageH), resObj, content))))
			r.pages = append(r.pages, cv)
		}
	}
	doc.set(resObj, set.writeFonts(doc))
	doc.set(pagesObj, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	root := doc.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj))
	info := "<< /Title (Login cards) /Producer (Rosterdesk)"
	if !opts.Printed.IsZero() {
		info += " /CreationDate (D:" + opts.Printed.UTC().Format("20060102150405") + "Z)"
	}
	infoObj := doc.add(info + " >>")
	if err := doc.writeTo(w, root, infoObj); err != nil {
		return nil, fmt.Errorf("write login cards: %w", err)
	}
	r.res.Pages = len(kids)
	r.res.Cards = len(cards)
	return r, nil
}

// class is the cards of one class, sorted.
type class struct {
	school, id, label, teacher string
	cards                      []Card
}

// groupClasses groups the cards by school and Class ID and sorts the classes by school
// and name and each class's cards by last name, first name and username, comparing by
// the Unicode collation order so that Müller sorts with Muller, not after Zimmermann.
func groupClasses(cards []Card) []class {
	col := collate.New(language.Und, collate.IgnoreCase)
	byKey := map[[2]string]int{}
	var classes []class
	for _, c := range cards {
		c = clean(c)
		key := [2]string{c.School, c.ClassID}
		i, ok := byKey[key]
		if !ok {
			label := c.ClassName
			if label == "" {
				label = c.ClassID
			}
			if label == "" {
				label = "No class"
			}
			i = len(classes)
			byKey[key] = i
			classes = append(classes, class{school: c.School, id: c.ClassID, label: label, teacher: c.Teacher})
		}
		classes[i].cards = append(classes[i].cards, c)
	}
	cmp := func(a, b []string) int {
		for i := range a {
			if n := col.CompareString(a[i], b[i]); n != 0 {
				return n
			}
			if a[i] != b[i] {
				return strings.Compare(a[i], b[i])
			}
		}
		return 0
	}
	slices.SortStableFunc(classes, func(a, b class) int {
		return cmp([]string{a.school, a.label, a.id}, []string{b.school, b.label, b.id})
	})
	for _, cl := range classes {
		slices.SortStableFunc(cl.cards, func(a, b Card) int {
			return cmp([]string{a.LastName, a.FirstName, a.Username}, []string{b.LastName, b.FirstName, b.Username})
		})
	}
	return classes
}

// clean puts the card's text in NFC, so that a name typed with combining accents is drawn
// with the font's precomposed letters, and trims the spaces spreadsheets leave.
func clean(c Card) Card {
	for _, s := range []*string{&c.School, &c.ClassID, &c.ClassName, &c.Teacher, &c.FirstName, &c.LastName, &c.Username, &c.Password} {
		*s = norm.NFC.String(strings.TrimSpace(*s))
	}
	return c
}

func chunk(cards []Card, n int) [][]Card {
	var out [][]Card
	for len(cards) > n {
		out = append(out, cards[:n])
		cards = cards[n:]
	}
	return append(out, cards)
}
