import { describe, expect, test } from 'bun:test';
import type { ChaosState } from '../../../node/src';
import { exitCodes } from '../exit-codes';
import type { ChaosOutcome } from './chaos-fan-out';
import { describeEvent, mergeTimelines, statusTable, timelineLines, TIMELINE_EVENTS_SHOWN_MAX } from './chaos-render';

const AT_MS = Date.parse('2026-12-03T12:00:00.000Z');

function state(name: string, overrides: Partial<ChaosState> = {}): ChaosState {
  return { enabled: true, nodeId: `${name}-id`, name, clockOffsetMs: 0, partition: { peers: [], untilMs: null }, delayed: [], pausedUntilMs: null, supervised: false, events: [], ...overrides };
}

describe('chaos output', () => {
  test("every member's events on one timeline, oldest first, ties by member", () => {
    const n1 = state('n1', { events: [{ atMs: AT_MS + 20, kind: 'heal', peers: ['n3'] }, { atMs: AT_MS, kind: 'partition', peers: ['n3'], durationMs: 30_000, run: 'r' }] });
    const n3 = state('n3', { events: [{ atMs: AT_MS, kind: 'partition', peers: ['n1'], durationMs: 30_000, run: 'r' }] });
    expect(mergeTimelines([n3, n1]).map(describeEvent)).toEqual([
      '12:00:00.000 n1 partition from n3 for 30s (run r)',
      '12:00:00.000 n3 partition from n1 for 30s (run r)',
      '12:00:00.020 n1 heal with n3',
    ]);
  });

  test('a delay names its peers, its hold and its jitter; a lifted one says so', () => {
    expect(describeEvent({ node: 'n1', atMs: AT_MS, kind: 'delay', peers: ['n3'], delayMs: 200, jitterMs: 50, durationMs: 30_000, run: 'r' })).toBe('12:00:00.000 n1 delay to n3 by 200ms + up to 50ms for 30s (run r)');
    expect(describeEvent({ node: 'n1', atMs: AT_MS, kind: 'delay', peers: ['n3'], delayMs: 1_500 })).toBe('12:00:00.000 n1 delay to n3 by 1500ms');
    expect(describeEvent({ node: 'n1', atMs: AT_MS, kind: 'delay', peers: ['n2', 'n3'], delayMs: 0 })).toBe('12:00:00.000 n1 delay to n2, n3 lifted');
  });

  test('a kill says when up restarts the node', () => {
    expect(describeEvent({ node: 'n3', atMs: AT_MS, kind: 'kill', restartAfterMs: 20_000, run: 'r' })).toBe('12:00:00.000 n3 kill, restarted by up after 20s (run r)');
    expect(describeEvent({ node: 'n3', atMs: AT_MS, kind: 'kill' })).toBe('12:00:00.000 n3 kill');
  });

  test('a pause lasts for its duration; its resume comes after it', () => {
    expect(describeEvent({ node: 'n2', atMs: AT_MS, kind: 'pause', durationMs: 8_000 })).toBe('12:00:00.000 n2 pause for 8s');
    expect(describeEvent({ node: 'n2', atMs: AT_MS, kind: 'resume', durationMs: 8_000 })).toBe('12:00:00.000 n2 resume after 8s');
  });

  test('skews read with their sign', () => {
    expect(describeEvent({ node: 'n2', atMs: AT_MS, kind: 'skew', offsetMs: -5_000 })).toBe('12:00:00.000 n2 skew clock -5s');
    expect(describeEvent({ node: 'n2', atMs: AT_MS, kind: 'skew', offsetMs: 3_600_000 })).toBe('12:00:00.000 n2 skew clock +1h');
  });

  test('the timeline keeps the most recent events and says how many it left out', () => {
    const events = Array.from({ length: TIMELINE_EVENTS_SHOWN_MAX + 5 }, (_, index) => ({ node: 'n1', atMs: AT_MS + index, kind: 'pause' as const, durationMs: 1_000 }));
    const lines = timelineLines(events);
    expect(lines[0]).toBe('(5 earlier events not shown; --json has them all)');
    expect(lines).toHaveLength(TIMELINE_EVENTS_SHOWN_MAX + 1);
    expect(timelineLines([])).toEqual(['no chaos events yet']);
  });

  test('the status table: faults now, a node without --chaos, a node that did not answer', () => {
    const target = (name: string) => ({ name, nodeId: `${name}-id`, url: `http://${name}`, state: 'alive' as const });
    const outcomes: ChaosOutcome[] = [
      { target: target('n1'), ok: true, exitCode: exitCodes.ok, error: undefined, body: state('n1', { clockOffsetMs: 5_000, partition: { peers: [{ nodeId: 'n3-id', name: 'n3' }], untilMs: AT_MS + 12_000 }, delayed: [{ nodeId: 'n2-id', name: 'n2', delayMs: 200, jitterMs: 50, untilMs: null }] }) },
      { target: target('n2'), ok: false, exitCode: exitCodes.notFound, body: undefined, error: 'chaos_disabled: start the node with --chaos (HTTP 404)' },
      { target: target('n3'), ok: false, exitCode: exitCodes.unreachable, body: undefined, error: 'no node reachable' },
    ];
    const rows = statusTable(outcomes, AT_MS).split('\n');
    expect(rows.find((row) => row.startsWith('│ n1'))).toMatch(/│ n1 +│ on +│ n3 \(12s left\) +│ n2 by 200ms \+ up to 50ms \(until healed\) +│ - +│ \+5s +│/);
    expect(rows.find((row) => row.startsWith('│ n2'))).toMatch(/│ n2 +│ off +│ \?/);
    expect(rows.find((row) => row.startsWith('│ n3'))).toMatch(/│ n3 +│ no answer +│ \?/);
  });
});
