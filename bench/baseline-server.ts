// The benchmark's baseline: the least a key-value server on swarmkv's stack can do. Elysia on Node
// through @elysiajs/node (the daemon's runtime and HTTP stack), a Map for storage, the same routes, and
// Elysia's default JSON body parser. Whatever swarmkv costs beyond this is swarmkv's own work.
//
// Bundled for Node by bench/baseline-bundle.ts and started by the benchmark, never by hand:
//   node baseline-server.mjs [port]
// It prints one JSON line `{"event":"baseline.listening","url":...}` once it serves, and exits cleanly on
// SIGTERM (so `node --cpu-prof` gets to write its profile).

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Elysia } from 'elysia';
import { node } from '@elysiajs/node';

const HOST = '127.0.0.1';

interface Entry {
  readonly value: unknown;
  readonly version: number;
}

interface SrvxServer {
  ready(): Promise<unknown>;
  close(closeAllConnections?: boolean): Promise<void>;
  node?: { server?: Server };
}

const entries = new Map<string, Entry>();
let versions = 0;

const app = new Elysia({ adapter: node() })
  .get('/kv/:key', ({ params, status }) => {
    const entry = entries.get(params.key);
    if (entry === undefined) return status(404, { error: 'not_found' });
    return { key: params.key, value: entry.value, version: String(entry.version) };
  })
  .put('/kv/:key', ({ params, body, status }) => {
    if (typeof body !== 'object' || body === null || !('value' in body)) return status(400, { error: 'invalid_body' });
    const entry: Entry = { value: (body as { value: unknown }).value, version: ++versions };
    entries.set(params.key, entry);
    return { key: params.key, version: String(entry.version) };
  });

// Listening exactly as the daemon does (node/src/main.ts): the adapter's srvx server, awaited, asked
// for its address, because with port 0 only the bound socket knows the port.
let listening: SrvxServer | undefined;
const port = Number(process.argv[2] ?? '0');
app.listen({ port, hostname: HOST, reusePort: false, gracefulShutdown: false } as { port: number; hostname: string }, (info) => {
  listening = (info as unknown as { raw: SrvxServer }).raw;
});
if (listening === undefined) throw new Error('the Node adapter did not hand over its server');
const server: SrvxServer = listening;
await server.ready();
const address = server.node?.server?.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ event: 'baseline.listening', url: `http://${address.address}:${address.port}` })}\n`);

process.once('SIGTERM', () => {
  void server.close(true).finally(() => process.exit(0));
});
