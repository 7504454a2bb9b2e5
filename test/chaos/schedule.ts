// Fault schedules: a list of steps, each one fault held for a while, then healed, then a quiet spell.
// The short schedule (CI) is fixed: one majority/minority partition with clients on both sides, one
// node isolated alone, one kill -9 and restart, one pause, one clock skew, one one-way cut. The random schedule (the long runner) draws every step
// from a seeded generator, so --seed replays it.

import type { ClusterNode } from '../support/cluster';
import type { FaultInjector } from './fault-injector';
import type { Random } from './random';

export interface Step {
  readonly describe: string;
  readonly apply: (injector: FaultInjector, nodes: readonly ClusterNode[]) => Promise<void> | void;
  readonly holdMs: number;
  readonly quietMs: number;
}

/** A minority and a majority: the first `minoritySize` of the given order against the rest. */
function split(nodes: readonly ClusterNode[], order: readonly number[]): { minority: ClusterNode[]; majority: ClusterNode[] } {
  const minoritySize = Math.floor((nodes.length - 1) / 2);
  const ordered = order.map((index) => nodes[index]!);
  return { minority: ordered.slice(0, minoritySize), majority: ordered.slice(minoritySize) };
}

export function shortSchedule(): Step[] {
  return [
    { describe: 'partition: the first nodes a minority, clients on both sides', apply: (i, nodes) => {
      const { minority, majority } = split(nodes, nodes.map((_, index) => index));
      i.partition(minority, majority);
    }, holdMs: 15_000, quietMs: 8000 },
    { describe: 'the second node isolated alone: fewer than W nodes on its side', apply: (i, nodes) => i.partition([nodes[1]!], nodes.filter((_, index) => index !== 1)), holdMs: 10_000, quietMs: 6000 },
    { describe: 'kill -9 the third node, then restart it', apply: (i, nodes) => i.kill(nodes[2]!), holdMs: 10_000, quietMs: 8000 },
    { describe: 'SIGSTOP the fourth node, then SIGCONT', apply: (i, nodes) => i.pause(nodes[3]!), holdMs: 8000, quietMs: 8000 },
    { describe: 'the last node restarted 5 s ahead, then back', apply: (i, nodes) => i.skew(nodes[nodes.length - 1]!, 5000), holdMs: 10_000, quietMs: 6000 },
    { describe: 'one-way cut from the first node to the second', apply: (i, nodes) => i.cut(nodes[0]!, nodes[1]!, 'one-way'), holdMs: 6000, quietMs: 5000 },
  ];
}

type FaultDraw = (random: Random, nodes: readonly ClusterNode[], netem: boolean) => Pick<Step, 'describe' | 'apply'> | undefined;

const drawIsolation: FaultDraw = (random, nodes) => {
  const alone = random.pick(nodes);
  return { describe: `isolate ${alone.name}`, apply: (i) => i.partition([alone], nodes.filter((node) => node !== alone)) };
};

const DRAWS: readonly FaultDraw[] = [
  drawIsolation,
  (random, nodes) => {
    const { minority, majority } = split(nodes, random.shuffle(nodes.map((_, index) => index)));
    return { describe: `partition [${minority.map((n) => n.name)}] | [${majority.map((n) => n.name)}]`, apply: (i) => i.partition(minority, majority) };
  },
  (random, nodes) => {
    const [from, to] = random.shuffle(nodes);
    return { describe: `one-way cut ${from!.name} -> ${to!.name}`, apply: (i) => i.cut(from!, to!, 'one-way') };
  },
  (random, nodes) => {
    const [a, b] = random.shuffle(nodes);
    return { describe: `cut ${a!.name} <-> ${b!.name}`, apply: (i) => i.cut(a!, b!, 'both') };
  },
  (random, nodes) => {
    const victim = random.pick(nodes);
    return { describe: `kill -9 ${victim.name}`, apply: (i) => i.kill(victim) };
  },
  (random, nodes) => {
    const victim = random.pick(nodes);
    return { describe: `SIGSTOP ${victim.name}`, apply: (i) => i.pause(victim) };
  },
  (random, nodes) => {
    const victim = random.pick(nodes);
    const offsetMs = random.pick([-1, 1]) * random.between(500, 10_000);
    return { describe: `skew ${victim.name} ${offsetMs} ms`, apply: (i) => i.skew(victim, offsetMs) };
  },
  (random, nodes) => {
    const victim = random.pick(nodes);
    const percent = random.between(5, 30);
    return { describe: `${percent}% loss on ${victim.name}`, apply: (i) => i.loss(victim, percent) };
  },
  (random, nodes, netem) => {
    if (!netem) return undefined;
    const victim = random.pick(nodes);
    const delayMs = random.between(20, 300);
    return { describe: `${delayMs} ms delay on ${victim.name}`, apply: (i) => i.delay(victim, delayMs) };
  },
  (random) => {
    const loadMs = random.between(10_000, 20_000);
    return { describe: `both cores loaded for ${loadMs} ms`, apply: (i) => void i.load(loadMs) };
  },
];

/** Steps until `durationMs` of holds and quiets is filled. */
export function randomSchedule(random: Random, nodes: readonly ClusterNode[], durationMs: number, netem: boolean): Step[] {
  const steps: Step[] = [];
  let plannedMs = 0;
  while (plannedMs < durationMs) {
    const drawn = random.pick(DRAWS)(random, nodes, netem);
    if (drawn === undefined) continue;
    const step = { ...drawn, holdMs: random.between(5000, 15_000), quietMs: random.between(3000, 8000) };
    steps.push(step);
    plannedMs += step.holdMs + step.quietMs;
  }
  // The bars on a side smaller than W judge only the requests sent while a node is isolated alone: a
  // schedule that drew no isolation would fail them unjudged ("at least 1 judged"), so one is added.
  if (!steps.some((step) => step.describe.startsWith('isolate '))) {
    const isolation = drawIsolation(random, nodes, netem)!;
    steps.splice(Math.floor(steps.length / 2), 0, { ...isolation, holdMs: random.between(5000, 15_000), quietMs: random.between(3000, 8000) });
  }
  return steps;
}
