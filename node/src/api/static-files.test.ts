import { expect, test } from 'bun:test';
import { contentTypeOf, fileWithin } from './static-files';

test('fileWithin keeps plain relative paths inside the root and refuses every way out', () => {
  expect(fileWithin('/srv/dash', 'index.html')).toBe('/srv/dash/index.html');
  expect(fileWithin('/srv/dash', 'assets/app%20x.js')).toBe('/srv/dash/assets/app x.js');
  for (const escape of ['../x', 'a/../../x', '%2e%2e/x', '..%2fx', 'a%2f..%2f..%2fx', '..%5cx', 'a\\..\\x', 'x%00.js', '%ff', '/etc/passwd', '%2fetc%2fpasswd', '.', './x']) {
    expect({ escape, file: fileWithin('/srv/dash', escape) }).toEqual({ escape, file: undefined });
  }
});

test('content types by extension, octet-stream otherwise', () => {
  expect(contentTypeOf('/a/b.HTML')).toBe('text/html; charset=utf-8');
  expect(contentTypeOf('/a/b.woff2')).toBe('font/woff2');
  expect(contentTypeOf('/a/b')).toBe('application/octet-stream');
});
