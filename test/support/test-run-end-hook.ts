// Preloaded by bunfig.toml into every `bun test` process: a global afterAll, which Bun runs once after
// all the process's test files (see test-run-end.ts for why not the process's 'exit' event).

import { afterAll } from 'bun:test';
import { runTestRunEndCleanups } from './test-run-end';

afterAll(runTestRunEndCleanups);
