package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme returns Rosterdesk's theme: Fyne's default theme with colours that keep every
// text readable, in the light and the dark variant alike. Fyne's own status colours
// (light green and orange on white) and its nearly invisible focus tint failed WCAG AA;
// these pass it, and TestThemeContrast computes every ratio from this theme.
func Theme() fyne.Theme { return deskTheme{base: theme.DefaultTheme()} }

type deskTheme struct{ base fyne.Theme }

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

func rgba(v uint32, a uint8) color.NRGBA {
	c := rgb(v)
	c.A = a
	return c
}

// palette holds the colours that differ from Fyne's, by variant. Text colours are chosen
// against every background they are drawn on (window, inputs, headers, dialogs, menus,
// hover and selection tints); the focus tint changes a button, a drop-down or a menu
// item by at least 3:1 while its text keeps 4.5:1.
var palette = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameForeground:          rgb(0x1f1f1f),
		theme.ColorNamePlaceHolder:         rgb(0x636363),
		theme.ColorNameDisabled:            rgb(0x8a8a8a),
		theme.ColorNamePrimary:             rgb(0x1b56c9),
		theme.ColorNameHyperlink:           rgb(0x1b56c9),
		theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
		theme.ColorNameSuccess:             rgb(0x1d6b2a),
		theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
		theme.ColorNameWarning:             rgb(0x9a4a00),
		theme.ColorNameForegroundOnWarning: rgb(0xffffff),
		theme.ColorNameError:               rgb(0xb3261e),
		theme.ColorNameForegroundOnError:   rgb(0xffffff),
		theme.ColorNameFocus:               rgba(0x0b3a9c, 0x90),
		theme.ColorNameSelection:           rgba(0x1b56c9, 0x2e),
		theme.ColorNameInputBorder:         rgb(0x8f8f8f),
	},
	theme.VariantDark: {
		theme.ColorNameForeground:          rgb(0xffffff),
		theme.ColorNamePlaceHolder:         rgb(0xa8a8a8),
		theme.ColorNameDisabled:            rgb(0x8a8a8a),
		theme.ColorNamePrimary:             rgb(0x7aa7ff),
		theme.ColorNameHyperlink:           rgb(0x7aa7ff),
		theme.ColorNameForegroundOnPrimary: rgb(0x111111),
		theme.ColorNameSuccess:             rgb(0x5fd068),
		theme.ColorNameForegroundOnSuccess: rgb(0x111111),
		theme.ColorNameWarning:             rgb(0xffa53d),
		theme.ColorNameForegroundOnWarning: rgb(0x111111),
		theme.ColorNameError:               rgb(0xff7b72),
		theme.ColorNameForegroundOnError:   rgb(0x111111),
		theme.ColorNameFocus:               rgba(0x7aa7ff, 0x98),
		theme.ColorNameSelection:           rgba(0x7aa7ff, 0x30),
		theme.ColorNameInputBorder:         rgb(0x6e6e6e),
	},
}

func (t deskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if v != theme.VariantLight {
		v = theme.VariantDark
	}
	if c, ok := palette[v][n]; ok {
		return c
	}
	return t.base.Color(n, v)
}

func (t deskTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t deskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }
func (t deskTheme) Size(n fyne.ThemeSizeName) float32       { return t.base.Size(n) }
