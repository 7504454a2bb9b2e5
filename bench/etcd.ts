// The etcd deployments: Debian's etcd (3.4) with one or three members on 127.0.0.1, spoken to through
// its JSON gateway (POST /v3/kv/put, /v3/kv/range, base64 keys and values), which etcd serves on its
// client port in the same process as its gRPC API. Ready once every member answers /health with
// `"health":"true"` (which needs an elected leader).

import type { Deployment } from './deployment';
import { ManagedProcess } from './managed-process';
import { freeTcpPort } from './ports';
import { PAYLOAD } from './populate';
import { BIND_HOST } from './systems';
import { join } from 'node:path';

export const ETCD_COMMAND = 'etcd';
/** Members elect a leader within a few election timeouts (1 s each by default). */
const ETCD_READY_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 100;
const HEALTH_REQUEST_TIMEOUT_MS = 1_000;
const POPULATE_CONCURRENCY = 32;

export const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The value bench/kv.lua sends for key k<i>: the same ~100-byte JSON object swarmkv stores. */
export const etcdValue = (index: number) => `{"id":${index},"payload":"${PAYLOAD}"}`;

export class EtcdDeployment implements Deployment {
  readonly label: string;
  readonly urls: readonly string[];
  readonly #members: readonly ManagedProcess[];
  #stopping: Promise<void> | undefined;

  private constructor(label: string, urls: string[], members: ManagedProcess[]) {
    this.label = label;
    this.urls = urls;
    this.#members = members;
  }

  static async start(options: { label: string; members: number; scratchDir: string; cpus: string | undefined }): Promise<EtcdDeployment> {
    const ports = [];
    for (let index = 0; index < options.members; index++) ports.push({ client: await freeTcpPort(), peer: await freeTcpPort() });
    const name = (index: number) => `${options.label}-m${index + 1}`;
    const initialCluster = ports.map((port, index) => `${name(index)}=http://${BIND_HOST}:${port.peer}`).join(',');
    const members = ports.map((port, index) => {
      const client = `http://${BIND_HOST}:${port.client}`;
      const peer = `http://${BIND_HOST}:${port.peer}`;
      const args = [
        ...['--name', name(index), '--data-dir', join(options.scratchDir, `data-${name(index)}`)],
        ...['--listen-client-urls', client, '--advertise-client-urls', client],
        ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
        ...['--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', options.label],
        ...['--logger', 'zap', '--log-level', 'error'],
      ];
      return new ManagedProcess(name(index), ETCD_COMMAND, args, { cpus: options.cpus, stdout: 'log' });
    });
    const deployment = new EtcdDeployment(options.label, ports.map((port) => `http://${BIND_HOST}:${port.client}`), members);
    try {
      await deployment.#waitUntilHealthy();
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  get pids(): number[] {
    return this.#members.flatMap((member) => (member.pid === undefined ? [] : [member.pid]));
  }

  stderr(): string {
    return this.#members.map((member) => `[${member.name}] ${member.stderr()}`).join('\n');
  }

  stop(): Promise<void> {
    this.#stopping ??= Promise.all(this.#members.map((member) => member.stop())).then(() => undefined);
    return this.#stopping;
  }

  /** Writes k0..k<keys-1> through the first member, so that every GET of the GET runs finds its key. */
  async populate(keys: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < keys) {
        const index = next++;
        const body = JSON.stringify({ key: base64(`k${index}`), value: base64(etcdValue(index)) });
        const response = await fetch(`${this.urls[0]}/v3/kv/put`, { method: 'POST', body });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`populating ${this.label}: put k${index} answered ${response.status}: ${text}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(POPULATE_CONCURRENCY, keys) }, worker));
    const probe = await fetch(`${this.urls.at(-1)}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: base64(`k${keys - 1}`) }) });
    const text = await probe.text();
    if (probe.status !== 200 || !text.includes('"kvs"')) throw new Error(`after populating ${this.label}, range k${keys - 1} answered ${probe.status}: ${text}`);
  }

  async #waitUntilHealthy(): Promise<void> {
    const startedMs = performance.now();
    while (performance.now() - startedMs < ETCD_READY_TIMEOUT_MS) {
      const exited = this.#members.find((member) => member.hasExited);
      if (exited !== undefined) throw new Error(`${exited.name} exited during start-up: ${exited.stderr()}`);
      const healthy = await Promise.all(this.urls.map((url) => isHealthy(url)));
      if (healthy.every(Boolean)) return;
      await Bun.sleep(HEALTH_POLL_MS);
    }
    throw new Error(`${this.label}: not every member was healthy within ${ETCD_READY_TIMEOUT_MS} ms: ${this.stderr()}`);
  }
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    return response.status === 200 && ((await response.json()) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}
