// Every acknowledged write survives `kill -9` of the node. Concurrent writers hammer a durable node with
// unique keys; mid-stream the node is SIGKILLed; after a restart on the same data directory every write
// that got a 200 must be there with exactly its value and version, and every acknowledged delete must
// still be deleted. Three kill cycles per sync policy, on one data directory.

import { afterAll, describe, expect, test } from 'bun:test';
import { http, makeDataDir, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const WRITERS = 32;
const KILL_AFTER_ACKS = 2000;
const KILL_CYCLES = 3;
/** Writers give up this long after the kill; requests in flight at the kill fail with a socket error. */
const CYCLE_DEADLINE_MS = 30_000;

interface Acknowledged {
  readonly key: string;
  readonly value: string;
  readonly version: string;
}

async function hammerUntilKilled(node: SpawnedNode, cycle: number) {
  const acknowledged: Acknowledged[] = [];
  const deleted: string[] = [];
  // A delete in flight when the node died may or may not have been applied: either outcome is correct.
  const indeterminate: string[] = [];
  let killed = false;
  let sequence = 0;
  const deadline = Date.now() + CYCLE_DEADLINE_MS;
  const writer = async (writerIndex: number) => {
    while (!killed && Date.now() < deadline) {
      const key = `c${cycle}/w${writerIndex}/${sequence++}`;
      const value = `${key}:${Math.random().toString(36).slice(2)}`;
      try {
        const reply = await http('PUT', `${node.url}/kv/${encodeURIComponent(key)}`, { json: { value } });
        if (reply.status !== 200) continue;
        acknowledged.push({ key, value, version: reply.body.version });
        if (acknowledged.length % 10 === 0) {
          indeterminate.push(key);
          const gone = await http('DELETE', `${node.url}/kv/${encodeURIComponent(key)}`);
          indeterminate.splice(indeterminate.indexOf(key), 1);
          if (gone.status === 204) deleted.push(key);
        }
      } catch {
        // The node died under this request: it was never acknowledged (a delete stays indeterminate).
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
  while (acknowledged.length < KILL_AFTER_ACKS && Date.now() < deadline) await Bun.sleep(5);
  await node.kill9();
  killed = true;
  await Promise.all(writers);
  const settled = new Set(indeterminate);
  return { acknowledged: acknowledged.filter((write) => !settled.has(write.key)), deleted: new Set(deleted), indeterminate: settled.size };
}

async function verify(node: SpawnedNode, acknowledged: Acknowledged[], deleted: Set<string>) {
  let lost = 0;
  let resurrected = 0;
  for (const write of acknowledged) {
    const reply = await http('GET', `${node.url}/kv/${encodeURIComponent(write.key)}`);
    if (deleted.has(write.key)) {
      if (reply.status !== 404) resurrected += 1;
    } else if (reply.status !== 200 || reply.body.value !== write.value || reply.body.version !== write.version) {
      lost += 1;
    }
  }
  return { lost, resurrected };
}

for (const syncPolicy of ['flush', 'commit'] as const) {
  describe(`kill -9 with --sync ${syncPolicy}`, () => {
    const dataDir = makeDataDir('swarmkv-durability-');
    afterAll(() => removeDataDir(dataDir));

    test(`every acknowledged write and delete survives ${KILL_CYCLES} kill cycles`, async () => {
      const history: { acknowledged: Acknowledged[]; deleted: Set<string> }[] = [];
      for (let cycle = 0; cycle < KILL_CYCLES; cycle++) {
        const node = await spawnNode({ dataDir, args: ['--sync', syncPolicy, '--log-level', 'info'] });
        const started = performance.now();
        const round = await hammerUntilKilled(node, cycle);
        history.push(round);
        const restarted = await spawnNode({ dataDir, args: ['--sync', syncPolicy] });
        try {
          // Everything acknowledged in this cycle and all earlier ones is still there.
          for (const [index, past] of history.entries()) {
            const { lost, resurrected } = await verify(restarted, past.acknowledged, past.deleted);
            console.log(
              `durability sync=${syncPolicy} cycle=${cycle} checking-cycle=${index}: acknowledged=${past.acknowledged.length} deletes=${past.deleted.size} lost=${lost} resurrected=${resurrected}` +
                (index === cycle ? ` (${Math.round(performance.now() - started)} ms writing before the kill)` : ''),
            );
            expect(lost).toBe(0);
            expect(resurrected).toBe(0);
          }
          expect(round.acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
        } finally {
          await restarted.stop();
        }
      }
    }, 180_000);
  });
}
