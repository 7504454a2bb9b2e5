// An authenticated-peer fuzzer against real node processes: a peer that holds the cluster secret joins
// two nodes' swarm and sends, for every wire message type, frames with missing, ill-typed and oversized
// fields, requests whose bodies do not fit, answers nobody asked for, a second hello and identify,
// unknown type codes, compact (protocol version 2) envelopes whose bytes are not a layout, and a frame
// beyond the frame limit. The nodes must stay alive, keep serving,
// keep their data, and log each kind of refusal once per peer, however often it is repeated.
// Runs on Node (it loads hyperswarm), inside a loopback-only namespace (scripts/test.sh).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { HyperswarmTransport } from './transport/hyperswarm';
import { createLocalTestnet } from './transport/local-testnet.contract';
import { MessageRegistry, MessageType, PEER_MESSAGE_BYTES_MAX, type WireMessage } from './wire';

const CLI_PATH = fileURLToPath(new URL('../swarmkv.mjs', import.meta.url));
const SECRET = 'fuzz-secret-0123456789abcdef';
const TEST_TIMEOUT_MS = 180_000;
const EVENT_TIMEOUT_MS = 60_000;
const KEYS = 20;
const REPEATS = 5;
const CORE_TYPES: ReadonlySet<string> = new Set(['hello', 'identify', 'rpcRequest', 'rpcResponse', 'rpcError', 'rpcRequestCompact', 'rpcResponseCompact']);
const UNKNOWN_CODES = [8, 15, 63, 127, 4242, 65_535];

interface RunningNode {
  readonly child: ChildProcess;
  readonly url: string;
  readonly nodeId: string;
  readonly events: Record<string, unknown>[];
}

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = EVENT_TIMEOUT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startNode(name: string, bootstrap: string): Promise<RunningNode> {
  const args = [CLI_PATH, 'node', '--name', name, '--port', '0', '--memory', '--host', '127.0.0.1', '--bootstrap', bootstrap, '--profile', 'local', '--replicas', '2'];
  const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SWARMKV_SECRET: SECRET } });
  const events: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      events.push(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
      buffered = buffered.slice(newline + 1);
    }
  });
  await waitUntil(`${name} to listen`, () => events.some((event) => event.event === 'node.listening'));
  const listening = events.find((event) => event.event === 'node.listening')!;
  return { child, url: String(listening.url), nodeId: String(listening.nodeId), events };
}

async function request(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : null };
}

/** The fuzzer's registry: every type the nodes know, by name and code, with a codec that lets anything through. */
function permissiveRegistry(): MessageRegistry {
  const registry = new MessageRegistry({ messageBytesMax: 2 * PEER_MESSAGE_BYTES_MAX });
  for (const [type, code] of Object.entries(MessageType)) {
    if (CORE_TYPES.has(type)) continue;
    registry.define(type, code, (fields) => {
      const { type: _type, ...rest } = fields.all();
      return rest;
    });
  }
  for (const code of UNKNOWN_CODES) registry.define(`fuzz.unknown.${code}`, code, (fields) => fields.all());
  // JSON text where a compact envelope's bytes belong: the node must read it as bytes and refuse it.
  for (const code of [MessageType.rpcRequestCompact, MessageType.rpcResponseCompact]) registry.define(`fuzz.compact.${code}`, code, (fields) => fields.all());
  return registry;
}

/** Every malformed message the fuzzer sends to one node, in order. */
function fuzzMessages(): WireMessage[] {
  const shapes: Record<string, unknown>[] = [
    {},
    { requestId: -1, key: 42, version: [], records: 'x', nodeId: null, seq: 1.5, members: {} },
    { key: 'k'.repeat(100_000), value: { nested: [[[[[]]]]] }, version: 'not-a-version', incarnation: Number.MAX_SAFE_INTEGER },
  ];
  const types = Object.keys(MessageType).filter((type) => !CORE_TYPES.has(type));
  const messages: WireMessage[] = [];
  for (const type of types) for (const shape of shapes) messages.push({ type, ...shape });
  // Requests whose bodies do not fit their codecs, and answers to requests nobody sent.
  for (const type of types) messages.push({ type: 'rpcRequest', requestId: 1, body: { type } });
  messages.push({ type: 'rpcResponse', requestId: 987_654, body: { type: 'replicaWriteAck', applied: true } });
  messages.push({ type: 'rpcError', requestId: 987_655, code: 'internal', message: 'unsolicited' });
  // A second hello and identify, after the handshake.
  messages.push({ type: 'hello', protocolVersionMin: 1, protocolVersionMax: 1, proof: 'ab'.repeat(32) });
  messages.push({ type: 'identify', nodeId: 'ffffffffffffffff', name: 'impostor', httpAddress: 'x:1' });
  for (const code of UNKNOWN_CODES) messages.push({ type: `fuzz.unknown.${code}`, junk: code });
  for (const code of [MessageType.rpcRequestCompact, MessageType.rpcResponseCompact]) {
    for (const shape of shapes) messages.push({ type: `fuzz.compact.${code}`, ...shape });
  }
  return messages;
}

function refusalCounts(node: RunningNode, fuzzerId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of node.events) {
    if (event.from !== fuzzerId || typeof event.event !== 'string') continue;
    const key = `${event.event} ${String(event.reason ?? event.type ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

test('an authenticated peer sending malformed, unsolicited, unknown and oversized frames changes nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const testnet = await createLocalTestnet(3);
  const bootstrap = `127.0.0.1:${testnet.bootstrap[0]!.port}`;
  const nodes: RunningNode[] = [];
  const fuzzer = new HyperswarmTransport({
    nodeId: 'f0f0f0f0f0f0f0f0', name: 'fuzzer', httpAddress: '127.0.0.1:1', clusterName: 'swarmkv', secret: SECRET,
    bootstrap: testnet.bootstrap, dhtHost: '127.0.0.1', messages: permissiveRegistry(),
  });
  try {
    nodes.push(await startNode('n1', bootstrap), await startNode('n2', bootstrap));
    const bothAlive = async () => (await request('GET', `${nodes[0]!.url}/cluster/members`)).body.members.filter((member: { state: string }) => member.state === 'alive').length === 2;
    await waitUntil('the two nodes to meet', bothAlive);
    // Data requests need both nodes joined as owners of one ring (until then: 503 joining).
    const bothReady = async () => (await Promise.all(nodes.map((node) => request('GET', `${node.url}/health/ready`)))).every((reply) => reply.status === 200);
    await waitUntil('both nodes ready', bothReady);
    for (let index = 0; index < KEYS; index++) assert.equal((await request('PUT', `${nodes[index % 2]!.url}/kv/key-${index}?consistency=all`, { value: { index } })).status, 200);

    await fuzzer.start({ onPeerUp: () => {}, onPeerDown: () => {}, onMessage: () => {} });
    await waitUntil('the fuzzer to be admitted by both nodes', () => nodes.every((node) => fuzzer.connectedPeers().includes(node.nodeId)));
    let sent = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const node of nodes) for (const message of fuzzMessages()) if (fuzzer.send(node.nodeId, message)) sent++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.diagnostic(`sent ${sent} malformed frames`);
    await waitUntil('the refusals to be logged', () => nodes.every((node) => refusalCounts(node, fuzzer.localNodeId).size > 5));
    // Last, a frame beyond the nodes' frame limit: the link may be cut for it, nothing else.
    fuzzer.send(nodes[0]!.nodeId, { type: 'replicaWrite', key: 'x', blob: 'z'.repeat(PEER_MESSAGE_BYTES_MAX + 1024) });
    await fuzzer.close();

    for (const node of nodes) {
      assert.equal(node.child.exitCode, null, 'the node is alive');
      assert.equal((await request('GET', `${node.url}/health`)).status, 200);
      for (let index = 0; index < KEYS; index++) assert.deepEqual((await request('GET', `${node.url}/kv/key-${index}?consistency=one`)).body?.value, { index });
      assert.equal((await request('PUT', `${node.url}/kv/after-fuzz?consistency=one`, { value: 1 })).status, 200);
      const counts = refusalCounts(node, fuzzer.localNodeId);
      t.diagnostic(`${node.nodeId}: ${JSON.stringify(Object.fromEntries(counts))}`);
      for (const [kind, count] of counts) assert.equal(count, 1, `${kind} logged ${count} times`);
      assert.ok(!node.events.some((event) => event.level === 'error' || event.level === 'fatal'), 'no error-level line');
    }
  } finally {
    await fuzzer.close();
    for (const node of nodes) node.child.kill('SIGKILL');
    await testnet.destroy();
  }
});
