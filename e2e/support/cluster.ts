// A real swarmkv cluster for one Playwright test file: a private DHT bootstrap and N nodes, each the
// built dist/swarmkv.mjs on Node, on loopback (scripts/test.sh runs the whole e2e suite inside a
// private network namespace), with the `local` profile's short gossip timings. Faults are driven
// directly on the processes: SIGKILL, SIGSTOP/SIGCONT, restart on the same port and data directory,
// and a node joining later. destroy() kills everything and removes the data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/swarmkv.mjs', import.meta.url));
const SECRET = 'e2e-dashboard-secret-0123456789';
/** One process from spawn to its listening line, on a loaded 2-core machine. */
const PROCESS_START_MS_MAX = 30_000;
/** Every node sees every other alive after a start. */
export const CONVERGE_MS_MAX = 30_000;
const HTTP_TIMEOUT_MS = 2000;
const POLL_INTERVAL_MS = 50;

export type { MemberView } from '../../node/src';
import type { MemberView } from '../../node/src';

/** Polls until the check returns a value other than undefined, or fails with the label at the deadline. */
export async function waitFor<T>(label: string, check: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() - started > deadlineMs) throw new Error(`${label}: not within ${deadlineMs} ms`);
    await new Promise((wake) => setTimeout(wake, POLL_INTERVAL_MS));
  }
}

export async function getJson<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const text = await response.text();
  return { status: response.status, body: (text.length > 0 ? JSON.parse(text) : null) as T, headers: response.headers };
}

/** Every process started here, killed if the test runner exits without destroying its cluster. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Starts a process and resolves with the first log line of `event` (JSON lines on stdout). */
function launch(args: string[], event: string): { child: ChildProcess; ready: Promise<Record<string, unknown>> } {
  const child = spawn('node', [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const ready = new Promise<Record<string, unknown>>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not log ${event} within ${PROCESS_START_MS_MAX} ms: ${stderr}`)), PROCESS_START_MS_MAX);
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.event === event) {
        clearTimeout(timer);
        resolveReady(parsed);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code ?? signal}) before ${event}: ${stderr}`));
    });
  });
  // Whoever waits on `ready` sees a failure; nobody waiting is not an unhandled rejection.
  ready.catch(() => undefined);
  return { child, ready };
}

export class ClusterNode {
  readonly name: string;
  readonly dataDir: string;
  #args: string[];
  #child: ChildProcess | null = null;
  #port = 0;
  nodeId = '';

  constructor(name: string, dataDir: string, args: string[]) {
    this.name = name;
    this.dataDir = dataDir;
    this.#args = args;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get pid(): number {
    return this.#child!.pid!;
  }

  /** Starts (or restarts on the same port, data and node id) and waits for it to listen. */
  async start(): Promise<void> {
    const args = ['node', '--name', this.name, '--port', String(this.#port), '--data-dir', this.dataDir, ...this.#args];
    const { child, ready } = launch(args, 'node.listening');
    this.#child = child;
    const listening = await ready;
    this.#port = Number(new URL(String(listening.url)).port);
    this.nodeId = (await getJson<{ nodeId: string }>(`${this.url}/health`)).body.nodeId;
  }

  kill9(): Promise<void> {
    return this.#signal('SIGKILL');
  }

  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGCONT');
    child.kill(signal);
    await exited;
  }

  async members(): Promise<MemberView[]> {
    return (await getJson<{ members: MemberView[] }>(`${this.url}/cluster/members`)).body.members;
  }
}

export class Cluster {
  readonly nodes: ClusterNode[] = [];
  readonly #root = mkdtempSync(join(tmpdir(), 'swarmkv-e2e-'));
  #bootstrap: ChildProcess | null = null;
  #nodeArgs: string[] = [];

  static async start(options: { nodes: number; replicas?: number }): Promise<Cluster> {
    const cluster = new Cluster();
    try {
      const { child, ready } = launch(['bootstrap', '--host', '127.0.0.1', '--port', '0'], 'dht.listening');
      cluster.#bootstrap = child;
      const address = String((await ready).address);
      cluster.#nodeArgs = ['--secret', SECRET, '--bootstrap', address, '--profile', 'local', '--log-level', 'info', '--replicas', String(options.replicas ?? 3)];
      await Promise.all(Array.from({ length: options.nodes }, () => cluster.addNode(false)));
      await cluster.waitConverged();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** Starts one more node, named n1, n2... in order; waits until every node sees every node alive. */
  async addNode(converge = true): Promise<ClusterNode> {
    const name = `n${this.nodes.length + 1}`;
    const node = new ClusterNode(name, join(this.#root, name), this.#nodeArgs);
    this.nodes.push(node);
    await node.start();
    if (converge) await this.waitConverged();
    return node;
  }

  /**
   * Every running node lists every node alive and routes by one ring with every node as an owner (each
   * node's own readiness is not enough: another's ownership reaches it a gossip round later).
   */
  async waitConverged(deadlineMs = CONVERGE_MS_MAX): Promise<void> {
    await waitFor(
      `${this.nodes.length} nodes converged`,
      async () => {
        const views = await Promise.all(this.nodes.map((node) => node.members()));
        const allAlive = views.every((members) => members.length === this.nodes.length && members.every((member) => member.state === 'alive'));
        if (!allAlive) return undefined;
        const rings = await Promise.all(this.nodes.map((node) => getJson<{ digest: string; members: unknown[] }>(`${node.url}/cluster/ring`)));
        return rings.every((ring) => ring.body.members.length === this.nodes.length && ring.body.digest === rings[0]!.body.digest) ? true : undefined;
      },
      deadlineMs,
    );
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill9()));
    this.#bootstrap?.kill('SIGKILL');
    rmSync(this.#root, { recursive: true, force: true });
  }
}
