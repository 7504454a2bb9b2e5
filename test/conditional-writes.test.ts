// Conditional writes over HTTP: GET's ETag, If-Match on PUT and DELETE, 412 for a stale version (with
// nothing written), 400 for a malformed header, and `*` for "any live version".

import { describe, expect, test } from 'bun:test';
import { useNode } from './support/node-lifecycle';
import { http } from './support/spawn-node';

describe('If-Match on one node', () => {
  const node = useNode();
  const url = () => node().url;

  test('PUT with the ETag of a GET supersedes it; a second PUT with the same, now stale, ETag gets 412 and changes nothing', async () => {
    await http('PUT', `${url()}/kv/doc`, { json: { value: 1 } });
    const read = await http('GET', `${url()}/kv/doc`);
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${read.body.version}"`);
    const updated = await http('PUT', `${url()}/kv/doc`, { json: { value: 2 }, headers: { 'if-match': etag } });
    expect(updated.status).toBe(200);
    expect(updated.body.version > read.body.version).toBe(true);
    const stale = await http('PUT', `${url()}/kv/doc`, { json: { value: 3 }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: 'precondition_failed', key: 'doc', expected: read.body.version, current: updated.body.version });
    expect((await http('GET', `${url()}/kv/doc`)).body.value).toBe(2);
  });

  test('DELETE with If-Match: stale 412, current 204; `*` needs a live key', async () => {
    const created = await http('PUT', `${url()}/kv/del`, { json: { value: 'x' } });
    expect((await http('DELETE', `${url()}/kv/del`, { headers: { 'if-match': '"000000000001.0000.aaaaaaaaaaaaaaaa"' } })).status).toBe(412);
    expect((await http('GET', `${url()}/kv/del`)).status).toBe(200);
    expect((await http('DELETE', `${url()}/kv/del`, { headers: { 'if-match': created.body.version } })).status).toBe(204);
    expect((await http('PUT', `${url()}/kv/del`, { json: { value: 'y' }, headers: { 'if-match': '*' } })).status).toBe(412);
    expect((await http('GET', `${url()}/kv/del`)).status).toBe(404);
  });

  test('a malformed If-Match is a 400 invalid_header and writes nothing', async () => {
    for (const header of ['nonsense', '"a", "b"', 'W/"v1"']) {
      const reply = await http('PUT', `${url()}/kv/bad-precondition`, { json: { value: 1 }, headers: { 'if-match': header } });
      expect({ header, status: reply.status, error: reply.body.error }).toEqual({ header, status: 400, error: 'invalid_header' });
    }
    expect((await http('GET', `${url()}/kv/bad-precondition`)).status).toBe(404);
  });
});
