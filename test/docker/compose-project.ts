// One Compose project of the repository's docker-compose.yml, under a name of the test's own, and what
// the suite asks of it: its containers, their published loopback ports, each node's view of the cluster.

import { http } from '../support/spawn-node';
import { composeCommand, containerState, mustRun, run, type CommandResult, type ContainerState } from './docker-engine';

export interface Member {
  readonly nodeId: string;
  readonly name: string;
  readonly httpAddress: string;
  readonly state: string;
}

export class ComposeProject {
  readonly #compose = composeCommand();
  readonly #env: Record<string, string>;

  constructor(
    readonly name: string,
    image: string,
    secret: string,
  ) {
    this.#env = { SWARMKV_IMAGE: image, SWARMKV_SECRET: secret };
  }

  /** Which Compose runs the file: `docker compose` (v2) or `docker-compose` (1.29). */
  get tool(): string {
    return this.#compose.join(' ');
  }

  run(args: readonly string[], env: Record<string, string> = this.#env): CommandResult {
    return run(this.#compose[0]!, [...this.#compose.slice(1), '--project-name', this.name, ...args], env);
  }

  mustRun(args: readonly string[]): CommandResult {
    return mustRun(this.#compose[0]!, [...this.#compose.slice(1), '--project-name', this.name, ...args], this.#env);
  }

  /** Container ids of a service (of every service when undefined), running or not. */
  containers(service?: string): string[] {
    const filters = ['--filter', `label=com.docker.compose.project=${this.name}`, ...(service === undefined ? [] : ['--filter', `label=com.docker.compose.service=${service}`])];
    return mustRun('docker', ['ps', '--all', '--quiet', ...filters]).stdout.split('\n').filter((id) => id.length > 0);
  }

  states(service?: string): ContainerState[] {
    return this.containers(service).map((id) => containerState(id));
  }

  /** The loopback URL of a service's port 7070 (`index` counts replicas of a scaled service from 1). */
  url(service: string, index = 1): string {
    const published = this.mustRun(['port', '--index', String(index), service, '7070']).stdout.trim();
    return `http://${published}`;
  }

  /** Named and anonymous volumes labelled as this project's, or mounted by its containers. */
  volumes(): string[] {
    return mustRun('docker', ['volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${this.name}`]).stdout.split('\n').filter((id) => id.length > 0);
  }
}

export async function membersAt(url: string): Promise<Member[]> {
  const reply = await http('GET', `${url}/cluster/members`);
  if (reply.status !== 200) throw new Error(`${url}/cluster/members answered ${reply.status}`);
  return reply.body.members as Member[];
}

/** True when the node at `url` sees exactly `count` members, all alive. */
export async function seesAlive(url: string, count: number): Promise<boolean> {
  const members = await membersAt(url);
  return members.length === count && members.every((member) => member.state === 'alive');
}

/** Anonymous volumes mounted at /data by the given containers (a scaled node's storage). */
export function dataVolumesOf(containerIds: readonly string[]): string[] {
  return containerIds.flatMap((id) => {
    const mounts = JSON.parse(mustRun('docker', ['inspect', '--format', '{{json .Mounts}}', id]).stdout) as { Name?: string; Destination: string }[];
    return mounts.filter((mount) => mount.Destination === '/data' && mount.Name !== undefined).map((mount) => mount.Name!);
  });
}
