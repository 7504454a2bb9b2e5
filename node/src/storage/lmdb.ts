// The durable engine's entry point, kept apart from ./index.ts on purpose: it loads lmdb-js and its
// native binding, which a --memory node never needs, so the composition root imports this file only
// when it opens a data directory (the cold start of a --memory node skips it; bench/RESULTS.md).
export { LmdbStore, type SyncPolicy } from './lmdb-store';
export { LmdbHintStore } from './lmdb-hint-store';
