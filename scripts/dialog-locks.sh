#!/bin/sh
# dialog-locks.sh proves, under Xvfb, that a file dialog on the database's folder leaves
# the window's database alone (issue 13 item 1, SPEC §12 "No lock is ever lost").
#
# A file dialog opens the files of the folder it shows, and closing any descriptor of a
# file drops every POSIX lock the process holds on it: run inside the window, GTK's
# dialog on the database's folder took SQLite's locks away (/proc/locks 2 -> 0), the next
# rosterctl deleted x.db-wal and -shm under the running window, and its next upload
# failed with "The database file is damaged". The script, on Linux:
#   1. opens the window on ./x.db (the database in the working folder, as reported) and
#      counts the window's locks on x.db and x.db-shm in /proc/locks;
#   2. clicks Blank Template: CSV, whose Save dialog shows the working folder (the
#      database's), counts again, and cancels;
#   3. runs rosterctl history, and checks x.db-wal and x.db-shm are still there;
#   4. uploads r.csv in the window (Ctrl+O, the file's path, Ctrl+U) and waits for the
#      upload to be Completed.
# It fails at the first step that goes wrong. Needs: Xvfb, xdotool, the Fyne and GTK
# build packages. Usage: scripts/dialog-locks.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
display=:${DIALOG_DISPLAY:-93}
app_pid= xvfb_pid=
cleanup() {
	for p in $app_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "building…"
go build -o "$tmp/bin/" ./cmd/rosterdesk ./cmd/rosterctl
export DISPLAY=$display
unset ROSTERDESK_DB ROSTERDESK_NOW
mkdir "$tmp/work"
cd "$tmp/work"
ctl() { "$tmp/bin/rosterctl" --db ./x.db "$@"; }
ctl init --org "Test District" >/dev/null
ctl school add "North" >/dev/null
printf 'User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name\r\nT1,Teacher,Grace,Hopper,,gh@example.org,,,C1,Science\r\nS1,Student,Alan,Turing,4,,,,C1,\r\n' >r.csv

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "Xvfb did not start"
	sleep 0.1
done

"$tmp/bin/rosterdesk" --db ./x.db >"$tmp/app.log" 2>&1 &
app_pid=$!
xdotool search --sync --onlyvisible --name '^Rosterdesk$' >/dev/null
win=$(xdotool search --onlyvisible --name '^Rosterdesk$' | head -n 1)
sleep 2 # the window reads the database in the background once shown

# locks prints how many locks the window's process holds on x.db and x.db-shm.
locks() {
	db=$(stat -c %i x.db) shm=$(stat -c %i x.db-shm 2>/dev/null || echo none)
	awk -v pid="$app_pid" -v db="$db" -v shm="$shm" '
		$5 == pid { n = split($6, f, ":"); if (f[n] == db || f[n] == shm) c++ }
		END { print c + 0 }' /proc/locks
}
# dialog waits for the file dialog ("Open File" or "Save File": GTK's own titles) and
# gives it the keyboard.
dialog() {
	xdotool search --sync --onlyvisible --name "$1" >/dev/null
	d=$(xdotool search --onlyvisible --name "$1" | head -n 1)
	xdotool windowfocus --sync "$d"
	sleep 1
}
# go types a path into the dialog's location bar and presses Enter.
go_to() {
	xdotool key ctrl+l
	sleep 0.5
	xdotool type --delay 20 "$1"
	sleep 0.5
	xdotool key Return
}

before=$(locks)
echo "1. the window (pid $app_pid) holds $before locks on x.db and x.db-shm"
[ "$before" -ge 1 ] || fail "the window holds no lock on its database"

# Blank Template's CSV button (the window sits at 0,0 without a window manager).
xdotool mousemove 258 254 click 1
dialog '^Save File$'
sleep 3 # the dialog lists the folder and looks at its files
after=$(locks)
helper=$(pgrep -f -- '--file-dialog' | head -n 1 || true)
echo "2. with the dialog showing the database's folder (helper pid ${helper:-?}): $after locks"
xdotool key Escape
[ "$after" -eq "$before" ] || fail "the dialog took the window's locks: $before -> $after"

ctl history >/dev/null
[ -e x.db-wal ] && [ -e x.db-shm ] || fail "rosterctl history deleted x.db-wal or x.db-shm under the running window"
echo "3. rosterctl history ran; x.db-wal and x.db-shm are still there; $(locks) locks"

xdotool windowfocus --sync "$win"
xdotool key --window "$win" ctrl+o
dialog '^Open File$'
go_to "$tmp/work/r.csv"
sleep 2
xdotool windowfocus --sync "$win"
xdotool key --window "$win" ctrl+u
i=0
until ctl history --json | grep -q '"status": "Completed"'; do
	i=$((i + 1))
	[ $i -lt 60 ] || { ctl history; cat "$tmp/app.log"; fail "the upload in the window did not complete"; }
	sleep 1
done
echo "4. the upload in the window completed:"
ctl history
echo "PASS: no lock was lost"
