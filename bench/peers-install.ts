// The benchmark's own installer: the peers it measures swarmkv against come from Debian's packages and
// are installed when missing (as root, with apt-get), before the run enters its network namespace (the
// namespace has no route to a package mirror). Only the packages the chosen systems need are asked for.

import { spawnSync } from 'node:child_process';
import { ETCD_COMMAND } from './etcd';
import { REDIS_BENCHMARK_COMMAND } from './redis-benchmark';
import { REDIS_CLI_COMMAND, REDIS_SERVER_COMMAND } from './redis-cluster';
import { SYSTEMS, type Protocol, type SystemId } from './systems';

interface Requirement {
  readonly command: string;
  readonly debianPackage: string;
}

const REQUIREMENTS: Record<Protocol, readonly Requirement[]> = {
  swarmkv: [{ command: 'wrk', debianPackage: 'wrk' }],
  etcd: [
    { command: 'wrk', debianPackage: 'wrk' },
    { command: ETCD_COMMAND, debianPackage: 'etcd-server' },
  ],
  redis: [
    { command: REDIS_SERVER_COMMAND, debianPackage: 'redis-server' },
    { command: REDIS_CLI_COMMAND, debianPackage: 'redis-tools' },
    { command: REDIS_BENCHMARK_COMMAND, debianPackage: 'redis-tools' },
  ],
};

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** The Debian packages the systems need that are not installed. */
export function missingPackages(systems: readonly SystemId[]): string[] {
  const needed = systems.flatMap((id) => REQUIREMENTS[SYSTEMS[id].protocol]);
  return [...new Set(needed.filter((requirement) => !onPath(requirement.command)).map((requirement) => requirement.debianPackage))];
}

/** Installs what is missing; returns an error message, or undefined when everything is there. */
export function installMissing(systems: readonly SystemId[], progress: (line: string) => void): string | undefined {
  const missing = missingPackages(systems);
  if (missing.length === 0) return undefined;
  const hint = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) return `missing ${missing.join(', ')}; install them with: ${hint}`;
  progress(`installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  // A fresh machine's package lists may be empty or stale: update once, and only when needed.
  if (install().status !== 0 && (spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status !== 0 || install().status !== 0)) {
    return `apt-get could not install ${missing.join(', ')}; try: ${hint}`;
  }
  const still = missingPackages(systems);
  return still.length === 0 ? undefined : `still missing after apt-get: ${still.join(', ')}`;
}
