// One end of bench/transport-floor.ts's ping-pong, run on Node (hyperdht's UDP transport is a native
// addon Bun cannot load). The server answers every request frame with a response frame of a fixed
// size; the client keeps a fixed number of requests in flight. Nothing of swarmkv's own code is on the
// path: this is what the stack beneath a replica read costs by itself.
//
// Stacks, each the same exchange:
//   protomux       Hyperswarm connection (Noise over UDX) + one protomux channel with a raw message:
//                  what swarmkv's HyperswarmLink sends its frames through;
//   secret-stream  the same connection, frames written to it directly (it keeps message boundaries);
//   tcp            node:net on loopback with a 4-byte length prefix: no encryption, the kernel's TCP.
//
// In-band control frames mark the measured window, so both processes count the same exchanges: the
// client sends START after its warm-up and STOP at the end; each end takes process.cpuUsage() (every
// thread of the process) at those frames and prints one JSON line.
//
//   node transport-floor-peer.mjs server <stack> <port> <responseBytes>
//   node transport-floor-peer.mjs client <stack> <port> <serverKeyHex|-> <inFlight> <warmupMs> <seconds> <requestBytes> <rate>
// With a rate (requests per second) above 0 the client sends on that schedule instead of keeping
// <inFlight> requests out, and reports the exchanges' latency (answers come back in order on one stream).

import c from 'compact-encoding';
import HyperDHT, { type KeyPair } from 'hyperdht';
import Hyperswarm, { type SwarmConnection } from 'hyperswarm';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import Protomux from 'protomux';

export type Stack = 'protomux' | 'secret-stream' | 'tcp';
const HOST = '127.0.0.1';
const PROTOCOL = 'swarmkv-transport-floor';
const KIND_REQUEST = 0;
const KIND_START = 1;
const KIND_STOP = 2;
const LENGTH_PREFIX_BYTES = 4;

/** A way to send frames and be told of arriving ones, whatever the stack. */
interface FramePipe {
  send(frame: Uint8Array): void;
  onFrame(listener: (frame: Uint8Array) => void): void;
  close(): void;
}

export interface PeerReport {
  readonly role: 'server' | 'client';
  readonly exchanges: number;
  readonly cpuMicros: number;
  readonly wallMs: number;
  /** UDP datagrams received in the whole network namespace (only this pair runs in it) meanwhile. */
  readonly datagrams: number;
  /** Times this process gave up the CPU to wait (epoll) meanwhile: its event loop's wake-ups. */
  readonly wakeUps: number;
  /** The client's, in a paced run: each exchange's time from send to answer, quantiles in ms. */
  readonly latencyMs?: { readonly p50: number; readonly p99: number; readonly max: number };
}

interface Counters {
  readonly cpu: NodeJS.CpuUsage;
  readonly ms: number;
  readonly datagrams: number;
  readonly wakeUps: number;
}

function counters(): Counters {
  const snmp = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const names = snmp[0]?.split(/\s+/) ?? [];
  const values = snmp[1]?.split(/\s+/) ?? [];
  const datagrams = Number(values[names.indexOf('InDatagrams')] ?? 0);
  const wakeUps = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  return { cpu: process.cpuUsage(), ms: performance.now(), datagrams, wakeUps };
}

function report(role: PeerReport['role'], exchanges: number, start: Counters, latencies?: number[]): void {
  const end = counters();
  const cpu = process.cpuUsage(start.cpu);
  const line: PeerReport = { role, exchanges, cpuMicros: cpu.user + cpu.system, wallMs: end.ms - start.ms, datagrams: end.datagrams - start.datagrams, wakeUps: end.wakeUps - start.wakeUps, ...(latencies === undefined ? {} : { latencyMs: quantiles(latencies) }) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function quantiles(values: number[]): NonNullable<PeerReport['latencyMs']> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

function frameOf(kind: number, bytes: number): Uint8Array {
  const frame = Buffer.alloc(bytes, 0x61);
  frame[0] = kind;
  return frame;
}

// --- tcp: length-prefixed frames over node:net ---

function tcpPipe(socket: Socket): FramePipe {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  return {
    send(frame) {
      const prefix = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES);
      prefix.writeUInt32BE(frame.byteLength);
      socket.write(Buffer.concat([prefix, frame]));
    },
    onFrame(listener) {
      socket.on('data', (chunk: Buffer) => {
        pending = pending.byteLength === 0 ? chunk : Buffer.concat([pending, chunk]);
        while (pending.byteLength >= LENGTH_PREFIX_BYTES) {
          const length = pending.readUInt32BE(0);
          if (pending.byteLength < LENGTH_PREFIX_BYTES + length) break;
          listener(pending.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + length));
          pending = pending.subarray(LENGTH_PREFIX_BYTES + length);
        }
      });
    },
    close: () => socket.destroy(),
  };
}

// --- hyperswarm: the connection itself, or a protomux channel on it ---

function connectionPipe(connection: SwarmConnection, stack: Stack): Promise<FramePipe> {
  const stream = connection as unknown as { write(frame: Uint8Array): boolean; on(event: 'data', listener: (frame: Uint8Array) => void): void };
  if (stack === 'secret-stream') {
    return Promise.resolve({ send: (frame) => void stream.write(frame), onFrame: (listener) => stream.on('data', listener), close: () => connection.destroy() });
  }
  return new Promise((resolve) => {
    let listener: (frame: Uint8Array) => void = () => {};
    const channel = Protomux.from(connection).createChannel<null>({ protocol: PROTOCOL, onopen: () => resolve(pipe) });
    if (channel === null) throw new Error('protomux refused the channel');
    const message = channel.addMessage({ encoding: c.raw, onmessage: (frame) => listener(frame) });
    const pipe: FramePipe = { send: (frame) => void message.send(frame), onFrame: (next) => (listener = next), close: () => connection.destroy() };
    channel.open();
  });
}

async function serveHyperswarm(stack: Stack, port: number, onPipe: (pipe: FramePipe) => void): Promise<void> {
  const dht = HyperDHT.bootstrapper(port, HOST, { host: HOST });
  const keyPair: KeyPair = HyperDHT.keyPair();
  const swarm = new Hyperswarm({ dht, keyPair });
  swarm.on('connection', (connection) => void connectionPipe(connection, stack).then(onPipe));
  await (swarm as unknown as { listen(): Promise<void> }).listen();
  process.stdout.write(`${JSON.stringify({ serverKey: keyPair.publicKey.toString('hex') })}\n`);
}

function dialHyperswarm(stack: Stack, port: number, serverKeyHex: string): Promise<FramePipe> {
  const dht = new HyperDHT({ bootstrap: [{ host: HOST, port }], host: HOST, port: [0, 0], ephemeral: false, firewalled: false });
  const swarm = new Hyperswarm({ dht });
  return new Promise((resolve) => {
    swarm.on('connection', (connection) => void connectionPipe(connection, stack).then(resolve));
    swarm.joinPeer(Buffer.from(serverKeyHex, 'hex'));
  });
}

// --- the two roles ---

function runServer(pipe: FramePipe, responseBytes: number): void {
  const response = frameOf(KIND_REQUEST, responseBytes);
  let served = 0;
  let start = counters();
  pipe.onFrame((frame) => {
    const kind = frame[0];
    if (kind === KIND_REQUEST) served++;
    else if (kind === KIND_START) {
      served = 0;
      start = counters();
    } else if (kind === KIND_STOP) {
      report('server', served, start);
      pipe.close();
      setTimeout(() => process.exit(0), 100);
      return;
    }
    pipe.send(response);
  });
}

/** How often a paced client checks its schedule; it sends every request that has fallen due. */
const PACING_TICK_MS = 1;

function runClient(pipe: FramePipe, inFlight: number, warmupMs: number, seconds: number, requestBytes: number, rate: number): void {
  const request = frameOf(KIND_REQUEST, requestBytes);
  let answered = 0;
  let phase: 'warmup' | 'measured' | 'stopping' = 'warmup';
  let start = counters();
  const sentAtMs: number[] = [];
  const latencies: number[] = [];
  const send = () => {
    sentAtMs.push(performance.now());
    pipe.send(request);
  };
  pipe.onFrame(() => {
    answered++;
    const sentAt = sentAtMs.shift();
    if (rate > 0 && phase === 'measured' && sentAt !== undefined) latencies.push(performance.now() - sentAt);
    if (rate === 0 && phase !== 'stopping') send();
  });
  if (rate > 0) {
    const beganMs = performance.now();
    let sent = 0;
    const pacer = setInterval(() => {
      if (phase === 'stopping') return clearInterval(pacer);
      for (const due = Math.floor(((performance.now() - beganMs) * rate) / 1000); sent < due; sent++) send();
    }, PACING_TICK_MS);
  } else for (let sent = 0; sent < inFlight; sent++) send();
  setTimeout(() => {
    pipe.send(frameOf(KIND_START, requestBytes));
    sentAtMs.push(performance.now());
    answered = 0;
    latencies.length = 0;
    start = counters();
    phase = 'measured';
    setTimeout(() => {
      phase = 'stopping';
      report('client', answered, start, rate > 0 ? latencies : undefined);
      pipe.send(frameOf(KIND_STOP, requestBytes));
      setTimeout(() => process.exit(0), 300);
    }, seconds * 1000);
  }, warmupMs);
}

async function main(args: string[]): Promise<void> {
  const [role, stack, portText, serverKey, ...numbers] = args;
  const port = Number(portText);
  if (stack !== 'protomux' && stack !== 'secret-stream' && stack !== 'tcp') throw new Error(`unknown stack ${stack}`);
  if (role === 'server') {
    const responseBytes = Number(serverKey);
    if (stack === 'tcp') {
      const server = createServer((socket) => runServer(tcpPipe(socket), responseBytes));
      server.listen(port, HOST, () => process.stdout.write(`${JSON.stringify({ serverKey: '-' })}\n`));
    } else await serveHyperswarm(stack, port, (pipe) => runServer(pipe, responseBytes));
    return;
  }
  const [inFlight, warmupMs, seconds, requestBytes, rate] = numbers.map(Number) as [number, number, number, number, number];
  const pipe = stack === 'tcp' ? await new Promise<FramePipe>((resolve) => {
    const socket = createConnection(port, HOST, () => resolve(tcpPipe(socket)));
  }) : await dialHyperswarm(stack, port, serverKey ?? '');
  runClient(pipe, inFlight, warmupMs, seconds, requestBytes, rate);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
