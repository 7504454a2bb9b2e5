import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHintStoreContract } from './hint-store.contract';
import { LmdbStore } from './lmdb-store';

describeHintStoreContract('lmdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmkv-hints-'));
  let store = new LmdbStore(dir, 'flush');
  return {
    open: (bounds) => store.openHintStore(bounds),
    reopen: async (hints, bounds) => {
      await hints.close();
      await store.close();
      store = new LmdbStore(dir, 'flush');
      return store.openHintStore(bounds);
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
