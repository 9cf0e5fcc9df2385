package ui

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk"
	"github.com/rosterdesk/rosterdesk/assets"
)

// databaseInfo is what the About box asks of the engine beyond Engine. *engine.Service
// has it; an engine without it (a test fake) shows "unknown".
type databaseInfo interface {
	DBPath() string
	SchemaVersion(ctx context.Context) (int, error)
}

// aboutBox is the About dialog's content: the version (FyneApp.toml's, the one
// rosterctl --version prints), the database's path and schema version, and the licence
// notices of everything Rosterdesk is built from.
type aboutBox struct {
	version *widget.Label
	path    *widget.Label
	schema  *widget.Label
	copyBtn *widget.Button
	notices *widget.List
	lines   []string
	content fyne.CanvasObject
}

func newAboutBox(path, schema string, clip fyne.Clipboard) *aboutBox {
	m := rosterdesk.App()
	b := &aboutBox{lines: strings.Split(strings.TrimRight(assets.Notices, "\n"), "\n")}
	b.version = widget.NewLabel(fmt.Sprintf("Version %s (build %d)", m.Version, m.Build))
	b.path = widget.NewLabel(path)
	b.path.Wrapping = fyne.TextWrapBreak
	b.path.Selectable = true
	b.schema = widget.NewLabel(schema)
	b.copyBtn = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { clip.SetContent(path) })
	if clip == nil || path == "" {
		b.copyBtn.Hide()
	}
	b.notices = widget.NewList(
		func() int { return len(b.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle.Monospace = true
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(b.lines[i]) },
	)
	b.notices.HideSeparators = true

	name := widget.NewLabelWithStyle(m.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSquareSize(64), widget.NewIcon(assets.Icon)), nil,
		container.NewVBox(name, b.version, widget.NewLabel(m.Description)))
	var site fyne.CanvasObject = widget.NewLabel(m.Website)
	if u, err := url.Parse(m.Website); err == nil {
		site = widget.NewHyperlink(m.Website, u)
	}
	facts := widget.NewForm(
		widget.NewFormItem("Database", container.NewBorder(nil, nil, nil, b.copyBtn, b.path)),
		widget.NewFormItem("Schema version", b.schema),
		widget.NewFormItem("Website", site),
	)
	top := container.NewVBox(head, facts, widget.NewLabel(m.Copyright+". Rosterdesk is built with these programs, under these licences:"))
	b.content = container.NewBorder(top, nil, nil, nil, b.notices)
	return b
}

// onAbout shows the About box, once the schema version has been read.
func (t *topBar) onAbout() {
	a := t.a
	path, schema := "unknown", "unknown"
	info, ok := a.eng.(databaseInfo)
	if !ok {
		t.showAbout(path, schema)
		return
	}
	path = info.DBPath()
	var v int
	a.background("read the schema version", func(ctx context.Context) error {
		var err error
		v, err = info.SchemaVersion(ctx)
		return err
	}, func(err error) {
		if err == nil {
			schema = strconv.Itoa(v)
		}
		t.showAbout(path, schema)
	})
}

func (t *topBar) showAbout(path, schema string) {
	box := newAboutBox(path, schema, t.a.clip)
	t.dialog = t.a.showModal(modalSpec{title: "About Rosterdesk", content: box.content, dismiss: "Close", size: fyne.NewSize(760, 600)})
}
