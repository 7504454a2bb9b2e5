// The data analysis on synthetic histories, where the right answer is known: a lost write, a
// resurrection, a write replaced by a later acknowledged one, a failed write that may or may not have
// landed; and reads that miss an acknowledged quorum write, at quorum and at one.

import { describe, expect, test } from 'bun:test';
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
