#!/usr/bin/env bash
# bench.sh — how fast and how big is `rosterctl import`, measured end to end.
#
#   scripts/bench.sh [ROWS...]          (default: 100000 1000000 2000000)
#
# For each size it generates a roster with cmd/rostergen (CSV; XLSX too for the sizes in
# BENCH_XLSX, default 100000), makes a fresh database (rosterctl init, school add), and
# times `rosterctl import`: wall time, rows per second and peak resident memory (GNU
# time). The baseline is `sqlite3 .import` of the same rows as CSV into one table of a
# fresh database, measured in the same run (one baseline run just before each import
# run; the ratio is the median of the pairs' ratios), so the ratio says what the checks,
# the indexes, the generated usernames/passwords and the three stored files cost over a
# bare bulk load. After the table it prints the ratios the targets are stated in
# (docs/performance.md): peak RSS of the largest CSV against the smallest, and XLSX
# wall time against the same rows in CSV.
#
# With 100,000 among the sizes it then times the floor under the import's speed (Go
# benchmarks in core/engine/floor_bench_test.go, each run paired with a baseline run):
# writing only the rows a 100,000-row import stores, the least a SQLite stage costs the
# staged design, and the same driver doing sqlite3 .import's work (BENCH_SKIP_FLOOR=1
# skips it).
#
# Then it imports 1,000 students with typed passwords and compares the argon2id hashing
# rate with the all-cores floor: nproc / (time of one hash alone).
#
# Every figure is the median of BENCH_REPEAT runs (default 5) for sizes up to 100,000
# rows and of BENCH_REPEAT_LARGE runs (default 1) above: the machine may be shared, and
# a 2,000,000-row import takes minutes. Environment: BENCH_REPEAT, BENCH_REPEAT_LARGE,
# BENCH_XLSX (sizes also run as XLSX, "" for none), BENCH_SEED (default 1), BENCH_DIR
# (default: a temp dir, removed at the end unless BENCH_KEEP=1), BENCH_SKIP_HASH=1 to
# skip the hashing run, BENCH_OLD=path/to/rosterctl to time an older build too: each
# run then imports the same file with the old binary right after the new one, and the
# table gets a row for each (compare builds only this way: the machine drifts). The
# import needs free disk of about 8 times the CSV's size (its stage and the WAL). Prints
# Markdown tables on stdout; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000 2000000)
REPEAT=${BENCH_REPEAT:-5}
REPEAT_LARGE=${BENCH_REPEAT_LARGE:-1}
XLSX_SIZES=" ${BENCH_XLSX-100000} "
SEED=${BENCH_SEED:-1}
PW_ROWS=1000

log() { printf '%s\n' "$*" >&2; }

# Tools: GNU time for peak RSS, sqlite3 for the baseline. Installed when missing and we
# may (a CI container runs as root); otherwise RSS reads "n/a" and the baseline is skipped.
need() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing $pkg"
		apt-get install -y "$pkg" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$pkg" >/dev/null 2>&1; } || true
	fi
	command -v "$cmd" >/dev/null 2>&1
}
HAVE_GNU_TIME=0
if need /usr/bin/time time && /usr/bin/time -f %e true >/dev/null 2>&1; then HAVE_GNU_TIME=1; fi
HAVE_SQLITE=0
if need sqlite3 sqlite3; then HAVE_SQLITE=1; fi

WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rosterbench.XXXXXX")}
mkdir -p "$WORK"
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

log "building rosterctl and rostergen into $WORK"
(cd "$ROOT" && go build -o "$WORK/rosterctl" ./cmd/rosterctl && go build -o "$WORK/rostergen" ./cmd/rostergen)
CTL=$WORK/rosterctl
GEN=$WORK/rostergen
OLD=${BENCH_OLD:-}
[ -z "$OLD" ] || [ -x "$OLD" ] || { log "BENCH_OLD=$OLD: not an executable"; exit 2; }

# measure CMD... — runs CMD, prints "SECONDS RSS_KB" (RSS "n/a" without GNU time).
measure() {
	local out=$WORK/time.out
	if [ $HAVE_GNU_TIME = 1 ]; then
		/usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>"$WORK/cmd.err" || { cat "$WORK/cmd.err" >&2; return 1; }
		# %e has two decimals only; good enough for runs of 0.1 s and more.
		tail -n 1 "$out"
	else
		local TIMEFORMAT=%R t
		t=$( { time "$@" >/dev/null 2>"$WORK/cmd.err"; } 2>&1 ) || { cat "$WORK/cmd.err" >&2; return 1; }
		echo "$t n/a"
	fi
}

# median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}}'; }

# fresh_db DB [CTL] — a new database with one school, made by CTL (default: the new build).
fresh_db() {
	local ctl=${2:-$CTL}
	rm -f "$1" "$1-wal" "$1-shm"
	"$ctl" --db "$1" init --org "Springfield School District" >/dev/null
	"$ctl" --db "$1" school add "Lincoln Elementary" >/dev/null
}

# import_run FILE [CTL] — one timed import into a fresh database: "SECONDS RSS_KB".
import_run() {
	local db=$WORK/bench.db ctl=${2:-$CTL}
	fresh_db "$db" "$ctl"
	# Exit 0 (Completed) is expected; 3 would mean rows failed, which the table would hide.
	measure "$ctl" --db "$db" import --school "Lincoln Elementary" --as "Benchmark" "$1"
}

# sqlite_run FILE — `sqlite3 .import` of FILE into a fresh database: seconds, to the
# millisecond (GNU time gives two decimals only, 3% of a 0.3 s baseline).
sqlite_run() {
	local db=$WORK/baseline.db TIMEFORMAT=%3R t
	rm -f "$db"
	t=$( { time sqlite3 "$db" ".mode csv" ".import $1 t" >/dev/null 2>"$WORK/cmd.err"; } 2>&1 ) || { cat "$WORK/cmd.err" >&2; return 1; }
	echo "$t"
}

# ratio_of RUN BASE — the wall time of RUN ("SECONDS RSS_KB") over the baseline's.
ratio_of() { awk -v w="${1% *}" -v b="$2" 'BEGIN { printf "%.3f\n", w / b }'; }

# row LABEL RUNS... -- RATIOS... — one line of the table, the medians of the runs (of
# size $n, file size $size, baseline $base); sets ROW_WALL and ROW_RSS.
row() {
	local label=$1 rs=() qs=() wall rss ratio=n/a
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do rs+=("$1"); shift; done
	shift
	qs=("$@")
	wall=$(printf '%s\n' "${rs[@]}" | cut -d' ' -f1 | median)
	rss=$(printf '%s\n' "${rs[@]}" | cut -d' ' -f2 | grep -v n/a | median)
	[ ${#qs[@]} -eq 0 ] || ratio=$(printf '%s\n' "${qs[@]}" | median)
	awk -v n="$n" -v f="$label" -v kb="$size" -v w="$wall" -v rss="$rss" -v b="$base" -v ratio="$ratio" 'BEGIN {
		rps = (w > 0) ? sprintf("%.0f", n / w) : "n/a"
		mb = (rss == "n/a" || rss == "") ? "n/a" : sprintf("%.0f", rss / 1024)
		r = (ratio == "n/a") ? "n/a" : sprintf("%.1f×", ratio)
		printf "| %d | %s | %.1f MB | %.2f | %s | %s | %s | %s |\n", n, f, kb / 1024, w, rps, mb, b, r
	}'
	ROW_WALL=$wall ROW_RSS=$rss
}

printf '| Rows | Format | File | Import wall (s) | Rows/s | Peak RSS (MB) | sqlite3 .import (s) | Ratio |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|\n'

# Each import run is paired with a baseline run just before it, and the ratio is the
# median of the pairs' ratios: this machine's speed drifts by 20% and more from one
# minute to the next (other jobs share it), which a baseline measured once, minutes
# before the imports, would turn into a wrong ratio.
declare -A WALL RSS
for n in "${SIZES[@]}"; do
	csv=$WORK/roster-$n.csv
	"$GEN" -rows "$n" -format csv -seed "$SEED" -o "$csv" 2>&1 | sed 's/^/  /' >&2
	formats=(csv)
	[[ $XLSX_SIZES == *" $n "* ]] && formats+=(xlsx)
	repeat=$REPEAT
	[ "$n" -le 100000 ] || repeat=$REPEAT_LARGE
	for fmt in "${formats[@]}"; do
		file=$WORK/roster-$n.$fmt
		[ -f "$file" ] || "$GEN" -rows "$n" -format "$fmt" -seed "$SEED" -o "$file" 2>/dev/null
		runs=() bases=() ratios=() oruns=() oratios=()
		for i in $(seq "$repeat"); do
			b=n/a
			if [ $HAVE_SQLITE = 1 ]; then
				b=$(sqlite_run "$csv")
				bases+=("$b")
			fi
			r=$(import_run "$file")
			runs+=("$r")
			[ "$b" = n/a ] || ratios+=("$(ratio_of "$r" "$b")")
			log "  import $n $fmt run $i: ${r% *}s, peak RSS ${r#* } KB; sqlite3 .import ${b}s; load $(cut -d' ' -f1 /proc/loadavg)"
			if [ -n "$OLD" ]; then
				o=$(import_run "$file" "$OLD")
				oruns+=("$o")
				[ "$b" = n/a ] || oratios+=("$(ratio_of "$o" "$b")")
				log "  old build, run $i: ${o% *}s, peak RSS ${o#* } KB"
			fi
		done
		base=n/a
		[ ${#bases[@]} -eq 0 ] || base=$(printf '%s\n' "${bases[@]}" | median)
		size=$(du -k "$file" | cut -f1)
		row "${fmt^^}" "${runs[@]}" -- "${ratios[@]}"
		WALL[$n.$fmt]=$ROW_WALL RSS[$n.$fmt]=$ROW_RSS
		[ -z "$OLD" ] || row "${fmt^^} (old build)" "${oruns[@]}" -- "${oratios[@]}"
	done
	rm -f "$WORK"/roster-"$n".*
done

# The ratios the targets are stated in.
small=${SIZES[0]} large=${SIZES[${#SIZES[@]}-1]}
printf '\n| Measure | Value |\n|---|---:|\n'
if [ "$small" != "$large" ] && [ -n "${RSS[$small.csv]:-}" ] && [ -n "${RSS[$large.csv]:-}" ]; then
	awk -v s="$small" -v l="$large" -v a="${RSS[$small.csv]}" -v b="${RSS[$large.csv]}" \
		'BEGIN { printf "| Peak RSS, %d rows / %d rows (CSV) | %.2f |\n", l, s, b / a }'
fi
for n in "${SIZES[@]}"; do
	[ -n "${WALL[$n.xlsx]:-}" ] || continue
	awk -v n="$n" -v x="${WALL[$n.xlsx]}" -v c="${WALL[$n.csv]}" \
		'BEGIN { printf "| Wall time, XLSX / CSV (%d rows) | %.2f |\n", n, x / c }'
done

if [[ " ${SIZES[*]} " == *" 100000 "* ]] && [ $HAVE_SQLITE = 1 ] && [ "${BENCH_SKIP_FLOOR:-0}" != 1 ]; then
	# One run of the floor benchmarks: "WRITES STAGE EQUIVALENT" in seconds. Each run
	# imports the roster once first (not timed) to learn the rows it stores.
	log "floor: go test -bench 'WriteFloor100k|StageFloor100k' (core/engine/floor_bench_test.go)"
	(cd "$ROOT" && go test -c -o "$WORK/engine.test" ./core/engine)
	csv=$WORK/roster-floor.csv
	"$GEN" -rows 100000 -format csv -seed "$SEED" -o "$csv" 2>/dev/null
	fw=() fs=() fe=() rw=() rs=() rt=() re=()
	for i in $(seq "$REPEAT"); do
		b=$(sqlite_run "$csv")
		read -r w st e < <(cd "$ROOT/core/engine" && "$WORK/engine.test" -test.run '^$' -test.bench 'WriteFloor100k|StageFloor100k' -test.benchtime 1x |
			awk '/^BenchmarkWriteFloor100k\/writes/ {w=$3} /^BenchmarkStageFloor100k/ {s=$3} /import-equivalent/ {e=$3}
				END {printf "%.3f %.3f %.3f\n", w/1e9, s/1e9, e/1e9}')
		fw+=("$w") fs+=("$st") fe+=("$e")
		rw+=("$(awk -v x="$w" -v b="$b" 'BEGIN {printf "%.3f", x / b}')")
		rs+=("$(awk -v x="$st" -v b="$b" 'BEGIN {printf "%.3f", x / b}')")
		rt+=("$(awk -v x="$w" -v y="$st" -v b="$b" 'BEGIN {printf "%.3f", (x + y) / b}')")
		re+=("$(awk -v x="$e" -v b="$b" 'BEGIN {printf "%.3f", x / b}')")
		log "  floor run $i: writes ${w}s, stage ${st}s, driver's .import ${e}s; sqlite3 .import ${b}s; load $(cut -d' ' -f1 /proc/loadavg)"
	done
	printf '\n| Floor, 100,000 rows (median of %d runs, each paired with sqlite3 .import) | Seconds | × sqlite3 .import |\n|---|---:|---:|\n' "$REPEAT"
	m() { printf '%s\n' "$@" | median; }
	printf '| Writing only what the import stores (users, classes, links, enrollments, codes, upload and files) | %s | %.1f× |\n' "$(m "${fw[@]}")" "$(m "${rw[@]}")"
	printf '| The least a SQLite stage costs (rows written once, read by user, by class, by line) | %s | %.1f× |\n' "$(m "${fs[@]}")" "$(m "${rs[@]}")"
	printf '| Both: the floor of the staged design, before any reading, checking or file writing | %s | %.1f× |\n' \
		"$(awk -v a="$(m "${fw[@]}")" -v b="$(m "${fs[@]}")" 'BEGIN {printf "%.3f", a + b}')" "$(m "${rt[@]}")"
	printf '| This driver doing sqlite3 .import'"'"'s work (16 text columns, one table, no index) | %s | %.1f× |\n' "$(m "${fe[@]}")" "$(m "${re[@]}")"
	rm -f "$csv"
fi

if [ "${BENCH_SKIP_HASH:-0}" != 1 ]; then
	# The hashing rate: the same 1,000-row roster with and without typed passwords; the
	# difference in wall time is the hashing (everything else is the same work).
	log "hashing: one argon2id hash alone (go test -bench BenchmarkHashPermanent)"
	ns=$(cd "$ROOT" && go test ./core/account -run '^$' -bench 'BenchmarkHashPermanent$' -benchtime 20x -count 3 |
		awk '/^BenchmarkHashPermanent/ {print $3}' | median)
	cores=$(nproc)
	pw=$WORK/pw.csv
	nopw=$WORK/nopw.csv
	# 1,045 rows hold about 1,005 students; -passwords caps at the students there are.
	npw=$("$GEN" -rows $((PW_ROWS + 45)) -passwords "$PW_ROWS" -seed "$SEED" -o "$pw" 2>&1 | sed -n 's/.* \([0-9]*\) typed passwords.*/\1/p')
	"$GEN" -rows $((PW_ROWS + 45)) -passwords 0 -seed "$SEED" -o "$nopw" 2>/dev/null
	with=$(for _ in $(seq "$REPEAT"); do import_run "$pw" | cut -d' ' -f1; done | median)
	without=$(for _ in $(seq "$REPEAT"); do import_run "$nopw" | cut -d' ' -f1; done | median)
	printf '\n| Typed passwords | Cores | One hash (ms) | Floor (hashes/s) | Import with / without (s) | Achieved (hashes/s) | Ratio to floor |\n'
	printf '|---:|---:|---:|---:|---:|---:|---:|\n'
	awk -v n="$npw" -v c="$cores" -v ns="$ns" -v w="$with" -v wo="$without" 'BEGIN {
		floor = c / (ns / 1e9); hs = w - wo; rate = n / hs
		printf "| %d | %d | %.1f | %.1f | %.2f / %.2f | %.1f | %.2f |\n", n, c, ns / 1e6, floor, w, wo, rate, rate / floor
	}'
fi
