#!/usr/bin/env bash
# crash.sh [N_ROWS] [ROUNDS]: prove that an import killed with SIGKILL at a random moment
# and finished by "rosterctl resume" leaves the database exactly as an uninterrupted
# import does. Defaults: 20000 rows, 5 rounds.
#
# It generates a roster (a teacher row per class of ~25 students, so ~4% teachers; one
# student in ten in a second class; ~5% typed passwords; a broken row every 500), times
# one uninterrupted import as the reference, then per round: a fresh database, an import
# killed with kill -9 after a random delay between 0 and that time, resume, and a
# comparison of users (User ID, names, role, grade, email, username), classes,
# enrollments and the history's counts with the reference; no User ID twice; and three
# users signing in with their typed passwords. One line per round; exit 1 on any mismatch.
set -euo pipefail
rows="${1:-20000}"
rounds="${2:-5}"
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/rosterctl" ./cmd/rosterctl
# One clock for every run: two databases made from the same file then differ only in
# what is random by design (GUIDs, temporary passwords).
export ROSTERDESK_NOW=2026-09-01T08:00:00Z
unset ROSTERDESK_DB
school="Crash Academy"
db=""
R() { "$work/rosterctl" --db "$db" "$@"; }

# The roster, and beside it the typed passwords (User ID,password) for the sign-in check.
awk -v rows="$rows" -v pwfile="$work/passwords.csv" 'BEGIN {
  split("Ava Liam Noah Emma Olivia Mia Lucas Ella Zoe James Sofia Mateo Grace Omar Aisha Kenji Maria John", F, " ")
  split("Smith Jones Brown Garcia Miller Davis Wilson Moore Taylor Clark Nguyen Kim Lopez Martin Lee Walker Hall Young King Wright", L, " ")
  nf = 18; nl = 20
  print "User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID"
  first = rows - int(rows / 11); n = 0; s = 0; nlater = 0
  for (c = 0; n < first; c++) {
    class = sprintf("C%05d", c); grade = c % 12 + 1
    printf ",T%05d,Teacher,%s,%s,,t%d@crash.example.org,,,%s,Class %s,%d,08/25/2026,2027-06-10,,\n", c, F[(c*7)%nf+1], L[(c*3)%nl+1], c, class, class, grade
    n++
    for (k = 0; k < 25 && n < first; k++) {
      s++; id = sprintf("S%06d", s); email = ""; pw = ""
      if (s % 3 == 0) email = sprintf("s%d@crash.example.org", s)
      if (s % 20 == 0) pw = sprintf("Qx%dTyped%sz", s, "K")
      if ((n + 1) % 500 == 0) { email = "broken@@crash"; pw = "" }
      if (pw != "") print id "," pw > pwfile
      line = sprintf(",%s,Student,%s,%s,%d,%s,,%s,", id, F[s%nf+1], L[int(s/3)%nl+1], grade, email, pw)
      print line class ",,,,,,"
      n++
      if (s % 10 == 0 && c > 0) later[++nlater] = line sprintf("C%05d", c-1) ",,,,,,"
    }
  }
  for (i = 1; i <= nlater; i++) print later[i]
}' > "$work/roster.csv"
echo "crash.sh: $(($(wc -l < "$work/roster.csv") - 1)) rows, $(wc -l < "$work/passwords.csv") typed passwords"

fresh() {
  db="$1"
  rm -f "$db" "$db-wal" "$db-shm"
  R init --org "Crash Unified" > /dev/null
  R school add "$school" > /dev/null
}

# state DIR: the database's state in a canonical, GUID-free form, one file per aspect.
state() {
  local d="$1"
  mkdir -p "$d"
  R history --json > "$d/history.json"
  grep -c '"upload":' "$d/history.json" > "$d/uploads" || true
  grep -vE '"(upload|uploaded_at)":' "$d/history.json" > "$d/history"
  R export users --school "$school" -o "$d/users.csv"
  R export classes --school "$school" -o "$d/classes.csv"
  # Exports are UTF-8 with a BOM and CRLF, for Excel; the generated cells hold no comma.
  sed '1d; s/\r$//' "$d/users.csv" | cut -d, -f2-8 | sort > "$d/users"
  sed '1d; s/\r$//' "$d/classes.csv" | cut -d, -f1-6,8- | sort > "$d/classes"
  local id
  id="$(grep -m1 '"upload":' "$d/history.json" | grep -oE '[0-9]+' || true)"
  : > "$d/enrollments"
  if [[ -n "$id" ]] && R download --upload "$id" --file completed -o "$d/completed.csv" 2> /dev/null; then
    sed '1d; s/\r$//' "$d/completed.csv" | cut -d, -f2,10 | sort > "$d/enrollments"
  fi
}

ms() { date +%s%3N; }

fresh "$work/ref.db"
t0="$(ms)"
R import --school "$school" "$work/roster.csv" > /dev/null || [[ $? -eq 3 ]]
full=$(($(ms) - t0))
state "$work/ref"
echo "crash.sh: uninterrupted import took ${full} ms: $(grep -E '"(status|applied|failed)"' "$work/ref/history" | tr -d ' \n')"

bad=0
for round in $(seq 1 "$rounds"); do
  # An import that ends before its kill proves nothing: the machine was faster than
  # when the reference was timed. Its run time then bounds the next try (at most 5).
  for try in 1 2 3 4 5; do
    fresh "$work/r$round.db"
    delay=$(((RANDOM * 32768 + RANDOM) % full))
    t0="$(ms)"
    R import --school "$school" "$work/roster.csv" > /dev/null 2>&1 &
    pid=$!
    # A delay, not a synchronisation: the point is a kill at a random moment.
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    how="killed"
    kill -9 "$pid" 2> /dev/null || how="finished before the kill"
    wait "$pid" 2> /dev/null || true
    [[ "$how" == "killed" ]] && break
    full=$(($(ms) - t0))
  done

  left="$(R history --json | grep -m1 '"status"' | cut -d'"' -f4 || true)"
  if [[ -n "$left" ]]; then
    how="$how, upload left ${left}"
  fi
  if [[ -z "$left" ]]; then
    # Killed before the upload was recorded: nothing was accepted, so nothing is lost;
    # the office imports the file again.
    how="$how before the upload was recorded; imported again"
    R import --school "$school" "$work/roster.csv" > /dev/null || [[ $? -eq 3 ]]
  else
    R resume > /dev/null || [[ $? -eq 3 ]]
  fi
  state "$work/r$round"

  problems=()
  for f in uploads history users classes enrollments; do
    if ! cmp -s "$work/ref/$f" "$work/r$round/$f"; then
      problems+=("$f differ: $(diff "$work/ref/$f" "$work/r$round/$f" | grep -cE '^[<>]') lines")
    fi
  done
  dups="$(cut -d, -f1 "$work/r$round/users" | uniq -d | wc -l)"
  ((dups == 0)) || problems+=("$dups User IDs twice")
  logins=0
  for line in $(sed -n '1p; 2p; $p' "$work/passwords.csv"); do
    id="${line%%,*}" pw="${line#*,}"
    user="$(grep -m1 "^$id," "$work/r$round/users" | cut -d, -f7)"
    if printf '%s\n' "$pw" | R login "$user" > /dev/null 2>&1; then
      logins=$((logins + 1))
    else
      problems+=("$id ($user) cannot sign in with the typed password")
    fi
  done

  if ((${#problems[@]})); then
    bad=$((bad + 1))
    echo "round $round: kill at ${delay} ms ($how): MISMATCH: ${problems[*]}"
  else
    echo "round $round: kill at ${delay} ms ($how): same state as the reference, $(wc -l < "$work/r$round/users") users, no duplicates, $logins/3 sign-ins"
  fi
done

if ((bad)); then
  echo "crash.sh: $bad of $rounds rounds differ from the uninterrupted import" >&2
  exit 1
fi
echo "crash.sh: all $rounds rounds match the uninterrupted import"
