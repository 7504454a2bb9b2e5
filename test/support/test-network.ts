// A private network of test hosts, built from network namespaces this test run creates and deletes:
// one namespace holding a bridge, one namespace per host with a veth leg on that bridge and its own
// address, and a leg for the test process itself so it can reach every host over HTTP. Nothing is
// added to the machine's root namespace when tests run boxed (scripts/test.sh puts the whole run in
// a loopback-only namespace first), and no route leads anywhere but this bridge.

import { spawnSync } from 'node:child_process';

/** 10.213.<subnet>.0/24: private addresses that only ever exist inside this run's namespaces. */
const ADDRESS_PREFIX = '10.213';
const HOSTS_MAX = 200;
const CLIENT_HOST_NUMBER = 254;
let networksCreated = 0;

function ip(args: string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Every namespace of this test run starts with this: `skv` and the run's id (scripts/test.sh passes
 * SWARMKV_TEST_RUN and, after the run, deletes and reports any left behind), else this process's pid.
 */
export function namespacePrefix(): string {
  const run = process.env.SWARMKV_TEST_RUN;
  return `skv${run !== undefined && /^\d{1,6}$/.test(run) ? run : process.pid % 100000}n`;
}

export interface TestHost {
  readonly name: string;
  /** The network namespace the host's processes run in. */
  readonly namespace: string;
  readonly address: string;
}

export class TestNetwork {
  readonly hosts: TestHost[] = [];
  readonly #tag: string;
  readonly #subnet: number;
  readonly #bridgeNamespace: string;
  readonly #clientLink: string;
  #destroyed = false;

  private constructor(tag: string, subnet: number) {
    this.#tag = tag;
    this.#subnet = subnet;
    this.#bridgeNamespace = `${tag}-br`;
    this.#clientLink = `${tag}c`.slice(0, 15);
  }

  /** Creates the bridge and `hostCount` hosts named h0, h1, ... */
  static create(hostCount: number): TestNetwork {
    if (hostCount < 1 || hostCount > HOSTS_MAX) throw new Error(`hostCount must be 1..${HOSTS_MAX}`);
    const tag = `${namespacePrefix()}${Math.floor(Math.random() * 1000)}`;
    // A subnet per network, so that two networks alive in one process (and their client legs) never overlap.
    const network = new TestNetwork(tag, 1 + ((process.pid + 7 * networksCreated++) % 250));
    try {
      network.#createBridge();
      for (let index = 0; index < hostCount; index++) network.addHost();
    } catch (error) {
      network.destroy();
      throw error;
    }
    return network;
  }

  /** The test process's own address on the bridge: faults spare it, so clients reach every side. */
  get clientAddress(): string {
    return this.address(CLIENT_HOST_NUMBER);
  }

  address(hostNumber: number): string {
    return `${ADDRESS_PREFIX}.${this.#subnet}.${hostNumber}`;
  }

  #createBridge(): void {
    ip(['netns', 'add', this.#bridgeNamespace]);
    ip(['-n', this.#bridgeNamespace, 'link', 'set', 'lo', 'up']);
    ip(['-n', this.#bridgeNamespace, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', this.#bridgeNamespace, 'link', 'set', 'br0', 'up']);
    // The test process's own leg, so it can talk HTTP to the hosts.
    ip(['link', 'add', this.#clientLink, 'type', 'veth', 'peer', 'name', 'client', 'netns', this.#bridgeNamespace]);
    ip(['-n', this.#bridgeNamespace, 'link', 'set', 'client', 'master', 'br0', 'up']);
    ip(['addr', 'add', `${this.address(CLIENT_HOST_NUMBER)}/24`, 'dev', this.#clientLink]);
    ip(['link', 'set', this.#clientLink, 'up']);
  }

  addHost(): TestHost {
    const index = this.hosts.length;
    const host: TestHost = { name: `h${index}`, namespace: `${this.#tag}-h${index}`, address: this.address(index + 1) };
    ip(['netns', 'add', host.namespace]);
    ip(['-n', host.namespace, 'link', 'set', 'lo', 'up']);
    ip(['-n', host.namespace, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `h${index}`, 'netns', this.#bridgeNamespace]);
    ip(['-n', this.#bridgeNamespace, 'link', 'set', `h${index}`, 'master', 'br0', 'up']);
    ip(['-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
    ip(['-n', host.namespace, 'link', 'set', 'eth0', 'up']);
    this.hosts.push(host);
    return host;
  }

  /** argv prefix that runs a command inside a host's namespace. */
  execPrefix(host: TestHost): string[] {
    return ['ip', 'netns', 'exec', host.namespace];
  }

  /** Cuts (down) or restores (up) a host's only link: it keeps running but hears nothing. */
  setLink(host: TestHost, state: 'up' | 'down'): void {
    ip(['-n', this.#bridgeNamespace, 'link', 'set', host.name, state]);
  }

  /** Deletes every namespace and link this network created. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    spawnSync('ip', ['link', 'del', this.#clientLink]);
    for (const host of this.hosts) spawnSync('ip', ['netns', 'del', host.namespace]);
    spawnSync('ip', ['netns', 'del', this.#bridgeNamespace]);
  }
}
