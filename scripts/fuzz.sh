#!/usr/bin/env bash
# fuzz.sh SECONDS [REGEXP]: run every fuzz target in the repository (or those whose
# "package Target" matches REGEXP) for SECONDS each (default 30), one after another, and
# print each target's executions per second: a target that runs a few times a second
# explores nothing, whatever its duration. FUZZ_PARALLEL sets go test's -parallel (the
# fuzzing workers; default GOMAXPROCS).
#
# Go saves a crasher under the package's testdata/fuzz/FuzzX/, where it becomes part of
# the seed corpus that plain "go test" replays; commit it with the fix (or move it into
# the target's f.Add seeds under a "// Cases found by fuzzing:" note). The script fails if
# any target fails.
set -euo pipefail
secs="${1:-30}"
filter="${2:-.}"
cd "$(dirname "$0")/.."

parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
  parallel=(-parallel "$FUZZ_PARALLEL")
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

failed=()
summary=()
# Targets are found, not listed, so a new FuzzX is fuzzed without editing this script.
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    if ! grep -qE "$filter" <<<"$pkg $target"; then
      continue
    fi
    echo "== $pkg $target (${secs}s)"
    status=ok
    # go test's own 10-minute timeout would end a 600-second run at its last second.
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" -timeout "$((secs + 600))s" "${parallel[@]}" 2>&1 | tee "$log"; then
      failed+=("$pkg $target")
      status=FAILED
    fi
    # The last progress line holds the totals: "fuzz: elapsed: 10m0s, execs: 123456 (4115/sec), …".
    execs="$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
    elapsed="$(grep -oE 'elapsed: [0-9hms]+' "$log" | tail -1 | sed 's/elapsed: //' |
      awk '{ s = 0; n = 0; for (i = 1; i <= length($0); i++) { c = substr($0, i, 1)
        if (c ~ /[0-9]/) n = n * 10 + c; else { s += n * (c == "h" ? 3600 : c == "m" ? 60 : 1); n = 0 } }
        print s }')"
    elapsed="${elapsed:-0}"
    rate=0
    if ((elapsed > 0)); then
      rate=$((execs / elapsed))
    fi
    summary+=("$(printf '%-22s %-26s %12s execs %8s/s  %s' "$pkg" "$target" "$execs" "$rate" "$status")")
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sed 's|^\./||' | sort)

echo
echo "fuzz.sh: ${secs}s a target"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz.sh: ${#failed[@]} target(s) failed; crashers are in testdata/fuzz:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${secs}s without a crasher"
