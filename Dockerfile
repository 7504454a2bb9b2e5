# swarmkv's production image. Two stages: `build` installs every dependency (Bun and TypeScript come
# from npm as dev dependencies, so the base needs only Node.js and npm), bundles dist/, then drops dev
# dependencies; the final stage holds dist/ and the production node_modules (with this platform's
# native prebuilds: lmdb, sodium-native, udx-native) and nothing else.
#
#   docker build -t swarmkv .
#   docker run -p 127.0.0.1:7070:7070 swarmkv                       # a standalone node, data in /data
#   docker run --rm swarmkv get k --url http://host:7070             # the entrypoint is the CLI
#
# Build arguments:
#   BASE_IMAGE       a Node.js 20 image with npm and a POSIX shell (default: the official slim one)
#   EXTRA_CA_CERTS   PEM certificates npm should trust besides the public roots, for a proxy that
#                    re-signs TLS: --build-arg EXTRA_CA_CERTS="$(cat proxy-ca.pem)". Used by the build
#                    stage only; verification stays on.
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
ARG EXTRA_CA_CERTS=""
WORKDIR /src
COPY package.json package-lock.json ./
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi \
 && npm ci --no-audit --no-fund --loglevel=warn \
 && rm -f /tmp/extra-ca.pem
# The whole tree (see .dockerignore): whatever scripts/build.ts bundles, the dashboard included.
COPY . .
RUN npm run build \
 && rm -rf dist/node-tests \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && node scripts/slim-node-modules.mjs node_modules

FROM ${BASE_IMAGE}
# A real init as PID 1: forwards signals to the node and reaps zombies. The official Node image lacks
# tini, so it comes from the distribution; a base that has it already is used as is.
RUN if ! command -v tini >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*; \
    fi \
 && mkdir -p /data \
 && chown node:node /data
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
ENV NODE_ENV=production
USER node
VOLUME /data
# HTTP API and dashboard; the DHT's UDP port when a node runs with --dht-port (or a bootstrap).
EXPOSE 7070 49737/udp
# SIGTERM: the node turns not ready, leaves its cluster, drains in-flight requests, hands over what it
# owes and closes its store, all within 25 s (SHUTDOWN_MS_MAX), then exits 0.
STOPSIGNAL SIGTERM
# Readiness, from the node itself with the Node.js in the image (no shell or curl assumed): 200 once it
# has joined its cluster and routes by its ring, 503 while starting, joining or draining. node:http
# rather than fetch, whose first call loads undici: seconds of CPU on a loaded host.
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get({ host: '127.0.0.1', port: process.env.SWARMKV_PORT || 7070, path: '/health/ready', timeout: 4000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "/app/dist/swarmkv.mjs"]
CMD ["node", "--host", "0.0.0.0", "--data-dir", "/data"]
