import { describe, expect, test } from 'bun:test';
import { parseDurationMs } from './chaos-duration';
import { PLAN_DEFAULT_FAULTS, PLAN_FAULT_KINDS, planScenario, type PlanInput } from './chaos-plan';
import { parseScript } from './run-script';

const base: PlanInput = { seed: 7, durationMs: 120_000, faults: PLAN_FAULT_KINDS, members: ['n1', 'n2', 'n3', 'n4', 'n5'], run: 'plan-7' };
const SEEDS = Array.from({ length: 200 }, (_, index) => index * 7919);

/** The command lines of a plan, as `swarmkv run` reads them. */
const scriptOf = (input: PlanInput) => parseScript(planScenario(input).join('\n'));
const sleptMs = (input: PlanInput) => scriptOf(input).reduce((totalMs, line) => totalMs + (line.sleepMs ?? 0), 0);
const faultLines = (input: PlanInput) => scriptOf(input).filter((line) => line.sleepMs === undefined).map((line) => line.argv);

describe('chaos plan', () => {
  test('the same seed, duration, faults and members print the same script, whatever the members order', () => {
    expect(planScenario(base)).toEqual(planScenario({ ...base }));
    expect(planScenario({ ...base, members: ['n4', 'n2', 'n5', 'n1', 'n3'] })).toEqual(planScenario(base));
  });

  test('other seeds choose other scenarios', () => {
    const scripts = new Set(SEEDS.map((seed) => planScenario({ ...base, seed, run: 'r' }).slice(3).join('\n')));
    expect(scripts.size).toBeGreaterThan(SEEDS.length * 0.9);
  });

  test('the header says how to print the script again', () => {
    expect(planScenario(base)[0]).toBe('# swarmkv chaos plan --seed 7 --duration 2m --faults partition,pause,skew,kill,delay --run plan-7');
  });

  test('every line is a script line; every chaos line carries --run; the script ends healed', () => {
    for (const seed of SEEDS) {
      const lines = faultLines({ ...base, seed });
      for (const argv of lines) {
        expect(argv[0]).toBe('chaos');
        expect(argv.slice(-2)).toEqual(['--run', 'plan-7']);
      }
      expect(lines.at(-1)).toEqual(['chaos', 'heal', '--run', 'plan-7']);
    }
  });

  test('its sleeps fill the duration without passing it', () => {
    for (const seed of SEEDS) {
      for (const durationMs of [10_000, 60_000, 600_000]) {
        const totalMs = sleptMs({ ...base, seed, durationMs });
        expect(totalMs).toBeLessThanOrEqual(durationMs);
        expect(totalMs).toBeGreaterThan(durationMs / 2);
      }
    }
  });

  test('faults come from --faults only, with the limits the node accepts', () => {
    for (const seed of SEEDS) {
      for (const argv of faultLines({ ...base, seed, durationMs: 3_600_000, faults: ['pause', 'skew'] })) {
        expect(['pause', 'skew', 'heal']).toContain(argv[1]!);
        if (argv[1] === 'pause') expect(parseDurationMs('--duration', argv[argv.indexOf('--duration') + 1]!)).toBeLessThanOrEqual(60_000);
        if (argv[1] === 'skew') expect(Math.abs(parseDurationMs('--offset', argv[argv.indexOf('--offset') + 1]!, true))).toBeLessThanOrEqual(60_000);
      }
    }
  });

  test('a delay slows one member\'s links by a multiple of 50ms up to 1s, and lifts by itself', () => {
    let delays = 0;
    for (const seed of SEEDS) {
      for (const argv of faultLines({ ...base, seed, faults: ['delay', 'pause'] }).filter((line) => line[1] === 'delay')) {
        delays++;
        expect(base.members).toContain(argv[2]!);
        expect(argv[3]).toBe('--by');
        const holdMs = parseDurationMs('--by', argv[4]!);
        expect(holdMs % 50).toBe(0);
        expect(holdMs).toBeGreaterThan(0);
        expect(holdMs).toBeLessThanOrEqual(1_000);
        expect(argv[5]).toBe('--duration');
        expect(parseDurationMs('--duration', argv[6]!)).toBeGreaterThanOrEqual(2_000);
      }
    }
    expect(delays).toBeGreaterThan(SEEDS.length / 2);
  });

  test('a skew is always set back to real time', () => {
    for (const seed of SEEDS) {
      const skews = faultLines({ ...base, seed, faults: ['skew'] }).filter((argv) => argv[1] === 'skew');
      expect(skews.length % 2).toBe(0);
      for (let index = 0; index < skews.length; index += 2) expect(skews[index + 1]).toEqual(['chaos', 'skew', skews[index]![2]!, '--offset', '0s', '--run', 'plan-7']);
    }
  });

  test('a partition cuts a minority off from the rest of the members', () => {
    for (const seed of SEEDS) {
      for (const argv of faultLines({ ...base, seed, faults: ['partition'] }).filter((line) => line[1] === 'partition')) {
        const [cut, rest] = [argv[2]!.split(','), argv[4]!.split(',')];
        expect(argv[3]).toBe('/');
        expect(cut.length).toBeLessThan(rest.length);
        expect([...cut, ...rest].sort()).toEqual([...base.members]);
      }
    }
  });

  test('at most one kill, while more than two members are left, and the killed member is never named again', () => {
    for (const seed of SEEDS) {
      for (const members of [base.members, ['a', 'b', 'c'], ['a', 'b']]) {
        const lines = faultLines({ ...base, seed, members, faults: ['kill', 'pause'] });
        const kills = lines.filter((argv) => argv[1] === 'kill');
        expect(kills.length).toBeLessThanOrEqual(members.length > 2 ? 1 : 0);
        if (kills.length === 1) expect(lines.slice(lines.indexOf(kills[0]!) + 1).some((argv) => argv[2] === kills[0]![2])).toBe(false);
      }
    }
  });

  test('a single member gets no partition: there is no other side', () => {
    const lines = faultLines({ ...base, members: ['solo'], faults: ['partition'] });
    expect(lines).toEqual([['chaos', 'heal', '--run', 'plan-7']]);
  });

  test('with --restart-kills, each kill asks up to restart the node after it, the gap lets it come back, and it may be named again', () => {
    const restarting = { ...base, faults: ['kill', 'pause'] as const, restartKills: true };
    let killsSeen = 0;
    let killedNamedAgain = false;
    for (const seed of SEEDS) {
      const script = scriptOf({ ...restarting, seed });
      expect(script.reduce((totalMs, line) => totalMs + (line.sleepMs ?? 0), 0)).toBeLessThanOrEqual(base.durationMs);
      script.forEach((line, index) => {
        if (line.argv[1] !== 'kill') return;
        killsSeen++;
        const deadMs = parseDurationMs('--restart-after', line.argv[line.argv.indexOf('--restart-after') + 1]!);
        expect(deadMs).toBeGreaterThanOrEqual(2_000);
        // The sleep after it covers the dead time and at least 5 s for the node to start and be seen alive.
        expect(script[index + 1]!.sleepMs! - deadMs).toBeGreaterThanOrEqual(5_000);
        if (script.slice(index + 1).some((later) => later.argv[2] === line.argv[2])) killedNamedAgain = true;
      });
      expect(planScenario({ ...restarting, seed })[0]).toContain(' --restart-kills --run plan-7');
    }
    expect(killsSeen).toBeGreaterThan(SEEDS.length);
    expect(killedNamedAgain).toBe(true);
    // --no-restart-kills is the plan without the flag.
    expect(planScenario({ ...base, restartKills: false })).toEqual(planScenario(base));
  });

  test('kill is left out unless asked for', () => {
    expect(PLAN_DEFAULT_FAULTS).not.toContain('kill');
  });
});
