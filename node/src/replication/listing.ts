// Merging one listing page out of every node's scan. Each node returns its own next `limit` records
// (tombstones included, so a stale live copy on one node cannot hide a delete seen by another). A key
// is only known complete up to the smallest point where some node's scan stopped early: records past
// that cutoff wait for the next page, so no key is skipped and none is listed twice.

import { compareKeys, type ScanPage, type StoredRecord } from '../storage';
import { encodeCursor } from './list-cursor';
import { newestRecord } from './merge';

export interface ListedKey {
  readonly key: string;
  readonly version: string;
  readonly updatedAtMs: number;
}

export interface ListPage {
  readonly items: ListedKey[];
  readonly next: string | null;
}

export function mergeListing(pages: readonly ScanPage[], limit: number): ListPage {
  let cutoff: string | undefined;
  for (const page of pages) {
    if (page.resumeAfterKey !== undefined && (cutoff === undefined || compareKeys(page.resumeAfterKey, cutoff) < 0)) cutoff = page.resumeAfterKey;
  }
  const byKey = new Map<string, StoredRecord[]>();
  for (const page of pages) {
    for (const record of page.records) {
      if (cutoff !== undefined && compareKeys(record.key, cutoff) > 0) continue;
      const copies = byKey.get(record.key);
      if (copies === undefined) byKey.set(record.key, [record]);
      else copies.push(record);
    }
  }
  const keys = [...byKey.keys()].sort(compareKeys);
  const items: ListedKey[] = [];
  let lastConsidered: string | undefined;
  for (const key of keys) {
    if (items.length === limit) break;
    lastConsidered = key;
    const newest = newestRecord(byKey.get(key)!)!;
    if (newest.valueJson !== null) items.push({ key, version: newest.version, updatedAtMs: newest.updatedAtMs });
  }
  const moreKeysHere = lastConsidered !== undefined && keys.indexOf(lastConsidered) < keys.length - 1;
  if (moreKeysHere) return { items, next: encodeCursor(lastConsidered!) };
  if (cutoff !== undefined) return { items, next: encodeCursor(lastConsidered ?? cutoff) };
  return { items, next: null };
}
