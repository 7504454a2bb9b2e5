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
  /** Published URLs by `service#index`; forgotten at every other Compose command (containers may change). */
  readonly #urls = new Map<string, string>();

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

  /** Runs a Compose command on this project (`env` replaces the secret and image, to test their absence). */
  run(args: readonly string[], env: Record<string, string> = this.#env): CommandResult {
    this.#urls.clear();
    return run(this.#compose[0]!, this.#argv(args), env);
  }

  mustRun(args: readonly string[]): CommandResult {
    this.#urls.clear();
    return mustRun(this.#compose[0]!, this.#argv(args), this.#env);
  }

  #argv(args: readonly string[]): string[] {
    return [...this.#compose.slice(1), '--project-name', this.name, ...args];
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
    const cacheKey = `${service}#${index}`;
    let url = this.#urls.get(cacheKey);
    if (url === undefined) {
      const published = mustRun(this.#compose[0]!, this.#argv(['port', '--index', String(index), service, '7070']), this.#env).stdout.trim();
      url = `http://${published}`;
      this.#urls.set(cacheKey, url);
    }
    return url;
  }

  /** Volumes Compose labels as this project's: the named ones (a replica's anonymous volume carries no label). */
  volumes(): string[] {
    return mustRun('docker', ['volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${this.name}`]).stdout.split('\n').filter((id) => id.length > 0);
  }
}

export async function membersAt(url: string): Promise<Member[]> {
  const reply = await http('GET', `${url}/cluster/members`);
  if (reply.status !== 200) throw new Error(`${url}/cluster/members answered ${reply.status}`);
  return reply.body.members as Member[];
}

/**
 * True when every node sees `count` alive members (members that left stay listed as `left` for a
 * while) and routes by the same ring of `count` members: membership settles before the ring does, and
 * a request routed by a stale ring may still wait on a member that is gone. Throws what each node sees
 * otherwise, for the timeout's message.
 */
export async function settled(urls: readonly string[], count: number): Promise<boolean> {
  const views = await Promise.all(
    urls.map(async (url) => {
      const members = await membersAt(url);
      const ring = (await http('GET', `${url}/cluster/ring`)).body as { digest: string; members: string[] };
      return { url, members: members.map((member) => `${member.name}:${member.state}`), ring };
    }),
  );
  const agree = views.every(
    (view) => view.members.filter((member) => member.endsWith(':alive')).length === count && view.ring.members.length === count && view.ring.digest === views[0]!.ring.digest,
  );
  if (!agree) throw new Error(views.map((view) => `${view.url} sees [${view.members.join(' ')}], ring ${view.ring.digest} of ${view.ring.members.length}`).join('; '));
  return true;
}

/** Anonymous volumes mounted at /data by the given containers (a scaled node's storage). */
export function dataVolumesOf(containerIds: readonly string[]): string[] {
  return containerIds.flatMap((id) => {
    const mounts = JSON.parse(mustRun('docker', ['inspect', '--format', '{{json .Mounts}}', id]).stdout) as { Name?: string; Destination: string }[];
    return mounts.filter((mount) => mount.Destination === '/data' && mount.Name !== undefined).map((mount) => mount.Name!);
  });
}
