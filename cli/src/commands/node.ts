// `swarmkv node`: runs a node in the foreground. Its flags are generated from the daemon's documented
// configuration fields, so the CLI, docs/configuration.md's table and the defaults cannot drift apart; each flag can
// also come from its environment variable (`--port` → `SWARMKV_PORT`, see environment-variables.ts). The
// daemon itself is loaded only when this command runs, so the data commands stay thin HTTP clients.

import type { ArgsDef } from 'citty';
import { fileURLToPath } from 'node:url';
import { ConfigError, configFields, resolveNodeConfig, SHUTDOWN_MS_MAX, tlsFilesOf, type NodeConfig } from '../../../node/src';
import { configurableFromEnvironment } from '../environment-variables';
import { CliFailure, exitCodes } from '../exit-codes';
import { printError } from '../output';
import { integerArg } from '../parse-args';
import { withHelp } from '../help/command-help';
import { logFormatArgs, resolveLogFormat } from '../log-format/log-format-option';
import { loggerFor, logSink } from '../log-format/logger-for';
import { isDerivedDefault, nodeHelp } from './node-help';

/** Each configuration field as a flag; a derived default is left to the daemon (help documents it). */
export const nodeArgs: ArgsDef = {
  ...Object.fromEntries(
    configFields.map((field) => [
      field.flag.slice(2),
      field.kind === 'boolean'
        ? { type: 'boolean', description: field.meaning, default: field.defaultValue === 'true' }
        : { type: 'string', description: field.meaning, ...(isDerivedDefault(field.defaultValue) ? {} : { default: field.defaultValue }) },
    ]),
  ),
  ...logFormatArgs,
};

/** NodeConfig overrides from parsed flags; a malformed number is a usage error naming its flag. */
export function overridesFrom(args: Record<string, unknown>): Partial<NodeConfig> {
  const overrides: Record<string, unknown> = {};
  for (const field of configFields) {
    const raw = args[field.flag.slice(2)];
    if (raw === undefined) continue;
    overrides[field.name] =
      field.kind === 'integer'
        ? integerArg(field.flag, String(raw))
        : field.kind === 'list'
          ? String(raw).split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0)
          : raw;
  }
  return overrides as Partial<NodeConfig>;
}

/**
 * The built dashboard, beside the bundle: this module is part of dist/swarmkv.mjs itself (run-cli imports
 * it statically), so its URL is the bundle's, whereas the daemon's modules load from dist/chunks/.
 */
const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

/** Resolves on the first SIGINT or SIGTERM, with the signal's name. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A clean stop, bounded. The node leaves its cluster, drains its in-flight requests (cutting those
 * still open after SHUTDOWN_DRAIN_MS_MAX), hands over what it owes and closes its store, each step
 * bounded; a start still in progress gives up and closes what it opened. Should the whole still take
 * longer than SHUTDOWN_MS_MAX, or at a second signal, the process exits anyway. That is safe for the
 * data: every write acknowledged so far is already committed (and fsynced with --sync flush), and LMDB
 * recovers from an exit at any point, as it does from kill -9. The exit code stays 0 (the node stopped
 * because it was asked to).
 */
async function stopBounded(stopped: Promise<void>): Promise<void> {
  let cutShort!: (reason: string) => void;
  const cutShortReason = new Promise<string>((resolve) => (cutShort = resolve));
  const timer = setTimeout(() => cutShort(`the clean stop did not finish within ${SHUTDOWN_MS_MAX} ms`), SHUTDOWN_MS_MAX);
  const onSignal = (signal: NodeJS.Signals) => cutShort(`${signal} again while stopping`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reason = await Promise.race([stopped.then(() => undefined), cutShortReason]);
  clearTimeout(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (reason === undefined) return;
  printError(`${reason}; exiting without waiting for it`);
  process.exit(exitCodes.ok);
}

/** The HTTP port could not be bound: a taken or foreign address is a usage error naming the flag. */
function listenFailure(error: NodeJS.ErrnoException, config: NodeConfig): Error {
  if (error.code === 'EADDRINUSE') return new CliFailure(exitCodes.usage, `${config.httpHost}:${config.port} is already in use; pick another --port`);
  if (error.code === 'EADDRNOTAVAIL') return new CliFailure(exitCodes.usage, `--host ${config.httpHost} is not an address of this machine`);
  if (error.code === 'EACCES') return new CliFailure(exitCodes.usage, `no permission to listen on ${config.httpHost}:${config.port}`);
  return startFailure(error);
}

/** A later start-up step failed (the data directory, the cluster half); what it opened is closed by now. */
function startFailure(error: unknown): CliFailure {
  return new CliFailure(exitCodes.refused, `the node failed to start: ${error instanceof Error ? error.message : String(error)}`);
}

/** Resolves with the error a start failed with; never, if it succeeds. */
function failureOf(starting: Promise<unknown>): Promise<unknown> {
  return starting.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => error,
  );
}

export const nodeCommand = configurableFromEnvironment({
  meta: {
    name: 'node',
    description:
      'Run a node in the foreground; it logs one line per event (see --log-format). Ctrl-C (SIGINT) or SIGTERM stops it cleanly, also while it starts. A start that fails exits 4 (2 for a bad flag or a taken port); a broken internal invariant stops the node at once with exit code 70 (logged as node.assertion_failed).',
  },
  args: nodeArgs,
  async run({ args }: { args: Record<string, unknown> }) {
    const logFormat = resolveLogFormat(args['log-format'] as string | undefined);
    let config: NodeConfig;
    try {
      // The first admin token is no flag (a flag shows in `ps`): its variable, or --admin-token-file.
      config = resolveNodeConfig({ ...overridesFrom(args), adminToken: process.env.SWARMKV_ADMIN_TOKEN });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(exitCodes.usage, error.message);
      throw error;
    }
    // Listen for the stop signal before starting: one that arrives while the node starts (while its DHT
    // bootstrap does not answer, say) interrupts the start, which closes what it opened.
    const interrupt = new AbortController();
    const stopRequested = nextStopSignal().then((signal) => interrupt.abort(signal));
    // The port first, with only node:http loaded: the process answers its probes while the rest of
    // the daemon loads (node/src/main-listener.ts).
    const { HttpListener } = await import('../../../node/src/main-listener');
    const listener = await HttpListener.listen(config.httpHost, config.port, tlsFilesOf(config)).catch((error: NodeJS.ErrnoException) => {
      throw listenFailure(error, config);
    });
    const { startNode, exitOnAssertionFailure } = await import('../../../node/src/daemon');
    const logger = await loggerFor(config.logLevel, await logSink(logFormat));
    // This process runs one node: a broken invariant stops it (node/src/main-fatal.ts).
    exitOnAssertionFailure(logger.child({ node: config.name }));
    const starting = startNode(config, { listener, dashboardDir: DASHBOARD_DIR, logger, signal: interrupt.signal });
    // The node stops on a stop signal, or by itself once it has left its cluster or learns it was removed.
    const departed = starting.then((node) => node.departed.then((departure) => ({ departure })), () => new Promise<never>(() => {}));
    const outcome = await Promise.race([failureOf(starting).then((error) => ({ error })), stopRequested.then(() => undefined), departed]);
    if (outcome !== undefined && 'error' in outcome && !interrupt.signal.aborted) throw startFailure(outcome.error);
    await stopBounded(starting.then((node) => node.close(), () => undefined));
    // Removed from its cluster while it was down: it must not run under its old id; say so in the exit code.
    if (outcome !== undefined && 'departure' in outcome && outcome.departure === 'removed') throw new CliFailure(exitCodes.refused, 'this node was removed from its cluster; wipe its data directory to join it as a new node');
  },
});

withHelp(nodeCommand, nodeHelp);
