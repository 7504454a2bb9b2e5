#!/usr/bin/env bash
# The Docker suite (`npm run test:docker`, run by .ci/run after `npm test`): builds the real Dockerfile
# and runs the Compose cluster scenario of test/docker/ on a real engine. Unlike `npm test` it runs in
# the host's network namespace, where dockerd and its bridges live; the suite itself only talks to
# ports the containers publish on 127.0.0.1. Starts dockerd when none answers, and stops only that one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
readonly DOCKERD_START_S_MAX=60

started_dockerd=""
dockerd_log=""
stop_dockerd() {
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
  # The daemon's log is only shown when it fails to start; it does not outlive the run.
  if [ -n "$dockerd_log" ]; then rm -f "$dockerd_log"; fi
}
trap stop_dockerd EXIT

if ! docker info >/dev/null 2>&1; then
  dockerd_log=$(mktemp)
  dockerd >"$dockerd_log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq "$DOCKERD_START_S_MAX"); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$started_dockerd" 2>/dev/null || { cat "$dockerd_log" >&2; exit 1; }
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not answer within ${DOCKERD_START_S_MAX} s" >&2; tail -20 "$dockerd_log" >&2; exit 1; }
fi

started=$(date +%s)
status=0
bun test --timeout 600000 ./test/docker/compose.docker.ts "$@" || status=$?
echo "docker suite: $(( $(date +%s) - started )) s"
exit "$status"
