// Batches of replica writes: the codecs' round trips and refusals, and the receiving end's merge
// (newer wins per record, one transaction; hints for a stand-in; the departure gate's bookkeeping).

import { describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { MemoryHintStore, MemoryStore, type StoredRecord } from '../storage';
import { formatVersion } from '../version';
import { MessageType, peerMessages, type WireMessage } from '../wire';
import { rawFrame, roundTrip } from './codec-round-trip.test-harness';
import { DepartureGate } from './departure-gate';
import { HintLedger } from './hint-ledger';
import { LocalReplica } from './local-replica';
import { batchesOf, REPLICA_WRITE_BATCH_BYTES_MAX, REPLICA_WRITE_BATCH_RECORDS_MAX } from './replica-batch-messages';
import { recordOnWire } from './replica-messages';

const SELF = '00000000000000a0';
const ABSENT = '00000000000000b0';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

function record(key: string, wallMs: number, valueJson: string | null = '1'): StoredRecord {
  return { key, valueJson, version: formatVersion({ wallMs, logical: 0, nodeId: SELF }), updatedAtMs: wallMs };
}

describe('replica write batch codecs', () => {
  const samples: WireMessage[] = [
    { type: 'replicaWriteBatch', records: [recordOnWire(record('a', 1)), recordOnWire(record('gone', 2, null))] },
    { type: 'replicaWriteBatch', records: [recordOnWire(record('k', 3))], hintFor: ABSENT },
    { type: 'replicaWriteBatchAck', applied: 2 },
  ];
  for (const message of samples) {
    test(`${message.type} ${JSON.stringify(message).slice(0, 60)} survives a round trip`, () => {
      expect(roundTrip(message)).toEqual(message);
    });
  }

  const wire = recordOnWire(record('k', 1));
  const big = recordOnWire({ ...record('big', 1), valueJson: JSON.stringify('x'.repeat(REPLICA_WRITE_BATCH_BYTES_MAX / 4)) });
  const refused: [string, number, unknown][] = [
    ['an empty batch', MessageType.replicaWriteBatch, { records: [] }],
    ['more records than the bound', MessageType.replicaWriteBatch, { records: Array.from({ length: REPLICA_WRITE_BATCH_RECORDS_MAX + 1 }, () => wire) }],
    ['more bytes than the bound', MessageType.replicaWriteBatch, { records: [big, big, big] }],
    ['a record whose value is not JSON', MessageType.replicaWriteBatch, { records: [{ ...wire, valueJson: '{' }] }],
    ['a malformed stand-in node id', MessageType.replicaWriteBatch, { records: [wire], hintFor: 'not-a-node' }],
    ['a negative count', MessageType.replicaWriteBatchAck, { applied: -1 }],
  ];
  for (const [name, code, fields] of refused) {
    test(`refuses ${name}`, () => {
      const decoded = peerMessages.decode(rawFrame(code, fields));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toBe('invalid_fields');
    });
  }

  test('batchesOf splits within both bounds, in order, and a lone oversized record still goes', () => {
    const many = Array.from({ length: REPLICA_WRITE_BATCH_RECORDS_MAX * 2 + 5 }, (_, index) => recordOnWire(record(`k${index}`, 1)));
    expect(batchesOf(many).map((batch) => batch.length)).toEqual([REPLICA_WRITE_BATCH_RECORDS_MAX, REPLICA_WRITE_BATCH_RECORDS_MAX, 5]);
    expect(batchesOf(many).flat()).toEqual(many);
    const huge = recordOnWire({ ...record('huge', 1), valueJson: JSON.stringify('x'.repeat(REPLICA_WRITE_BATCH_BYTES_MAX)) });
    expect(batchesOf([wire, huge, wire]).map((batch) => batch.length)).toEqual([1, 1, 1]);
  });
});

describe('a batch of replica writes on the receiving end', () => {
  test('each record is merged by last-writer-wins, and the count says how many were newer', async () => {
    const store = new MemoryStore();
    const replica = new LocalReplica(SELF, store);
    await store.write('kept', () => record('kept', 9));
    expect(await replica.writeBatch([record('new', 1), record('kept', 5), record('gone', 2, null)])).toBe(2);
    expect(store.get('kept')?.version).toBe(record('kept', 9).version);
    expect(store.get('new')?.valueJson).toBe('1');
    expect(store.get('gone')?.valueJson).toBeNull();
  });

  test('with hintFor, the records are kept as hints owed to that node, not in the store', async () => {
    const store = new MemoryStore();
    const hints = new HintLedger(new MemoryHintStore({ hintsMax: 100, hintBytesMax: 1024 * 1024 }), silent);
    const replica = new LocalReplica(SELF, store, hints);
    expect(await replica.writeBatch([record('a', 1), record('b', 1)], { hintFor: ABSENT })).toBe(2);
    expect(store.get('a')).toBeUndefined();
    expect(hints.forKey('a').map((hint) => hint.record.version)).toEqual([record('a', 1).version]);
  });

  test('the departure gate remembers a batch\'s keys while tracking, and refuses batches once closed', async () => {
    const gate = new DepartureGate(new LocalReplica(SELF, new MemoryStore()));
    gate.trackChanges(10);
    await gate.writeBatch([record('x', 1), record('y', 1)]);
    expect([...(gate.changedKeys() as Set<string>)]).toEqual(['x', 'y']);
    await gate.closeToWrites();
    await expect(gate.writeBatch([record('late', 2)])).rejects.toBeInstanceOf(SwarmError);
  });
});
