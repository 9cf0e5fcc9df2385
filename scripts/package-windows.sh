#!/usr/bin/env bash
# package-windows.sh cross-builds Rosterdesk for 64-bit Windows on Linux and packages it:
#
#   dist/Rosterdesk-Setup-VERSION.exe          the installer (NSIS: per-user, no admin)
#   dist/Rosterdesk-VERSION-windows-amd64.zip  portable: Rosterdesk.exe, rosterctl.exe, README
#
# Needs gcc-mingw-w64-x86-64, nsis and zip (scripts/deps.sh --windows installs them).
# Both executables carry the icon, version information and manifest that packaging/meta
# renders from FyneApp.toml (a .syso beside the main package while it builds). The GUI
# is linked with -H=windowsgui (no console window) and built like scripts/package.sh's
# release builds (-tags release,migrated_fynedo).
set -euo pipefail
cd "$(dirname "$0")/.."

stage=build/windows
rm -rf "$stage" && mkdir -p "$stage" dist
go build -o build/meta ./packaging/meta
version=$(build/meta version)

# A .syso in a main package's folder is linked into it; remove them whatever happens.
sysos=(cmd/rosterdesk/rsrc_windows_amd64.syso cmd/rosterctl/rsrc_windows_amd64.syso)
trap 'rm -f "${sysos[@]}"' EXIT
build/meta syso -exe Rosterdesk.exe -desc "Rosterdesk" -o "${sysos[0]}"
build/meta syso -exe rosterctl.exe -desc "Rosterdesk command line" -o "${sysos[1]}"
build/meta ico -o "$stage/icon.ico"
build/meta nsis -o "$stage/defines.nsh"
# Windows people read text files in Notepad: CRLF line ends.
sed 's/$/\r/' packaging/windows/README.txt >"$stage/README.txt"
sed 's/$/\r/' assets/notices.txt >"$stage/THIRD-PARTY-NOTICES.txt"

export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
# mingw's stack protector lives in libssp; link it statically so the exe needs no DLL.
export CGO_LDFLAGS="-l:libssp.a"

echo "package-windows: building rosterctl.exe" >&2
go build -trimpath -ldflags "-s -w" -o "$stage/rosterctl.exe" ./cmd/rosterctl
echo "package-windows: building Rosterdesk.exe (the first cross-build of the OpenGL bindings takes minutes)" >&2
go build -trimpath -tags release,migrated_fynedo -ldflags "-s -w -H=windowsgui" -o "$stage/Rosterdesk.exe" ./cmd/rosterdesk
rm -f "${sysos[@]}"

zip="dist/Rosterdesk-$version-windows-amd64.zip"
rm -f "$zip"
(cd "$stage" && zip -q -X -9 "../../$zip" Rosterdesk.exe rosterctl.exe README.txt THIRD-PARTY-NOTICES.txt)

setup="dist/Rosterdesk-Setup-$version.exe"
makensis -V2 -DSTAGE="$PWD/$stage" -DOUTFILE="$PWD/$setup" packaging/windows/installer.nsi
ls -l "$setup" "$zip"
