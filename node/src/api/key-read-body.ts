// The body of GET /kv/{key}, shared by the route and its fast path (fast-key-routes.ts): the stored value
// is already JSON text, so it is spliced in rather than parsed and serialised again.

import type { StoredRecord } from '../storage';
import { isoTime } from './iso-time';

export function keyReadBody(record: StoredRecord): string {
  return `{"key":${JSON.stringify(record.key)},"value":${record.valueJson},"version":"${record.version}","updatedAt":"${isoTime(record.updatedAtMs)}"}`;
}
