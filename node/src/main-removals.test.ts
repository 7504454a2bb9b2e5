import { describe, expect, test } from 'bun:test';
import { silentLogger } from './log';
import { REMOVED_MEMBERS_META, RemovalRecord, refuseIfGone, rememberedRemovals, rememberSelfDeparture, rememberSelfRemoval } from './main-removals';
import { MEMBERS_MAX } from './membership';
import { MemoryStore } from './storage';

const member = (index: number) => ({ nodeId: index.toString(16).padStart(16, '0'), name: `n${index}`, httpAddress: `127.0.0.1:${7000 + index}`, incarnation: 1_700_000_000_000 + index });

describe('removed members, kept in the store metadata', () => {
  test('two removals heard at once are both remembered, once each', async () => {
    const store = new MemoryStore(1 << 20);
    const record = new RemovalRecord(store, silentLogger);
    await Promise.all([record.remember(member(1)), record.remember(member(2)), record.remember(member(1))]);
    expect(rememberedRemovals(store).map((removed) => removed.name)).toEqual(['n1', 'n2']);
    expect(rememberedRemovals(store)).toEqual([member(1), member(2)]);
  });

  test('the list is bounded by the membership table size, oldest forgotten first', async () => {
    const store = new MemoryStore(1 << 20);
    const record = new RemovalRecord(store, silentLogger);
    for (let index = 1; index <= MEMBERS_MAX + 3; index++) await record.remember(member(index));
    const kept = rememberedRemovals(store);
    expect(kept.length).toBe(MEMBERS_MAX);
    expect(kept[0]?.name).toBe('n4');
  });

  test('malformed entries are skipped, not trusted', async () => {
    const store = new MemoryStore(1 << 20);
    await store.setMeta(REMOVED_MEMBERS_META, JSON.stringify([member(1), { nodeId: 'not-an-id', name: 'x', httpAddress: '', incarnation: 1 }, { ...member(2), incarnation: 'soon' }, null]));
    expect(rememberedRemovals(store)).toEqual([member(1)]);
    await store.setMeta(REMOVED_MEMBERS_META, '{not json');
    expect(rememberedRemovals(store)).toEqual([]);
  });
});

describe('a node removed from its cluster', () => {
  test('refuses to start on its data directory, saying who removed it, when, and what to do instead', async () => {
    const store = new MemoryStore(1 << 20);
    expect(() => refuseIfGone(store, 'aaaaaaaaaaaaaaaa', '/data/n4')).not.toThrow();
    await rememberSelfRemoval(store, 'bbbbbbbbbbbbbbbb', Date.UTC(2026, 11, 2, 16, 0), silentLogger);
    expect(() => refuseIfGone(store, 'aaaaaaaaaaaaaaaa', '/data/n4')).toThrow('node aaaaaaaaaaaaaaaa was removed from its cluster by bbbbbbbbbbbbbbbb at 2026-12-02T16:00:00.000Z; a removed node does not come back. Start a new node on an empty data directory instead of /data/n4');
  });
});

describe('a node that left its cluster', () => {
  test('refuses to start on its data directory, saying when it left and what to do instead', async () => {
    const store = new MemoryStore(1 << 20);
    await rememberSelfDeparture(store, Date.UTC(2026, 11, 5, 11, 12), silentLogger);
    expect(() => refuseIfGone(store, 'aaaaaaaaaaaaaaaa', '/data/n5')).toThrow(
      'node aaaaaaaaaaaaaaaa left its cluster at 2026-12-05T11:12:00.000Z (swarmkv leave): its ranges have new owners, so it does not come back on the data it held then. Start a new node on an empty data directory instead of /data/n5',
    );
  });
});
