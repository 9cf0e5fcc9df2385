// Package assets holds the files built into the rosterdesk binary: the application icon.
package assets

//go:generate go run icon_gen.go

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application and window icon (512×512 PNG).
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
