// The soak of the test suite itself (`npm run test:soak -- --runs N`): clones this repository's HEAD
// into a fresh temporary directory N times, one after the other, and runs `npm ci` then `npm test` in
// each, as a new user or CI would. It reports every run's result and duration and the slowest test
// files, and keeps the whole log of every failing run (its path is printed); passing runs' clones and
// logs are deleted. A suite that passes alone but fails one run in ten shows up here, not in review.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileSpans, type FileSpan, type TimedLine } from './soak-log';

/** One run is `npm ci` plus the whole suite (~7 minutes idle); past this it is stopped and counted failed. */
const RUN_MS_MAX = 40 * 60_000;
/** How many of the slowest test files each run reports. */
const SLOWEST_FILES_SHOWN = 5;

/** Written at once, not buffered: a soak runs for an hour and its progress should be seen as it goes. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

interface RunResult {
  readonly run: number;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly summary: string;
  readonly slowest: FileSpan[];
  readonly logPath: string | undefined;
}

/** Runs a command, collecting its output lines with the time each arrived; resolves with its exit code. */
function runTimed(command: string, args: string[], cwd: string, lines: TimedLine[], deadlineMs: number): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' }, detached: true });
    const startedMs = performance.now();
    const collect = (stream: NodeJS.ReadableStream) => {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const text of parts) lines.push({ atMs: performance.now() - startedMs, text });
      });
      stream.on('end', () => {
        if (buffered.length > 0) lines.push({ atMs: performance.now() - startedMs, text: buffered });
      });
    };
    collect(child.stdout!);
    collect(child.stderr!);
    const timer = setTimeout(() => {
      lines.push({ atMs: performance.now() - startedMs, text: `soak: stopped after ${deadlineMs} ms` });
      process.kill(-child.pid!, 'SIGKILL');
    }, deadlineMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise(code ?? 1);
    });
  });
}

async function soakRun(run: number, repository: string, logDirectory: string): Promise<RunResult> {
  const clone = mkdtempSync(join(tmpdir(), `swarmkv-soak-${run}-`));
  const lines: TimedLine[] = [];
  const startedMs = performance.now();
  let code = await runTimed('git', ['clone', '--quiet', '--no-hardlinks', repository, clone], tmpdir(), lines, RUN_MS_MAX);
  if (code === 0) code = await runTimed('npm', ['ci', '--no-audit', '--no-fund'], clone, lines, RUN_MS_MAX);
  const testsFrom = lines.length;
  if (code === 0) code = await runTimed('npm', ['test'], clone, lines, RUN_MS_MAX - (performance.now() - startedMs));
  const durationMs = performance.now() - startedMs;
  const summary = [...lines].reverse().find((line) => /^\d+ passed, \d+ failed$/.test(line.text))?.text ?? 'no summary line';
  const slowest = fileSpans(lines.slice(testsFrom)).sort((left, right) => right.durationMs - left.durationMs).slice(0, SLOWEST_FILES_SHOWN);
  let logPath: string | undefined;
  if (code !== 0) {
    logPath = join(logDirectory, `run-${run}.log`);
    writeFileSync(logPath, lines.map((line) => `[${(line.atMs / 1000).toFixed(1).padStart(7)} s] ${line.text}`).join('\n') + '\n');
  }
  rmSync(clone, { recursive: true, force: true });
  return { run, passed: code === 0, durationMs, summary, slowest, logPath };
}

function report(result: RunResult, runs: number): void {
  const verdict = result.passed ? 'PASS' : 'FAIL';
  say(`run ${result.run}/${runs}: ${verdict} in ${(result.durationMs / 1000).toFixed(0)} s (${result.summary})`);
  for (const file of result.slowest) say(`  ${(file.durationMs / 1000).toFixed(1).padStart(6)} s  ${file.name}`);
  if (result.logPath !== undefined) say(`  log of the failing run: ${result.logPath}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const repository = resolve(import.meta.dir, '..');
  const logDirectory = mkdtempSync(join(tmpdir(), 'swarmkv-soak-logs-'));
  mkdirSync(logDirectory, { recursive: true });
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await soakRun(run, repository, logDirectory);
    results.push(result);
    report(result, runs);
  }
  const passes = results.filter((result) => result.passed).length;
  let streak = 0;
  let longestStreak = 0;
  for (const result of results) longestStreak = Math.max(longestStreak, (streak = result.passed ? streak + 1 : 0));
  const slowestSuite = results.flatMap((result) => result.slowest).sort((left, right) => right.durationMs - left.durationMs)[0];
  say(`soak: ${passes} of ${runs} runs passed; longest run of consecutive passes ${longestStreak}`);
  if (slowestSuite !== undefined) say(`soak: slowest test file ${slowestSuite.name} at ${(slowestSuite.durationMs / 1000).toFixed(1)} s`);
  if (passes < runs) say(`soak: logs of failing runs in ${logDirectory}`);
  else rmSync(logDirectory, { recursive: true, force: true });
  process.exit(passes === runs ? 0 : 1);
}

await main();
