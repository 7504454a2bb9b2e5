#!/usr/bin/env bash
# The test command (`npm test`): builds, then runs every suite inside a private network namespace whose
# only interface is loopback, so no test can send a packet off this machine even if misconfigured
# (a DHT with a wrong bootstrap, say). Needs root for `ip netns`; without it, it refuses rather than
# running unboxed, unless SWARMKV_TEST_UNBOXED=1 is set. Last, the dashboard's Playwright suite (e2e/)
# on Debian's chromium, boxed the same way; `scripts/test.sh e2e [files]` (`npm run test:e2e`) runs it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

e2e_only=0
if [ "${1:-}" = e2e ]; then
  e2e_only=1
  shift
fi

bun run build

namespace="swarmkv-test-$$"
run_id=$(($$ % 1000000))
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
  ip netns add "$namespace"
  trap 'ip netns del "$namespace" 2>/dev/null || true' EXIT
  ip netns exec "$namespace" ip link set lo up
  boxed=(ip netns exec "$namespace" env SWARMKV_TEST_BOXED=1 SWARMKV_TEST_RUN=$run_id)
elif [ "${SWARMKV_TEST_UNBOXED:-0}" = 1 ]; then
  echo "warning: not root; running tests on the host network (loopback only by construction)" >&2
  boxed=()
else
  echo "npm test needs root (for ip netns) to isolate the test network; run as root or set SWARMKV_TEST_UNBOXED=1" >&2
  exit 2
fi

log=$(mktemp)
status=0
passed=0
failed=0
if [ "$e2e_only" = 0 ]; then
  "${boxed[@]}" bun test --timeout 60000 "$@" 2>&1 | tee "$log" || status=$?
  passed=$(grep -oE '^ *[0-9]+ pass$' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  failed=$(grep -oE '^ *[0-9]+ fail$' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  passed=${passed:-0}
  failed=${failed:-0}
fi

if [ -d dist/node-tests ] && [ "$#" = 0 ] && [ "$e2e_only" = 0 ]; then
  "${boxed[@]}" node --test --test-reporter=spec dist/node-tests/ 2>&1 | tee "$log" || status=$?
  node_passed=$(grep -oE '^ℹ pass [0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
  node_failed=$(grep -oE '^ℹ fail [0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
  passed=$((passed + node_passed))
  failed=$((failed + node_failed))
fi

if [ "$#" = 0 ] || [ "$e2e_only" = 1 ]; then
  "${boxed[@]}" env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 playwright test "$@" 2>&1 | tee "$log" || status=$?
  e2e_passed=$(grep -oE '^ *[0-9]+ passed' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  e2e_failed=$(grep -oE '^ *[0-9]+ failed' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  passed=$((passed + ${e2e_passed:-0}))
  failed=$((failed + ${e2e_failed:-0}))
fi
rm -f "$log"

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
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
