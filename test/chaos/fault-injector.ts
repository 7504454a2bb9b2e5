// The faults of the chaos runs, on top of the cluster harness: each one is recorded on the timeline
// (what, which nodes, which links, when) and pushes its own undo, so heal() undoes every fault still
// active, newest first, and records when. destroyNow() is the synchronous last resort of teardown and
// of the exit hook: rules out, load stopped, paused processes continued (the cluster's destroy kills
// them and deletes the namespaces, and the rules with them). Network faults share one rule list: the
// first network undo removes every rule, which is what heal() wants, since it undoes all faults.

import type { ClusterNode, TestCluster } from '../support/cluster';
import { CpuLoad } from './cpu-load';
import { NetworkFaults, type NetworkFaultSupport } from './network-faults';
import { FaultTimeline, type FaultInterval } from './timeline';

interface ActiveFault {
  readonly interval: FaultInterval;
  readonly undo: () => Promise<void>;
}

const liveInjectors = new Set<FaultInjector>();
process.once('exit', () => {
  for (const injector of liveInjectors) injector.destroyNow();
});

export class FaultInjector {
  readonly timeline = new FaultTimeline();
  readonly network = new NetworkFaults();
  readonly #cluster: TestCluster;
  readonly #active: ActiveFault[] = [];
  readonly #loads = new Set<CpuLoad>();

  constructor(cluster: TestCluster) {
    this.#cluster = cluster;
    liveInjectors.add(this);
  }

  /** What this kernel supports, probed on the first node's host. */
  support(): NetworkFaultSupport {
    return this.network.probe(this.#cluster.nodes[0]!.host);
  }

  get activeFaults(): readonly FaultInterval[] {
    return this.#active.map((fault) => fault.interval);
  }

  #record(fault: Omit<FaultInterval, 'startMs'>, undo: () => Promise<void>): FaultInterval {
    const interval = this.timeline.begin(fault);
    this.#active.push({ interval, undo });
    return interval;
  }

  /** kill -9; healed by a restart on the same data directory. */
  async kill(node: ClusterNode): Promise<void> {
    this.#record({ kind: 'kill', description: `kill -9 ${node.name}`, downNodes: [node.name], cutLinks: [] }, () => this.#cluster.restart(node));
    await this.#cluster.kill9(node);
  }

  /** SIGSTOP; healed by SIGCONT. */
  pause(node: ClusterNode): void {
    this.#record({ kind: 'pause', description: `SIGSTOP ${node.name}`, downNodes: [node.name], cutLinks: [] }, async () => this.#cluster.resume(node));
    this.#cluster.pause(node);
  }

  /** Restarts the node with its wall clock shifted by `offsetMs`; healed by a restart without the shift. */
  async skew(node: ClusterNode, offsetMs: number): Promise<void> {
    const description = `clock of ${node.name} ${offsetMs >= 0 ? '+' : ''}${offsetMs} ms (restart with --clock-offset-ms)`;
    this.#record({ kind: 'skew', description, downNodes: [node.name], cutLinks: [] }, () => this.#cluster.restart(node, { extraArgs: [] }));
    await this.#cluster.restart(node, { extraArgs: [`--clock-offset-ms=${offsetMs}`] });
  }

  /** `from` can no longer send to `to` (one-way), or neither to the other (both). */
  cut(from: ClusterNode, to: ClusterNode, direction: 'one-way' | 'both'): void {
    const links: [string, string][] = direction === 'one-way' ? [[from.name, to.name]] : [[from.name, to.name], [to.name, from.name]];
    this.#record({ kind: 'cut', description: `cut ${from.name} ${direction === 'one-way' ? '->' : '<->'} ${to.name}`, downNodes: [], cutLinks: links }, async () => this.network.undoAll());
    if (direction === 'one-way') this.network.cutOneWay(from.host, to.host);
    else this.network.cutBothWays(from.host, to.host);
  }

  /** Cuts every link between the two sides, both ways; the test client still reaches every node. */
  partition(minority: readonly ClusterNode[], majority: readonly ClusterNode[]): void {
    const links: [string, string][] = [];
    for (const a of minority) for (const b of majority) links.push([a.name, b.name], [b.name, a.name]);
    const names = (side: readonly ClusterNode[]) => side.map((node) => node.name);
    const description = `partition [${names(minority)}] | [${names(majority)}]`;
    this.#record({ kind: 'partition', description, downNodes: [], cutLinks: links, sides: [names(minority), names(majority)] }, async () => this.network.undoAll());
    for (const a of minority) for (const b of majority) this.network.cutBothWays(a.host, b.host);
  }

  /** Random loss of `percent` of the node's packets to and from the other hosts. */
  loss(node: ClusterNode, percent: number): void {
    const others = this.#cluster.nodes.filter((other) => other !== node).flatMap((other) => [[node.name, other.name] as [string, string], [other.name, node.name] as [string, string]]);
    this.#record({ kind: 'loss', description: `${percent}% loss on ${node.name}`, downNodes: [], cutLinks: others }, async () => this.network.undoAll());
    this.network.loss(node.host, percent, [this.#cluster.network.clientAddress]);
  }

  /** tc netem delay on the node's link (FaultUnsupported without netem). */
  delay(node: ClusterNode, delayMs: number): void {
    this.network.delay(node.host, delayMs);
    this.#record({ kind: 'delay', description: `${delayMs} ms delay on ${node.name}`, downNodes: [], cutLinks: [] }, async () => this.network.undoAll());
  }

  /** Every core busy for at most `durationMs`; healed by stopping it. */
  load(durationMs: number): CpuLoad {
    const load = CpuLoad.start(durationMs);
    this.#loads.add(load);
    this.#record({ kind: 'load', description: `${load.cores} cores loaded (${load.tool}) for at most ${durationMs} ms`, downNodes: [], cutLinks: [] }, async () => {
      load.stop();
      this.#loads.delete(load);
    });
    return load;
  }

  /** Undoes every active fault, newest first; resolves once restarted nodes listen again. */
  async heal(): Promise<void> {
    while (this.#active.length > 0) {
      const fault = this.#active.pop()!;
      try {
        await fault.undo();
      } finally {
        this.timeline.end(fault.interval);
      }
    }
  }

  destroyNow(): void {
    this.network.undoAll();
    for (const load of this.#loads) load.stop();
    for (const node of this.#cluster.nodes) if (node.process?.paused) this.#cluster.resume(node);
    liveInjectors.delete(this);
  }
}
