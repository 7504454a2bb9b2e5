// Serves a folder of built static files (the dashboard, Swagger UI's assets): content types by
// extension, ETag revalidation, gzip for text when the client accepts it, and no way out of the folder.
// Files are read when asked (they are small and few), so a rebuilt dashboard is served without a
// restart; gzipped bodies are cached per file version, bounded.

import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { FastResponse } from 'srvx';
import { SwarmError } from '../errors';
import { emptyResponse } from './responses';

/** Gzipped bodies kept in memory: one per served file version; the dashboard has a handful. */
const GZIP_CACHE_ENTRIES_MAX = 64;
/** Below this a gzip header costs about what it saves. */
const GZIP_BYTES_MIN = 1024;
/** A static file larger than this is not ours to serve from memory. */
export const STATIC_FILE_BYTES_MAX = 16 * 1024 * 1024;

const gzipAsync = promisify(gzip);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/** `name-<8+ hex or base36 chars>.ext`: a content-hashed name never changes content, so it may be cached for good. */
const HASHED_NAME = /[.-][a-z0-9]{8,}\.[a-z0-9]+$/i;

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a request path names inside `root`, or undefined when it is not a plain relative path
 * (dot segments, backslashes, NUL, encoded slashes): those are refused, never normalised.
 */
export function fileWithin(root: string, relativePath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return undefined;
  }
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0'))) return undefined;
  if (relativePath.split('/').some((segment) => /%2f|%5c/i.test(segment))) return undefined;
  const base = resolve(root);
  const target = resolve(base, decoded);
  return target === base || target.startsWith(base + sep) ? target : undefined;
}

export class StaticFiles {
  readonly #root: string;
  /** Compressions done or under way (in zlib's thread pool, off the event loop), oldest first. */
  readonly #gzipped = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  /** `root`: the folder to serve, an absolute path. */
  constructor(root: string) {
    this.#root = root;
  }

  get root(): string {
    return this.#root;
  }

  /** Whether the folder exists at all (a dashboard that was never built). */
  async exists(): Promise<boolean> {
    return (await stat(this.#root).catch(() => undefined))?.isDirectory() === true;
  }

  /** Answers a GET for `relativePath` (URL-encoded, without a leading slash); 404 when there is no such file. */
  async serve(relativePath: string, request: Request): Promise<Response> {
    const path = fileWithin(this.#root, relativePath === '' ? 'index.html' : relativePath);
    const notFound = new SwarmError('not_found', `no file ${JSON.stringify(relativePath)} here`);
    if (path === undefined) throw notFound;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.size > STATIC_FILE_BYTES_MAX) throw notFound;
    const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
    const headers: Record<string, string> = {
      'content-type': contentTypeOf(path),
      etag,
      'cache-control': HASHED_NAME.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    if (request.headers.get('if-none-match') === etag) return emptyResponse(304, headers);
    const body = await readFile(path);
    const extension = extname(path).toLowerCase();
    if (!COMPRESSIBLE.has(extension) || body.length < GZIP_BYTES_MIN || !/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')) {
      return new FastResponse(body, { status: 200, headers });
    }
    return new FastResponse(await this.#gzip(`${path} ${etag}`, body), { status: 200, headers: { ...headers, 'content-encoding': 'gzip' } });
  }

  #gzip(cacheKey: string, body: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const cached = this.#gzipped.get(cacheKey);
    if (cached !== undefined) return cached;
    // Copied once into a plain ArrayBuffer: a response body (BodyInit) cannot be a view of a shared one.
    const compressed = gzipAsync(body).then((zipped) => new Uint8Array(zipped));
    compressed.catch(() => this.#gzipped.delete(cacheKey));
    // Oldest first out: a Map iterates in insertion order.
    if (this.#gzipped.size >= GZIP_CACHE_ENTRIES_MAX) this.#gzipped.delete(this.#gzipped.keys().next().value!);
    this.#gzipped.set(cacheKey, compressed);
    return compressed;
  }
}
