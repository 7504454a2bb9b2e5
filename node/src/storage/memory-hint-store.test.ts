import { describeHintStoreContract } from './hint-store.contract';
import { MemoryHintStore } from './memory-hint-store';

describeHintStoreContract('memory', () => ({ open: (bounds) => new MemoryHintStore(bounds), cleanup: () => {} }));
