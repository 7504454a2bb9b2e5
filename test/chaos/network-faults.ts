// Network faults inside the hosts' own namespaces, never in the root one: iptables DROP rules in a
// host's OUTPUT chain (a one-way cut: that host's packets to one address vanish; both ways is two of
// them), random loss with the `statistic` match, and delay with tc netem on the host's eth0 when the
// kernel has netem. Every rule added is remembered exactly and deleted by undoAll(); the rules also die
// with the namespaces when the cluster is destroyed, so a crashed run leaves nothing behind.

import { spawnSync } from 'node:child_process';
import type { TestHost } from '../support/test-network';

export class FaultUnsupported extends Error {}

interface AppliedRule {
  readonly host: TestHost;
  /** argv after the command name, starting `-A`/`-I` (undo: `-D` with the rest) or `qdisc add` (undo: del root). */
  readonly command: 'iptables' | 'tc';
  readonly args: readonly string[];
}

function run(host: TestHost, command: string, args: readonly string[]): { ok: boolean; stderr: string } {
  const result = spawnSync('ip', ['netns', 'exec', host.namespace, command, ...args], { encoding: 'utf8' });
  return { ok: result.status === 0, stderr: (result.stderr ?? '').trim() || (result.error?.message ?? '') };
}

/** Whether this machine can build each fault: probed once in a scratch host of the network. */
export interface NetworkFaultSupport {
  readonly iptables: boolean;
  readonly statisticLoss: boolean;
  readonly netem: boolean;
  readonly notes: string[];
}

export class NetworkFaults {
  readonly #applied: AppliedRule[] = [];
  #support: NetworkFaultSupport | undefined;

  /** Probes on `host` (adds then removes one rule of each kind). */
  probe(host: TestHost): NetworkFaultSupport {
    if (this.#support !== undefined) return this.#support;
    const notes: string[] = [];
    const test = (command: 'iptables' | 'tc', add: string[], del: string[]): boolean => {
      const added = run(host, command, add);
      if (!added.ok) {
        notes.push(`${command} ${add.join(' ')}: ${added.stderr}`);
        return false;
      }
      run(host, command, del);
      return true;
    };
    const probeAddress = '10.213.255.253';
    const iptables = test('iptables', ['-A', 'OUTPUT', '-d', probeAddress, '-j', 'DROP'], ['-D', 'OUTPUT', '-d', probeAddress, '-j', 'DROP']);
    const statisticLoss = iptables && test('iptables', ['-A', 'OUTPUT', '-d', probeAddress, '-m', 'statistic', '--mode', 'random', '--probability', '0.1', '-j', 'DROP'], ['-D', 'OUTPUT', '-d', probeAddress, '-m', 'statistic', '--mode', 'random', '--probability', '0.1', '-j', 'DROP']);
    const netem = test('tc', ['qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '1ms'], ['qdisc', 'del', 'dev', 'eth0', 'root']);
    this.#support = { iptables, statisticLoss, netem, notes };
    return this.#support;
  }

  #apply(rule: AppliedRule): void {
    const result = run(rule.host, rule.command, rule.args);
    if (!result.ok) throw new FaultUnsupported(`${rule.command} ${rule.args.join(' ')} in ${rule.host.namespace}: ${result.stderr}`);
    this.#applied.push(rule);
  }

  /** `from` can no longer send anything to `to` (its replies included); `to` can still send to `from`. */
  cutOneWay(from: TestHost, to: TestHost): void {
    this.#apply({ host: from, command: 'iptables', args: ['-A', 'OUTPUT', '-d', to.address, '-j', 'DROP'] });
  }

  cutBothWays(a: TestHost, b: TestHost): void {
    this.cutOneWay(a, b);
    this.cutOneWay(b, a);
  }

  /**
   * Drops `percent` of the packets the host sends and receives on its link. With netem it is the
   * qdisc's loss; without it, iptables' statistic match, on OUTPUT and INPUT for the other hosts only
   * (the test client's own address is spared, so the workload sees the cluster, not its own loss).
   */
  loss(host: TestHost, percent: number, spared: readonly string[]): void {
    const probability = (percent / 100).toFixed(3);
    for (const address of spared) {
      this.#apply({ host, command: 'iptables', args: ['-I', 'OUTPUT', '-d', address, '-j', 'ACCEPT'] });
      this.#apply({ host, command: 'iptables', args: ['-I', 'INPUT', '-s', address, '-j', 'ACCEPT'] });
    }
    this.#apply({ host, command: 'iptables', args: ['-A', 'OUTPUT', '-m', 'statistic', '--mode', 'random', '--probability', probability, '-j', 'DROP'] });
    this.#apply({ host, command: 'iptables', args: ['-A', 'INPUT', '-m', 'statistic', '--mode', 'random', '--probability', probability, '-j', 'DROP'] });
  }

  /** Adds `delayMs` (with 20% jitter) to every packet the host sends: tc netem, or FaultUnsupported. */
  delay(host: TestHost, delayMs: number): void {
    this.#apply({ host, command: 'tc', args: ['qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', `${delayMs}ms`, `${Math.round(delayMs / 5)}ms`] });
  }

  /** Deletes every rule added, newest first. Safe to call again; a namespace already gone is fine. */
  undoAll(): void {
    while (this.#applied.length > 0) {
      const rule = this.#applied.pop()!;
      const args = rule.command === 'tc' ? ['qdisc', 'del', 'dev', 'eth0', 'root'] : ['-D', ...rule.args.slice(1)];
      run(rule.host, rule.command, args);
    }
  }

  get activeRules(): number {
    return this.#applied.length;
  }

  /** What `iptables -S` and `tc qdisc` show in a host's namespace, for the harness's own test. */
  static show(host: TestHost): string {
    const rules = spawnSync('ip', ['netns', 'exec', host.namespace, 'iptables', '-S'], { encoding: 'utf8' }).stdout ?? '';
    const qdiscs = spawnSync('ip', ['netns', 'exec', host.namespace, 'tc', 'qdisc', 'show', 'dev', 'eth0'], { encoding: 'utf8' }).stdout ?? '';
    return `${rules}${qdiscs}`;
  }
}
