import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { HyperswarmTransport } from './hyperswarm';
import { RecordingHandlers, waitUntil } from './recording-handlers.contract';
test('probe: first node is the bootstrap', { timeout: 120_000 }, async (t) => {
  // A founder needs a fixed port: one the OS just handed out, not a constant an earlier suite may hold.
  const port = await new Promise<number>((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port: free } = socket.address();
      socket.close(() => resolve(free));
    });
  });
  const log = (id: string) => (event: string, fields: Record<string, unknown>) => { if (!event.includes('reconnect')) t.diagnostic(`${id} ${event} ${JSON.stringify(fields)}`); };
  const common = { clusterName: 'c', secret: 'probe-secret-0123456789', dhtHost: '127.0.0.1' };
  const a = new HyperswarmTransport({ ...common, nodeId: 'aaaaaaaaaaaaaaaa', name: 'a', httpAddress: 'a:1', bootstrap: [], dhtPort: port, log: log('a') });
  const b = new HyperswarmTransport({ ...common, nodeId: 'bbbbbbbbbbbbbbbb', name: 'b', httpAddress: 'b:1', bootstrap: [{ host: '127.0.0.1', port }], log: log('b') });
  const c = new HyperswarmTransport({ ...common, nodeId: 'cccccccccccccccc', name: 'c', httpAddress: 'c:1', bootstrap: [{ host: '127.0.0.1', port }], log: log('c') });
  const hs = [new RecordingHandlers(), new RecordingHandlers(), new RecordingHandlers()];
  const t0 = performance.now();
  await a.start(hs[0]!); await b.start(hs[1]!); await c.start(hs[2]!);
  try {
    await waitUntil(() => [a, b, c].every((x) => x.connectedPeers().length === 2), 60_000, 'mesh');
    t.diagnostic(`mesh after ${Math.round(performance.now() - t0)} ms`);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});
