#!/usr/bin/env bash
# Builds swarmkv as of another commit, for an A/B run of the benchmark (docs/performance.md):
#   bash bench/build-at.sh COMMIT [DIR]      # prints DIR/dist/swarmkv.mjs
# DIR (default /tmp/swarmkv-build-<short commit>) becomes a detached git worktree of COMMIT; it shares
# this checkout's node_modules (a symlink) unless COMMIT's package-lock.json differs, when it gets its
# own `npm ci`. The daemon keeps its dependencies external, so the build must stay beside a
# node_modules: use it where it is. Remove it afterwards with `git worktree remove --force DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -lt 1 ]; then
  echo "usage: bash bench/build-at.sh COMMIT [DIR]" >&2
  exit 2
fi
commit=$(git rev-parse --verify "$1^{commit}")
dir=${2:-/tmp/swarmkv-build-${commit:0:10}}
export PATH="$PWD/node_modules/.bin:$PATH"
if [ ! -e "$dir/.git" ]; then
  git worktree add --detach "$dir" "$commit" >&2
fi
git -C "$dir" checkout --quiet --detach "$commit"
if git diff --quiet "$commit" HEAD -- package-lock.json && [ -d node_modules ]; then
  [ -e "$dir/node_modules" ] || ln -s "$PWD/node_modules" "$dir/node_modules"
else
  (cd "$dir" && npm ci --no-audit --no-fund >&2)
fi
(cd "$dir" && bun run scripts/build.ts >&2)
echo "$dir/dist/swarmkv.mjs"
