#!/bin/sh
# screenshots.sh takes the screenshots in docs/screenshots/ with the real engine and the
# real window under Xvfb: it builds rosterdesk and rosterctl, makes a sample database in a
# temporary folder (rosterdesk --sample, then uploads and administrators through rosterctl
# so the history shows every status), signs in by typing as a person would, and
# photographs:
#
#   signin.png, signin-800x600.png           the sign-in screen at 1280×800 and 800×600;
#   admins.png, admins-800x600.png           the Administrators page at 1280×800 and 800×600;
#   import.png, history.png, accounts.png    the README's pictures (light theme, 1100×720),
#                                            the history with an open Actions menu and an
#                                            upload resumed after a quit, in progress;
#   *-dark.png                               the same pages in the dark theme;
#   history-800x600.png, history-1280x800.png, history-1920x1080.png,
#   accounts-800x600.png, accounts-1920x1080.png
#                                            the grids at a small and a large screen;
#   passwords.png                            the new passwords after a class reset;
#   check.png, details.png                   Check File and Details on the walk-through's
#                                            file of issue 9: the cause on its row first,
#                                            then what it does to its class, once;
#   schooladmin.png                          the top bar of a School Organization Administrator;
#   quit-signin.png                          closing the window at the sign-in screen while it
#                                            resumes an interrupted upload: it asks first.
#
# Needs: Xvfb, xdotool, ImageMagick (import), and the Fyne build packages (gcc, libgl, X11
# headers; a small X client is compiled to ask the window to close, as a window
# manager's close button does: xdotool's windowclose destroys the window instead). Usage: scripts/screenshots.sh [OUTDIR]. BIN=DIR uses the rosterdesk and
# rosterctl already built in DIR (to photograph another version the same way).
set -eu
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-docs/screenshots}" && cd "${1:-docs/screenshots}" && pwd)
tmp=$(mktemp -d)
app_pid= xvfb_pid= bg_pid=
cleanup() {
	for p in $app_pid $bg_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A fixed clock makes dates and password expiries the same in every run; a private config
# folder keeps the window's preferences out of the user's own.
export ROSTERDESK_NOW=2026-09-01T08:00:00Z
export ROSTERDESK_DB="$tmp/rosterdesk.db"
export XDG_CONFIG_HOME="$tmp/config"

if [ -n "${BIN:-}" ]; then
	cp "$BIN/rosterdesk" "$BIN/rosterctl" "$tmp/"
else
	echo "building…"
	go build -o "$tmp/rosterdesk" ./cmd/rosterdesk
	go build -o "$tmp/rosterctl" ./cmd/rosterctl
fi

# close_request WINDOW: the WM_DELETE_WINDOW message a window manager sends when the
# close button is pressed.
cc -o "$tmp/close-request" -x c - -lX11 <<'C'
#include <X11/Xlib.h>
#include <stdlib.h>
int main(int argc, char **argv) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL || argc != 2) return 1;
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = (Window)strtoul(argv[1], NULL, 0);
	ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = XInternAtom(d, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(d, ev.xclient.window, False, NoEventMask, &ev);
	XCloseDisplay(d);
	return 0;
}
C

# Xvfb picks a free display itself (-displayfd), so a second run, or another script's
# X server, cannot collide with this one; -noreset keeps it up between two windows.
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp -noreset 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
i=0
until [ -s "$tmp/display" ] && DISPLAY=:$(cat "$tmp/display") xdotool getdisplaygeometry >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "Xvfb did not start" >&2; exit 1; }
	sleep 0.1
done
DISPLAY=:$(cat "$tmp/display")
export DISPLAY

# start PAGE WIDTH HEIGHT THEME [FLAGS]: runs the window on PAGE at WIDTH×HEIGHT in THEME
# (light or dark) and waits until it is mapped and drawn. SETTLE seconds (3) let the
# first frames, the background reads and a few progress reports land.
width=1100 height=720
start() {
	page=$1 width=$2 height=$3; FYNE_THEME=$4; export FYNE_THEME; shift 4
	"$tmp/rosterdesk" --page "$page" "$@" >>"$tmp/app.log" 2>&1 &
	app_pid=$!
	xdotool search --sync --onlyvisible --pid "$app_pid" --name '^Rosterdesk$' >/dev/null
	win=$(xdotool search --onlyvisible --pid "$app_pid" --name '^Rosterdesk$' | head -n 1)
	resize "$width" "$height"
	xdotool windowfocus --sync "$win"
	sleep 1
}
# signin USER PASSWORD: signs in at the sign-in screen, whose username field has the
# focus, by typing (Enter moves on to the password, and there signs in); then waits.
signin() {
	xdotool type --delay 20 "$1"; xdotool key Return; sleep 0.5
	xdotool type --delay 20 "$2"; xdotool key Return
	sleep "${SETTLE:-3}"
}
# resize WIDTH HEIGHT: sizes the window, again until it takes (the window applies its
# own first size some moments after it is mapped).
resize() {
	width=$1 height=$2
	i=0
	until xdotool getwindowgeometry "$win" | grep -q "Geometry: ${width}x${height}\$"; do
		i=$((i + 1)); [ $i -lt 20 ] || { echo "the window did not take ${width}x${height}" >&2; exit 1; }
		xdotool windowmove "$win" 0 0 windowsize "$win" "$width" "$height"
		sleep 0.5
	done
	sleep 1
}
# stop ends the window the way a crash or a kill would: an upload it was running is left
# In Progress, and the next start resumes it.
stop() { kill -9 "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=; }
shot() {
	import -window root -crop "${width}x${height}+0+0" +repage "$out/$1.png"
	echo "wrote $out/$1.png"
}
# click X Y: a left click at X,Y of the window (which sits at 0,0).
click() { xdotool mousemove "$1" "$2" click 1; sleep 1; }

# The sample administrator's own password, chosen at its first sign-in below.
user=admin pass=Sample2026pw

# 1. Import page, on a fresh sample database: the sign-in screen shows the sample
# administrator's temporary password, already typed in; Enter asks for a password of
# one's own (typed twice), and then shows the page.
start import 1100 720 light --sample
xdotool key Return; sleep 1
xdotool type --delay 20 "$pass"; xdotool key Return; sleep 0.5
xdotool type --delay 20 "$pass"; xdotool key Return
sleep "${SETTLE:-3}"
shot import
stop
start import 1100 720 dark
signin "$user" "$pass"
shot import-dark
stop

# The sign-in screen, as everyone meets it.
start import 1280 800 light
shot signin
resize 800 600
shot signin-800x600
stop

# 2. Uploads that end Completed with Errors and Failed.
school=$("$tmp/rosterctl" school list | head -n 1)
cat >"$tmp/Spring_Roster.csv" <<'CSV'
User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name
T3001,Teacher,Grace,Hopper,,ghopper@example.org,,,SCI4,Science 4
S3001,Student,Alan,Turing,4,,,,SCI4,
S3002,Student,Ada,Lovelace,4,,,,SCI4,
S3003,Student,,Babbage,4,,,,SCI4,
S3004,Student,Katherine,Johnson,13,,,,SCI4,
S3005,Student,Zoë,Nguyễn,4,,,,SCI4,
CSV
printf 'Student Number,Given Name\n1,Ann\n' >"$tmp/Old_Export.csv"
"$tmp/rosterctl" import --school "$school" --as "Maria Garcia" "$tmp/Spring_Roster.csv" >/dev/null || true
"$tmp/rosterctl" import --school "$school" --as "Maria Garcia" "$tmp/Old_Export.csv" >/dev/null || true

# interrupt NAME: rosterctl starts uploading NAME.csv (as the IT Office) and is killed once
# the upload is In Progress, as a crash would leave it.
interrupt() {
	"$tmp/rosterctl" import --school "$school" --as "IT Office" "$tmp/$1.csv" >/dev/null 2>&1 &
	bg_pid=$!
	i=0
	until "$tmp/rosterctl" history | grep "$1" | grep -q 'In Progress'; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "the upload of $1 did not start" >&2; exit 1; }
		sleep 0.1
	done
	kill -9 "$bg_pid" 2>/dev/null || true
	wait "$bg_pid" 2>/dev/null || true
	bg_pid=
}

# 2b. The walk-through's file of issue 9: one bad date on row 12 fails its class of 27,
# the other classes apply (Completed with Errors); and an upload cancelled while it ran
# (its rosterctl stopped, then rosterctl cancel): Cancelled, nothing applied.
# grade G writes such a file for grade G: classes GA (row 12's bad date) and GB.
grade() {
	awk -v g="$1" 'BEGIN {
		print "User ID,Role,First Name,Last Name,Grade Level,Email,Class ID,Class Name,Class Start Date"
		printf "T%s001,Teacher,Rosa,Parks,,rparks%s@example.org,%sA,Class %sA,08/25/2026\n", g, g, g, g
		for (i = 1; i <= 26; i++)
			printf "S%s%03d,Student,Ann,Lee%c,%s,,%sA,,%s\n", g, i, 96 + i, g, g, (i == 10 ? "13/45/2026" : "08/25/2026")
		printf "T%s002,Teacher,Mae,Jemison,,mjemison%s@example.org,%sB,Class %sB,08/25/2026\n", g, g, g, g
		for (i = 1; i <= 20; i++)
			printf "S%s%03d,Student,Ben,Ray%c,%s,,%sB,,08/25/2026\n", g, 100 + i, 96 + i, g, g
	}'
}
grade 4 >"$tmp/Grade4_Roster.csv"
grade 5 >"$tmp/Grade5_Roster.csv"
"$tmp/rosterctl" import --school "$school" --as "Maria Garcia" "$tmp/Grade4_Roster.csv" >/dev/null || true
awk 'BEGIN {
	print "User ID,Role,First Name,Last Name,Grade Level,Password"
	for (i = 1; i <= 3000; i++) printf "L%05d,Student,Lou,Late,6,Latecomer%05dX\n", i, i
}' >"$tmp/Late_Roster.csv"
interrupt Late_Roster
"$tmp/rosterctl" cancel --upload "$("$tmp/rosterctl" history | awk '/Late_Roster/ { print $1; exit }')" >/dev/null

# 3. Accounts page, at three sizes and in both themes.
start accounts 1100 720 light
signin "$user" "$pass"
shot accounts
stop
start accounts 800 600 light
signin "$user" "$pass"
shot accounts-800x600
stop
start accounts 1920 1080 light
signin "$user" "$pass"
shot accounts-1920x1080
stop
start accounts 1100 720 dark
signin "$user" "$pass"
shot accounts-dark
stop

# 4. The new passwords after resetting a class, by keyboard once the drop-down has the
# focus: Right for the next class (MATH3A), Tab to Reset Class Passwords, Enter, and
# Enter again to confirm (the confirm button has the focus).
start accounts 1100 720 light
signin "$user" "$pass"
click ${CLASS_X:-470} ${CLASS_Y:-155}
click ${CLASS_X:-470} $((${CLASS_Y:-155} + 45))
xdotool key Right; sleep 0.5
xdotool key Tab; sleep 0.5
xdotool key Return; sleep 1
xdotool key Return; sleep 2
shot passwords
stop

# 5. The top bar of a School Organization Administrator of two schools, whose first
# sign-in (rosterctl login) replaced the temporary password rosterctl admin add printed;
# and the Administrators page, with an Organization Administrator who also teaches.
second=$("$tmp/rosterctl" school list | sed -n 2p)
temp=$("$tmp/rosterctl" admin add sortiz --name "Sam Ortiz" --email sortiz@washington.example.org \
	--school "$school" --school "$second" 2>/dev/null)
printf '%s\n%s\n' "$temp" Principal2026x | "$tmp/rosterctl" login sortiz >/dev/null
"$tmp/rosterctl" admin add mgarcia.admin --name "Maria Garcia" --email mgarcia@lincoln.example.org --org-admin \
	--teacher-account mgarcia >/dev/null 2>&1
start import 1100 720 light
signin sortiz Principal2026x
shot schooladmin
stop
start admins 1280 800 light
signin "$user" "$pass"
shot admins
resize 800 600
shot admins-800x600
stop

# 5b. Check File on the walk-through's file (its grade 5 twin, not uploaded yet), chosen
# with Ctrl+O in the system's file dialog (GTK's "Open File": Ctrl+L, its path, Enter
# twice, the first one taking the completion); then Details of the grade 4 upload, from
# the history's Actions menu (the second row, under the cancelled one).
start import 1100 720 light
signin "$user" "$pass"
xdotool key ctrl+o
dlg=$(xdotool search --sync --onlyvisible --name '^Open File$' | head -n 1)
xdotool windowfocus --sync "$dlg"; sleep 1
xdotool key ctrl+l; sleep 0.5
xdotool type --delay 10 "$tmp/Grade5_Roster.csv"; sleep 0.5
xdotool key Return; sleep 1
xdotool search --onlyvisible --name '^Open File$' >/dev/null 2>&1 && { xdotool key Return; sleep 1; }
xdotool windowfocus --sync "$win"; sleep 1
click ${CHECK_X:-332} ${CHECK_Y:-461}
sleep 2
shot check
stop
start history 1100 720 light
signin "$user" "$pass"
click $((width - ${ACTIONS_FROM_RIGHT:-50})) ${DETAILS_ROW_Y:-235}
click ${DETAILS_X:-856} ${DETAILS_Y:-559}
shot details
stop

# 6. A big upload with typed passwords (slow to secure on purpose), interrupted: rosterctl
# starts it and is killed, so every window started after it resumes it from the start and
# shows it In Progress, with its time estimate.
awk 'BEGIN {
	split("abcdefghijklmnopqrstuvwxyz", L, "")
	print "User ID,Role,First Name,Last Name,Grade Level,Password"
	for (i = 1; i <= 20000; i++) {
		n = i; s = ""
		for (k = 0; k < 4; k++) { s = s L[n % 26 + 1]; n = int(n / 26) }
		printf "D%06d,Student,Sam,Lee%s,5,Secret%06dX\n", i, s, i
	}
}' >"$tmp/District_Transfer.csv"
interrupt District_Transfer

# One window for every size, so the upload keeps going and the estimate appears (the
# first passwords take a few seconds to secure): a window started again would resume
# the upload from the beginning.
SETTLE=20
start history 800 600 light
signin "$user" "$pass"
shot history-800x600
resize 1100 720
# Open the Actions menu of the first row (the upload in progress: Cancel upload… is
# offered).
click $((width - ${ACTIONS_FROM_RIGHT:-50})) ${ACTIONS_Y:-195}
shot history
xdotool key Escape; sleep 1
for size in 1280x800 1920x1080; do
	resize "${size%x*}" "${size#*x}"
	shot "history-$size"
done
stop
start history 1100 720 dark
signin "$user" "$pass"
shot history-dark
stop

# Closing the window at the sign-in screen while it resumes the interrupted upload:
# nobody has signed in, yet the window asks before it stops the upload.
SETTLE=3
start history 1100 720 light
sleep "$SETTLE"
"$tmp/close-request" "$win"
sleep 1
shot quit-signin
stop
