package cards

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rosterdesk/rosterdesk/core/cards/cardstest"
)

// TestUpdateScreenshots redraws docs/screenshots/cards-8up-letter.png and
// cards-1up-a4.png, the pictures of what a teacher prints, with
// `go test ./core/cards -run Screenshots -update`. It uses this computer's fonts for the
// Chinese name (on Debian: fonts-droid-fallback); without one the picture shows the note
// that asks the teacher to write the name in.
func TestUpdateScreenshots(t *testing.T) {
	if !*update {
		t.Skip("run with -update to redraw the screenshots")
	}
	fx := loadFixture(t)
	byUser := map[string]Card{}
	for _, c := range fx.cards {
		byUser[c.Username] = c
	}
	var eight []Card
	for _, u := range []string{"zadams1", "vnguyen2", "lobrien3", "kmullerludenscheidt4", "student5", "student6", "student7", "student8"} {
		eight = append(eight, byUser[u])
	}
	dirs := SystemFontDirs()
	for _, s := range []struct {
		file  string
		cards []Card
		opts  Options
	}{
		{"cards-8up-letter", eight, Options{Layout: EightUp, Paper: Letter, QR: true}},
		{"cards-1up-a4", []Card{byUser["vnguyen2"]}, Options{Layout: OneUp, Paper: A4, QR: true}},
	} {
		s.opts.Printed, s.opts.FontDirs = printed, dirs
		pdf, r := renderOK(t, s.cards, s.opts)
		if len(r.res.NamesNotDrawn) > 0 {
			t.Logf("%s: no font on this computer draws the names of %q", s.file, r.res.NamesNotDrawn)
		}
		out := filepath.Join("..", "..", "docs", "screenshots", s.file)
		cardstest.Run(t, "pdftoppm", "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1", writePDF(t, pdf), out)
		if _, err := os.Stat(out + ".png"); err != nil {
			t.Fatal(err)
		}
	}
}
