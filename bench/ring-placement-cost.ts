// `bun run bench/ring-placement-cost.ts [--other DIR]`: what placing a key costs a coordinator, per
// request (`targetsFor`, every member healthy), on this build's HashRing and on another checkout's, an
// A/B in one process with interleaved rounds. Each round places `--requests` keys drawn from `--keys`
// distinct ones (the benchmark's load uses 10,000) on a ring of three members with the default tokens.
// Prints CPU ns per placement (process.cpuUsage), medians over rounds.
//   --other DIR   a checkout whose node/src/ring is B (e.g. bench/build-at.sh's worktree); without it,
//                 only this build is measured. Bun imports its TypeScript directly.
// For V8's figures, bundle it (`bun build --target node bench/ring-placement-cost.ts --outfile
// dist/ring-placement-cost.mjs`, without --other) at each commit and run each bundle under node.

import { parseArgs } from 'node:util';
import { HashRing } from '../node/src/ring';
import { median } from './summary';

interface RingLike {
  targetsFor(key: string, n: number, isHealthy: (nodeId: string) => boolean): unknown[];
}
type RingConstructor = new (members: { nodeId: string }[]) => RingLike;

const { values } = parseArgs({ options: { other: { type: 'string' }, rounds: { type: 'string', default: '7' }, keys: { type: 'string', default: '10000' }, requests: { type: 'string', default: '1000000' } } });
const rounds = Number(values.rounds);
const keys = Array.from({ length: Number(values.keys) }, (_, index) => `key-${index}`);
const requests = Number(values.requests);
const members = ['a1b2c3d4e5f60718', '1122334455667788', 'f0e1d2c3b4a59687'].map((nodeId) => ({ nodeId }));
const healthy = () => true;

async function otherRing(dir: string | undefined): Promise<RingConstructor | undefined> {
  if (dir === undefined) return undefined;
  const module = (await import(`${dir}/node/src/ring/index.ts`)) as { HashRing: RingConstructor };
  return module.HashRing;
}

function nsPerPlacement(Ring: RingConstructor): number {
  const ring = new Ring(members);
  let state = 12345;
  const started = process.cpuUsage();
  for (let request = 0; request < requests; request++) {
    // A fresh string per request, as a request's key is parsed from its URL.
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const key = `${keys[state % keys.length]}`.slice(0);
    ring.targetsFor(key, 3, healthy);
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / requests;
}

const builds: [string, RingConstructor][] = [['A (this build)', HashRing as unknown as RingConstructor]];
const other = await otherRing(values.other);
if (other !== undefined) builds.push([`B (${values.other})`, other]);
const samples = new Map<string, number[]>(builds.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, Ring] of round % 2 === 0 ? builds : [...builds].reverse()) samples.get(name)!.push(nsPerPlacement(Ring));
}
for (const [name, list] of samples) console.log(`${name}: ${median(list).toFixed(0)} ns CPU per placement (rounds: ${list.map((value) => value.toFixed(0)).join(', ')})`);
