#!/bin/sh
# screenshots.sh takes the screenshots in docs/screenshots/ with the real engine: it builds
# rosterdesk and rosterctl, makes a sample database in a temporary folder (rosterdesk
# --sample, then a few uploads and administrators through rosterctl so the history shows
# every status), runs the window under Xvfb, signs in by typing as a person would, and
# photographs the sign-in screen and the Administrators page (at 1280x800 and 800x600),
# the Import page, the Upload History with an open Actions menu, and the Accounts page.
#
# Needs: Xvfb, xdotool, ImageMagick (import), and the Fyne build packages (gcc, libgl, X11
# headers). Usage: scripts/screenshots.sh [OUTDIR]
set -eu
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
tmp=$(mktemp -d)
display=:${SCREENSHOT_DISPLAY:-97}
app_pid= xvfb_pid= bg_pid=
cleanup() {
	for p in $app_pid $bg_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A fixed clock makes dates and password expiries the same in every run.
export ROSTERDESK_NOW=2026-09-01T08:00:00Z
export ROSTERDESK_DB="$tmp/rosterdesk.db"
export FYNE_THEME=light
export DISPLAY=$display

echo "building…"
go build -o "$tmp/rosterdesk" ./cmd/rosterdesk
go build -o "$tmp/rosterctl" ./cmd/rosterctl

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
# Wait for the X server to answer rather than for a fixed time.
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "Xvfb did not start" >&2; exit 1; }
	sleep 0.1
done

# start PAGE [FLAGS]: runs the window on PAGE and waits until it is mapped and drawn.
start() {
	page=$1; shift
	"$tmp/rosterdesk" --page "$page" "$@" >>"$tmp/app.log" 2>&1 &
	app_pid=$!
	xdotool search --sync --onlyvisible --name '^Rosterdesk$' >/dev/null
	win=$(xdotool search --onlyvisible --name '^Rosterdesk$' | head -n 1)
	size 1100 720
}
# size W H: gives the window that size and lets it redraw.
size() {
	xdotool windowmove "$win" 0 0 windowsize "$win" "$1" "$2"
	xdotool mousemove 5 5 windowfocus --sync "$win"
	sleep 2 # let the first frames and the background reads land
}
# keys TEXT...: types into the window's focused field, pressing Return after each TEXT
# and giving the window a moment to answer (a sign-in changes the screen).
keys() {
	for k in "$@"; do
		[ -z "$k" ] || xdotool type --delay 30 "$k"
		xdotool key Return
		sleep 1
	done
	sleep 1
}
stop() { kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=; }
shot() { import -window "$win" "$out/$1.png"; echo "wrote $out/$1.png"; }

# The sample administrator's own password, chosen at its first sign-in below.
user=admin pass=Sample2026pw

# 1. Sample data: the sign-in screen shows the sample administrator's temporary password,
# already typed in; Return asks for a password of one's own, and then the Import page.
start import --sample
keys "" "$pass" "$pass"
shot import
stop

# 2. The sign-in screen, as everyone meets it.
start import
size 1280 800
shot signin
size 800 600
shot signin-800x600
stop

# 3. Uploads in every status: Completed with Errors, Failed, and one big one still
# running (In Progress) when the history is photographed.
school=$("$tmp/rosterctl" school list | head -n 1)
cat >"$tmp/Spring_Roster.csv" <<'CSV'
User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name
T3001,Teacher,Grace,Hopper,,ghopper@example.org,,,SCI4,Science 4
S3001,Student,Alan,Turing,4,,,,SCI4,
S3002,Student,Ada,Lovelace,4,,,,SCI4,
S3003,Student,,Babbage,4,,,,SCI4,
S3004,Student,Katherine,Johnson,13,,,,SCI4,
CSV
printf 'Student Number,Given Name\n1,Ann\n' >"$tmp/Old_Export.csv"
"$tmp/rosterctl" import --school "$school" --as "Maria Garcia" "$tmp/Spring_Roster.csv" >/dev/null || true
"$tmp/rosterctl" import --school "$school" --as "Maria Garcia" "$tmp/Old_Export.csv" >/dev/null || true
# Accounts page, before the big upload adds 600,000 students to the list.
start accounts
keys "$user" "$pass"
shot accounts
stop

# The Administrators page: a School Organization Administrator, and an Organization
# Administrator who also teaches (linked to her teacher account from the sample roster).
second=$("$tmp/rosterctl" school list | sed -n 2p)
"$tmp/rosterctl" admin add sortiz --name "Sam Ortiz" --email sortiz@washington.example.org --school "$second" >/dev/null 2>&1
"$tmp/rosterctl" admin add mgarcia.admin --name "Maria Garcia" --email mgarcia@lincoln.example.org --org-admin \
	--teacher-account mgarcia >/dev/null 2>&1
start admins
size 1280 800
keys "$user" "$pass"
shot admins
size 800 600
shot admins-800x600
stop

awk 'BEGIN {
	split("abcdefghijklmnopqrstuvwxyz", L, "")
	print "User ID,Role,First Name,Last Name,Grade Level"
	for (i = 1; i <= 600000; i++) {
		n = i; s = ""
		for (k = 0; k < 5; k++) { s = s L[n % 26 + 1]; n = int(n / 26) }
		printf "D%07d,Student,Sam,Lee%s,5\n", i, s
	}
}' >"$tmp/District_Transfer.csv"
"$tmp/rosterctl" import --school "$school" --as "IT Office" "$tmp/District_Transfer.csv" >/dev/null 2>&1 &
bg_pid=$!
# Wait until rosterctl has queued the big upload.
i=0
until "$tmp/rosterctl" history | grep -q District_Transfer; do
	i=$((i + 1)); [ $i -lt 300 ] || { echo "the big upload was not queued" >&2; exit 1; }
	sleep 0.1
done

start history
keys "$user" "$pass"
# Open the Actions menu of the third row (the Completed with Errors upload).
xdotool mousemove 1040 292 click 1
sleep 1
shot history
stop
wait "$bg_pid" 2>/dev/null || true
bg_pid=

