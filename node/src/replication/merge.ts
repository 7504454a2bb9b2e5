// The one rule every replica applies to an incoming record: keep whichever has the newer version.
// Versions are unique per write (they carry the writing node's id), so two different records never tie.

import type { StoredRecord, WriteDecision } from '../storage';
import { compareVersions } from '../version';

export function newerWins(incoming: StoredRecord): WriteDecision {
  return (current) => (current === undefined || compareVersions(incoming.version, current.version) > 0 ? incoming : undefined);
}

/** The newest of several replies (undefined ones mean "the replica has nothing"). */
export function newestRecord(records: readonly (StoredRecord | undefined)[]): StoredRecord | undefined {
  let newest: StoredRecord | undefined;
  for (const record of records) {
    if (record !== undefined && (newest === undefined || compareVersions(record.version, newest.version) > 0)) newest = record;
  }
  return newest;
}
