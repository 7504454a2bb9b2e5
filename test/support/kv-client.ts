// Small readers of the REST API v1 shared by the process-level suites: the version format, paging
// through a whole listing, and Prometheus text parsed into samples.

import { http } from './spawn-node';

/** `wwwwwwwwwwww.llll.nnnnnnnnnnnnnnnn`: hex HLC wall ms, hex logical counter, node id. */
export const VERSION_PATTERN = /^[0-9a-f]{12}\.[0-9a-f]{4}\.[0-9a-f]{16}$/;
/** A listing is paged through at most this many pages before a test gives up (no endless cursors). */
const LIST_PAGES_MAX = 1000;

export const keyPath = (key: string): string => `/kv/${encodeURIComponent(key)}`;

export interface ListedItem {
  readonly key: string;
  readonly version: string;
  readonly updatedAt: string;
}

export interface FullListing {
  readonly items: ListedItem[];
  readonly pageSizes: number[];
  /** `next` of the last page: null when the listing ended as it should. */
  readonly lastNext: string | null;
}

/** Every live key under `prefix`, following `next` cursors until null. Fails on any non-200 page. */
export async function listAll(url: string, prefix = '', limit = 1000, headers: Record<string, string> = {}): Promise<FullListing> {
  const items: ListedItem[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < LIST_PAGES_MAX; page++) {
    const query = new URLSearchParams({ prefix, limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const reply = await http('GET', `${url}/kv?${query}`, { headers });
    if (reply.status !== 200) throw new Error(`listing page ${page} answered ${reply.status}: ${reply.text}`);
    items.push(...(reply.body.items as ListedItem[]));
    pageSizes.push(reply.body.items.length);
    cursor = reply.body.next;
    if (cursor === null) return { items, pageSizes, lastNext: null };
  }
  return { items, pageSizes, lastNext: cursor };
}

/** Samples keyed as `name{label="value",...}` with labels sorted by name, as numbers. */
export type MetricSamples = Map<string, number>;

export function sampleKey(name: string, labels: Record<string, string> = {}): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? name : `${name}{${entries.map(([label, value]) => `${label}="${value}"`).join(',')}}`;
}

export function parseMetrics(text: string): MetricSamples {
  const samples: MetricSamples = new Map();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[label[1]!] = label[2]!;
    samples.set(sampleKey(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

export async function scrape(url: string): Promise<MetricSamples> {
  const reply = await http('GET', `${url}/metrics`);
  if (reply.status !== 200) throw new Error(`/metrics answered ${reply.status}`);
  return parseMetrics(reply.text);
}

export function requestCount(samples: MetricSamples, method: string, route: string, status: number): number {
  return samples.get(sampleKey('swarmkv_http_requests_total', { method, route, status: String(status) })) ?? 0;
}
