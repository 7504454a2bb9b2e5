// The paging rules both engines share: given records in key order starting at or after the cursor,
// keep those under the prefix, skip the cursor itself and (unless asked) tombstones, stop at the limit
// or after a bounded run of skipped tombstones.

import { SCAN_TOMBSTONES_SKIPPED_MAX } from '../limits';
import { compareKeys } from './key-order';
import type { ScanOptions, ScanPage } from './kv-store';
import type { StoredRecord } from './stored-record';

export function scanInOrder(ordered: Iterable<StoredRecord>, options: ScanOptions): ScanPage {
  const prefix = options.prefix ?? '';
  const records: StoredRecord[] = [];
  let skipped = 0;
  let lastExamined: string | undefined;
  for (const record of ordered) {
    if (options.afterKey !== undefined && record.key === options.afterKey) continue;
    if (!record.key.startsWith(prefix)) {
      if (compareKeys(record.key, prefix) > 0) break;
      continue;
    }
    if (records.length === options.limit) return { records, resumeAfterKey: lastExamined };
    lastExamined = record.key;
    if (record.valueJson === null && !options.includeTombstones) {
      skipped += 1;
      if (skipped >= SCAN_TOMBSTONES_SKIPPED_MAX) return { records, resumeAfterKey: lastExamined };
      continue;
    }
    records.push(record);
  }
  return { records, resumeAfterKey: undefined };
}
