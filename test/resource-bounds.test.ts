// Resource bounds a client cannot push a node past, each found by an outside probe: the in-memory
// store's size, slow and idle connections, the connection count, pipelined responses nobody reads,
// JSON nesting, numbers a double cannot hold, and a client that half-closes after its request.

import { afterAll, describe, expect, test } from 'bun:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP_CONNECTIONS_MAX, HTTP_HEADERS_TIMEOUT_MS, HTTP_PIPELINED_RESPONSES_MAX, HTTP_TIMEOUT_CHECK_INTERVAL_MS, JSON_DEPTH_MAX } from '../node/src';
import { useNode, waitForExit, waitUntil } from './support/node-lifecycle';
import { CLI_PATH, http } from './support/spawn-node';

const MIB = 1024 * 1024;
/** A slow or idle connection is closed within the headers timeout plus one check of the deadlines. */
const SLOW_CLOSE_MS_MAX = HTTP_HEADERS_TIMEOUT_MS + HTTP_TIMEOUT_CHECK_INTERVAL_MS + 3000;

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
    // Listening from the start: a connection the node closes at once must still count as closed.
    socket.once('close', () => {});
  });
}

/** Resolves with the milliseconds until the node closed the socket. */
function closedWithin(socket: Socket, deadlineMs: number): Promise<number> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.closed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`the node kept the connection open for ${deadlineMs} ms`)), deadlineMs);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - startedMs);
    });
    socket.resume();
  });
}

describe('the in-memory store is bounded (--memory-bytes-max)', () => {
  const node = useNode({ args: ['--memory', '--memory-bytes-max', String(8 * MIB)] });

  test('1 MiB PUTs fill it, then get 507 insufficient_storage; the node lives, keeps its data, and frees room on delete', async () => {
    const value = 'x'.repeat(MIB - 64);
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) statuses.push((await http('PUT', `${node().url}/kv/big-${index}`, { json: { value } })).status);
    expect(statuses.slice(0, 7)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(8)).toEqual([507, 507, 507, 507]);
    const refused = await http('PUT', `${node().url}/kv/one-more`, { json: { value } });
    expect(refused.body).toMatchObject({ error: 'insufficient_storage', bytesMax: 8 * MIB });
    expect((await http('GET', `${node().url}/kv/big-0`)).body.value).toBe(value);
    expect((await http('GET', `${node().url}/health`)).status).toBe(200);
    expect((await http('DELETE', `${node().url}/kv/big-0`)).status).toBe(204);
    expect((await http('PUT', `${node().url}/kv/one-more`, { json: { value } })).status).toBe(200);
  }, 30_000);
});

describe('connections are bounded in time and number', () => {
  const node = useNode({ args: ['--memory'] });

  test('a connection that never finishes its headers (slowloris), and one that sends nothing, are closed', async () => {
    const slow = await openSocket(node().url);
    slow.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const idle = await openSocket(node().url);
    const [slowMs, idleMs] = await Promise.all([closedWithin(slow, SLOW_CLOSE_MS_MAX), closedWithin(idle, SLOW_CLOSE_MS_MAX)]);
    expect(slowMs).toBeGreaterThan(HTTP_HEADERS_TIMEOUT_MS - 1000);
    expect(idleMs).toBeGreaterThan(HTTP_HEADERS_TIMEOUT_MS - 1000);
    expect((await http('GET', `${node().url}/health`)).status).toBe(200);
  }, SLOW_CLOSE_MS_MAX + 5000);

  test(`past ${HTTP_CONNECTIONS_MAX} open connections a new one is closed at once; once the idle ones time out, clients are served again`, async () => {
    const held = await Promise.all(Array.from({ length: HTTP_CONNECTIONS_MAX }, () => openSocket(node().url)));
    try {
      let closed = 0;
      const allClosed = Promise.all(held.map((socket) => closedWithin(socket, SLOW_CLOSE_MS_MAX).then(() => closed++)));
      const extra = await openSocket(node().url);
      expect(await closedWithin(extra, 2000)).toBeLessThan(2000);
      await allClosed.catch((error: Error) => {
        throw new Error(`${error.message} (${closed} of ${held.length} closed)`);
      });
      expect((await http('GET', `${node().url}/health`)).status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
    }
  }, SLOW_CLOSE_MS_MAX + 10_000);

  test('pipelined requests whose answers are never read: the connection is closed, the node stays small and serving', async () => {
    expect((await http('PUT', `${node().url}/kv/large`, { json: { value: 'y'.repeat(MIB - 64) } })).status).toBe(200);
    const rssBeforeBytes = residentBytes(node().process.pid!);
    const socket = await openSocket(node().url);
    socket.pause(); // never read an answer
    const closed = closedWithinPaused(socket, 10_000);
    // 2,000 reads of a 1 MiB value in one burst: answered, they would take 2 GB.
    socket.write('GET /kv/large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(2000));
    await closed;
    expect((await http('GET', `${node().url}/health`)).status).toBe(200);
    expect(residentBytes(node().process.pid!) - rssBeforeBytes).toBeLessThan(PIPELINE_GROWTH_BYTES_MAX);
  }, 20_000);
});

/** The bound's worth of 1 MiB answers and then some; unbounded, the burst below grows a node by ~2 GB. */
const PIPELINE_GROWTH_BYTES_MAX = (HTTP_PIPELINED_RESPONSES_MAX + 100) * MIB;

function residentBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/** Like closedWithin, but without reading what the node sent. */
function closedWithinPaused(socket: Socket, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node kept an unread pipelined connection open for ${deadlineMs} ms`)), deadlineMs);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('request bodies and queries', () => {
  const node = useNode({ args: ['--memory'] });

  test(`nesting beyond ${JSON_DEPTH_MAX} levels is 400, not 500; at the bound it is stored`, async () => {
    const nested = (depth: number) => `{"value":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const deep = await http('PUT', `${node().url}/kv/deep`, { body: nested(5000) });
    expect(deep.status).toBe(400);
    expect(deep.body.error).toBe('invalid_body');
    expect((await http('PUT', `${node().url}/kv/deep`, { body: nested(JSON_DEPTH_MAX) })).status).toBe(200);
  });

  test('numbers are stored exactly or refused, never changed', async () => {
    for (const number of ['1e400', '-1e400', '12345678901234567890', '0.1000000000000000055511151231257827', '9007199254740993']) {
      const reply = await http('PUT', `${node().url}/kv/n`, { body: `{"value":${number}}` });
      expect(reply.status, number).toBe(400);
      expect(reply.body.error).toBe('invalid_json');
    }
    expect((await http('PUT', `${node().url}/kv/n`, { body: '{"value":[1.50,0.1,9007199254740991,1e21,-2.5e-7,"12345678901234567890"]}' })).status).toBe(200);
    expect((await http('GET', `${node().url}/kv/n`)).body.value).toEqual([1.5, 0.1, 9007199254740991, 1e21, -2.5e-7, '12345678901234567890']);
  });

  test('a client that goes away halfway through its body changes nothing, and the node serves on', async () => {
    const socket = await openSocket(node().url);
    const head = `PUT /kv/cut HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"value":"cu`;
    // Handed to the kernel before the connection goes, so the node sees a started body that never ends.
    await new Promise((resolve) => socket.write(head, resolve));
    socket.destroy();
    await waitUntil('the node answers again', async () => (await http('GET', `${node().url}/health`)).status === 200, 10_000);
    expect((await http('GET', `${node().url}/kv/cut`)).status).toBe(404);
    expect((await http('PUT', `${node().url}/kv/cut`, { body: '{"value":"whole"}' })).status).toBe(200);
  });

  test('GET /kv?consistency=bogus is 400 like the key routes', async () => {
    const reply = await http('GET', `${node().url}/kv?consistency=bogus`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_query');
  });
});

describe('a durable node and a client that half-closes', () => {
  const node = useNode({ args: ['--sync', 'flush'] });

  test('the write is applied and answered', async () => {
    const socket = await openSocket(node().url);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const body = '{"value":"half"}';
    socket.end(`PUT /kv/half HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await waitUntil('the answer', () => socket.closed || Buffer.concat(received).includes('\r\n\r\n{'), 10_000);
    expect(Buffer.concat(received).toString()).toStartWith('HTTP/1.1 200');
    expect((await http('GET', `${node().url}/kv/half`)).body.value).toBe('half');
  });
});

describe('a durable node whose disk fills', () => {
  let child: ChildProcess | undefined;
  const mountDir = mkdtempSync(join(tmpdir(), 'swarmkv-full-'));
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (child !== undefined) await waitForExit(child, 10_000);
    rmSync(mountDir, { recursive: true, force: true });
  });

  test('answers 507 insufficient_storage instead of crashing, keeps serving, and writes again once room is freed', async () => {
    // A small tmpfs in a mount namespace of the node's own: it disappears with the process.
    const script = `mount -t tmpfs -o size=8m tmpfs ${mountDir} && exec node ${CLI_PATH} node --port 0 --data-dir ${mountDir}/data`;
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.resume();
    await waitUntil('the node on a small disk to listen', () => stdout.includes('"node.listening"'), 15_000);
    const url = String(/"url":"([^"]+)"/.exec(stdout)![1]);
    const value = 'd'.repeat(MIB - 64);
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) statuses.push((await http('PUT', `${url}/kv/disk-${index}`, { json: { value } })).status);
    expect(statuses).toContain(507);
    expect(statuses.filter((status) => status !== 200 && status !== 507)).toEqual([]);
    // Read first, so the read cache holds the key's absence and disk-0's record: a refused write must
    // show in neither.
    expect((await http('GET', `${url}/kv/disk-more`)).status).toBe(404);
    expect((await http('GET', `${url}/kv/disk-0`)).body.value).toBe(value);
    const refused = await http('PUT', `${url}/kv/disk-more`, { json: { value } });
    expect(refused.body.error).toBe('insufficient_storage');
    expect((await http('PUT', `${url}/kv/disk-0`, { json: { value: 'e'.repeat(MIB - 64) } })).status).toBe(507);
    expect(child.exitCode).toBeNull();
    expect((await http('GET', `${url}/kv/disk-more`)).status).toBe(404);
    expect((await http('GET', `${url}/kv/disk-0`)).body.value).toBe(value);
    expect((await http('DELETE', `${url}/kv/disk-0`)).status).toBe(204);
    expect((await http('PUT', `${url}/kv/small`, { json: { value: 1 } })).status).toBe(200);
    expect(stdout).toContain('storage.commit_failed');
  }, 60_000);
});
