#!/usr/bin/env bash
# windows-check.sh proves on Linux that the Windows build works, with Wine 8 and Xvfb:
#
#  1. builds dist/Rosterdesk-Setup-VERSION.exe and the portable zip (package-windows.sh);
#  2. runs rosterctl.exe through the end-to-end test scenario of cmd/rosterctl (the same
#     test and assertions as on Linux, with the binary under wine);
#  3. installs an older setup, then this one over it, silently, into a throw-away Wine
#     prefix, and checks the upgrade in place (files, Start menu, Apps & features entry);
#  4. starts the installed Rosterdesk.exe under Xvfb, waits for its window and saves
#     docs/screenshots/windows.png;
#  5. starts it again on an X server without OpenGL (GLX) and expects the message box,
#     saved as docs/screenshots/windows-no-opengl.png, the exit status 2 and the log line;
#  6. uses the installed rosterctl.exe (--version, backup) on the window's database;
#  7. uninstalls silently and checks that the database is still there.
#
# Not part of CI: it takes minutes. Go 1.22+ programs need ProcessPrng, which Wine 8
# lacks: packaging/windows/bcryptprimitives.c provides it in the test prefix only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS
last=$SECONDS
step() {
	printf '\n== [%4ds, previous step %ds] %s\n' $((SECONDS - start)) $((SECONDS - last)) "$1" >&2
	last=$SECONDS
}
fail() {
	echo "windows-check: FAIL: $*" >&2
	exit 1
}

step "installing what is missing (wine, xvfb, nsis, mingw-w64)"
scripts/deps.sh
scripts/deps.sh --windows

step "building the Windows packages"
scripts/package-windows.sh
version=$(build/meta version)
setup=$root/dist/Rosterdesk-Setup-$version.exe
[ -f "$root/dist/Rosterdesk-$version-windows-amd64.zip" ] || fail "no portable zip"

step "checking the executables: subsystem, version information, manifest"
exe=build/windows
# (Not objdump | grep -q: grep's early exit would fail the pipe under pipefail.)
[[ $(x86_64-w64-mingw32-objdump -p "$exe/Rosterdesk.exe") == *"(Windows GUI)"* ]] || fail "Rosterdesk.exe is not a GUI program (-H=windowsgui)"
[[ $(x86_64-w64-mingw32-objdump -p "$exe/rosterctl.exe") == *"(Windows CUI)"* ]] || fail "rosterctl.exe is not a console program"
# utf16 turns ASCII text into a pattern for its UTF-16LE form (how resources store it).
utf16() { printf '%s' "$1" | sed 's/./&\\x00/g'; }
for f in "$exe/Rosterdesk.exe" "$exe/rosterctl.exe"; do
	for s in 'level="asInvoker"' PerMonitorV2; do
		grep -q "$s" "$f" || fail "$f has no manifest with $s"
	done
	for s in CompanyName ProductName LegalCopyright "$version"; do
		grep -qaP "$(utf16 "$s")" "$f" || fail "$f has no version information $s"
	done
done

# Wine writes into $HOME (its prefix, desktop links): give it a throw-away one. Go keeps
# its caches where they are.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH
work=$(mktemp -d /tmp/rosterdesk-wine.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wineserver -k 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work/home WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko prompts, no menu entries on the host; our ProcessPrng.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;bcryptprimitives=n"
mkdir -p "$HOME"
unset DISPLAY WAYLAND_DISPLAY

step "making a throw-away Wine prefix"
wineboot --init >/dev/null 2>&1
wineserver -w
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	packaging/windows/bcryptprimitives.c packaging/windows/bcryptprimitives.def -ladvapi32
winenv() { wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r'; }
appdata=$(winepath -u "$(winenv APPDATA)")
localappdata=$(winepath -u "$(winenv LOCALAPPDATA)")

step "rosterctl.exe: the end-to-end scenario of cmd/rosterctl under wine"
ROSTERCTL_BINARY=$root/build/windows/rosterctl.exe ROSTERCTL_RUNNER=wine \
	go test -count=1 -run 'TestEndToEnd$' -v ./cmd/rosterctl 2>&1 | tail -n 15
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the end-to-end scenario failed under wine"

key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\org.rosterdesk.app'
regval() { wine reg query "$key" /v "$1" 2>/dev/null | tr -d '\r' | awk -v k="$1" '$1 == k {print $3}'; }

step "installing an older setup (0.0.1), silently, without a desktop shortcut"
sed 's/^!define APP_VERSION "[^"]*"/!define APP_VERSION "0.0.1"/; s/^!define APP_VERSION4 "[^"]*"/!define APP_VERSION4 "0.0.1.1"/' \
	build/windows/defines.nsh >"$work/defines.nsh"
cp build/windows/{Rosterdesk.exe,rosterctl.exe,README.txt,THIRD-PARTY-NOTICES.txt,icon.ico} "$work/"
makensis -V1 -DSTAGE="$work" -DOUTFILE="$work/Rosterdesk-Setup-0.0.1.exe" packaging/windows/installer.nsi
wine "$work/Rosterdesk-Setup-0.0.1.exe" /S /NODESKTOP
wineserver -w
inst=$localappdata/Programs/Rosterdesk
[ -f "$inst/Rosterdesk.exe" ] || fail "the older setup installed nothing in $inst"
[ "$(regval DisplayVersion)" = 0.0.1 ] || fail "Apps & features shows $(regval DisplayVersion), want 0.0.1"
desktop=$(winepath -u "$(winenv USERPROFILE)")/Desktop
[ ! -e "$desktop/Rosterdesk.lnk" ] || fail "/NODESKTOP made a desktop shortcut"

step "installing Rosterdesk-Setup-$version.exe over it, silently"
wine "$setup" /S
wineserver -w
for f in Rosterdesk.exe rosterctl.exe README.txt THIRD-PARTY-NOTICES.txt Uninstall.exe; do
	[ -f "$inst/$f" ] || fail "$f is not installed in $inst"
done
cmp -s "$inst/Rosterdesk.exe" build/windows/Rosterdesk.exe || fail "Rosterdesk.exe was not replaced"
[ "$(regval DisplayVersion)" = "$version" ] || fail "Apps & features shows $(regval DisplayVersion) after the upgrade, want $version"
[ "$(regval Publisher | head -c 3)" != "" ] || fail "no Publisher in Apps & features"
[ "$(wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null | grep -c 'org.rosterdesk.app')" -eq 1 ] ||
	fail "more than one Apps & features entry after the upgrade"
[ -f "$appdata/Microsoft/Windows/Start Menu/Programs/Rosterdesk.lnk" ] || fail "no Start-menu shortcut"
[ -f "$desktop/Rosterdesk.lnk" ] || fail "no desktop shortcut"
instwin=$(winenv LOCALAPPDATA)'\Programs\Rosterdesk'

# startx starts Xvfb with extra arguments and sets display to its name.
startx() {
	local fifo=$work/displayfd.$RANDOM
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp "$@" 3>"$fifo" 2>/dev/null &
	pids+=($!)
	read -r n <"$fifo"
	display=:$n
}
# waitwin waits up to $2 seconds for a window named exactly $1 and prints its id.
waitwin() {
	local deadline=$((SECONDS + $2)) id
	while [ $SECONDS -lt $deadline ]; do
		id=$(DISPLAY=$display xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -n 1) || true
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.5
	done
	return 1
}

step "starting the installed Rosterdesk.exe under Xvfb"
startx
DISPLAY=$display wine "$instwin\\Rosterdesk.exe" --sample >"$work/gui.log" 2>&1 &
gui=$!
pids+=("$gui")
win=$(waitwin Rosterdesk 180) || { cat "$work/gui.log" >&2; fail "no window named Rosterdesk within 180 s"; }
step "the window is up; waiting for it to draw its pages"
# The window is mapped before its first frame: wait until it shows more than a few colours.
for _ in $(seq 1 60); do
	DISPLAY=$display import -window "$win" "$work/win.png" 2>/dev/null || true
	colours=$(convert "$work/win.png" -format %k info: 2>/dev/null || echo 0)
	[ "$colours" -gt 200 ] && break
	sleep 1
done
[ "${colours:-0}" -gt 200 ] || fail "the window stayed blank ($colours colours)"
sleep 2 # let the history's first refresh land
mkdir -p docs/screenshots
DISPLAY=$display import -window "$win" docs/screenshots/windows.png
echo "windows-check: saved docs/screenshots/windows.png ($colours colours)" >&2
# Close it as Windows would (WM_CLOSE): it must quit, not hang.
DISPLAY=$display wine taskkill /IM Rosterdesk.exe >/dev/null 2>&1 || true
for _ in $(seq 1 60); do kill -0 "$gui" 2>/dev/null || break; sleep 1; done
! kill -0 "$gui" 2>/dev/null || fail "Rosterdesk.exe did not quit when its window was closed"
wait "$gui" || true
[ -f "$appdata/Rosterdesk/rosterdesk.db" ] || fail "no database in %APPDATA%\\Rosterdesk"

step "no OpenGL: an X server without GLX must give the message box, not a silent exit"
startx -extension GLX
DISPLAY=$display wine "$instwin\\Rosterdesk.exe" >"$work/nogl.log" 2>&1 &
nogl=$!
pids+=("$nogl")
box=$(waitwin "Rosterdesk cannot open its window" 120) || { cat "$work/nogl.log" >&2; fail "no message box without OpenGL"; }
sleep 1
DISPLAY=$display import -window root -crop 1280x800+0+0 "$work/nogl.png"
convert "$work/nogl.png" -trim +repage docs/screenshots/windows-no-opengl.png
DISPLAY=$display xdotool key --window "$box" Return
code=0
wait "$nogl" || code=$?
[ "$code" -eq 2 ] || fail "without OpenGL Rosterdesk.exe exited with $code, want 2"
grep -q "the window cannot open" "$appdata/Rosterdesk/rosterdesk.log" || fail "nothing logged in %APPDATA%\\Rosterdesk\\rosterdesk.log"
echo "windows-check: logged: $(tail -n 1 "$appdata/Rosterdesk/rosterdesk.log")" >&2

step "the installed rosterctl.exe: --version and backup of the window's database"
got=$(wine "$instwin\\rosterctl.exe" --version | tr -d '\r')
case "$got" in *" $version,"*) ;; *) fail "rosterctl --version says '$got', want $version" ;; esac
wine "$instwin\\rosterctl.exe" backup -o 'C:\backup.db' | tr -d '\r'
[ -s "$WINEPREFIX/drive_c/backup.db" ] || fail "rosterctl backup wrote nothing"

step "uninstalling silently"
wine "$inst/Uninstall.exe" /S
wineserver -w
[ ! -e "$inst/Rosterdesk.exe" ] || fail "the uninstaller left Rosterdesk.exe"
[ ! -e "$appdata/Microsoft/Windows/Start Menu/Programs/Rosterdesk.lnk" ] || fail "the uninstaller left the Start-menu shortcut"
[ ! -e "$desktop/Rosterdesk.lnk" ] || fail "the uninstaller left the desktop shortcut"
[ -z "$(regval DisplayName)" ] || fail "the uninstaller left the Apps & features entry"
[ -f "$appdata/Rosterdesk/rosterdesk.db" ] || fail "the uninstaller removed the database"

step "done: windows-check passed"
