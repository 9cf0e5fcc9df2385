package ui

import (
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/rosterdesk/rosterdesk/core"
)

// luminance is the WCAG 2 relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG 2 contrast ratio of two opaque colours, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites a translucent colour over an opaque one, as Fyne paints a hover, focus
// or selection tint over what lies beneath.
func over(top, under color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	u := color.NRGBAModel.Convert(under).(color.NRGBA)
	a := float64(t.A) / 0xff
	mix := func(x, y uint8) uint8 { return uint8(math.Round(a*float64(x) + (1-a)*float64(y))) }
	return color.NRGBA{R: mix(t.R, u.R), G: mix(t.G, u.G), B: mix(t.B, u.B), A: 0xff}
}

// TestThemeContrast computes, for both variants, the contrast of every text colour the
// window uses against every background it is drawn on, and of the focus tint against
// what it marks. Text needs WCAG AA's 4.5:1; the focus tint 3:1 (WCAG's non-text
// contrast), so a focused button, drop-down or menu item stands out; disabled text
// (exempt in WCAG) keeps 3:1 so it is still readable.
func TestThemeContrast(t *testing.T) {
	th := Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg, button := c(theme.ColorNameBackground), c(theme.ColorNameButton)
		surfaces := map[string]color.Color{
			"background":        bg,
			"input":             c(theme.ColorNameInputBackground),
			"header":            c(theme.ColorNameHeaderBackground),
			"dialog":            c(theme.ColorNameOverlayBackground),
			"menu":              c(theme.ColorNameMenuBackground),
			"button":            button,
			"hovered row":       over(c(theme.ColorNameHover), bg),
			"selected row":      over(c(theme.ColorNameSelection), bg),
			"hovered button":    over(c(theme.ColorNameHover), button),
			"focused button":    over(c(theme.ColorNameFocus), button),
			"focused drop-down": over(c(theme.ColorNameFocus), bg),
			"focused menu item": over(c(theme.ColorNameFocus), c(theme.ColorNameMenuBackground)),
		}
		// Coloured text (statuses, links, the selected tab) is drawn on the window, in
		// dialogs and in grid rows; never on a button or a menu.
		all := slices.Sorted(maps.Keys(surfaces))
		rows := []string{"background", "header", "dialog", "hovered row", "selected row"}
		type pair struct {
			what     string
			fg, bg   color.Color
			min      float64
			surfaces []string // fg against these surfaces instead of bg
		}
		checks := []pair{
			{what: "text", fg: c(theme.ColorNameForeground), surfaces: all, min: 4.5},
			{what: "link and selected tab", surfaces: rows, fg: c(theme.ColorNamePrimary), min: 4.5},
			{what: "Completed", surfaces: rows, fg: c(theme.ColorNameSuccess), min: 4.5},
			{what: "Completed with Errors", surfaces: rows, fg: c(theme.ColorNameWarning), min: 4.5},
			{what: "Failed, expired", surfaces: rows, fg: c(theme.ColorNameError), min: 4.5},
			{what: "placeholder on input", fg: c(theme.ColorNamePlaceHolder), bg: c(theme.ColorNameInputBackground), min: 4.5},
			{what: "disabled text on background", fg: c(theme.ColorNameDisabled), bg: bg, min: 3},
			{what: "disabled text on disabled button", fg: c(theme.ColorNameDisabled), bg: c(theme.ColorNameDisabledButton), min: 3},
			{what: "focus tint on a button", fg: over(c(theme.ColorNameFocus), button), bg: button, min: 3},
			{what: "focus tint on the window", fg: over(c(theme.ColorNameFocus), bg), bg: bg, min: 3},
			{what: "focus tint on a menu", fg: over(c(theme.ColorNameFocus), c(theme.ColorNameMenuBackground)), bg: c(theme.ColorNameMenuBackground), min: 3},
			{what: "input border", fg: c(theme.ColorNameInputBorder), bg: bg, min: 3},
		}
		// Every status as the history grid colours it (statusColour), Cancelled's neutral
		// grey among them.
		for _, st := range []core.Status{core.StatusQueued, core.StatusInProgress, core.StatusCompleted,
			core.StatusCompletedWithError, core.StatusFailed, core.StatusCancelled} {
			checks = append(checks, pair{what: "status " + string(st), surfaces: rows, fg: c(statusColour(st)), min: 4.5})
		}
		for _, kind := range []struct{ on, fill fyne.ThemeColorName }{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
		} {
			fill := c(kind.fill)
			checks = append(checks,
				pair{what: string(kind.on) + " on " + string(kind.fill), fg: c(kind.on), bg: fill, min: 4.5},
				pair{what: string(kind.on) + " on hovered " + string(kind.fill), fg: c(kind.on), bg: over(c(theme.ColorNameHover), fill), min: 4.5},
				pair{what: string(kind.on) + " on focused " + string(kind.fill), fg: c(kind.on), bg: over(c(theme.ColorNameFocus), fill), min: 4.5},
			)
		}
		for _, p := range checks {
			if p.surfaces == nil {
				got := contrast(p.fg, p.bg)
				t.Logf("%s: %-45s %5.2f:1", name, p.what, got)
				if got < p.min {
					t.Errorf("%s theme: %s has contrast %.2f:1, want at least %.1f:1", name, p.what, got, p.min)
				}
				continue
			}
			for _, sname := range p.surfaces {
				got := contrast(p.fg, surfaces[sname])
				t.Logf("%s: %-45s %5.2f:1", name, fmt.Sprintf("%s on %s", p.what, sname), got)
				if got < p.min {
					t.Errorf("%s theme: %s on %s has contrast %.2f:1, want at least %.1f:1", name, p.what, sname, got, p.min)
				}
			}
		}
	}
}
