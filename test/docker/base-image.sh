#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's default base (node:20-bookworm-slim) when no container
# registry is reachable: a root filesystem holding this machine's Node.js and npm, a POSIX shell and the
# few tools the Dockerfile's RUN steps use, tini, the shared libraries they load, and the same
# non-root `node` user (uid 1000) as the official image. Imported with `docker import`, tagged by the
# Node version and a hash of this script (an edited recipe makes a new image instead of reusing a stale
# one), and reused while that tag exists. Prints the image's tag.
set -euo pipefail

node_version=$(node --version)
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
tag="swarmkv-base:node-${node_version#v}-${recipe}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Executables the build and final stages run, and every shared library they load.
tools=(node sh mkdir chown chmod rm cp mv ln cat ls env id uname grep sed tr head tail sort dirname basename rmdir touch)
binaries=()
for tool in "${tools[@]}"; do binaries+=("$(readlink -f "$(command -v "$tool")")"); done
mkdir -p "$root/usr/bin" "$root/usr/local/bin" "$root/etc" "$root/tmp" "$root/home/node" "$root/root"
for binary in "${binaries[@]}"; do
  install -D -m 0755 "$binary" "$root/usr/bin/$(basename "$binary")"
  ldd "$binary" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | while read -r library; do
    install -D -m 0755 "$(readlink -f "$library")" "$root$library"
  done
done
for tool in "${tools[@]}"; do
  target=$(basename "$(readlink -f "$(command -v "$tool")")")
  [ "$target" = "$tool" ] || ln -sf "$target" "$root/usr/bin/$tool"
done
ln -s usr/bin "$root/bin"
# Musl-free, dependency-free init from Debian's tini package (the official image users add it too).
install -D -m 0755 "$(command -v tini-static || command -v tini)" "$root/usr/bin/tini"

# npm, as the official image ships it.
cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$root/usr/local/lib-npm"
mkdir -p "$root/usr/local/lib/node_modules"
mv "$root/usr/local/lib-npm" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$root/etc/group"
chown 1000:1000 "$root/home/node"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "$tag"
