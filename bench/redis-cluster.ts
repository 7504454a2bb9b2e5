// The Redis Cluster deployment: six Debian redis-server processes on 127.0.0.1 (cluster mode), made
// into 3 masters with one replica each by `redis-cli --cluster create`. Persistence is Redis's usual
// durable-enough setting: the append-only file, fsynced once a second (a PUT is acknowledged before it
// is on disk, unlike swarmkv's and etcd's). Ready once every node reports `cluster_state:ok`.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from './deployment';
import { ManagedProcess } from './managed-process';
import { freeTcpPort } from './ports';
import { BIND_HOST } from './systems';

export const REDIS_SERVER_COMMAND = 'redis-server';
export const REDIS_CLI_COMMAND = 'redis-cli';
const MASTERS = 3;
const REPLICAS_PER_MASTER = 1;
const REDIS_READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
/** redis-cli's own exit bounds one probe (it has no timeout flag of its own for a hung server). */
const CLI_TIMEOUT_MS = 10_000;

export class RedisClusterDeployment implements Deployment {
  readonly label: string;
  /** redis://host:port of every node; the load generator needs only one (it learns the slots). */
  readonly urls: readonly string[];
  readonly #nodes: readonly ManagedProcess[];
  #stopping: Promise<void> | undefined;

  private constructor(label: string, urls: string[], nodes: ManagedProcess[]) {
    this.label = label;
    this.urls = urls;
    this.#nodes = nodes;
  }

  static async start(options: { label: string; scratchDir: string; cpus: string | undefined }): Promise<RedisClusterDeployment> {
    const ports: number[] = [];
    for (let index = 0; index < MASTERS * (1 + REPLICAS_PER_MASTER); index++) ports.push(await freeTcpPort());
    const nodes = ports.map((port) => {
      const dir = join(options.scratchDir, `data-redis-${port}`);
      mkdirSync(dir, { recursive: true });
      const args = [
        ...['--port', String(port), '--bind', BIND_HOST, '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')],
        ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
        ...['--loglevel', 'warning', '--logfile', ''],
      ];
      return new ManagedProcess(`${options.label}-${port}`, REDIS_SERVER_COMMAND, args, { cpus: options.cpus, stdout: 'log' });
    });
    const deployment = new RedisClusterDeployment(options.label, ports.map((port) => `redis://${BIND_HOST}:${port}`), nodes);
    try {
      await deployment.#waitFor((port) => redisCli(port, ['ping']).trim() === 'PONG', 'answer PING');
      const created = spawnSync(REDIS_CLI_COMMAND, ['--cluster', 'create', ...ports.map((port) => `${BIND_HOST}:${port}`), '--cluster-replicas', String(REPLICAS_PER_MASTER), '--cluster-yes'], {
        encoding: 'utf8',
        timeout: REDIS_READY_TIMEOUT_MS,
      });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await deployment.#waitFor((port) => redisCli(port, ['cluster', 'info']).includes('cluster_state:ok'), 'report cluster_state:ok');
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  get pids(): number[] {
    return this.#nodes.flatMap((node) => (node.pid === undefined ? [] : [node.pid]));
  }

  stderr(): string {
    return this.#nodes.map((node) => `[${node.name}] ${node.stderr()}`).join('\n');
  }

  stop(): Promise<void> {
    this.#stopping ??= Promise.all(this.#nodes.map((node) => node.stop())).then(() => undefined);
    return this.#stopping;
  }

  async #waitFor(ready: (port: number) => boolean, what: string): Promise<void> {
    const ports = this.urls.map((url) => Number(new URL(url).port));
    const startedMs = performance.now();
    while (performance.now() - startedMs < REDIS_READY_TIMEOUT_MS) {
      const exited = this.#nodes.find((node) => node.hasExited);
      if (exited !== undefined) throw new Error(`${exited.name} exited during start-up: ${exited.stderr()}`);
      if (ports.every(ready)) return;
      await Bun.sleep(READY_POLL_MS);
    }
    throw new Error(`${this.label}: not every node did ${what} within ${REDIS_READY_TIMEOUT_MS} ms: ${this.stderr()}`);
  }
}

function redisCli(port: number, args: string[]): string {
  const result = spawnSync(REDIS_CLI_COMMAND, ['-h', BIND_HOST, '-p', String(port), ...args], { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  return result.status === 0 ? result.stdout : '';
}
