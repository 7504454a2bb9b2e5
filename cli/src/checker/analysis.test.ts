// The data analysis on synthetic histories, where the right answer is known: a lost write, a
// resurrection, a write replaced by a later acknowledged one, a failed write that may or may not have
// landed; and reads that miss an acknowledged quorum write, at quorum and at one.

import { describe, expect, test } from 'bun:test';
import { SeededRandom } from '../../../node/src';
import { analyzeData, analyzeReads } from './analysis';
import type { CompletedOp, Consistency, Op, Outcome } from './history';

let nextId = 0;
function op(kind: Op['kind'], key: string, invokedMs: number, completedMs: number, outcome: Outcome, extra: Partial<Op> & { consistency?: Consistency } = {}): CompletedOp {
  return { id: nextId++, client: 'c0', kind, key, consistency: 'quorum', coordinator: 'n1', invokedMs, completedMs, outcome, status: outcome === 'ok' ? (kind === 'delete' ? 204 : 200) : 503, ...extra };
}

describe('analyzeData', () => {
  test('an acknowledged write whose key reads back an older value is lost', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    const findings = analyzeData(ops, new Map([['k', 'a']]));
    expect(findings.lost.map((v) => v.op.value)).toEqual(['b']);
    expect(findings.resurrected).toEqual([]);
  });

  test('an acknowledged write whose key is absent, with no delete after it, is lost', () => {
    const findings = analyzeData([op('put', 'k', 0, 10, 'ok', { value: 'a' })], new Map([['k', null]]));
    expect(findings.lost).toHaveLength(1);
  });

  test('a write replaced by a later acknowledged write is not lost', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'b']])).lost).toEqual([]);
  });

  test('overlapping acknowledged writes may land in either order', () => {
    const ops = [op('put', 'k', 0, 30, 'ok', { value: 'a' }), op('put', 'k', 10, 20, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'a']])).lost).toEqual([]);
    expect(analyzeData(ops, new Map([['k', 'b']])).lost).toEqual([]);
  });

  test('a failed write may or may not have landed: either final state is fine', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'failed', { value: 'b' }), op('put', 'k', 40, 50, 'timeout', { value: 'c' })];
    for (const found of ['a', 'b', 'c']) expect(analyzeData(ops, new Map([['k', found]])).lost).toEqual([]);
  });

  test('a failed write does not excuse a lost acknowledged write that came after it', () => {
    const ops = [op('put', 'k', 0, 10, 'failed', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'a']])).lost.map((v) => v.op.value)).toEqual(['b']);
  });

  test('an acknowledged delete whose key reads back a value written before it is a resurrection', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('delete', 'k', 20, 30, 'ok')];
    const findings = analyzeData(ops, new Map([['k', 'a']]));
    expect(findings.resurrected).toHaveLength(1);
    expect(findings.resurrected[0]!.found).toBe('a');
    expect(findings.lost).toEqual([]);
  });

  test('a value written after the delete is not a resurrection; a 404 delete is no write', () => {
    const ops = [op('delete', 'k', 0, 10, 'ok'), op('put', 'k', 20, 30, 'ok', { value: 'b' })];
    expect(analyzeData(ops, new Map([['k', 'b']])).resurrected).toEqual([]);
    const noop = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('delete', 'k', 20, 30, 'ok', { status: 404 })];
    expect(analyzeData(noop, new Map([['k', null]])).lost).toHaveLength(1);
  });

  test('writes at consistency one are not judged, but explain the final state', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b', consistency: 'one' })];
    const findings = analyzeData(ops, new Map([['k', 'b']]));
    expect(findings.lost).toEqual([]);
    expect(findings.acknowledgedQuorumPuts).toBe(1);
    expect(analyzeData(ops, new Map([['k', 'a']])).lost).toEqual([]);
  });

  test('a value nobody wrote is a phantom', () => {
    expect(analyzeData([op('put', 'k', 0, 10, 'ok', { value: 'a' })], new Map([['k', 'zzz']])).phantoms).toEqual([{ key: 'k', found: 'zzz' }]);
  });
});

describe('analyzeReads', () => {
  const read = (invokedMs: number, completedMs: number, readValue: string | null, consistency: Consistency = 'quorum') => op('get', 'k', invokedMs, completedMs, 'ok', { readValue, consistency });

  test('a quorum read that misses a quorum write acknowledged before it began is stale', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' }), read(40, 50, 'a')];
    const findings = analyzeReads(ops);
    expect(findings.reads.quorum).toBe(1);
    expect(findings.stale.map((s) => s.missed.value)).toEqual(['b']);
  });

  test('a read overlapping the write may see either value; a later value is not stale', () => {
    const overlapping = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 60, 'ok', { value: 'b' }), read(40, 50, 'a'), read(41, 51, 'b')];
    expect(analyzeReads(overlapping).stale).toEqual([]);
    const later = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b' }), read(40, 50, 'b')];
    expect(analyzeReads(later).stale).toEqual([]);
  });

  test('a 404 after an acknowledged put is stale unless a delete may explain it', () => {
    expect(analyzeReads([op('put', 'k', 0, 10, 'ok', { value: 'a' }), read(20, 30, null)]).stale).toHaveLength(1);
    const deleted = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('delete', 'k', 15, 40, 'timeout'), read(20, 30, null)];
    expect(analyzeReads(deleted).stale).toEqual([]);
  });

  test('a failed write may have landed and explains what a read saw; it is never missed', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'failed', { value: 'b' }), read(40, 50, 'b'), read(60, 70, 'a')];
    expect(analyzeReads(ops).stale).toEqual([]);
  });

  test('reads at one are counted apart, and writes at one are never missed', () => {
    const ops = [op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('put', 'k', 20, 30, 'ok', { value: 'b', consistency: 'one' }), read(40, 50, 'a'), read(40, 50, 'a', 'one'), read(60, 70, null, 'one')];
    const findings = analyzeReads(ops);
    expect(findings.reads).toEqual({ one: 2, quorum: 1, all: 0 });
    expect(findings.stale.map((s) => s.read.consistency)).toEqual(['one']);
  });

  test('a value no write sent before the answer could have left is impossible, not stale', () => {
    const ops = [read(0, 10, 'b'), op('put', 'k', 20, 30, 'ok', { value: 'b' }), read(40, 50, 'zzz')];
    const findings = analyzeReads(ops);
    expect(findings.impossible.map((r) => r.readValue)).toEqual(['b', 'zzz']);
    expect(findings.stale).toEqual([]);
  });

  test('unanswered reads are not judged', () => {
    expect(analyzeReads([op('put', 'k', 0, 10, 'ok', { value: 'a' }), op('get', 'k', 20, 30, 'failed')]).reads).toEqual({ one: 0, quorum: 0, all: 0 });
  });
});

/** The definitions, written the slow and obvious way: every pair of writes compared. */
const reference = {
  explained(acknowledged: CompletedOp, writes: readonly CompletedOp[], found: string | null): boolean {
    return writes.some((c) => c.completedMs >= acknowledged.invokedMs && (found === null ? c.kind === 'delete' : c.kind === 'put' && c.value === found));
  },
  writes(ops: readonly CompletedOp[], key: string): CompletedOp[] {
    return ops.filter((op) => op.key === key && (op.kind === 'put' || (op.kind === 'delete' && !(op.outcome === 'ok' && op.status === 404))));
  },
  acknowledgedQuorum(op: CompletedOp): boolean {
    return op.outcome === 'ok' && op.kind !== 'get' && op.consistency !== 'one';
  },
};

/** A random history over `keys` keys, overlapping in time, values sometimes repeated, every outcome. */
function randomHistory(random: SeededRandom, size: number, keys: number): CompletedOp[] {
  const ops: CompletedOp[] = [];
  for (let index = 0; index < size; index++) {
    const invokedMs = Math.floor(random.next() * 1000);
    const completedMs = invokedMs + 1 + Math.floor(random.next() * 60);
    const roll = random.next();
    const kind: Op['kind'] = roll < 0.45 ? 'put' : roll < 0.65 ? 'delete' : 'get';
    const outcome: Outcome = random.next() < 0.8 ? 'ok' : random.next() < 0.5 ? 'failed' : 'timeout';
    const consistency: Consistency = random.next() < 0.3 ? 'one' : 'quorum';
    const value = `v${Math.floor(random.next() * size * 0.8)}`;
    const readValue = random.next() < 0.25 ? null : `v${Math.floor(random.next() * size)}`;
    const status = kind === 'delete' && outcome === 'ok' && random.next() < 0.2 ? 404 : undefined;
    ops.push(op(kind, `k${Math.floor(random.next() * keys)}`, invokedMs, completedMs, outcome, { consistency, ...(kind === 'put' ? { value } : {}), ...(kind === 'get' ? { readValue } : {}), ...(status === undefined ? {} : { status }) }));
  }
  return ops;
}

describe('the analysis against its definitions, written pair by pair', () => {
  test('on 300 random histories: the same lost writes, undone deletes, phantoms, stale and impossible reads', () => {
    const random = new SeededRandom(20261206);
    const found = { lost: 0, undone: 0, phantoms: 0, stale: 0, impossible: 0 };
    for (let round = 0; round < 300; round++) {
      const ops = randomHistory(random, 5 + Math.floor(random.next() * 60), 1 + Math.floor(random.next() * 4));
      const keys = [...new Set(ops.map((o) => o.key))];
      const final = new Map(keys.map((key) => [key, random.next() < 0.3 ? null : `v${Math.floor(random.next() * 40)}`] as const));
      const data = analyzeData(ops, final);
      const expectedLost: number[] = [];
      const expectedUndone: number[] = [];
      for (const key of keys) {
        const writes = reference.writes(ops, key);
        for (const a of writes.filter(reference.acknowledgedQuorum)) {
          if (!reference.explained(a, writes, final.get(key) ?? null)) (a.kind === 'put' ? expectedLost : expectedUndone).push(a.id);
        }
      }
      expect(data.lost.map((v) => v.op.id).sort()).toEqual(expectedLost.sort());
      expect(data.resurrected.map((v) => v.op.id).sort()).toEqual(expectedUndone.sort());
      const expectedPhantoms = keys.filter((key) => final.get(key) !== null && !reference.writes(ops, key).some((w) => w.kind === 'put' && w.value === final.get(key)));
      expect(data.phantoms.map((p) => p.key).sort()).toEqual(expectedPhantoms.sort());
      const reads = analyzeReads(ops);
      const expectedStale: number[] = [];
      const expectedImpossible: number[] = [];
      for (const read of ops.filter((o) => o.kind === 'get' && o.outcome === 'ok')) {
        const possible = reference.writes(ops, read.key).filter((w) => w.invokedMs < read.completedMs);
        const found = read.readValue ?? null;
        if (found !== null && !possible.some((w) => w.kind === 'put' && w.value === found)) expectedImpossible.push(read.id);
        else if (possible.some((a) => reference.acknowledgedQuorum(a) && a.completedMs < read.invokedMs && !reference.explained(a, possible, found))) expectedStale.push(read.id);
      }
      expect(reads.impossible.map((r) => r.id).sort()).toEqual(expectedImpossible.sort());
      expect(reads.stale.map((s) => s.read.id).sort()).toEqual(expectedStale.sort());
      for (const { read, missed } of reads.stale) {
        const possible = reference.writes(ops, read.key).filter((w) => w.invokedMs < read.completedMs);
        expect(reference.acknowledgedQuorum(missed) && missed.completedMs < read.invokedMs && !reference.explained(missed, possible, read.readValue ?? null)).toBe(true);
      }
      found.lost += expectedLost.length;
      found.undone += expectedUndone.length;
      found.phantoms += expectedPhantoms.length;
      found.stale += expectedStale.length;
      found.impossible += expectedImpossible.length;
    }
    // The histories are varied enough to have every kind of finding, many times over.
    for (const total of Object.values(found)) expect(total).toBeGreaterThan(20);
  });

  test('a long history over one key is judged in one pass per key, not one per pair of writes', () => {
    const random = new SeededRandom(7);
    const ops = randomHistory(random, 60_000, 1);
    const data = analyzeData(ops, new Map([['k0', 'v1']]));
    const reads = analyzeReads(ops);
    expect(data.acknowledgedQuorumPuts).toBeGreaterThan(10_000);
    expect(reads.reads.quorum + reads.reads.one).toBeGreaterThan(10_000);
  });
});
