import { describe, expect, test } from 'bun:test';
import { isSwarmError } from '../errors';
import { CHAOS_DELAY_MS_MAX, CHAOS_PARTITION_MS_MAX, CHAOS_PARTITION_PEERS_MAX, CHAOS_PAUSE_MS_MAX, CHAOS_RESTART_AFTER_MS_MAX, CHAOS_RUN_CHARS_MAX, CHAOS_SKEW_MS_MAX } from '../limits';
import { parseDelayBody, parseHealBody, parseKillBody, parsePartitionBody, parsePauseBody, parseSkewBody } from './chaos-bodies';

/** The field a refused body names, or 'accepted'. */
function refusal(parse: () => unknown): string {
  try {
    parse();
    return 'accepted';
  } catch (error) {
    if (!isSwarmError(error)) throw error;
    expect(error.code).toBe('invalid_body');
    expect(error.message).toContain(`"${String(error.details.field)}"`);
    return String(error.details.field);
  }
}

describe('chaos request bodies', () => {
  test('a delay takes peers, a hold within range, an optional jitter and duration; a hold of 0 lifts and takes neither', () => {
    expect(parseDelayBody({ peers: ['n2', 'n2'], delayMs: 200, jitterMs: 50, durationMs: 30_000, run: 'demo' })).toEqual({ peers: ['n2'], delayMs: 200, jitterMs: 50, durationMs: 30_000, run: 'demo' });
    expect(parseDelayBody({ peers: ['n2'], delayMs: 0 })).toEqual({ peers: ['n2'], delayMs: 0, jitterMs: 0 });
    expect(refusal(() => parseDelayBody({ peers: ['n2'] }))).toBe('delayMs');
    expect(refusal(() => parseDelayBody({ peers: [], delayMs: 10 }))).toBe('peers');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: -1 }))).toBe('delayMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: 1.5 }))).toBe('delayMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: CHAOS_DELAY_MS_MAX + 1 }))).toBe('delayMs');
    // The hold and its jitter together stay within the bound.
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: CHAOS_DELAY_MS_MAX - 10, jitterMs: 11 }))).toBe('jitterMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: 0, jitterMs: 5 }))).toBe('jitterMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: 0, durationMs: 5 }))).toBe('durationMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: 10, durationMs: 0 }))).toBe('durationMs');
    expect(refusal(() => parseDelayBody({ peers: ['n2'], delayMs: 10, lossRate: 0.1 }))).toBe('lossRate');
  });

  test('a partition takes 1..64 peers, an optional duration within range and an optional run label', () => {
    expect(parsePartitionBody({ peers: ['n2', 'n3', 'n2'], durationMs: 5000, run: 'demo' })).toEqual({ peers: ['n2', 'n3'], durationMs: 5000, run: 'demo' });
    expect(parsePartitionBody({ peers: ['n2'] })).toEqual({ peers: ['n2'] });
    expect(refusal(() => parsePartitionBody({}))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: [] }))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: 'n2' }))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: [2] }))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: [''] }))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: Array.from({ length: CHAOS_PARTITION_PEERS_MAX + 1 }, (_, index) => `n${index}`) }))).toBe('peers');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], durationMs: 0 }))).toBe('durationMs');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], durationMs: CHAOS_PARTITION_MS_MAX + 1 }))).toBe('durationMs');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], durationMs: 1.5 }))).toBe('durationMs');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], durationMs: '5000' }))).toBe('durationMs');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], run: '' }))).toBe('run');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], run: 'x'.repeat(CHAOS_RUN_CHARS_MAX + 1) }))).toBe('run');
    expect(refusal(() => parsePartitionBody({ peers: ['n2'], side: 'a' }))).toBe('side');
  });

  test('a heal takes optional peers and run, nothing else', () => {
    expect(parseHealBody({})).toEqual({});
    expect(parseHealBody({ peers: ['n3'], run: 'r' })).toEqual({ peers: ['n3'], run: 'r' });
    expect(refusal(() => parseHealBody({ peers: [] }))).toBe('peers');
    expect(refusal(() => parseHealBody({ all: true }))).toBe('all');
  });

  test('a pause takes 1..60 000 ms', () => {
    expect(parsePauseBody({ durationMs: CHAOS_PAUSE_MS_MAX })).toEqual({ durationMs: CHAOS_PAUSE_MS_MAX });
    expect(refusal(() => parsePauseBody({}))).toBe('durationMs');
    expect(refusal(() => parsePauseBody({ durationMs: CHAOS_PAUSE_MS_MAX + 1 }))).toBe('durationMs');
    expect(refusal(() => parsePauseBody({ durationMs: -1 }))).toBe('durationMs');
    expect(refusal(() => parsePauseBody({ durationMs: 10, peers: [] }))).toBe('peers');
  });

  test('a skew takes an integer offset within a day either way, 0 included', () => {
    expect(parseSkewBody({ offsetMs: 0 })).toEqual({ offsetMs: 0 });
    expect(parseSkewBody({ offsetMs: -CHAOS_SKEW_MS_MAX, run: 'r' })).toEqual({ offsetMs: -CHAOS_SKEW_MS_MAX, run: 'r' });
    expect(refusal(() => parseSkewBody({ offsetMs: CHAOS_SKEW_MS_MAX + 1 }))).toBe('offsetMs');
    expect(refusal(() => parseSkewBody({ offsetMs: null }))).toBe('offsetMs');
    expect(refusal(() => parseSkewBody({}))).toBe('offsetMs');
  });

  test('a kill takes a run label and a restart wait of 0..CHAOS_RESTART_AFTER_MS_MAX ms', () => {
    expect(parseKillBody({})).toEqual({});
    expect(parseKillBody({ run: 'r' })).toEqual({ run: 'r' });
    expect(parseKillBody({ restartAfterMs: 0 })).toEqual({ restartAfterMs: 0 });
    expect(parseKillBody({ restartAfterMs: CHAOS_RESTART_AFTER_MS_MAX, run: 'r' })).toEqual({ restartAfterMs: CHAOS_RESTART_AFTER_MS_MAX, run: 'r' });
    for (const bad of [-1, CHAOS_RESTART_AFTER_MS_MAX + 1, 1.5, '20s', null]) expect(refusal(() => parseKillBody({ restartAfterMs: bad }))).toBe('restartAfterMs');
    expect(refusal(() => parseKillBody({ signal: 'SIGTERM' }))).toBe('signal');
    expect(refusal(() => parseKillBody({ run: 7 }))).toBe('run');
  });
});
