import { describeKvStoreContract } from './kv-store.contract';
import { MemoryStore } from './memory-store';

describeKvStoreContract('memory', () => ({ open: () => new MemoryStore(), cleanup: () => {} }));
