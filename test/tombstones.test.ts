// Tombstone collection and the grace period, on real node processes: a deleted key's tombstone is
// collected once the grace period has passed (and the key stays deleted), and a clustered node that was
// down for longer than the grace period discards its data when it starts again.

import { afterAll, describe, expect, test } from 'bun:test';
import { stopBounded, useNode, waitUntil } from './support/node-lifecycle';
import { http, makeDataDir, removeDataDir, spawnNode } from './support/spawn-node';

const GRACE_MS = 1500;
const COLLECTED_WITHIN_MS = 10_000;

describe(`a node with --tombstone-grace-ms ${GRACE_MS}`, () => {
  const node = useNode({ args: ['--tombstone-grace-ms', String(GRACE_MS)] });
  const url = () => node().url;

  test('collects a tombstone after the grace period; the key stays absent and a new write recreates it', async () => {
    await http('PUT', `${url()}/kv/doomed`, { json: { value: 1 } });
    expect((await http('DELETE', `${url()}/kv/doomed`)).status).toBe(204);
    expect((await http('GET', `${url()}/health`)).body.storage.tombstones).toBe(1);
    const deletedAt = performance.now();
    await waitUntil('the tombstone to be collected', async () => (await http('GET', `${url()}/health`)).body.storage.tombstones === 0, COLLECTED_WITHIN_MS);
    const collectedAfterMs = Math.round(performance.now() - deletedAt);
    console.log(`tombstone collected ${collectedAfterMs} ms after the delete (grace ${GRACE_MS} ms)`);
    expect(collectedAfterMs).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect((await http('GET', `${url()}/kv/doomed`)).status).toBe(404);
    expect((await http('PUT', `${url()}/kv/doomed`, { json: { value: 2 } })).status).toBe(200);
    expect((await http('GET', `${url()}/kv/doomed`)).body.value).toBe(2);
  });
});

describe('a clustered node down for longer than the grace period', () => {
  const dataDir = makeDataDir();
  afterAll(() => removeDataDir(dataDir));
  // Time away is moved with --clock-offset-ms rather than waited out: each start runs the node's wall
  // clock further ahead, so it finds its last alive mark (written at its previous clean stop, by its
  // previous clock) that much older. A minute of grace dwarfs the real seconds a start and stop take.
  const clusteredGraceMs = 60_000;
  const marginMs = 10_000;
  const args = ['--secret', 'tombstone-grace-secret', '--dht-port', '49991', '--tombstone-grace-ms', String(clusteredGraceMs), '--anti-entropy-interval-ms', '0'];
  const startAhead = (offsetMs: number) => spawnNode({ dataDir, args: [...args, '--clock-offset-ms', String(offsetMs)] });

  test('discards its data on start, before serving; one back within the grace period keeps it', async () => {
    const first = await startAhead(0);
    try {
      expect((await http('PUT', `${first.url}/kv/stale`, { json: { value: 'old' } })).status).toBe(200);
    } finally {
      await stopBounded(first);
    }
    // Back "grace - 10 s" after its last mark: inside the grace period, it keeps its data.
    const withinOffsetMs = clusteredGraceMs - marginMs;
    const within = await startAhead(withinOffsetMs);
    try {
      expect(within.events.some((event) => event.event === 'storage.stale_data_discarded')).toBe(false);
      expect((await http('GET', `${within.url}/kv/stale`)).status).toBe(200);
    } finally {
      await stopBounded(within);
    }
    // Back "grace + 10 s" after the mark that stop left: past the grace period, it starts empty.
    const late = await startAhead(withinOffsetMs + clusteredGraceMs + marginMs);
    try {
      const discarded = late.events.find((event) => event.event === 'storage.stale_data_discarded');
      expect(discarded).toMatchObject({ records: 1, graceMs: clusteredGraceMs });
      expect(discarded!.awayMs as number).toBeGreaterThan(clusteredGraceMs);
      expect((await http('GET', `${late.url}/kv/stale`)).status).toBe(404);
    } finally {
      await stopBounded(late);
    }
  });
});
