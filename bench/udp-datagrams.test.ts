import { expect, test } from 'bun:test';
import { createSocket } from 'node:dgram';
import { udpDatagramsReceived } from './udp-datagrams';

test('the counter counts a datagram received on loopback', async () => {
  const before = udpDatagramsReceived();
  expect(before).toBeNumber();
  const receiver = createSocket('udp4');
  const sender = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const received = new Promise<void>((resolve) => receiver.once('message', () => resolve()));
    sender.send('ping', receiver.address().port, '127.0.0.1');
    await received;
    expect(udpDatagramsReceived()!).toBeGreaterThan(before!);
  } finally {
    sender.close();
    receiver.close();
  }
});
