import { describe, expect, test } from 'bun:test';
import { WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT } from '../limits';
import { TransferRateMeter } from './transfer-rate';

describe('TransferRateMeter', () => {
  test('uses the default rate until the counter has risen', () => {
    const meter = new TransferRateMeter();
    meter.observe(0, 0);
    meter.observe(0, 1000);
    expect(meter.rate()).toEqual({ keysPerSecond: WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT, source: 'default' });
  });

  test('averages only the intervals in which keys were streamed', () => {
    const meter = new TransferRateMeter();
    meter.observe(0, 0);
    meter.observe(20_000, 1000);
    meter.observe(20_000, 60_000);
    meter.observe(50_000, 62_000);
    expect(meter.rate()).toEqual({ keysPerSecond: 16_667, source: 'measured' });
  });

  test('a counter that goes back (a restart) is a new starting point, not a negative rate', () => {
    const meter = new TransferRateMeter();
    meter.observe(5000, 0);
    meter.observe(10, 1000);
    meter.observe(1010, 2000);
    expect(meter.rate()).toEqual({ keysPerSecond: 1000, source: 'measured' });
  });
});
