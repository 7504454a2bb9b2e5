// A UDP port nothing is bound to right now, found by binding port 0 and letting go of it. Another
// process could take it before the caller binds it; callers that bind it at once make that unlikely.

import { createSocket } from 'node:dgram';

export function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
