import { describe, expect, test } from 'bun:test';
import type { TraceReply } from '../../node/src';
import { renderTrace } from './trace-render';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const V1 = '01a24a332835.0000.aaaaaaaaaaaaaaaa';
const V0 = '01a24a332800.0000.bbbbbbbbbbbbbbbb';

describe('renderTrace', () => {
  test('a write with a stand-in and a hint: one line a step, members by name, what was still in flight', () => {
    const trace: TraceReply = {
      coordinator: A,
      names: { [A]: 'n1', [B]: 'n2', [C]: 'n3' },
      tookMs: 12.5,
      stepsDropped: 0,
      inFlight: [B],
      steps: [
        { atMs: 0.4, step: 'placement', purpose: 'write', needed: 2, replicas: [{ nodeId: A, counts: true }, { nodeId: B, standInFor: C, counts: false, slow: true }] },
        { atMs: 0.41, step: 'version', version: V1 },
        { atMs: 0.5, step: 'ask', nodeId: A, request: 'write' },
        { atMs: 0.6, step: 'ask', nodeId: B, request: 'write', hintFor: C },
        { atMs: 3, step: 'ack', nodeId: A, applied: true, version: V1 },
        { atMs: 12.4, step: 'answer', status: 503, error: 'insufficient_replicas', message: '1 of the 2 replica acknowledgements needed arrived' },
      ],
    };
    expect(renderTrace(trace).split('\n')).toEqual([
      'trace: coordinated by n1, answered in 12.50 ms',
      '   0.40 ms  write replicas, in preference order: n1, n2 (stand-in for n3, not counted, slow lately: asked last); 2 needed',
      `   0.41 ms  new version ${V1}`,
      '   0.50 ms  → n1  write',
      '   0.60 ms  → n2  write as a hint for n3',
      '   3.00 ms  ← n1  stored it',
      '  12.40 ms  answered 503 insufficient_replicas: 1 of the 2 replica acknowledgements needed arrived',
      '  not waited for (still in flight when answered): n2',
    ]);
  });

  test('a read: replies, a failure, the newest, a repair; unnamed ids and control characters shown safely', () => {
    const trace: TraceReply = {
      coordinator: A,
      names: { [A]: 'n1', [B]: 'evil\u001b[2J' },
      tookMs: 2,
      stepsDropped: 3,
      inFlight: [],
      steps: [
        { atMs: 0.1, step: 'ask', nodeId: B, request: 'read' },
        { atMs: 0.15, step: 'ask', nodeId: A, request: 'read', reason: 'replacement' },
        { atMs: 0.95, step: 'ask', nodeId: C, request: 'read', reason: 'hedge' },
        { atMs: 0.2, step: 'reply', nodeId: B, version: V0, deleted: true },
        { atMs: 0.3, step: 'reply', nodeId: A, version: null },
        { atMs: 0.4, step: 'fail', nodeId: C, error: 'unavailable', message: 'no connection to replica cccccccccccccccc' },
        { atMs: 0.5, step: 'quorum', replies: 2, needed: 2, newest: V1 },
        { atMs: 0.6, step: 'repair', nodeId: A, version: V1 },
        { atMs: 0.7, step: 'ack', nodeId: B, applied: false, version: V1 },
        { atMs: 0.8, step: 'superseded', newer: V1 },
      ],
    };
    const lines = renderTrace(trace).split('\n');
    expect(lines).toContain(`  0.20 ms  ← "evil\\x1b[2J"  holds ${V0} (a deletion)`);
    expect(lines).toContain('  0.30 ms  ← n1  has no record');
    expect(lines).toContain('  0.15 ms  → n1  read (in place of a replica that failed)');
    expect(lines).toContain(`  0.95 ms  → ${C}  read (a hedge: the replicas asked first were slow)`);
    expect(lines).toContain(`  0.40 ms  ✗ ${C}  unavailable: no connection to replica ${C}`);
    expect(lines).toContain(`  0.50 ms  quorum met: 2 answered, 2 needed; newest ${V1}`);
    expect(lines).toContain(`  0.60 ms  read repair: n1 sent ${V1}`);
    expect(lines).toContain(`  0.70 ms  ← "evil\\x1b[2J"  already holds newer ${V1}`);
    expect(lines).toContain(`  0.80 ms  a replica holds newer ${V1}: written again above it`);
    expect(lines).toContain('  (3 more steps not kept)');
    expect(renderTrace(trace)).not.toContain('\u001b');
  });
});
