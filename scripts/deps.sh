#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Rosterdesk needs to build the window (cgo headers
# for OpenGL, X11, Wayland and GTK), to run it headless (Xvfb), to read login-card PDFs
# back in the tests (poppler-utils), to benchmark it (sqlite3, GNU time, with --extra) and
# to package it (--windows, --linux). Only missing packages are installed, so a second
# run costs nothing.
set -euo pipefail

pkgs=(gcc make pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev libgtk-3-dev
	xvfb xauth poppler-utils)
case "${1:-}" in
--extra) pkgs+=(sqlite3 time imagemagick xdotool) ;;
# Cross-building for Windows (scripts/package-windows.sh) and running the result under
# Wine (scripts/windows-check.sh).
--windows) pkgs+=(gcc-mingw-w64-x86-64 nsis zip wine wine64 imagemagick xdotool) ;;
--linux) pkgs+=(xz-utils) ;;
--shellcheck) pkgs+=(shellcheck) ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
	sudo="sudo"
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
