#!/usr/bin/env bash
# The long chaos run (`npm run chaos -- --minutes 10 [--nodes 5] [--seed S]`): builds, then runs
# test/chaos/run.ts inside a private network namespace whose only interface is loopback, as npm test
# does, so the test network's client leg never touches the machine's root namespace. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
  echo "npm run chaos needs root and ip netns (every node runs in a network namespace of its own)" >&2
  exit 2
fi
for tool in iptables; do
  command -v "$tool" >/dev/null || { echo "npm run chaos needs $tool (apt-get install iptables)" >&2; exit 2; }
done

bun run build
namespace="swarmkv-chaos-$$"
ip netns add "$namespace"
trap 'ip netns del "$namespace" 2>/dev/null || true' EXIT
ip netns exec "$namespace" ip link set lo up
ip netns exec "$namespace" bun run test/chaos/run.ts "$@"
