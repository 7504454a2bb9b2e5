// A process that writes, overwrites and erases records of a clustered LMDB store without end, for the
// crash test of stored-digest-index.test.ts to kill -9 mid-write: `bun run <this file> DATA_DIR`. It
// prints `writing` once its first writes have committed.

import { LmdbStore } from '../storage/lmdb';
import { leafHasher } from './digest-leaves';

const version = (n: number) => `${n.toString(16).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
const KEYS = 5000;
const IN_FLIGHT = 64;

const store = new LmdbStore(process.argv[2]!, 'commit', leafHasher);
let n = 1;
const writer = async () => {
  for (;;) {
    const round = n++;
    const key = `key:${(round * 7919) % KEYS}`;
    const current = store.get(key);
    if (round % 5 === 0 && current !== undefined) await store.erase(key, current.version);
    else await store.write(key, () => ({ key, valueJson: round % 3 === 0 ? null : String(round), version: version(round), updatedAtMs: round }));
  }
};
for (let index = 0; index < IN_FLIGHT; index++) void writer();
await store.write('started', () => ({ key: 'started', valueJson: '1', version: version(1), updatedAtMs: 1 }));
console.log('writing');
