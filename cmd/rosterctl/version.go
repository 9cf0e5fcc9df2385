package main

import (
	"fmt"

	"github.com/rosterdesk/rosterdesk"
)

// versionLine is what rosterctl --version prints: the version of FyneApp.toml, which the
// window's About box shows too.
func versionLine() string {
	m := rosterdesk.App()
	return fmt.Sprintf("rosterctl (%s) %s, build %d", m.Name, m.Version, m.Build)
}
