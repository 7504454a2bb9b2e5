import { describe, expect, test } from 'bun:test';
import { REPLICA_LATENCY_STALE_MS, SLOW_REPLICA_FACTOR, SLOW_REPLICA_MS_MIN } from '../limits';
import { ReplicaLatencies } from './replica-latency';

const peers = (...nodeIds: string[]) => nodeIds.map((nodeId) => ({ nodeId }));

describe('replica latencies', () => {
  test('an average follows the answers, the latest weighing a fifth', () => {
    const latencies = new ReplicaLatencies(() => 0);
    latencies.record('b', 10);
    expect(latencies.averageMs('b')).toBe(10);
    latencies.record('b', 60);
    expect(latencies.averageMs('b')).toBe(20);
    expect(latencies.averageMs('c')).toBeUndefined();
  });

  test('slow: at least SLOW_REPLICA_MS_MIN and SLOW_REPLICA_FACTOR times the fastest other; ring neighbours a few ms apart are not', () => {
    const latencies = new ReplicaLatencies(() => 0);
    latencies.record('fast', 2);
    latencies.record('slow', SLOW_REPLICA_MS_MIN * 10);
    latencies.record('near', SLOW_REPLICA_FACTOR * 2 - 1);
    expect(latencies.slowAmong('slow', peers('self', 'slow', 'fast'))).toBe(true);
    expect(latencies.slowAmong('fast', peers('slow', 'fast'))).toBe(false);
    // Below the factor, or below the floor, it stays in ring order.
    expect(latencies.slowAmong('near', peers('near', 'fast'))).toBe(false);
    const loaded = new ReplicaLatencies(() => 0);
    loaded.record('a', 1);
    loaded.record('b', SLOW_REPLICA_MS_MIN - 1);
    expect(loaded.slowAmong('b', peers('a', 'b'))).toBe(false);
    loaded.record('c', 10);
    loaded.record('d', 10 * SLOW_REPLICA_FACTOR - 1);
    expect(loaded.slowAmong('d', peers('c', 'd'))).toBe(false);
    // With no measured peer to compare to (all slow alike, or none asked yet), nothing is slow.
    expect(latencies.slowAmong('slow', peers('slow', 'unmeasured'))).toBe(false);
  });

  test('an average not fed for REPLICA_LATENCY_STALE_MS is forgotten: the replica is tried again, and its next answer starts afresh', () => {
    let nowMs = 0;
    const latencies = new ReplicaLatencies(() => nowMs);
    latencies.record('fast', 1);
    latencies.record('slow', 500);
    nowMs = REPLICA_LATENCY_STALE_MS / 2;
    latencies.record('fast', 1);
    expect(latencies.slowAmong('slow', peers('fast', 'slow'))).toBe(true);
    nowMs = REPLICA_LATENCY_STALE_MS + 1;
    expect(latencies.averageMs('slow')).toBeUndefined();
    expect(latencies.slowAmong('slow', peers('fast', 'slow'))).toBe(false);
    latencies.record('slow', 3);
    expect(latencies.averageMs('slow')).toBe(3);
    latencies.forget('slow');
    expect(latencies.averageMs('slow')).toBeUndefined();
  });
});
