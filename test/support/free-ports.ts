// Loopback ports for processes that must be told theirs up front. freeTcpPort and freeUdpPort: one
// nothing listens on right now (released before use: callers bind it at once). freeTcpPortBlock: a block
// of consecutive TCP ports (`swarmkv up --base-port`), free when probed, drawn below the kernel's
// ephemeral range (32768-60999 on Linux). Ports in that range are what the OS hands out for every
// outgoing connection and every `--port 0` listener of the same run, so a fixed port there can be taken
// at any moment; below it, only an explicit bind competes, and a random draw plus a probe makes two
// suites' blocks all but never meet.

import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const PORT_BLOCK_FIRST = 10_000;
/** The first port of Linux's default ephemeral range (net.ipv4.ip_local_port_range). */
const EPHEMERAL_PORT_FIRST = 32_768;
const PORT_BLOCK_ATTEMPTS_MAX = 50;

export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4').once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive TCP ports on `host` that were all free when probed. */
export async function freeTcpPortBlock(count: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < PORT_BLOCK_ATTEMPTS_MAX; attempt++) {
    const first = PORT_BLOCK_FIRST + Math.floor(Math.random() * (EPHEMERAL_PORT_FIRST - PORT_BLOCK_FIRST - count));
    const free = await Promise.all(Array.from({ length: count }, (_, index) => canListen(first + index, host)));
    if (free.every(Boolean)) return first;
  }
  throw new Error(`no block of ${count} free TCP ports found in ${PORT_BLOCK_ATTEMPTS_MAX} attempts`);
}
