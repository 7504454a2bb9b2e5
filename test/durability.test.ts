// Every acknowledged write survives `kill -9`. Concurrent writers PUT unique keys (and DELETE some of
// them) against a durable node, keeping a ledger of what was acknowledged; mid-stream the node is
// SIGKILLed; a new node on the same data directory must then hold every acknowledged write with exactly
// its value and version, keep every acknowledged delete deleted, and show nothing that was never sent.
// Three kill cycles per sync policy on one data directory: the node that verifies a cycle is the one the
// next cycle writes to and kills. Then a SIGTERM under the same load must drain and lose nothing.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { keyPath, listAll, VERSION_PATTERN } from './support/kv-client';
import { HOOK_TIMEOUT_MS, isAlive, mapConcurrent, stopBounded, waitForExit, waitUntil } from './support/node-lifecycle';
import { http, makeDataDir, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

const WRITERS = 32;
/** Writes run this long before the kill, or until ACKS_MAX acknowledgements, whichever comes first. */
const WRITE_PHASE_MS = 1500;
const ACKS_MAX = 20_000;
/**
 * A cycle with fewer acknowledged writes than this proves too little; it waits for them (bounded).
 * Counted when each write is acknowledged, deleted or not: a key whose DELETE was in flight at the
 * kill still had its PUT acknowledged, and is checked as "exactly its value, or deleted".
 */
const ACKS_MIN = 2000;
const KILL_CYCLES = 3;
/** Every DELETE_EVERY-th acknowledged write is deleted again by its writer. */
const DELETE_EVERY = 8;
const CYCLE_DEADLINE_MS = 30_000;
const VERIFY_CONCURRENCY = 32;
/** SHUTDOWN_DRAIN_MS_MAX in limits.ts, plus a margin for process exit on a loaded machine. */
const CLEAN_STOP_MS_MAX = 5000 + 1000;
const SUITE_TIMEOUT_MS = 240_000;

interface Acknowledged {
  readonly valueJson: string;
  readonly version: string;
}

/** What the clients were told, over every cycle on one data directory. */
class Ledger {
  readonly acknowledged = new Map<string, Acknowledged>();
  /** Sent but never acknowledged (in flight at the kill): absent, or present with exactly this value. */
  readonly unacknowledged = new Map<string, string>();
  readonly deleted = new Set<string>();
  /** A DELETE in flight at the kill: either outcome is correct. */
  readonly deleteUnknown = new Set<string>();
  /** Answers that are neither a success nor a dead connection: a 5xx, say, while the node was up. */
  readonly anomalies: string[] = [];
}

function randomValue(key: string): unknown {
  const length = Math.floor(Math.random() * 2048);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 éü日本🚀"\\';
  const chars = Array.from(alphabet);
  let pad = '';
  for (let index = 0; index < length; index++) pad += chars[Math.floor(Math.random() * chars.length)];
  return { key, at: Date.now(), n: Math.random(), pad, nested: { list: [1, null, true, 'x'] } };
}

interface WriteRound {
  readonly acknowledgedThisRound: number;
  readonly deletesThisRound: number;
  readonly inFlightAtKill: number;
  readonly writeMs: number;
}

/** Runs WRITERS concurrent writers until the kill condition, SIGKILLs the node mid-stream, and waits for them. */
async function writeUntilKilled(node: SpawnedNode, ledger: Ledger, cycle: number): Promise<WriteRound> {
  let stopped = false;
  let inFlight = 0;
  let acknowledgedThisRound = 0;
  let deletesThisRound = 0;
  const started = performance.now();
  const request = async (method: string, key: string, body?: string) => {
    inFlight += 1;
    try {
      const response = await fetch(`${node.url}${keyPath(key)}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body });
      const text = await response.text();
      return { status: response.status, text };
    } finally {
      inFlight -= 1;
    }
  };
  const writer = async (writerIndex: number) => {
    for (let sequence = 0; !stopped; sequence++) {
      const key = `c${cycle}/w${writerIndex}/${sequence}`;
      const valueJson = JSON.stringify(randomValue(key));
      ledger.unacknowledged.set(key, valueJson);
      let reply: { status: number; text: string };
      try {
        reply = await request('PUT', key, `{"value":${valueJson}}`);
      } catch {
        if (!stopped) ledger.anomalies.push(`PUT ${key} failed while the node was up`);
        return;
      }
      if (reply.status !== 200) {
        ledger.anomalies.push(`PUT ${key} answered ${reply.status}: ${reply.text.slice(0, 200)}`);
        continue;
      }
      ledger.unacknowledged.delete(key);
      ledger.acknowledged.set(key, { valueJson, version: JSON.parse(reply.text).version });
      acknowledgedThisRound += 1;
      if (sequence % DELETE_EVERY !== DELETE_EVERY - 1) continue;
      ledger.deleteUnknown.add(key);
      try {
        const deleted = await request('DELETE', key);
        ledger.deleteUnknown.delete(key);
        if (deleted.status === 204) {
          ledger.deleted.add(key);
          deletesThisRound += 1;
        } else ledger.anomalies.push(`DELETE ${key} answered ${deleted.status}`);
      } catch {
        if (!stopped) ledger.anomalies.push(`DELETE ${key} failed while the node was up`);
        return;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
  await waitUntil(
    `${ACKS_MIN} acknowledged writes and ${WRITE_PHASE_MS} ms of writing`,
    () => acknowledgedThisRound >= ACKS_MAX || (acknowledgedThisRound >= ACKS_MIN && performance.now() - started >= WRITE_PHASE_MS),
    CYCLE_DEADLINE_MS,
  );
  const inFlightAtKill = inFlight;
  node.process.kill('SIGKILL');
  stopped = true;
  const writeMs = performance.now() - started;
  expect(await waitForExit(node.process, CYCLE_DEADLINE_MS)).toBe(true);
  await Promise.all(writers);
  return { acknowledgedThisRound, deletesThisRound, inFlightAtKill, writeMs };
}

interface Verification {
  readonly checked: number;
  readonly lost: string[];
  readonly resurrected: string[];
  readonly unacknowledgedPresent: number;
  readonly phantoms: string[];
}

/** Reads back every key the ledger knows and the whole listing; returns what does not match. */
async function verify(node: SpawnedNode, ledger: Ledger): Promise<Verification> {
  const lost: string[] = [];
  /** Keys already reported, so the listing pass does not count them twice. */
  const lostKeys = new Set<string>();
  const resurrected: string[] = [];
  await mapConcurrent([...ledger.acknowledged], VERIFY_CONCURRENCY, async ([key, written]) => {
    const reply = await http('GET', `${node.url}${keyPath(key)}`);
    const exact = reply.status === 200 && JSON.stringify(reply.body.value) === written.valueJson && reply.body.version === written.version;
    if (ledger.deleted.has(key)) {
      if (reply.status === 404) return;
      resurrected.push(key);
      lostKeys.add(key);
    } else if (!(exact || (ledger.deleteUnknown.has(key) && reply.status === 404))) {
      lost.push(`${key}: ${reply.status} ${reply.status === 200 ? reply.body.version : ''} (acknowledged ${written.version})`);
      lostKeys.add(key);
    }
  });
  let unacknowledgedPresent = 0;
  const phantoms: string[] = [];
  await mapConcurrent([...ledger.unacknowledged], VERIFY_CONCURRENCY, async ([key, valueJson]) => {
    const reply = await http('GET', `${node.url}${keyPath(key)}`);
    if (reply.status === 404) return;
    if (reply.status === 200 && JSON.stringify(reply.body.value) === valueJson && VERSION_PATTERN.test(reply.body.version)) unacknowledgedPresent += 1;
    else phantoms.push(`${key}: ${reply.status}, not the value that was sent`);
  });
  const listed = (await listAll(node.url)).items.map((item) => item.key);
  for (const key of listed) {
    if (ledger.deleted.has(key)) {
      if (!lostKeys.has(key)) resurrected.push(`${key} (listed)`);
    } else if (!ledger.acknowledged.has(key) && !ledger.unacknowledged.has(key)) phantoms.push(`${key} (listed, never sent)`);
  }
  const listedSet = new Set(listed);
  for (const key of ledger.acknowledged.keys()) {
    if (!ledger.deleted.has(key) && !ledger.deleteUnknown.has(key) && !listedSet.has(key) && !lostKeys.has(key)) lost.push(`${key} (missing from the listing)`);
  }
  const { liveKeys, tombstones } = (await http('GET', `${node.url}/health`)).body.storage;
  if (liveKeys !== listed.length) phantoms.push(`health counts ${liveKeys} live keys, the listing ${listed.length}`);
  if (tombstones < ledger.deleted.size || tombstones > ledger.deleted.size + ledger.deleteUnknown.size) {
    phantoms.push(`health counts ${tombstones} tombstones for ${ledger.deleted.size} acknowledged (+${ledger.deleteUnknown.size} unknown) deletes`);
  }
  return { checked: ledger.acknowledged.size + ledger.unacknowledged.size, lost, resurrected, unacknowledgedPresent, phantoms };
}

for (const syncPolicy of ['flush', 'commit'] as const) {
  describe(`kill -9 with --sync ${syncPolicy}`, () => {
    const args = syncPolicy === 'flush' ? [] : ['--sync', syncPolicy];
    let dataDir = '';
    let current: SpawnedNode | undefined;
    beforeAll(() => {
      dataDir = makeDataDir('swarmkv-durability-');
    });
    afterAll(async () => {
      try {
        if (current !== undefined) await stopBounded(current);
      } finally {
        if (dataDir !== '') removeDataDir(dataDir);
      }
    }, HOOK_TIMEOUT_MS.stop);

    test(`every acknowledged write and delete survives ${KILL_CYCLES} kill cycles on one data directory`, async () => {
      const ledger = new Ledger();
      const suiteStarted = performance.now();
      current = await spawnNode({ dataDir, args });
      expect((await http('GET', `${current.url}/health`)).body.storage.syncPolicy).toBe(syncPolicy);
      for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
        const round = await writeUntilKilled(current, ledger, cycle);
        const restartStarted = performance.now();
        current = await spawnNode({ dataDir, args });
        const restartMs = performance.now() - restartStarted;
        const verifyStarted = performance.now();
        const result = await verify(current, ledger);
        console.log(
          `durability sync=${syncPolicy} cycle ${cycle}/${KILL_CYCLES}: acked writes ${round.acknowledgedThisRound} (total ${ledger.acknowledged.size}), ` +
            `acked deletes ${round.deletesThisRound} (total ${ledger.deleted.size}), in flight at kill ${round.inFlightAtKill}, ` +
            `unacked present ${result.unacknowledgedPresent}/${ledger.unacknowledged.size}, checked ${result.checked}, lost ${result.lost.length}, ` +
            `resurrected ${result.resurrected.length}, phantoms ${result.phantoms.length}; ` +
            `writing ${Math.round(round.writeMs)} ms, restart ${Math.round(restartMs)} ms, verify ${Math.round(performance.now() - verifyStarted)} ms`,
        );
        expect(ledger.anomalies.slice(0, 10)).toEqual([]);
        expect(round.inFlightAtKill).toBeGreaterThan(0);
        expect(round.acknowledgedThisRound).toBeGreaterThanOrEqual(ACKS_MIN);
        expect(result.lost.slice(0, 10)).toEqual([]);
        expect(result.resurrected.slice(0, 10)).toEqual([]);
        expect(result.phantoms.slice(0, 10)).toEqual([]);
      }
      // Versions keep increasing across kills: a rewrite of the very first key is newer than its old version.
      const [firstKey, firstWrite] = [...ledger.acknowledged].find(([key]) => !ledger.deleted.has(key) && !ledger.deleteUnknown.has(key))!;
      const rewritten = await http('PUT', `${current.url}${keyPath(firstKey)}`, { json: { value: 'rewritten' } });
      expect(rewritten.status).toBe(200);
      expect(rewritten.body.version > firstWrite.version).toBe(true);
      const stopped = await stopBounded(current);
      expect(stopped).toMatchObject({ code: 0, forced: false });
      console.log(`durability sync=${syncPolicy}: ${KILL_CYCLES} cycles, ${ledger.acknowledged.size} acked writes, ${ledger.deleted.size} acked deletes, lost 0, elapsed ${Math.round(performance.now() - suiteStarted)} ms`);
    }, SUITE_TIMEOUT_MS);
  });
}

describe('SIGTERM under write load', () => {
  let dataDir = '';
  let current: SpawnedNode | undefined;
  beforeAll(() => {
    dataDir = makeDataDir('swarmkv-drain-');
  });
  afterAll(async () => {
    try {
      if (current !== undefined) await stopBounded(current);
    } finally {
      if (dataDir !== '') removeDataDir(dataDir);
    }
  }, HOOK_TIMEOUT_MS.stop);

  test(`a node stopped with SIGTERM mid-stream exits 0 within ${CLEAN_STOP_MS_MAX} ms and keeps every acknowledged write`, async () => {
    const ledger = new Ledger();
    const node = await spawnNode({ dataDir });
    current = node;
    let stopped = false;
    let acknowledged = 0;
    const writer = async (writerIndex: number) => {
      for (let sequence = 0; !stopped; sequence++) {
        const key = `term/w${writerIndex}/${sequence}`;
        const valueJson = JSON.stringify(randomValue(key));
        ledger.unacknowledged.set(key, valueJson);
        try {
          const reply = await http('PUT', `${node.url}${keyPath(key)}`, { body: `{"value":${valueJson}}` });
          if (reply.status === 200) {
            ledger.unacknowledged.delete(key);
            ledger.acknowledged.set(key, { valueJson, version: reply.body.version });
            acknowledged += 1;
          } else if (reply.status < 503) ledger.anomalies.push(`PUT ${key} answered ${reply.status}`);
        } catch {
          // Refused or reset once the node stops listening: the writer keeps trying until told to stop.
          await Bun.sleep(5);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
    await waitUntil(`${ACKS_MIN} acknowledged writes`, () => acknowledged >= ACKS_MIN, CYCLE_DEADLINE_MS);
    const signalled = performance.now();
    node.process.kill('SIGTERM');
    const exited = await waitForExit(node.process, CLEAN_STOP_MS_MAX);
    const stopMs = performance.now() - signalled;
    stopped = true;
    if (!exited) node.process.kill('SIGKILL');
    await Promise.all(writers);
    console.log(`SIGTERM under load: exited ${exited ? `with ${node.process.exitCode} after ${Math.round(stopMs)} ms` : `not within ${CLEAN_STOP_MS_MAX} ms (killed)`}; acked writes ${acknowledged}`);
    expect(exited).toBe(true);
    expect(node.process.exitCode).toBe(0);
    current = await spawnNode({ dataDir });
    const result = await verify(current, ledger);
    expect(ledger.anomalies.slice(0, 10)).toEqual([]);
    expect(result.lost.slice(0, 10)).toEqual([]);
    expect(result.phantoms.slice(0, 10)).toEqual([]);
    expect(isAlive(current.process)).toBe(true);
  }, SUITE_TIMEOUT_MS);
});
