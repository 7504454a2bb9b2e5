// /swagger works offline: the page names no URL off the node, every script, stylesheet and icon it
// loads is served by the node itself (from the pinned swagger-ui-dist package), and the UI is told not
// to send the document to an online validator. /swagger/json stays where it was.

import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { useNode } from './support/node-lifecycle';
import { http } from './support/spawn-node';
import packageJson from '../package.json' with { type: 'json' };

setDefaultTimeout(30_000);

describe('Swagger UI served by the node', () => {
  const node = useNode();
  const url = () => node().url;

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
    const pinned = packageJson.dependencies['swagger-ui-dist'];
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
});
