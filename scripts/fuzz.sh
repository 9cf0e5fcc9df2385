#!/usr/bin/env bash
# fuzz.sh SECONDS: run every fuzz target in the repository for SECONDS each (default 30).
# Go saves a crasher under the package's testdata/fuzz/FuzzX/, where it becomes part of
# the seed corpus that plain "go test" replays; commit it with the fix. The script fails
# if any target fails.
set -euo pipefail
secs="${1:-30}"
cd "$(dirname "$0")/.."

failed=()
# Targets are found, not listed, so a new FuzzX is fuzzed without editing this script.
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "== $pkg $target (${secs}s)"
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s"; then
      failed+=("$pkg $target")
    fi
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sed 's|^\./||' | sort)

if ((${#failed[@]})); then
  echo "fuzz.sh: ${#failed[@]} target(s) failed; crashers are in testdata/fuzz:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${secs}s without a crasher"
