// A workload's history and what it shows: lost writes, undone deletes, stale reads. Pure: no I/O, so
// `swarmkv check` (over HTTP) and the chaos test runner (over its test cluster) judge alike.
export { analyzeData, analyzeReads, keysOf, type DataFindings, type FinalState, type ReadFindings, type StaleRead, type Violation } from './analysis';
export { History, isQuorumWrite, isWrite, type CompletedOp, type Consistency, type Op, type OpKind, type Outcome } from './history';
export { CLIENT_TIMEOUT_MS, drawOperation, UNREACHABLE_BACKOFF_MS, type DrawnOperation } from './operation-mix';
