// Bounded lifecycle helpers around spawn-node.ts: a fresh node per describe block that is always
// stopped (even when a test fails), a stop that cannot hang, a run of the CLI that is expected to exit,
// and waiting for a condition with a deadline instead of sleeping.

import { afterAll, beforeAll } from 'bun:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH, makeDataDir, removeDataDir, spawnNode, type SpawnedNode } from './spawn-node';

/** A clean stop drains in-flight requests; the daemon's own bound is 5 s (SHUTDOWN_DRAIN_MS_MAX). */
export const STOP_DEADLINE_MS = 10_000;
/** spawn-node.ts gives a start 15 s; a hook needs a little more than that, and a stop twice its deadline. */
const START_HOOK_TIMEOUT_MS = 20_000;
const STOP_HOOK_TIMEOUT_MS = 2 * STOP_DEADLINE_MS + 5_000;
/** Hook timeouts for suites that manage their own nodes. */
export const HOOK_TIMEOUT_MS = { start: START_HOOK_TIMEOUT_MS, stop: STOP_HOOK_TIMEOUT_MS } as const;
const POLL_INTERVAL_MS = 10;

export interface StopOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough within the deadline and the process had to be SIGKILLed. */
  readonly forced: boolean;
  readonly elapsedMs: number;
}

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the process has exited, or with false after `deadlineMs`. */
export function waitForExit(child: ChildProcess, deadlineMs: number): Promise<boolean> {
  if (!isAlive(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, deadlineMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if the node has not exited within the deadline. Never hangs. */
export async function stopBounded(node: SpawnedNode, deadlineMs = STOP_DEADLINE_MS): Promise<StopOutcome> {
  const started = performance.now();
  const child = node.process;
  let forced = false;
  if (isAlive(child)) {
    child.kill('SIGTERM');
    if (!(await waitForExit(child, deadlineMs))) {
      forced = true;
      child.kill('SIGKILL');
      await waitForExit(child, deadlineMs);
    }
  }
  return { code: child.exitCode, signal: child.signalCode, forced, elapsedMs: performance.now() - started };
}

/**
 * A fresh node for one describe block: spawned in beforeAll, stopped and its data directory removed in
 * afterAll whatever happened in between. The getter throws if the node did not start.
 */
export function useNode(options: { args?: string[]; cliPath?: () => string } = {}): () => SpawnedNode {
  let node: SpawnedNode | undefined;
  // Made in the hook, not when the block is collected: a block filtered out by `-t` runs no hooks.
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = makeDataDir();
    node = await spawnNode({ dataDir, args: options.args ?? [], ...(options.cliPath === undefined ? {} : { cliPath: options.cliPath() }) });
  }, START_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    try {
      if (node !== undefined) await stopBounded(node);
    } finally {
      if (dataDir !== undefined) removeDataDir(dataDir);
    }
  }, STOP_HOOK_TIMEOUT_MS);
  return () => {
    if (node === undefined) throw new Error('the node for this block did not start');
    return node;
  };
}

/** A CLI process that runs until stopped (a node, `up`, `bootstrap`): its output so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/** Starts `node dist/swarmkv.mjs ...args`, with these variables added to the environment. */
export function runCli(args: string[], variables: Record<string, string> = {}): RunningCli {
  const child = spawn('node', [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...variables } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

export interface ExitedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the process was still running at the deadline and was killed. */
  readonly timedOut: boolean;
}

/** Runs `node dist/swarmkv.mjs ...args` (with these variables added), expecting it to exit by itself within the deadline. */
export function runCliToExit(args: string[], deadlineMs = STOP_DEADLINE_MS, variables: Record<string, string> = {}): Promise<ExitedRun> {
  const child = spawn('node', [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...variables } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Polls until `condition` holds; throws naming `what` once the deadline passes. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await Bun.sleep(POLL_INTERVAL_MS);
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
