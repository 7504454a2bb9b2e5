// The dashboard's static files, served by a real node from the folder beside its bundle: redirects,
// content types, caching, gzip, revalidation, refusal of every path that leads out of the folder, and a
// clear error from a build without a dashboard. Routes stay out of the OpenAPI document.

import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { copyBundle } from './support/bundle-copy';
import { useNode } from './support/node-lifecycle';
import { rawRequest } from './support/raw-http';
import { http } from './support/spawn-node';

setDefaultTimeout(30_000);

const INDEX_HTML = '<!doctype html><title>swarmkv</title><script type="module" src="./assets/app-1a2b3c4d.js"></script>';
const APP_JS = `export const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, index) => `row ${index}`))};\n`;
const STYLE_CSS = 'body { font-family: system-ui; }\n';

/** GET with raw bytes back (fetch would decompress): status, headers and the body as sent. */
function getBytes(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('a node whose bundle has a dashboard beside it', () => {
  const bundle = copyBundle({ 'index.html': INDEX_HTML, 'assets/app-1a2b3c4d.js': APP_JS, 'style.css': STYLE_CSS });
  afterAll(() => bundle.remove());
  const node = useNode({ cliPath: () => bundle.cliPath });
  const url = () => node().url;

  test('GET / and GET /dashboard redirect (302) to /dashboard/', async () => {
    for (const path of ['/', '/dashboard']) {
      const response = await fetch(`${url()}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status, location: response.headers.get('location') }).toEqual({ path, status: 302, location: '/dashboard/' });
    }
    const withQuery = await fetch(`${url()}/?poll=250`, { redirect: 'manual' });
    expect(withQuery.headers.get('location')).toBe('/dashboard/?poll=250');
  });

  test('/dashboard/ is index.html, never cached without revalidation', async () => {
    const page = await http('GET', `${url()}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.text).toBe(INDEX_HTML);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect((await http('GET', `${url()}/dashboard/index.html`)).text).toBe(INDEX_HTML);
  });

  test('assets get their content type; a hashed name is immutable, a fixed one revalidates', async () => {
    const script = await http('GET', `${url()}/dashboard/assets/app-1a2b3c4d.js`);
    expect({ status: script.status, type: script.headers.get('content-type'), cache: script.headers.get('cache-control') }).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      cache: 'public, max-age=31536000, immutable',
    });
    expect(script.text).toBe(APP_JS);
    const style = await http('GET', `${url()}/dashboard/style.css`);
    expect({ status: style.status, type: style.headers.get('content-type'), cache: style.headers.get('cache-control'), text: style.text }).toEqual({
      status: 200,
      type: 'text/css; charset=utf-8',
      cache: 'no-cache',
      text: STYLE_CSS,
    });
  });

  test('text is gzipped for a client that accepts it, and an unchanged file answers 304 to its ETag', async () => {
    const zipped = await getBytes(`${url()}/dashboard/assets/app-1a2b3c4d.js`, { 'accept-encoding': 'gzip, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(APP_JS.length / 2);
    expect(gunzipSync(zipped.body).toString()).toBe(APP_JS);
    const plain = await getBytes(`${url()}/dashboard/assets/app-1a2b3c4d.js`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(APP_JS);
    const etag = String(plain.headers.etag);
    const again = await getBytes(`${url()}/dashboard/assets/app-1a2b3c4d.js`, { 'if-none-match': etag });
    expect({ status: again.status, bytes: again.body.length }).toEqual({ status: 304, bytes: 0 });
  });

  test('a missing file is a JSON 404', async () => {
    const missing = await http('GET', `${url()}/dashboard/nope.js`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
  });

  test('no request target leads out of the dashboard folder (the bundle sits right beside it)', async () => {
    const targets = [
      '/dashboard/../swarmkv.mjs',
      '/dashboard/%2e%2e/swarmkv.mjs',
      '/dashboard/%2E%2E%2Fswarmkv.mjs',
      '/dashboard/..%2fswarmkv.mjs',
      '/dashboard/..%5cswarmkv.mjs',
      '/dashboard/assets/../../swarmkv.mjs',
      '/dashboard/assets/%2e%2e/%2e%2e/chunks',
      '/dashboard//etc/passwd',
      '/dashboard/%2fetc%2fpasswd',
      '/dashboard/index.html%00.js',
      '/dashboard/%ff',
    ];
    for (const target of targets) {
      const answer = await rawRequest(url(), 'GET', target);
      expect({ target, status: answer.status, type: answer.headers['content-type'] }).toEqual({ target, status: 404, type: 'application/json; charset=utf-8' });
      expect(answer.text).not.toContain('#!/usr/bin/env node');
      expect(answer.text).not.toContain('root:');
    }
  });

  test('the dashboard routes are not in the OpenAPI document', async () => {
    const paths = Object.keys((await http('GET', `${url()}/swagger/json`)).body.paths);
    expect(paths.filter((path) => path === '/' || path.startsWith('/dashboard'))).toEqual([]);
  });
});

describe('a node whose build has no dashboard', () => {
  const bundle = copyBundle(undefined);
  afterAll(() => bundle.remove());
  const node = useNode({ cliPath: () => bundle.cliPath });

  test('/dashboard/ answers a JSON 404 saying the dashboard was not built; / still leads there', async () => {
    for (const path of ['/dashboard/', '/dashboard/index.html']) {
      const answer = await http('GET', `${node().url}${path}`);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: 'not_found', reason: 'dashboard_not_built', message: expect.stringContaining('dashboard was not built') });
    }
    expect((await fetch(`${node().url}/`, { redirect: 'manual' })).status).toBe(302);
  });
});
