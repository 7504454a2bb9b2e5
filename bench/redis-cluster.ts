// The Redis Cluster deployment: six Debian redis-server processes on 127.0.0.1 (cluster mode), made
// into 3 masters with one replica each by `redis-cli --cluster create`. Persistence is Redis's usual
// durable-enough setting: the append-only file, fsynced once a second (a PUT is acknowledged before it
// is on disk, unlike swarmkv's and etcd's). Ready once every node reports `cluster_state:ok`.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from './deployment';
import { ManagedProcess } from './managed-process';
import { ProcessGroup } from './process-group';
import { freeTcpPort } from './ports';
import { BIND_HOST } from './systems';

export const REDIS_SERVER_COMMAND = 'redis-server';
export const REDIS_CLI_COMMAND = 'redis-cli';
const MASTERS = 3;
const REPLICAS_PER_MASTER = 1;
const REDIS_READY_TIMEOUT_MS = 30_000;
/** redis-cli's own exit bounds one probe (it has no timeout flag of its own for a hung server). */
const CLI_TIMEOUT_MS = 10_000;

export class RedisClusterDeployment extends ProcessGroup implements Deployment {
  readonly label: string;
  /** redis://host:port of every node; the load generator needs only one (it learns the slots). */
  readonly urls: readonly string[];

  private constructor(label: string, urls: string[], nodes: ManagedProcess[]) {
    super(nodes);
    this.label = label;
    this.urls = urls;
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
      const everyNode = (ready: (port: number) => boolean) => () => ports.every(ready);
      await deployment.waitUntil(everyNode((port) => redisCli(port, ['ping']).trim() === 'PONG'), 'answer PING', REDIS_READY_TIMEOUT_MS);
      const created = spawnSync(REDIS_CLI_COMMAND, ['--cluster', 'create', ...ports.map((port) => `${BIND_HOST}:${port}`), '--cluster-replicas', String(REPLICAS_PER_MASTER), '--cluster-yes'], {
        encoding: 'utf8',
        timeout: REDIS_READY_TIMEOUT_MS,
      });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await deployment.waitUntil(everyNode((port) => redisCli(port, ['cluster', 'info']).includes('cluster_state:ok')), 'report cluster_state:ok', REDIS_READY_TIMEOUT_MS);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }
}

function redisCli(port: number, args: string[]): string {
  const result = spawnSync(REDIS_CLI_COMMAND, ['-h', BIND_HOST, '-p', String(port), ...args], { encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  return result.status === 0 ? result.stdout : '';
}
