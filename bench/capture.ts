// Runs a load generator (wrk, redis-benchmark) to completion and hands back its stdout, killing it if it
// overruns and when the benchmark is interrupted.

import { spawn } from 'node:child_process';
import { registerCleanup } from './cleanup';

/** Runs a command to completion, asynchronously, so that signal handlers stay responsive meanwhile. */
export function capture(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const unregister = registerCleanup(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      unregister();
      reject(error);
    });
    child.once('close', (code, signal) => {
      unregister();
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}${stdout}`));
    });
  });
}
