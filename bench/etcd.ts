// The etcd deployments: Debian's etcd (3.4) with one or three members on 127.0.0.1, spoken to through
// its JSON gateway (POST /v3/kv/put, /v3/kv/range, base64 keys and values), which etcd serves on its
// client port in the same process as its gRPC API. Ready once every member answers /health with
// `"health":"true"` (which needs an elected leader).

import type { Deployment } from './deployment';
import { ManagedProcess } from './managed-process';
import { ProcessGroup } from './process-group';
import { freeTcpPort } from './ports';
import { PAYLOAD } from './populate';
import { BIND_HOST } from './systems';
import { join } from 'node:path';

export const ETCD_COMMAND = 'etcd';
/** Members elect a leader within a few election timeouts (1 s each by default). */
const ETCD_READY_TIMEOUT_MS = 30_000;
const HEALTH_REQUEST_TIMEOUT_MS = 1_000;
const POPULATE_CONCURRENCY = 32;

export const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The value bench/kv.lua sends for key k<i>: the same ~100-byte JSON object swarmkv stores. */
export const etcdValue = (index: number) => `{"id":${index},"payload":"${PAYLOAD}"}`;

export class EtcdDeployment extends ProcessGroup implements Deployment {
  readonly label: string;
  readonly urls: readonly string[];

  private constructor(label: string, urls: string[], members: ManagedProcess[]) {
    super(members);
    this.label = label;
    this.urls = urls;
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
      await deployment.waitUntil(async () => (await Promise.all(deployment.urls.map(isHealthy))).every(Boolean), `answer /health with "health":"true"`, ETCD_READY_TIMEOUT_MS);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
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
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    return response.status === 200 && ((await response.json()) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}
