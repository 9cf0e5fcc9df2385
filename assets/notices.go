package assets

//go:generate go run ../packaging/meta notices -o notices.txt

import _ "embed"

// Notices holds the licence and notice texts of Go and of every module linked into
// rosterdesk or rosterctl on any system, for the About box. It is generated from the
// module graph; packaging/meta's TestNoticesUpToDate fails when it is out of date.
//
//go:embed notices.txt
var Notices string
