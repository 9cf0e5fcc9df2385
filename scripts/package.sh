#!/bin/sh
# package.sh builds a release package of Rosterdesk for this machine's OS with the fyne
# packaging tool.
#
# The tool is a go.mod `tool` dependency (fyne.io/tools/cmd/fyne), so its version is pinned
# with the module and nothing is installed globally. FyneApp.toml sits at the repository
# root while the main package is cmd/rosterdesk, so its values are passed as flags (fyne
# package looks for FyneApp.toml in --src only).
#
# Release builds use -tags migrated_fynedo ([Migrations] fyneDo = true): every background
# update already goes through fyne.Do, so Fyne may skip its thread checks. Dev builds leave
# the tag off so a mistake shows up as "*** Error in Fyne call thread ***".
#
# Usage: scripts/package.sh [extra fyne package flags, e.g. --os windows --release]
set -eu
cd "$(dirname "$0")/.."
root=$PWD
meta() { sed -n "s/^ *$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" FyneApp.toml | head -n 1; }
mkdir -p dist
go tool fyne package \
	--src ./cmd/rosterdesk \
	--name "$(meta Name)" \
	--app-id "$(meta ID)" \
	--app-version "$(meta Version)" \
	--app-build "$(meta Build)" \
	--icon "$root/$(meta Icon)" \
	--tags migrated_fynedo \
	"$@"
# fyne package writes its result next to the sources or in the working directory.
for f in cmd/rosterdesk/Rosterdesk* Rosterdesk*; do
	[ -e "$f" ] && mv "$f" dist/
done
ls -l dist
