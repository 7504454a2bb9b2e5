// Free loopback ports for processes that must be told their ports up front: a cluster's nodes advertise
// their HTTP address to each other, and the first node's DHT port is what the others bootstrap from.
// The port is released before the process binds it; on a loopback-only benchmark nothing else races for it.

import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { BIND_HOST } from './systems';

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, BIND_HOST, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, BIND_HOST, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
