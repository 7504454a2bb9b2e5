// The Docker suite's hands on the engine: commands run through the real docker CLI (and Compose v2,
// or Debian's docker-compose 1.29 when v2 is absent), with their output kept for the failure message;
// polling with a deadline; and the image built from the real Dockerfile on a locally made base.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor as pollUntil } from '../support/wait-for';

export const REPO_ROOT = resolve(import.meta.dir, '../..');
const POLL_INTERVAL_MS = 250;
/** Commands such as `docker build` print more than the default 1 MiB spawnSync buffer allows. */
const COMMAND_OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command to completion (no shell); never throws, the caller judges the result. */
export function run(command: string, args: readonly string[], env: Record<string, string> = {}): CommandResult {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: COMMAND_OUTPUT_BYTES_MAX });
  if (result.error !== undefined) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

/** Runs a command that must succeed; on failure the error carries its output. */
export function mustRun(command: string, args: readonly string[], env: Record<string, string> = {}): CommandResult {
  const result = run(command, args, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result;
}

/** Polls `predicate` until it holds, or fails naming `what`; resolves with the milliseconds it took. */
export function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  return pollUntil(predicate, timeoutMs, what, { intervalMs: POLL_INTERVAL_MS });
}

/** `docker compose` (v2) when the plugin is there, else Debian's `docker-compose` 1.29. */
export function composeCommand(): string[] {
  if (run('docker', ['compose', 'version']).code === 0) return ['docker', 'compose'];
  return ['docker-compose'];
}

/** PEM certificates added to this machine's trust store (a TLS-re-signing proxy's CA, say), or ''. */
export function extraCaCertificates(folder = '/usr/local/share/ca-certificates'): string {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.crt'));
  } catch {
    return '';
  }
  return names.map((name) => readFileSync(join(folder, name), 'utf8').trim()).join('\n');
}

/** The base image for the build: $SWARMKV_DOCKER_BASE_IMAGE, or one made from this machine's Node.js. */
export function baseImage(): string {
  const given = process.env.SWARMKV_DOCKER_BASE_IMAGE;
  if (given !== undefined && given.length > 0) return given;
  return mustRun('bash', ['test/docker/base-image.sh']).stdout.trim();
}

/** Builds the repository's Dockerfile as `tag`; resolves with the build's milliseconds. */
export function buildImage(tag: string, base: string): CommandResult {
  const extraCa = extraCaCertificates();
  return mustRun('docker', ['build', '--tag', tag, '--build-arg', `BASE_IMAGE=${base}`, ...(extraCa.length > 0 ? ['--build-arg', `EXTRA_CA_CERTS=${extraCa}`] : []), '.']);
}

export interface ContainerState {
  readonly name: string;
  readonly status: string;
  readonly health: string | undefined;
  readonly exitCode: number;
}

export function containerState(id: string): ContainerState {
  const [state] = JSON.parse(mustRun('docker', ['inspect', id]).stdout) as { Name: string; State: { Status: string; ExitCode: number; Health?: { Status: string } } }[];
  return { name: state!.Name.replace(/^\//, ''), status: state!.State.Status, health: state!.State.Health?.Status, exitCode: state!.State.ExitCode };
}
