#!/usr/bin/env bash
# The test command (`npm test`): builds, then runs every suite inside a private network namespace whose
# only interface is loopback, so no test can send a packet off this machine even if misconfigured
# (a DHT with a wrong bootstrap, say). Needs root for `ip netns`; without it, it refuses rather than
# running unboxed, unless SWARMKV_TEST_UNBOXED=1 is set. Last, the dashboard's Playwright suite (e2e/)
# on Debian's chromium, boxed the same way; `scripts/test.sh e2e [files]` (`npm run test:e2e`) runs it alone.
#
# Each bun and node test file runs in a process of its own, timed by the wall clock (setup included);
# the Playwright files run in one process and are timed from its JSON report. The run ends with every
# file's duration, slowest first, the total, every file that skipped tests and the reason it printed
# (an unboxed run skips the cluster suites: it says so loudly), every failed test by file (so the tail of
# a long log names them), and one line `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

e2e_only=0
if [ "${1:-}" = e2e ]; then
  e2e_only=1
  shift
fi

run_started=$(date +%s%N)
bun run build

namespace="swarmkv-test-$$"
run_id=$(($$ % 1000000))
unboxed=0
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
  ip netns add "$namespace"
  trap 'ip netns del "$namespace" 2>/dev/null || true' EXIT
  ip netns exec "$namespace" ip link set lo up
  boxed=(ip netns exec "$namespace" env SWARMKV_TEST_BOXED=1 SWARMKV_TEST_RUN=$run_id)
elif [ "${SWARMKV_TEST_UNBOXED:-0}" = 1 ]; then
  echo "warning: not root; running tests on the host network (loopback only by construction); suites that need network namespaces are SKIPPED (listed at the end)" >&2
  boxed=()
  unboxed=1
else
  echo "npm test needs root (for ip netns) to isolate the test network; run as root or set SWARMKV_TEST_UNBOXED=1" >&2
  exit 2
fi

log=$(mktemp)
durations=$(mktemp)
skips=$(mktemp)
report=$(mktemp)
failures=$(mktemp)
trap 'rm -f "$log" "$durations" "$skips" "$report" "$failures"; ip netns del "$namespace" 2>/dev/null || true' EXIT
status=0
passed=0
failed=0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# count PATTERN: the number in the last line of $log matching PATTERN (a regex with one number), else 0.
count() {
  local found
  found=$(grep -oE "$1" "$log" | grep -oE '[0-9]+' | tail -1 || true)
  echo "${found:-0}"
}
# record NAME STARTED_MS SKIPPED: its duration, and why it skipped tests (lines its output says "skipped:" on).
record() {
  local name=$1 started=$2 skipped=${3:-0} ms
  ms=$(( $(now_ms) - started ))
  echo "$ms $name" >> "$durations"
  awk -v ms="$ms" -v name="$name" 'BEGIN { printf "== %.1f s  %s\n", ms / 1000, name }'
  if [ "${skipped:-0}" -gt 0 ]; then
    local why
    why=$(grep -iE 'skipped:' "$log" | grep -vE '^\(skip\)' | sort -u | paste -sd ';' - || true)
    echo "$name: $skipped test(s) skipped: ${why:-no reason printed (a skipped suite must print one: \"... skipped: why\")}" >> "$skips"
  fi
}
# note_failures NAME PATTERN: the lines of $log matching PATTERN (the runner's mark for a failed test), under NAME.
note_failures() {
  grep -E "$2" "$log" | sed -E 's/^[[:space:]]+//' | sort -u | sed "s|^|$1: |" >> "$failures" || true
}

# run_bun LABEL ARGS...: one `bun test` process, counted and timed under LABEL.
run_bun() {
  local label=$1 started
  shift
  started=$(now_ms)
  "${boxed[@]}" bun test --timeout 60000 "$@" 2>&1 | tee "$log" || status=$?
  passed=$((passed + $(count '^ *[0-9]+ pass$')))
  failed=$((failed + $(count '^ *[0-9]+ fail$')))
  note_failures "$label" '^\(fail\) '
  record "$label" "$started" "$(count '^ *[0-9]+ skip$')"
}

if [ "$e2e_only" = 0 ]; then
  if [ "$#" = 0 ]; then
    # The files `bun test` itself would find (bunfig.toml: root "."), each in a process of its own.
    mapfile -t bun_files < <(find . \( -path ./node_modules -o -path ./dist -o -path ./.git -o -path ./e2e/results \) -prune -o -type f \
      \( -name '*.test.ts' -o -name '*.test.tsx' -o -name '*_test.ts' -o -name '*.spec.ts' \) -print | sed 's|^\./||' | sort)
    for file in "${bun_files[@]}"; do run_bun "$file" "./$file"; done
  else
    # Files named one by one run one by one, so each gets its own time; anything else (a folder, -t NAME) in one run.
    all_files=1
    for arg in "$@"; do [ -f "$arg" ] || all_files=0; done
    if [ "$all_files" = 1 ]; then
      for file in "$@"; do run_bun "$file" "$file"; done
    else
      run_bun "$*" "$@"
    fi
  fi
fi

if [ -d dist/node-tests ] && [ "$#" = 0 ] && [ "$e2e_only" = 0 ]; then
  for file in dist/node-tests/*.mjs; do
    started=$(now_ms)
    "${boxed[@]}" node --test --test-reporter=spec "$file" 2>&1 | tee "$log" || status=$?
    passed=$((passed + $(count '^ℹ pass [0-9]+')))
    failed=$((failed + $(count '^ℹ fail [0-9]+')))
    note_failures "$file" '^ *✖ '
    record "$file" "$started" "$(count '^ℹ skipped [0-9]+')"
  done
fi

if [ "$#" = 0 ] || [ "$e2e_only" = 1 ]; then
  started=$(now_ms)
  "${boxed[@]}" env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$report" playwright test --reporter=list,json "$@" 2>&1 | tee "$log" || status=$?
  passed=$((passed + $(count '^ *[0-9]+ passed')))
  failed=$((failed + $(count '^ *[0-9]+ failed')))
  note_failures "e2e (playwright)" '^ *✘ '
  # Each Playwright file's share: the sum of its tests' durations (the files run one after another).
  node -e '
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const sum = (suite) => (suite.specs ?? []).flatMap((spec) => spec.tests).flatMap((test) => test.results).reduce((ms, result) => ms + result.duration, 0)
      + (suite.suites ?? []).reduce((ms, child) => ms + sum(child), 0);
    for (const suite of report.suites ?? []) console.log(`${Math.round(sum(suite))} e2e/${suite.file}`);
  ' "$report" >> "$durations" 2>/dev/null || echo "$(( $(now_ms) - started )) e2e (playwright)" >> "$durations"
  e2e_skipped=$(count '^ *[0-9]+ skipped')
  if [ "$e2e_skipped" -gt 0 ]; then echo "e2e (playwright): $e2e_skipped test(s) skipped" >> "$skips"; fi
fi

# What the run made must be gone: a suite that leaves a process or a namespace behind fails the run
# (and what it left is removed here, so the next run starts clean). Test networks are named
# skv<this run's id>n... (test/support/test-network.ts), so other runs on the machine are not counted.
if [ "${#boxed[@]}" -gt 0 ]; then
  leftovers=0
  for pid in $(ip netns pids "$namespace" 2>/dev/null); do
    echo "leftover process $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" >&2
    kill -9 "$pid" 2>/dev/null || true
    leftovers=$((leftovers + 1))
  done
  for name in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^skv${run_id}n" || true); do
    echo "leftover network namespace $name" >&2
    ip netns pids "$name" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$name" 2>/dev/null || true
    leftovers=$((leftovers + 1))
  done
  if [ "$leftovers" -gt 0 ]; then
    echo "the suites left $leftovers process(es) or namespace(s) behind" >&2
    failed=$((failed + 1))
    status=1
  fi
fi

echo
echo "durations (wall clock; slowest first):"
sort -rn "$durations" | awk '{ ms = $1; sub(/^[0-9]+ /, ""); printf "%9.1f s  %s\n", ms / 1000, $0 }'
echo "    total $(awk -v ms=$(( $(now_ms) - run_started / 1000000 )) 'BEGIN { printf "%.1f", ms / 1000 }') s for the whole run, build included"
if [ -s "$skips" ]; then
  echo
  echo "################################################################################"
  if [ "$unboxed" = 1 ]; then
    echo "# UNBOXED RUN: the suites below SKIPPED tests. This run does not prove what they test;"
    echo "# run npm test as root (network namespaces) for the whole suite."
  else
    echo "# SKIPPED: the suites below skipped tests."
  fi
  echo "################################################################################"
  sed 's/^/#   /' "$skips"
  echo "################################################################################"
fi
if [ -s "$failures" ]; then
  echo
  echo "FAILED tests (by file):"
  sed 's/^/  /' "$failures"
fi
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
