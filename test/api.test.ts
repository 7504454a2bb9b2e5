// REST API v1 walked route by route against real node processes: every route and status, keys in every
// encoding, versions, pagination, health and metrics, the OpenAPI document, start-up, restarts.
// Each describe block gets a fresh node (support/node-lifecycle.ts), stopped even when a test fails.

import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPath, listAll, requestCount, sampleKey, scrape, VERSION_PATTERN } from './support/kv-client';
import { isAlive, mapConcurrent, runCliToExit, stopBounded, useNode } from './support/node-lifecycle';
import { responseProblems } from './support/openapi-check';
import { rawRequest } from './support/raw-http';
import { http, makeDataDir, removeDataDir, spawnNode, type SpawnedNode } from './support/spawn-node';

/** Real processes, fsync and thousands of requests: generous for a loaded 2-core machine. */
setDefaultTimeout(30_000);
const CLOCK_SKEW_MS_MAX = 60_000;

/** Unicode code point order, which is not JavaScript's UTF-16 `<` once astral characters appear. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (char) => char.codePointAt(0)!);
  const y = Array.from(b, (char) => char.codePointAt(0)!);
  for (let index = 0; index < Math.min(x.length, y.length); index++) if (x[index] !== y[index]) return x[index]! - y[index]!;
  return x.length - y.length;
}

async function putAll(url: string, keys: readonly string[], value: (key: string) => unknown = (key) => key): Promise<void> {
  const statuses = await mapConcurrent(keys, 32, async (key) => (await http('PUT', `${url}${keyPath(key)}`, { json: { value: value(key) } })).status);
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
}

describe('the REST walk on one durable node', () => {
  const node = useNode();
  const url = () => node().url;

  test('PUT creates (200) then replaces; GET returns key, value, version and updatedAt', async () => {
    const nodeId = (await http('GET', `${url()}/health`)).body.nodeId;
    const created = await http('PUT', `${url()}/kv/user%3A1`, { json: { value: { name: 'Ada' } } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ key: 'user:1', version: expect.stringMatching(VERSION_PATTERN) });
    expect(created.body.version.endsWith(`.${nodeId}`)).toBe(true);
    expect(Math.abs(parseInt(created.body.version.slice(0, 12), 16) - Date.now())).toBeLessThan(CLOCK_SKEW_MS_MAX);
    const read = await http('GET', `${url()}/kv/user%3A1`);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/json');
    // A standalone node coordinates every request and is the only replica that answers.
    for (const reply of [created, read]) {
      expect({ coordinator: reply.headers.get('x-swarmkv-coordinator'), replicas: reply.headers.get('x-swarmkv-replicas') }).toEqual({ coordinator: nodeId, replicas: nodeId });
    }
    expect(read.body).toEqual({ key: 'user:1', value: { name: 'Ada' }, version: created.body.version, updatedAt: expect.any(String) });
    expect(new Date(read.body.updatedAt).toISOString()).toBe(read.body.updatedAt);
    expect(Math.abs(Date.parse(read.body.updatedAt) - Date.now())).toBeLessThan(CLOCK_SKEW_MS_MAX);
    const replaced = await http('PUT', `${url()}/kv/user%3A1`, { json: { value: [1, 'two', null] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version > created.body.version).toBe(true);
    expect((await http('GET', `${url()}/kv/user%3A1`)).body).toMatchObject({ value: [1, 'two', null], version: replaced.body.version });
  });

  test('any JSON value round-trips exactly: null, false, 0, "", big and tiny numbers, nesting, unicode', async () => {
    const values = [null, false, true, 0, -0.5, 1e300, 5e-324, '', 'ünïcödé 🚀 "quoted" \\ \n\t', [], {}, { a: { b: { c: [1, { d: 'e' }] } } }];
    for (const [index, value] of values.entries()) {
      expect((await http('PUT', `${url()}/kv/json-${index}`, { json: { value } })).status).toBe(200);
      expect((await http('GET', `${url()}/kv/json-${index}`)).body.value).toEqual(value);
    }
  });

  test('POST with a key: 201, Location reads it back, a second POST is 409 and changes nothing', async () => {
    const created = await http('POST', `${url()}/kv`, { json: { key: 'posted/é', value: 1 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ key: 'posted/é', version: expect.stringMatching(VERSION_PATTERN) });
    const location = created.headers.get('location')!;
    expect(location).toBe(`/kv/${encodeURIComponent('posted/é')}`);
    expect((await http('GET', `${url()}${location}`)).body).toMatchObject({ key: 'posted/é', value: 1, version: created.body.version });
    const again = await http('POST', `${url()}/kv`, { json: { key: 'posted/é', value: 2 } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'conflict', message: expect.any(String), key: 'posted/é' });
    expect((await http('GET', `${url()}${location}`)).body).toMatchObject({ value: 1, version: created.body.version });
  });

  test('POST without a key: 200 concurrent creates get 200 distinct keys, each readable at its Location', async () => {
    const created = await Promise.all(Array.from({ length: 200 }, (_, index) => http('POST', `${url()}/kv`, { json: { value: { index } } })));
    expect(created.map((reply) => reply.status)).toEqual(Array(200).fill(201));
    const keys = created.map((reply) => reply.body.key as string);
    expect(new Set(keys).size).toBe(200);
    await mapConcurrent(created, 32, async (reply, index) => {
      expect(reply.headers.get('location')).toBe(keyPath(reply.body.key));
      expect((await http('GET', `${url()}${reply.headers.get('location')}`)).body).toMatchObject({ value: { index }, version: reply.body.version });
    });
  });

  test('DELETE: 204 with no body, then 404; GET is 404 not_found naming the key; POST may create it again', async () => {
    await http('PUT', `${url()}/kv/doomed`, { json: { value: 1 } });
    const deleted = await http('DELETE', `${url()}/kv/doomed`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const again = await http('DELETE', `${url()}/kv/doomed`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'not_found', key: 'doomed' });
    const missing = await http('GET', `${url()}/kv/doomed`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', message: expect.any(String), key: 'doomed' });
    const recreated = await http('POST', `${url()}/kv`, { json: { key: 'doomed', value: 2 } });
    expect(recreated.status).toBe(201);
    expect((await http('GET', `${url()}/kv/doomed`)).body.value).toBe(2);
  });

  test('?trace=true: every key route answers with what it did, a refusal too; a traced DELETE answers 200; untraced answers are unchanged', async () => {
    const nodeId = (await http('GET', `${url()}/health`)).body.nodeId;
    const put = await http('PUT', `${url()}/kv/traced?trace=true`, { json: { value: 1 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ key: 'traced', version: expect.stringMatching(VERSION_PATTERN), trace: { coordinator: nodeId, stepsDropped: 0, inFlight: [], names: { [nodeId]: expect.any(String) } } });
    // A standalone node is the one replica: it places the write on itself, versions it, stores it, answers.
    expect(put.body.trace.steps.map((step: { step: string }) => step.step)).toEqual(['placement', 'version', 'ask', 'ack', 'quorum', 'answer']);
    expect(put.body.trace.steps[0]).toMatchObject({ purpose: 'write', needed: 1, replicas: [{ nodeId, counts: true }] });
    expect(put.body.trace.steps[3]).toMatchObject({ nodeId, applied: true, version: put.body.version });
    expect(put.body.trace.steps.at(-1)).toEqual({ atMs: expect.any(Number), step: 'answer', status: 200 });
    const get = await http('GET', `${url()}/kv/traced?trace=1`);
    expect(get.body).toMatchObject({ key: 'traced', value: 1, version: put.body.version, updatedAt: expect.any(String) });
    expect(get.body.trace.steps.map((step: { step: string }) => step.step)).toEqual(['placement', 'ask', 'reply', 'quorum', 'answer']);
    expect(get.body.trace.steps[2]).toMatchObject({ nodeId, version: put.body.version });
    const created = await http('POST', `${url()}/kv?trace=true`, { json: { key: 'traced-new', value: 2 } });
    expect(created.status).toBe(201);
    // A create reads first (the key must not exist), then writes.
    expect(created.body.trace.steps.filter((step: { step: string }) => step.step === 'placement').map((step: { purpose: string }) => step.purpose)).toEqual(['read', 'write']);
    const conflict = await http('POST', `${url()}/kv?trace=true`, { json: { key: 'traced-new', value: 3 } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'conflict', trace: { coordinator: nodeId } });
    expect(conflict.body.trace.steps.at(-1)).toMatchObject({ step: 'answer', status: 409, error: 'conflict' });
    const deleted = await http('DELETE', `${url()}/kv/traced?trace=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ key: 'traced', version: expect.stringMatching(VERSION_PATTERN), trace: { coordinator: nodeId } });
    const missing = await http('GET', `${url()}/kv/traced?trace=true`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', key: 'traced' });
    expect(missing.body.trace.steps.find((step: { step: string }) => step.step === 'reply')).toMatchObject({ nodeId, version: deleted.body.version, deleted: true });
    expect((await http('GET', `${url()}/kv/traced?trace=false`)).body).toEqual({ error: 'not_found', message: expect.any(String), key: 'traced' });
    expect((await http('DELETE', `${url()}/kv/traced-new?trace=0`)).status).toBe(204);
    for (const bad of ['yes', 'true&trace=true']) {
      const refused = await http('GET', `${url()}/kv/traced?trace=${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_query');
    }
  });

  test('keys are percent-decoded: %2F, spaces, emoji, non-ASCII, reserved characters; Location and listing round-trip', async () => {
    const names = ['a/b', 'with space', ' padded ', 'café', 'naïve/日本語', '🚀', 'emoji 🚀/🌍', '100%', 'q?x=1#frag', 'a+b', 'tab\tand\nnewline', '%2F literal', 'quote"s\'', 'back\\slash', 'nul\u0000byte'];
    for (const name of names) {
      const put = await http('PUT', `${url()}/kv/${encodeURIComponent(name)}`, { json: { value: name } });
      expect(put.body).toEqual({ key: name, version: expect.stringMatching(VERSION_PATTERN) });
      expect((await http('GET', `${url()}/kv/${encodeURIComponent(name)}`)).body).toMatchObject({ key: name, value: name });
      const posted = await http('POST', `${url()}/kv`, { json: { key: `posted:${name}`, value: name } });
      expect(posted.status).toBe(201);
      const location = posted.headers.get('location')!;
      expect(location.startsWith('/kv/')).toBe(true);
      expect(decodeURIComponent(location.slice('/kv/'.length))).toBe(`posted:${name}`);
      expect((await http('GET', `${url()}${location}`)).body).toMatchObject({ key: `posted:${name}`, value: name });
    }
    const listed = new Set((await listAll(url())).items.map((item) => item.key));
    for (const name of names) expect(listed.has(name) && listed.has(`posted:${name}`)).toBe(true);
  });

  test('percent-encoding is decoded, not compared: lower-case hex and encoded unreserved characters name the same key', async () => {
    await http('PUT', `${url()}/kv/caf%C3%A9`, { json: { value: 'upper' } });
    expect((await http('GET', `${url()}/kv/caf%c3%a9`)).body).toMatchObject({ key: 'café', value: 'upper' });
    expect((await http('GET', `${url()}/kv/%63af%C3%A9`)).body).toMatchObject({ key: 'café', value: 'upper' });
    // A literal "%" in a key is "%25" on the wire; "%252F" is the three characters %2F, not a slash.
    await http('PUT', `${url()}/kv/%252F`, { json: { value: 'percent' } });
    expect((await http('GET', `${url()}/kv/%252F`)).body).toMatchObject({ key: '%2F', value: 'percent' });
  });

  test('keys are byte-exact: NFC and NFD spellings of one word are different keys', async () => {
    await http('PUT', `${url()}${keyPath('nfc-\u00e9')}`, { json: { value: 'nfc' } });
    await http('PUT', `${url()}${keyPath('nfc-e\u0301')}`, { json: { value: 'nfd' } });
    expect((await http('GET', `${url()}${keyPath('nfc-\u00e9')}`)).body.value).toBe('nfc');
    expect((await http('GET', `${url()}${keyPath('nfc-e\u0301')}`)).body.value).toBe('nfd');
  });

  test('versions strictly increase over 100 successive PUTs of one key', async () => {
    let previous = '';
    for (let index = 0; index < 100; index++) {
      const reply = await http('PUT', `${url()}/kv/counter`, { json: { value: index } });
      expect(reply.status).toBe(200);
      expect(reply.body.version).toMatch(VERSION_PATTERN);
      expect(reply.body.version > previous).toBe(true);
      previous = reply.body.version;
    }
    expect((await http('GET', `${url()}/kv/counter`)).body).toMatchObject({ value: 99, version: previous });
  });

  test('50 concurrent PUTs of one key: all 200 with distinct versions; the stored value is the newest version', async () => {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, index) => http('PUT', `${url()}/kv/contended`, { json: { value: index } })));
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(200));
    expect(new Set(replies.map((reply) => reply.body.version)).size).toBe(50);
    const newest = replies.reduce((best, reply, index) => (reply.body.version > replies[best]!.body.version ? index : best), 0);
    expect((await http('GET', `${url()}/kv/contended`)).body).toMatchObject({ value: newest, version: replies[newest]!.body.version });
  });
});

describe('listing', () => {
  const node = useNode();
  const url = () => node().url;
  const pageKeys = Array.from({ length: 2500 }, (_, index) => `page/${String(index).padStart(5, '0')}`);
  // Every key this block's node holds, so a test that lists everything passes alone (-t) or in any order.
  const held = new Set<string>();
  const putHeld = async (keys: readonly string[]) => {
    await putAll(url(), keys);
    for (const key of keys) held.add(key);
  };
  const deleteHeld = async (key: string) => {
    expect((await http('DELETE', `${url()}${keyPath(key)}`)).status).toBe(204);
    held.delete(key);
  };

  // Neighbours that a sloppy prefix match would include: "page" itself, "page0", "pagf/", "pag".
  beforeAll(() => putHeld([...pageKeys, 'page', 'page0', 'pagf/1', 'pag']), 30_000);

  test('2,500 keys paged with limit 1000: every key exactly once, in order, then next null', async () => {
    const listing = await listAll(url(), 'page/', 1000);
    expect(listing.lastNext).toBeNull();
    expect(listing.pageSizes).toEqual([1000, 1000, 500]);
    expect(listing.items.map((item) => item.key)).toEqual(pageKeys);
    for (const item of listing.items) expect(item).toEqual({ key: expect.any(String), version: expect.stringMatching(VERSION_PATTERN), updatedAt: expect.any(String) });
  });

  test('the default limit is 100 and its next cursor continues where the page ended', async () => {
    const unfiltered = await http('GET', `${url()}/kv`);
    expect(unfiltered.body.items).toHaveLength(100);
    expect(typeof unfiltered.body.next).toBe('string');
    const first = await http('GET', `${url()}/kv?prefix=page%2F`);
    expect(first.body.items.map((item: { key: string }) => item.key)).toEqual(pageKeys.slice(0, 100));
    expect(typeof first.body.next).toBe('string');
    const second = await http('GET', `${url()}/kv?prefix=page%2F&cursor=${encodeURIComponent(first.body.next)}`);
    expect(second.body.items.map((item: { key: string }) => item.key)).toEqual(pageKeys.slice(100, 200));
  });

  test('prefix filtering: exact byte prefixes, an empty result, and no prefix listing everything', async () => {
    expect((await listAll(url(), 'page/0000')).items.map((item) => item.key)).toEqual(pageKeys.slice(0, 10));
    expect((await listAll(url(), 'page')).items.map((item) => item.key)).toEqual(['page', ...pageKeys, 'page0']);
    expect((await listAll(url(), 'pag')).items.length).toBe(2504);
    expect(await http('GET', `${url()}/kv?prefix=nothing-here`)).toMatchObject({ status: 200, body: { items: [], next: null } });
    const everything = await listAll(url(), '', 1000);
    expect(everything.items.map((item) => item.key)).toEqual([...held].sort(byCodePoint));
  });

  test('keys are listed in Unicode code point order (astral characters after U+FFFF), one key per page too', async () => {
    const keys = ['o/a', 'o/z', 'o/A', 'o/ ', 'o/~', 'o/é', 'o/\uE000', 'o/\uFF5E', 'o/🚀', 'o/😀', 'o/日本', 'o/a/b', 'o/ab', 'o/a '];
    await putHeld(keys);
    const expected = [...keys].sort(byCodePoint);
    expect((await listAll(url(), 'o/')).items.map((item) => item.key)).toEqual(expected);
    const onePerPage = await listAll(url(), 'o/', 1);
    expect(onePerPage.items.map((item) => item.key)).toEqual(expected);
    expect(onePerPage.lastNext).toBeNull();
  });

  test('deleted keys disappear from listings, and a deleted key in the middle does not shorten pages wrongly', async () => {
    const deleted = [0, 999, 1000, 2499].map((index) => pageKeys[index]!);
    for (const key of deleted) await deleteHeld(key);
    const listing = await listAll(url(), 'page/', 1000);
    expect(listing.items.map((item) => item.key)).toEqual(pageKeys.filter((key) => !deleted.includes(key)));
    expect(listing.lastNext).toBeNull();
    await putHeld(deleted);
    expect((await listAll(url(), 'page/', 1000)).items.map((item) => item.key)).toEqual(pageKeys);
  });

  test('a cursor stays valid when its last key is deleted; keys added after it appear on the next page', async () => {
    await putHeld(['c/1', 'c/2', 'c/3', 'c/5']);
    const first = await http('GET', `${url()}/kv?prefix=c%2F&limit=2`);
    expect(first.body.items.map((item: { key: string }) => item.key)).toEqual(['c/1', 'c/2']);
    await deleteHeld('c/2');
    await putHeld(['c/0', 'c/4']);
    const rest = await http('GET', `${url()}/kv?prefix=c%2F&limit=10&cursor=${encodeURIComponent(first.body.next)}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ items: [{ key: 'c/3' }, { key: 'c/4' }, { key: 'c/5' }], next: null });
  });
});

describe('concurrent writes to one key keep their promises', () => {
  const node = useNode();
  const url = () => node().url;

  // A race shows up in some rounds and not others, so each is run over several rounds on fresh keys.
  const ROUNDS = 10;

  test(`20 concurrent POSTs of one key, ${ROUNDS} rounds: exactly one 201 per round, the rest 409, the winner stored`, async () => {
    const created: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `once-${round}`;
      const replies = await Promise.all(Array.from({ length: 20 }, (_, index) => http('POST', `${url()}/kv`, { json: { key, value: index } })));
      const winners = replies.map((reply, index) => ({ reply, index })).filter(({ reply }) => reply.status === 201);
      created.push(winners.length);
      expect(replies.filter((reply) => reply.status !== 201 && reply.status !== 409)).toEqual([]);
      const stored = (await http('GET', `${url()}${keyPath(key)}`)).body;
      // Whatever else happened, the stored value must be one some client was told was created.
      expect(winners.some(({ reply, index }) => stored.value === index && stored.version === reply.body.version)).toBe(true);
    }
    console.log(`concurrent POST of one key, 201s per round of 20: ${created.join(' ')}`);
    expect(created).toEqual(Array(ROUNDS).fill(1));
  });

  test(`20 concurrent DELETEs of one key, ${ROUNDS} rounds: exactly one 204 per round, the rest 404`, async () => {
    const deleted: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `twice-${round}`;
      await http('PUT', `${url()}${keyPath(key)}`, { json: { value: 1 } });
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => http('DELETE', `${url()}${keyPath(key)}`)))).map((reply) => reply.status);
      expect(statuses.filter((status) => status !== 204 && status !== 404)).toEqual([]);
      deleted.push(statuses.filter((status) => status === 204).length);
      expect((await http('GET', `${url()}${keyPath(key)}`)).status).toBe(404);
    }
    console.log(`concurrent DELETE of one key, 204s per round of 20: ${deleted.join(' ')}`);
    expect(deleted).toEqual(Array(ROUNDS).fill(1));
  });
});

describe('the dot-segment keys "." and ".."', () => {
  const node = useNode();

  // A URL path segment "." or ".." (or %2E, %2E%2E) is removed by URL normalisation (RFC 3986 5.2.4,
  // WHATWG URL), so such a key can never be addressed as /kv/{key}. The node refuses these keys on
  // every route (README, Errors): creating one it could not serve would be a trap. The targets are sent
  // raw, because fetch would normalise them away before they left the test.
  for (const key of ['.', '..']) {
    test(`key ${JSON.stringify(key)} is refused as invalid_key by POST, and at /kv/${key} however it is spelt`, async () => {
      const created = await http('POST', `${node().url}/kv`, { json: { key, value: 'dot' } });
      expect({ status: created.status, error: created.body.error }).toEqual({ status: 400, error: 'invalid_key' });
      const spellings = [key, key.replaceAll('.', '%2E'), key.replaceAll('.', '%2e'), `${key}?consistency=one`];
      for (const spelling of spellings) {
        for (const method of ['PUT', 'GET', 'DELETE']) {
          const options = method === 'PUT' ? { headers: { 'content-type': 'application/json' }, body: '{"value":1}' } : {};
          const reply = await rawRequest(node().url, method, `/kv/${spelling}`, options);
          expect({ method, spelling, status: reply.status, error: reply.body?.error }).toEqual({ method, spelling, status: 400, error: 'invalid_key' });
        }
      }
      expect((await listAll(node().url)).items).toEqual([]);
    });
  }

  test('keys that merely contain dots are ordinary keys', async () => {
    for (const key of ['...', '.a', 'a.', '../x', './']) {
      expect((await http('PUT', `${node().url}${keyPath(key)}`, { json: { value: key } })).status).toBe(200);
      expect((await rawRequest(node().url, 'GET', keyPath(key))).body).toMatchObject({ key, value: key });
    }
  });
});

describe('health and metrics on a fresh node', () => {
  const node = useNode();
  const url = () => node().url;

  async function counts() {
    const health = (await http('GET', `${url()}/health`)).body;
    const metrics = await scrape(url());
    expect(metrics.get(sampleKey('swarmkv_store_keys', { kind: 'live' }))).toBe(health.storage.liveKeys);
    expect(metrics.get(sampleKey('swarmkv_store_keys', { kind: 'tombstone' }))).toBe(health.storage.tombstones);
    expect(metrics.get('swarmkv_store_bytes')).toBe(health.storage.bytes);
    expect((await listAll(url())).items.length).toBe(health.storage.liveKeys);
    return { live: health.storage.liveKeys, tombstones: health.storage.tombstones };
  }

  test('health reports the node, its storage and exact key counts that track puts and deletes', async () => {
    const health = await http('GET', `${url()}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', nodeId: expect.stringMatching(/^[0-9a-f]{16}$/), storage: { engine: 'lmdb', syncPolicy: 'flush' } });
    expect(await counts()).toEqual({ live: 0, tombstones: 0 });
    await putAll(url(), ['a', 'b', 'c', 'd', 'e']);
    expect(await counts()).toEqual({ live: 5, tombstones: 0 });
    for (const key of ['a', 'b']) await http('DELETE', `${url()}/kv/${key}`);
    expect(await counts()).toEqual({ live: 3, tombstones: 2 });
    await putAll(url(), ['a', 'c']);
    expect((await http('POST', `${url()}/kv`, { json: { key: 'b', value: 1 } })).status).toBe(201);
    expect(await counts()).toEqual({ live: 5, tombstones: 0 });
    await http('PUT', `${url()}/kv/f`, { body: 'nope', contentType: 'text/plain' });
    await http('DELETE', `${url()}/kv/missing`);
    expect(await counts()).toEqual({ live: 5, tombstones: 0 });
  });

  test('/cluster/health of a standalone node: no hints, no repair yet, no member change, and the hint metrics agree', async () => {
    const health = await http('GET', `${url()}/cluster/health`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      nodeId: expect.stringMatching(/^[0-9a-f]{16}$/),
      hints: { pending: 0, bytes: 0, byTarget: [], overflowed: 0, delivered: 0, missed: 0 },
      repair: { running: false, rangesDone: 0, rangesTotal: 0, keysRepaired: 0, bytesSent: 0, bytesReceived: 0, startedAt: null, lastCompleted: null },
      membership: { changes: [] },
    });
    const metrics = await scrape(url());
    for (const name of ['swarmkv_hints_pending', 'swarmkv_hints_bytes', 'swarmkv_hints_overflowed_total', 'swarmkv_hints_delivered_total', 'swarmkv_hints_missed_total']) expect(metrics.get(name)).toBe(0);
  });

  test('/cluster/rebalance of a standalone node: an owner with no transfer, and the rebalance metrics at 0', async () => {
    const rebalance = await http('GET', `${url()}/cluster/rebalance`);
    expect(rebalance.status).toBe(200);
    expect(rebalance.body).toEqual({ nodeId: expect.stringMatching(/^[0-9a-f]{16}$/), ownership: 'owner', inProgress: [], queued: [], finished: [], keysStreamed: 0, bytesStreamed: 0 });
    const metrics = await scrape(url());
    for (const name of ['swarmkv_rebalance_keys_streamed_total', 'swarmkv_rebalance_bytes_streamed_total']) expect(metrics.get(name)).toBe(0);
  });

  test('metrics count each request by method, route template and status, and time it in the histogram', async () => {
    const before = await scrape(url());
    const requests: [string, string, Parameters<typeof http>[2]?][] = [
      ['PUT', '/kv/m1', { json: { value: 1 } }],
      ['PUT', '/kv/m%2F2', { json: { value: 2 } }],
      ['PUT', '/kv/m3', { body: 'x', contentType: 'text/plain' }],
      ['PUT', '/kv/m3', { json: { value: 'x'.repeat(1024 * 1024) } }],
      ['PUT', '/kv/%FF', { json: { value: 1 } }],
      ['GET', '/kv/m1'],
      ['GET', '/kv/missing'],
      ['POST', '/kv', { json: { key: 'm1', value: 1 } }],
      ['POST', '/kv', { json: { value: 1 } }],
      ['DELETE', '/kv/m1'],
      ['DELETE', '/kv/m1'],
      ['GET', '/kv?prefix=m'],
      ['GET', '/kv?limit=0'],
      ['GET', '/health'],
    ];
    for (const [method, path, options] of requests) await http(method, `${url()}${path}`, options);
    const after = await scrape(url());
    const expected: [string, string, number, number][] = [
      ['PUT', '/kv/{key}', 200, 2],
      ['PUT', '/kv/{key}', 415, 1],
      ['PUT', '/kv/{key}', 413, 1],
      ['PUT', '/kv/{key}', 400, 1],
      ['GET', '/kv/{key}', 200, 1],
      ['GET', '/kv/{key}', 404, 1],
      ['POST', '/kv', 409, 1],
      ['POST', '/kv', 201, 1],
      ['DELETE', '/kv/{key}', 204, 1],
      ['DELETE', '/kv/{key}', 404, 1],
      ['GET', '/kv', 200, 1],
      ['GET', '/kv', 400, 1],
      ['GET', '/health', 200, 1],
      // The scrape before the requests is itself counted by the one after.
      ['GET', '/metrics', 200, 1],
    ];
    for (const [method, route, status, delta] of expected) {
      expect({ method, route, status, delta: requestCount(after, method, route, status) - requestCount(before, method, route, status) }).toEqual({ method, route, status, delta });
    }
    const histogram = (suffix: string, labels: Record<string, string>) => after.get(sampleKey(`swarmkv_http_request_duration_seconds_${suffix}`, { method: 'PUT', route: '/kv/{key}', ...labels }))!;
    const putCountBefore = before.get(sampleKey('swarmkv_http_request_duration_seconds_count', { method: 'PUT', route: '/kv/{key}' })) ?? 0;
    expect(histogram('count', {}) - putCountBefore).toBe(5);
    expect(histogram('bucket', { le: '+Inf' })).toBe(histogram('count', {}));
    expect(histogram('sum', {})).toBeGreaterThan(0);
    const buckets = [...after.entries()].filter(([name]) => name.startsWith('swarmkv_http_request_duration_seconds_bucket{') && name.includes('method="PUT",route="/kv/{key}"')).map(([, value]) => value);
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
  });
});

describe('the OpenAPI document and Swagger UI', () => {
  const node = useNode();
  const url = () => node().url;

  // /swagger works offline: the page names no URL off the node, every script, stylesheet and icon it
  // loads is served by the node itself (from the pinned swagger-ui-dist package), and the UI is told
  // not to send the document to an online validator.
  test('the page loads only same-origin assets, and each answers 200 with its content type', async () => {
    const page = await http('GET', `${url()}/swagger`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/https?:\/\//);
    const references = [...page.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(4);
    const origin = new URL(url()).origin;
    for (const reference of references) {
      const resolved = new URL(reference, `${url()}/swagger`);
      expect({ reference, origin: resolved.origin }).toEqual({ reference, origin });
      const asset = await fetch(resolved);
      expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
      const expectedType = reference.endsWith('.css') ? 'text/css' : reference.endsWith('.js') ? 'text/javascript' : 'image/png';
      expect(asset.headers.get('content-type')).toContain(expectedType);
      const body = await asset.arrayBuffer();
      expect(body.byteLength).toBeGreaterThan(0);
    }
  });

  test('the UI comes from the pinned package, reads /swagger/json, and skips the online validator', async () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dir, '..', 'package.json'), 'utf8'));
    const pinned = manifest.dependencies['swagger-ui-dist'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const bundle = await http('GET', `${url()}/swagger/ui/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const init = await http('GET', `${url()}/swagger/ui/init.js`);
    expect(init.text).toContain("url: '/swagger/json'");
    expect(init.text).toContain('validatorUrl: null');
    const document = await http('GET', `${url()}/swagger/json`);
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toContain('/kv/{key}');
  });

  test('nothing else of the package is served, and no path leads out of it', async () => {
    for (const path of ['/swagger/ui/package.json', '/swagger/ui/index.html', '/swagger/ui/../../package.json', '/swagger/ui/%2e%2e/package.json']) {
      const reply = await http('GET', `${url()}${path}`);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
    }
  });

  test('/swagger/json documents every route with its parameters, request bodies and error responses', async () => {
    const reply = await http('GET', `${url()}/swagger/json`);
    expect(reply.status).toBe(200);
    const spec = reply.body;
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/access',
      '/chaos',
      '/chaos/delay',
      '/chaos/kill',
      '/chaos/partition',
      '/chaos/pause',
      '/chaos/skew',
      '/cluster/events',
      '/cluster/explain/{key}',
      '/cluster/health',
      '/cluster/leave',
      '/cluster/local/{key}',
      '/cluster/locate/{key}',
      '/cluster/members',
      '/cluster/members/{nodeId}/remove',
      '/cluster/rebalance',
      '/cluster/repair',
      '/cluster/ring',
      '/cluster/ring/what-if',
      '/health',
      '/health/live',
      '/health/ready',
      '/kv',
      '/kv/{key}',
      '/metrics',
      '/stats',
      '/tokens',
      '/tokens/{id}',
    ]);
    expect(Object.keys(spec.paths['/kv/{key}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(spec.paths['/kv']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(spec.paths['/health'])).toEqual(['get']);
    expect(Object.keys(spec.paths['/metrics'])).toEqual(['get']);
    const documented: [string, string, string[]][] = [
      ['/kv/{key}', 'get', ['200', '400', '404']],
      ['/kv/{key}', 'put', ['200', '400', '413', '415']],
      ['/kv/{key}', 'delete', ['204', '404']],
      ['/kv', 'post', ['201', '400', '409', '413', '415']],
      ['/kv', 'get', ['200', '400']],
      ['/health', 'get', ['200']],
      ['/metrics', 'get', ['200']],
      ['/cluster/repair', 'post', ['202', '409']],
      ['/cluster/repair', 'get', ['200']],
      ['/chaos', 'get', ['200', '404']],
      ['/chaos/partition', 'post', ['200', '400', '404']],
      ['/chaos/partition', 'delete', ['200', '400', '404']],
      ['/chaos/delay', 'post', ['200', '400', '404']],
      ['/chaos/pause', 'post', ['202', '400', '404']],
      ['/cluster/ring/what-if', 'get', ['200', '400', '409']],
    ];
    for (const [path, method, statuses] of documented) {
      const operation = spec.paths[path][method];
      expect({ path, method, statuses: Object.keys(operation.responses) }).toEqual({ path, method, statuses: expect.arrayContaining(statuses) });
      for (const status of statuses.filter((code) => code >= '400')) {
        const schema = operation.responses[status].content['application/json'].schema;
        expect({ path, method, status, required: schema.required }).toEqual({ path, method, status, required: expect.arrayContaining(['error', 'message']) });
      }
    }
    for (const method of ['get', 'put', 'delete']) {
      expect(spec.paths['/kv/{key}'][method].parameters).toContainEqual(expect.objectContaining({ name: 'key', in: 'path' }));
    }
    expect(spec.paths['/kv'].get.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`).sort()).toEqual(
      expect.arrayContaining(['query:cursor', 'query:limit', 'query:prefix']),
    );
    for (const [path, method] of [['/kv/{key}', 'put'], ['/kv', 'post']] as const) {
      const schema = spec.paths[path][method].requestBody.content['application/json'].schema;
      expect(schema.type).toBe('object');
      expect(schema.required).toContain('value');
      expect(schema.properties).toHaveProperty('value');
    }
    expect(spec.paths['/kv'].post.requestBody.content['application/json'].schema.properties.key.type).toBe('string');
    expect(spec.paths['/kv/{key}'].get.responses['200'].content['application/json'].schema.required).toEqual(expect.arrayContaining(['key', 'value', 'version', 'updatedAt']));
  });

  test('every response of a walk through the API is a documented status with a body fitting its schema', async () => {
    const spec = (await http('GET', `${url()}/swagger/json`)).body;
    const problems: string[] = [];
    const exchange = async (method: string, template: string, path: string, options?: Parameters<typeof http>[2]) => {
      const reply = await http(method, `${url()}${path}`, options);
      problems.push(...responseProblems(spec, method, template, reply.status, reply.body));
      return reply;
    };
    await exchange('PUT', '/kv/{key}', '/kv/doc', { json: { value: { nested: [1] } } });
    await exchange('PUT', '/kv/{key}', '/kv/doc', { body: '{', contentType: 'application/json' });
    await exchange('PUT', '/kv/{key}', '/kv/doc', { body: '{}', contentType: 'text/plain' });
    await exchange('PUT', '/kv/{key}', '/kv/doc', { json: { value: 'x'.repeat(1024 * 1024) } });
    await exchange('GET', '/kv/{key}', '/kv/doc');
    await exchange('GET', '/kv/{key}', '/kv/none');
    await exchange('GET', '/kv/{key}', '/kv/%FF');
    await exchange('POST', '/kv', '/kv', { json: { key: 'doc', value: 1 } });
    await exchange('POST', '/kv', '/kv', { json: { value: 1 } });
    await exchange('POST', '/kv', '/kv', { json: { key: '', value: 1 } });
    await exchange('GET', '/kv', '/kv?limit=1');
    await exchange('GET', '/kv', '/kv?limit=x');
    await exchange('PUT', '/kv/{key}', '/kv/doc?trace=true', { json: { value: 2 } });
    await exchange('GET', '/kv/{key}', '/kv/doc?trace=true');
    await exchange('GET', '/kv/{key}', '/kv/none?trace=true');
    await exchange('DELETE', '/kv/{key}', '/kv/doc?trace=true');
    await exchange('PUT', '/kv/{key}', '/kv/doc', { json: { value: 3 } });
    await exchange('DELETE', '/kv/{key}', '/kv/doc');
    await exchange('DELETE', '/kv/{key}', '/kv/doc');
    await exchange('GET', '/health', '/health');
    await exchange('POST', '/cluster/repair', '/cluster/repair');
    await exchange('GET', '/cluster/repair', '/cluster/repair');
    await exchange('GET', '/cluster/health', '/cluster/health');
    expect(problems).toEqual([]);
  });
});

describe('configured limits: --key-bytes-max 16 --value-bytes-max 64', () => {
  const node = useNode({ args: ['--key-bytes-max', '16', '--value-bytes-max', '64'] });
  const url = () => node().url;

  test('a 16-byte key is accepted and a 17-byte one refused, counting UTF-8 bytes', async () => {
    expect((await http('PUT', `${url()}${keyPath('k'.repeat(16))}`, { json: { value: 1 } })).status).toBe(200);
    expect((await http('PUT', `${url()}${keyPath('é'.repeat(8))}`, { json: { value: 1 } })).status).toBe(200);
    for (const key of ['k'.repeat(17), 'é'.repeat(8) + 'k', '🚀'.repeat(4) + 'k']) {
      const refused = await http('PUT', `${url()}${keyPath(key)}`, { json: { value: 1 } });
      expect({ key, status: refused.status, error: refused.body.error }).toEqual({ key, status: 400, error: 'invalid_key' });
    }
    expect((await http('POST', `${url()}/kv`, { json: { key: 'p'.repeat(17), value: 1 } })).status).toBe(400);
  });

  test('a 64-byte value is accepted and a 65-byte one refused with 413', async () => {
    const atLimit = 'v'.repeat(62);
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(64);
    expect((await http('PUT', `${url()}/kv/v`, { json: { value: atLimit } })).status).toBe(200);
    const over = await http('PUT', `${url()}/kv/v`, { json: { value: `${atLimit}v` } });
    expect(over.status).toBe(413);
    expect(over.body.error).toBe('payload_too_large');
    expect((await http('GET', `${url()}/kv/v`)).body.value).toBe(atLimit);
  });

  test('POST without a key creates a key this node can then read and delete, even under a 16-byte key limit', async () => {
    // A generated key fits the configured limit (README, keys): the node must not create a key its own
    // routes reject.
    const created = await http('POST', `${url()}/kv`, { json: { value: 1 } });
    expect(created.status).toBe(201);
    expect(Buffer.byteLength(created.body.key)).toBeLessThanOrEqual(16);
    const location = created.headers.get('location')!;
    const read = await http('GET', `${url()}${location}`);
    expect({ location, status: read.status, body: read.body }).toEqual({ location, status: 200, body: expect.objectContaining({ value: 1 }) });
    expect((await http('DELETE', `${url()}${location}`)).status).toBe(204);
  });
});

describe('lifecycle', () => {
  // How fast is measured by `npm run bench:cold-start`, as a ratio to a bare node:http process spawned
  // in the same run: an absolute bound here failed whenever the machine was loaded, because Node itself
  // then takes over a second to start (a 1,000 ms bound failed 2 soak runs of 3 at load 15-20).
  test('a node answers the first request it gets once it says it listens, with no retry', async () => {
    const node = await spawnNode();
    try {
      const started = performance.now();
      const health = await http('GET', `${node.url}/health`);
      expect(health.status).toBe(200);
      console.log(`start-up: spawn to node.listening ${Math.round(node.startMs)} ms + first request ${Math.round(performance.now() - started)} ms`);
    } finally {
      await stopBounded(node);
      removeDataDir(node.dataDir);
    }
  });

  test('--memory serves the whole API, writes nothing to disk, and forgets everything on restart', async () => {
    const parent = makeDataDir();
    const dataDir = join(parent, 'never-created');
    try {
      const first = await spawnNode({ dataDir, args: ['--memory'] });
      try {
        expect((await http('GET', `${first.url}/health`)).body.storage).toMatchObject({ engine: 'memory', syncPolicy: 'memory' });
        expect((await http('PUT', `${first.url}/kv/ephemeral`, { json: { value: 1 } })).status).toBe(200);
        expect((await http('POST', `${first.url}/kv`, { json: { key: 'posted', value: 2 } })).status).toBe(201);
        expect((await http('GET', `${first.url}/kv/ephemeral`)).body.value).toBe(1);
        expect((await listAll(first.url)).items.map((item) => item.key)).toEqual(['ephemeral', 'posted']);
        expect((await http('DELETE', `${first.url}/kv/posted`)).status).toBe(204);
        expect((await http('GET', `${first.url}/health`)).body.storage).toMatchObject({ liveKeys: 1, tombstones: 1 });
      } finally {
        expect(await stopBounded(first)).toMatchObject({ code: 0, forced: false });
      }
      expect(existsSync(dataDir)).toBe(false);
      const second = await spawnNode({ dataDir, args: ['--memory'] });
      try {
        expect((await http('GET', `${second.url}/kv/ephemeral`)).status).toBe(404);
        expect((await http('GET', `${second.url}/health`)).body.storage).toMatchObject({ liveKeys: 0, tombstones: 0 });
      } finally {
        await stopBounded(second);
      }
    } finally {
      removeDataDir(parent);
    }
  });

  test('a durable node keeps values, versions, deletes, counts and its id across a clean SIGTERM restart', async () => {
    const dataDir = makeDataDir();
    let second: SpawnedNode | undefined;
    try {
      const first = await spawnNode({ dataDir });
      let before: { health: any; kept: any; listing: unknown };
      try {
        await putAll(first.url, ['kept', 'kept/é 🚀', 'gone']);
        await http('DELETE', `${first.url}/kv/gone`);
        before = { health: (await http('GET', `${first.url}/health`)).body, kept: (await http('GET', `${first.url}/kv/kept`)).body, listing: (await listAll(first.url)).items };
      } finally {
        const stopped = await stopBounded(first);
        expect(stopped).toMatchObject({ code: 0, forced: false });
      }
      expect(first.events.map((event) => event.event)).toEqual(expect.arrayContaining(['node.listening', 'node.stopping', 'node.stopped']));
      second = await spawnNode({ dataDir });
      const health = (await http('GET', `${second.url}/health`)).body;
      expect(health.nodeId).toBe(before.health.nodeId);
      expect(health.storage).toMatchObject({ liveKeys: 2, tombstones: 1 });
      expect((await http('GET', `${second.url}/kv/kept`)).body).toEqual(before.kept);
      expect((await listAll(second.url)).items).toEqual(before.listing as never);
      expect((await http('GET', `${second.url}/kv/gone`)).status).toBe(404);
      const rewritten = await http('PUT', `${second.url}/kv/kept`, { json: { value: 'again' } });
      expect(rewritten.body.version > before.kept.version).toBe(true);
    } finally {
      if (second !== undefined) await stopBounded(second);
      removeDataDir(dataDir);
    }
  });

  test('a second node on a port already taken exits non-zero with a message naming the port', async () => {
    const first = await spawnNode();
    const otherDir = makeDataDir();
    try {
      const port = new URL(first.url).port;
      const second = await runCliToExit(['node', '--port', port, '--data-dir', otherDir]);
      console.log(`second node on taken port ${port}: exit ${second.code}, stderr ${JSON.stringify(second.stderr.trim())}`);
      expect(second.timedOut).toBe(false);
      expect(second.code).not.toBe(0);
      expect(second.code).not.toBeNull();
      expect(second.stderr).toContain(`${port} is already in use`);
      expect(second.stderr).not.toMatch(/^\s+at /m);
      expect(isAlive(first.process)).toBe(true);
      expect((await http('GET', `${first.url}/health`)).status).toBe(200);
    } finally {
      await stopBounded(first);
      removeDataDir(first.dataDir);
      removeDataDir(otherDir);
    }
  });

  test('a data directory whose name contains a dot (e.g. node.1) works', async () => {
    const parent = makeDataDir();
    let node: SpawnedNode | undefined;
    try {
      node = await spawnNode({ dataDir: join(parent, 'node.1') });
      expect((await http('PUT', `${node.url}/kv/dotted`, { json: { value: 1 } })).status).toBe(200);
    } finally {
      if (node !== undefined) await stopBounded(node);
      removeDataDir(parent);
    }
  });
});
