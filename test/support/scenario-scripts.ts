// Scenario files (examples/scenarios/*.txt) and CLI scripts run against a test cluster: a scenario is
// written for `swarmkv up`'s cluster (members node-7070..node-7072 at http://127.0.0.1:7070..7072), so
// its names and URLs are mapped onto the test cluster's (n1..n3 on the test network) and nothing else.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterNode, TestCluster } from './cluster';
import { CLI_PATH } from './spawn-node';

const SCENARIOS = join(import.meta.dir, '..', '..', 'examples', 'scenarios');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The scenario's text with `swarmkv up`'s member names and URLs replaced by this cluster's. */
export function mappedScenario(cluster: TestCluster, file: string): string {
  let text = readFileSync(join(SCENARIOS, file), 'utf8');
  cluster.nodes.forEach((node, index) => {
    text = text.replaceAll(`node-${7070 + index}`, node.name).replaceAll(`http://127.0.0.1:${7070 + index}`, node.url);
  });
  return text;
}

/** Runs `swarmkv run` on a script (or another command given the script's path); resolves when it exits. */
export function runScript(scratch: string, name: string, text: string, urls: readonly string[], command: (path: string) => string[] = (path) => ['run', path]): Promise<RunResult> {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return runCli(command(path), urls);
}

/** Runs one CLI command against these nodes (no token); resolves when it exits. */
export function runCli(args: readonly string[], urls: readonly string[]): Promise<RunResult> {
  const child = spawn('node', [CLI_PATH, ...args, '--url', urls.join(',')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWARMKV_TOKEN: '' } });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** What `swarmkv check --json` printed: the fields these tests read. */
export interface CheckReport {
  seed: number; members: { name: string }[]; byMember: Record<string, { ok: number; refused: number }>; refusals: Record<string, number>;
  finalReads: { keys: number; unread: string[] }; acknowledgedQuorumPuts: number; undoneDeletes: unknown[]; phantoms: unknown[];
  lost: { key: string; found: string | null; op: { coordinator: string; completedAt: string }; foundWrittenBy: { coordinator: string; invokedAt: string } | null }[];
  reads: { one: number; quorum: number }; staleReads: { read: { consistency: string } }[]; violations: number; ok: boolean; scriptExitCode: number;
}

/** `swarmkv check --during` a scenario of examples/scenarios/ (mapped onto this cluster), `onePercent` of its operations at one (half by default); its run and its JSON report. */
export async function checkDuring(cluster: TestCluster, scratch: string, scenario: string, seed: number, onePercent = 50): Promise<{ result: RunResult; report: CheckReport }> {
  const [n1, n2] = cluster.nodes as [ClusterNode, ClusterNode];
  const result = await runScript(scratch, `check-${scenario}`, mappedScenario(cluster, scenario), [n1.url, n2.url], (path) => ['check', '--during', path, '--seed', String(seed), '--one-percent', String(onePercent), '--json']);
  const reportLine = result.stdout.split('\n').find((line) => line.startsWith('{"runId"'));
  if (reportLine === undefined) throw new Error(`no report from swarmkv check (exit ${result.code}): ${result.stdout}${result.stderr}`);
  return { result, report: JSON.parse(reportLine) as CheckReport };
}
