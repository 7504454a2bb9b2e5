// A real multi-process cluster for tests, one process per network namespace (test-network.ts): host h0
// runs `swarmkv bootstrap`, hosts h1..hN each run one `swarmkv node`, and the test process reaches them
// all over the bridge. Every process is the built dist/swarmkv.mjs on Node (hyperswarm's native UDP
// stack cannot load in Bun), started with `ip netns exec <namespace> node ...`, which execs in place: the
// pid the harness holds is the node's own, so SIGKILL, SIGSTOP and SIGCONT reach it directly.
//
// Faults: kill9 (no shutdown path), pause/resume (SIGSTOP/SIGCONT: alive but silent), restart (same data
// directory, same node id). Observation: HTTP helpers with a timeout on every request (a stopped node
// accepts connections and never answers), and waitFor, which polls a predicate until a deadline.
// Cleanup is deterministic: destroy() SIGKILLs every process, then deletes the namespaces and the data;
// useCluster() calls it in afterAll whatever the tests did, and a last-resort hook (test-run-end.ts)
// does it if a suite dies first.
// SWARMKV_KEEP_CLUSTER=1 keeps the data and log files (one per process, under the printed directory).

import { afterAll, beforeAll } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from './spawn-node';
import { TestNetwork, type TestHost } from './test-network';
import { atTestRunEnd } from './test-run-end';
import { waitFor } from './wait-for';

export const CLUSTER_HTTP_PORT = 7070;
export const CLUSTER_DHT_PORT = 49737;
export const CLUSTER_SECRET_DEFAULT = 'cluster-test-secret-0123456789';
/** One process from spawn to its listening line; a loaded 2-core CI machine starts several at once. */
export const PROCESS_START_MS_MAX = 60_000;
/** Hook timeouts for a whole cluster: every process starts in parallel, then destroy is bounded. */
export const CLUSTER_HOOK_MS = { start: 2 * PROCESS_START_MS_MAX, stop: 30_000 } as const;
const HTTP_TIMEOUT_MS_DEFAULT = 3000;
const POLL_INTERVAL_MS = 50;
const EXIT_WAIT_MS_MAX = 10_000;
const EVENTS_KEPT_MAX = 20_000;
const STDERR_CHARS_KEPT = 8000;

export type Consistency = 'one' | 'quorum' | 'all';
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left' | 'removed';

export interface MemberView {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly state: MemberState;
  /** How long the answering node has seen it in this state, and why, when it knows (GET /cluster/members). */
  readonly stateAgeMs: number;
  readonly why: string | null;
  readonly incarnation: number;
  readonly heartbeatAgeMs: number;
  readonly keyCount: number | null;
  readonly clockOffsetMs: number | null;
  readonly self: boolean;
}

export interface Reply {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
  readonly text: string;
  readonly elapsedMs: number;
}

/** Called for every log line a node prints, with the test process's own receive time (performance.now()). */
export type EventSink = (nodeName: string, event: Record<string, unknown>, receivedAtMs: number) => void;

export interface ClusterOptions {
  readonly nodes: number;
  readonly secret?: string;
  readonly replicas?: number;
  readonly profile?: 'local' | 'lan' | 'wan';
  /** Appended to every node's argv. */
  readonly nodeArgs?: readonly string[];
  /** Appended to the argv of the named nodes only (`{ n3: ['--memory'] }`). */
  readonly nodeArgsByName?: Readonly<Record<string, readonly string[]>>;
  /** Sees every node's log lines from the first launch on. */
  readonly eventSink?: EventSink;
  /**
   * A command the named nodes run under (`{ n2: ['strace', ...] }`, to inject disk latency). The pid
   * the harness holds is then the wrapper's: the node must die with it (`setpriv --pdeathsig KILL`
   * as the wrapper's last words), and SIGSTOP or SIGTERM reach the wrapper, not the node.
   */
  readonly wrapperByName?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Whether this process can build a test network: root, and `ip netns` works. Without it the cluster
 * suites are skipped (and say so) rather than failed: scripts/test.sh runs unboxed only when told to.
 */
export const NAMESPACES_AVAILABLE = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
// `npm test` boxes the run as root (scripts/test.sh sets SWARMKV_TEST_BOXED): there, a cluster suite
// that cannot run is a broken machine, and fails instead of skipping quietly.
if (!NAMESPACES_AVAILABLE && process.env.SWARMKV_TEST_BOXED === '1') throw new Error('cluster suites need root and `ip netns`, and this boxed run has neither');
if (!NAMESPACES_AVAILABLE) console.log('cluster suites skipped: they need root and `ip netns` to give every process a network namespace');

/** Every cluster not yet destroyed, for the last-resort hook. */
const liveClusters = new Set<TestCluster>();
function destroyLiveClusters(): void {
  for (const cluster of liveClusters) cluster.destroyNow();
}
atTestRunEnd(destroyLiveClusters);

/** One OS process in a namespace: its parsed log lines, stderr, and a log file. */
export class HostProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #log: WriteStream;
  #stderr = '';
  #paused = false;

  constructor(name: string, host: TestHost, args: readonly string[], logFile: string, sink?: EventSink, wrapper: readonly string[] = []) {
    this.name = name;
    this.#log = createWriteStream(logFile, { flags: 'a' });
    this.#log.write(`# ${new Date().toISOString()} ip netns exec ${host.namespace} ${[...wrapper, 'node'].join(' ')} ${args.join(' ')}\n`);
    this.child = spawn('ip', ['netns', 'exec', host.namespace, ...wrapper, 'node', CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(({ code, signal }) => this.#log.end(`# exited: code ${code} signal ${signal}\n`));
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.#log.write(chunk);
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          this.events.push(event);
          if (this.events.length > EVENTS_KEPT_MAX) this.events.shift();
          sink?.(name, event, performance.now());
        } catch {
          // Not a log line; it is in the log file.
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.#log.write(chunk);
      this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_CHARS_KEPT);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get paused(): boolean {
    return this.#paused;
  }

  stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first log line of this event; rejects if the process exits or the deadline passes. */
  waitForEvent(event: string, deadlineMs = PROCESS_START_MS_MAX): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const poll = setInterval(() => {
        const found = this.events.find((line) => line.event === event);
        if (found !== undefined) finish(() => resolve(found));
        else if (!this.running) finish(() => reject(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before logging ${event}; stderr: ${this.#stderr}`)));
        else if (performance.now() - started > deadlineMs) finish(() => reject(new Error(`${this.name} did not log ${event} within ${deadlineMs} ms; stderr: ${this.#stderr}`)));
      }, 20);
      const finish = (settle: () => void) => {
        clearInterval(poll);
        settle();
      };
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.child.kill(signal);
    if (signal === 'SIGSTOP') this.#paused = true;
    if (signal === 'SIGCONT') this.#paused = false;
  }

  /** SIGKILL (works on a stopped process too) and wait, bounded, for the exit. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await Promise.race([this.exited, Bun.sleep(EXIT_WAIT_MS_MAX)]);
  }

  /** The last `count` log lines, for failure messages. */
  tail(count: number): string[] {
    return this.events.slice(-count).map((line) => JSON.stringify(line));
  }
}

/** One swarmkv node of the cluster: its host, data directory and current process (restarts replace it). */
export class ClusterNode {
  readonly name: string;
  readonly host: TestHost;
  readonly url: string;
  readonly dataDir: string;
  readonly args: readonly string[];
  process!: HostProcess;
  /** Appended to args at every launch (restart(node, { extraArgs }) sets it, e.g. a clock offset). */
  extraArgs: readonly string[] = [];
  /** From the first `node.listening` line; it survives restarts (it lives in the store). */
  nodeId = '';
  restarts = 0;

  constructor(name: string, host: TestHost, dataDir: string, args: readonly string[]) {
    this.name = name;
    this.host = host;
    this.url = `http://${host.address}:${CLUSTER_HTTP_PORT}`;
    this.dataDir = dataDir;
    this.args = args;
  }

  get running(): boolean {
    return this.process.running;
  }
}

export class TestCluster {
  readonly network: TestNetwork;
  readonly root: string;
  readonly secret: string;
  readonly nodes: ClusterNode[] = [];
  /** Nodes added with addNode (e.g. one holding the wrong secret): not members by intent. */
  readonly extraNodes: ClusterNode[] = [];
  readonly #options: ClusterOptions;
  bootstrap!: HostProcess;
  bootstrapAddress = '';
  /** Sees every node's log lines from the next launch on (the chaos checker's membership verdicts). */
  eventSink: EventSink | undefined;
  /** Keep the data and log files when destroyed (as SWARMKV_KEEP_CLUSTER=1 does): a run that failed a bar sets it, to be diagnosed. */
  keepFiles = false;
  #destroying: Promise<void> | undefined;

  private constructor(network: TestNetwork, options: ClusterOptions) {
    this.network = network;
    this.#options = options;
    this.secret = options.secret ?? CLUSTER_SECRET_DEFAULT;
    this.eventSink = options.eventSink;
    this.root = mkdtempSync(join(tmpdir(), 'swarmkv-cluster-'));
    mkdirSync(join(this.root, 'logs'));
    liveClusters.add(this);
  }

  /** The network, the bootstrap on h0 and `nodes` nodes on h1..hN, all listening. Cleans up if any fails. */
  static async start(options: ClusterOptions): Promise<TestCluster> {
    const cluster = new TestCluster(TestNetwork.create(options.nodes + 1), options);
    try {
      const h0 = cluster.network.hosts[0]!;
      cluster.bootstrapAddress = `${h0.address}:${CLUSTER_DHT_PORT}`;
      cluster.bootstrap = new HostProcess('bootstrap', h0, ['bootstrap', '--host', h0.address, '--port', String(CLUSTER_DHT_PORT)], join(cluster.root, 'logs', 'bootstrap.log'));
      await cluster.bootstrap.waitForEvent('dht.listening');
      const nodes = cluster.network.hosts.slice(1).map((host, index) => cluster.#defineNode(`n${index + 1}`, host, cluster.secret));
      cluster.nodes.push(...nodes);
      await Promise.all(nodes.map((node) => cluster.#launch(node)));
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  #defineNode(name: string, host: TestHost, secret: string): ClusterNode {
    const dataDir = join(this.root, name);
    const args = [
      'node', '--name', name,
      '--host', host.address, '--port', String(CLUSTER_HTTP_PORT), '--advertise', `${host.address}:${CLUSTER_HTTP_PORT}`,
      '--secret', secret, '--bootstrap', this.bootstrapAddress,
      // These suites test replication, not access control: the API is served open on the test network.
      '--insecure',
      '--profile', this.#options.profile ?? 'lan',
      '--replicas', String(this.#options.replicas ?? 3),
      '--data-dir', dataDir,
      ...(this.#options.nodeArgs ?? []),
      ...(this.#options.nodeArgsByName?.[name] ?? []),
    ];
    return new ClusterNode(name, host, dataDir, args);
  }

  async #launch(node: ClusterNode): Promise<void> {
    const wrapper = this.#options.wrapperByName?.[node.name] ?? [];
    node.process = new HostProcess(node.name, node.host, [...node.args, ...node.extraArgs], join(this.root, 'logs', `${node.name}.log`), this.eventSink, wrapper);
    const listening = await node.process.waitForEvent('node.listening');
    const nodeId = String(listening.nodeId);
    if (node.nodeId !== '' && node.nodeId !== nodeId) throw new Error(`${node.name} came back as ${nodeId}, not ${node.nodeId}`);
    node.nodeId = nodeId;
  }

  /** A node on a new host of the same network, on the same bootstrap; by default with the cluster's secret. */
  async addNode(options: { name: string; secret?: string }): Promise<ClusterNode> {
    const node = this.#defineNode(options.name, this.network.addHost(), options.secret ?? this.secret);
    this.extraNodes.push(node);
    await this.#launch(node);
    return node;
  }

  /** SIGKILL: no shutdown path runs, no departure is announced. */
  async kill9(node: ClusterNode): Promise<void> {
    await node.process.kill();
  }

  /** SIGSTOP: the process keeps its sockets but neither sends nor answers anything. */
  pause(node: ClusterNode): void {
    node.process.signal('SIGSTOP');
  }

  resume(node: ClusterNode): void {
    node.process.signal('SIGCONT');
  }

  /**
   * Starts the node again on its data directory (SIGKILLing it first if it still runs); waits until it
   * listens. `extraArgs`, when given, replaces the node's extra flags from this launch on.
   */
  async restart(node: ClusterNode, options: { extraArgs?: readonly string[] } = {}): Promise<void> {
    if (node.running) await node.process.kill();
    if (options.extraArgs !== undefined) node.extraArgs = options.extraArgs;
    node.restarts++;
    await this.#launch(node);
  }

  /** Nodes whose process runs and is not paused. */
  live(): ClusterNode[] {
    return this.nodes.filter((node) => node.running && !node.process.paused);
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  /** One request with a deadline; throws on a connection error or timeout. */
  async request(node: ClusterNode, method: string, path: string, options: { json?: unknown; timeoutMs?: number } = {}): Promise<Reply> {
    const started = performance.now();
    const response = await fetch(`${node.url}${path}`, {
      method,
      signal: AbortSignal.timeout(options.timeoutMs ?? HTTP_TIMEOUT_MS_DEFAULT),
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // Not JSON; the text is returned as is.
    }
    return { status: response.status, body, headers: response.headers, text, elapsedMs: performance.now() - started };
  }

  put(node: ClusterNode, key: string, value: unknown, consistency?: Consistency, timeoutMs?: number): Promise<Reply> {
    return this.request(node, 'PUT', `/kv/${encodeURIComponent(key)}${consistencyQuery(consistency)}`, { json: { value }, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  get(node: ClusterNode, key: string, consistency?: Consistency, timeoutMs?: number): Promise<Reply> {
    return this.request(node, 'GET', `/kv/${encodeURIComponent(key)}${consistencyQuery(consistency)}`, timeoutMs ? { timeoutMs } : {});
  }

  async members(node: ClusterNode): Promise<MemberView[]> {
    const reply = await this.#expectOk(node, '/cluster/members');
    return reply.body.members as MemberView[];
  }

  async ring(node: ClusterNode): Promise<{ digest: string; members: string[]; replicationFactor: number; jointRings: string[] }> {
    return (await this.#expectOk(node, '/cluster/ring')).body;
  }

  async locate(node: ClusterNode, key: string): Promise<{ replicas: { nodeId: string }[]; targets: { nodeId: string; standInFor: string | null }[] }> {
    return (await this.#expectOk(node, `/cluster/locate/${encodeURIComponent(key)}`)).body;
  }

  /** This node's own record of the key (200, tombstones included) or 404 when its store has none. */
  local(node: ClusterNode, key: string): Promise<Reply> {
    return this.request(node, 'GET', `/cluster/local/${encodeURIComponent(key)}`);
  }

  async #expectOk(node: ClusterNode, path: string): Promise<Reply> {
    const reply = await this.request(node, 'GET', path);
    if (reply.status !== 200) throw new Error(`${node.name} GET ${path} answered ${reply.status}: ${reply.text}`);
    return reply;
  }

  /** True when every given node lists exactly the cluster's nodes, all alive. */
  async allSeeAllAlive(observers: readonly ClusterNode[] = this.nodes, expected: readonly ClusterNode[] = this.nodes): Promise<boolean> {
    const wanted = new Set(expected.map((node) => node.nodeId));
    const views = await Promise.all(observers.map((observer) => this.members(observer)));
    return views.every((members) => members.length === wanted.size && members.every((member) => wanted.has(member.nodeId) && member.state === 'alive'));
  }

  // --- waiting ------------------------------------------------------------------------------------

  /**
   * Polls `predicate` until it holds; resolves with the milliseconds it took. A predicate that throws
   * (a node not answering yet) counts as false. On timeout, the error names `what`, the last error and
   * the last log lines of every process.
   */
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = 'the condition'): Promise<number> {
    return waitFor(predicate, timeoutMs, what, { intervalMs: POLL_INTERVAL_MS, diagnostics: () => this.diagnostics() });
  }

  /** Every process's state and last log lines. */
  diagnostics(lines = 6): string {
    const all = [{ name: 'bootstrap', process: this.bootstrap }, ...this.nodes, ...this.extraNodes].filter((entry) => entry.process !== undefined);
    return all
      .map(({ name, process: hostProcess }) => {
        const state = hostProcess.running ? (hostProcess.paused ? 'paused' : 'running') : `exited (${hostProcess.child.exitCode ?? hostProcess.child.signalCode})`;
        const stderr = hostProcess.stderr().trim();
        return [`--- ${name}: ${state}`, ...hostProcess.tail(lines), ...(stderr ? [`stderr: ${stderr.slice(-500)}`] : [])].join('\n');
      })
      .join('\n') + `\n(logs: ${this.root}/logs; SWARMKV_KEEP_CLUSTER=1 keeps them)`;
  }

  // --- cleanup ------------------------------------------------------------------------------------

  /** SIGKILLs every process, waits for them (bounded), deletes the namespaces and the data. Idempotent. */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      await Promise.all(this.#processes().map((hostProcess) => hostProcess.kill()));
      this.#removeEverything();
    })();
    return this.#destroying;
  }

  /** The synchronous last resort of the exit hook: signals only, no waiting. */
  destroyNow(): void {
    for (const hostProcess of this.#processes()) hostProcess.signal('SIGKILL');
    this.#removeEverything();
  }

  #processes(): HostProcess[] {
    return [this.bootstrap, ...[...this.nodes, ...this.extraNodes].map((node) => node.process)].filter((hostProcess) => hostProcess !== undefined);
  }

  #removeEverything(): void {
    liveClusters.delete(this);
    this.network.destroy();
    if (process.env.SWARMKV_KEEP_CLUSTER === '1' || this.keepFiles) console.log(`cluster files kept in ${this.root}`);
    else rmSync(this.root, { recursive: true, force: true });
  }
}

function consistencyQuery(consistency: Consistency | undefined): string {
  return consistency === undefined ? '' : `?consistency=${consistency}`;
}

/**
 * A cluster for one test file: started in beforeAll, destroyed in afterAll whatever happened between.
 * The getter throws if the cluster did not start.
 */
export function useCluster(options: ClusterOptions): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await TestCluster.start(options);
  }, CLUSTER_HOOK_MS.start);
  afterAll(async () => {
    await cluster?.destroy();
  }, CLUSTER_HOOK_MS.stop);
  return () => {
    if (cluster === undefined) throw new Error('the cluster for this file did not start');
    return cluster;
  };
}
