// Package rosterdesk tells the programs of this module who they are: the application's
// name, identifier, version and publisher, read from FyneApp.toml, the one place they are
// written. The window's About box, rosterctl --version and every package built by
// scripts/package*.sh show these same values.
package rosterdesk

import (
	_ "embed"
	"fmt"
	"regexp"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed FyneApp.toml
var fyneAppTOML string

// Meta is the application's metadata as FyneApp.toml states it.
type Meta struct {
	Name        string // "Rosterdesk"
	ID          string // reverse-DNS identifier: the macOS bundle id, the Linux desktop file
	Version     string // MAJOR.MINOR.PATCH
	Build       int    // the package's build number within Version
	Icon        string // the application icon, relative to the repository root
	Website     string
	Description string
	Publisher   string
	Copyright   string
	// Desktop entry values for Linux.
	GenericName string
	Comment     string
	Categories  []string
	Keywords    []string
}

// fyneApp is the part of FyneApp.toml's schema that Rosterdesk reads.
type fyneApp struct {
	Website     string
	Description string
	Details     struct {
		Icon, Name, ID, Version string
		Build                   int
	}
	LinuxAndBSD struct {
		GenericName, Comment string
		Categories, Keywords []string
	}
	Release map[string]string
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

// ParseMeta reads FyneApp.toml's text. Version must be MAJOR.MINOR.PATCH in digits, the
// form Windows version resources and macOS bundles accept.
func ParseMeta(text string) (Meta, error) {
	var f fyneApp
	if _, err := toml.Decode(text, &f); err != nil {
		return Meta{}, fmt.Errorf("parse FyneApp.toml: %w", err)
	}
	m := Meta{
		Name:        f.Details.Name,
		ID:          f.Details.ID,
		Version:     f.Details.Version,
		Build:       f.Details.Build,
		Icon:        f.Details.Icon,
		Website:     f.Website,
		Description: f.Description,
		Publisher:   f.Release["Publisher"],
		Copyright:   f.Release["Copyright"],
		GenericName: f.LinuxAndBSD.GenericName,
		Comment:     f.LinuxAndBSD.Comment,
		Categories:  f.LinuxAndBSD.Categories,
		Keywords:    f.LinuxAndBSD.Keywords,
	}
	switch {
	case m.Name == "" || m.ID == "":
		return m, fmt.Errorf("FyneApp.toml: [Details] needs Name and ID")
	case !versionRE.MatchString(m.Version):
		return m, fmt.Errorf("FyneApp.toml: Version %q is not MAJOR.MINOR.PATCH", m.Version)
	case m.Build < 1:
		return m, fmt.Errorf("FyneApp.toml: Build must be 1 or more")
	}
	return m, nil
}

var app = sync.OnceValue(func() Meta {
	m, err := ParseMeta(fyneAppTOML)
	if err != nil {
		// FyneApp.toml is embedded at build time and checked by TestApp, so this is a
		// broken build, not a situation a user can meet.
		panic(err)
	}
	return m
})

// App returns the application's metadata.
func App() Meta { return app() }

// Version returns the version, for example "0.1.0".
func Version() string { return app().Version }
