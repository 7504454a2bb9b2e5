// Run as `bun test/support/hold-store-writer.ts DIR`: opens (creating) the LMDB store in DIR, takes its
// write lock, prints `holding` and keeps the lock until killed. A node started on DIR then blocks on
// its first write, the way one would behind a hung disk or a stuck process holding its store: it runs,
// but never gets as far as `node.listening`. Killing this process releases the lock (LMDB's robust
// mutex), so nothing is left behind but the directory.

import { open } from 'lmdb';

const directory = process.argv[2];
if (directory === undefined) throw new Error('usage: hold-store-writer.ts DIR');
const store = open({ path: directory, noSubdir: false, compression: false });
store.transactionSync(() => {
  store.putSync('held-by', process.pid);
  process.stdout.write('holding\n');
  // Blocks this thread (and so the open write transaction) until the process is killed.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
