// Starts a real swarmkv node process (the built dist/swarmkv.mjs on Node) and waits for its
// `node.listening` log line, which carries the URL it serves. Tests talk to it over real HTTP.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { atTestRunEnd } from './test-run-end';

export const CLI_PATH = resolve(import.meta.dir, '../../dist/swarmkv.mjs');
/** Generous: the bar is 1 s on an idle machine, but CI runs suites side by side on 2 cores. */
const START_TIMEOUT_MS = 15_000;

/**
 * Every node process still running. If the test process exits without stopping one (a crashed suite,
 * a timed-out hook), it is killed here rather than left holding a port and a data directory.
 */
const liveChildren = new Set<ChildProcess>();
function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}
atTestRunEnd(killLiveChildren);

export interface SpawnedNode {
  readonly url: string;
  readonly process: ChildProcess;
  readonly dataDir: string;
  /** Every stdout line the node logged so far, parsed. */
  readonly events: Record<string, unknown>[];
  /** Milliseconds from spawn to the `node.listening` line. */
  readonly startMs: number;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function makeDataDir(prefix = 'swarmkv-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function spawnNode(options: { dataDir?: string; args?: string[]; cliPath?: string } = {}): Promise<SpawnedNode> {
  const dataDir = options.dataDir ?? makeDataDir();
  const args = [options.cliPath ?? CLI_PATH, 'node', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])];
  const startedAt = performance.now();
  const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      liveChildren.delete(child);
      resolveExit(code);
    }),
  );

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      // A node that never listened is killed, not leaked: nobody else holds a handle on it.
      child.kill('SIGKILL');
      reject(new Error(`node did not start within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          events.push(event);
          if (event.event === 'node.listening') {
            clearTimeout(timer);
            resolveUrl(String(event.url));
          }
        } catch {
          // Not a log line; ignored.
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  const startMs = performance.now() - startedAt;

  return {
    url,
    process: child,
    dataDir,
    events,
    startMs,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** fetch with a JSON body; returns status, parsed body (or text) and headers. */
export async function http(
  method: string,
  url: string,
  options: { json?: unknown; body?: string | Uint8Array; contentType?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  const contentType = options.contentType === undefined ? (body !== undefined ? 'application/json' : null) : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    // Not JSON; the text is returned as is.
  }
  return { status: response.status, body: parsed, headers: response.headers, text };
}
