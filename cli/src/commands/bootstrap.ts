// `swarmkv bootstrap`: runs a bare HyperDHT bootstrap node in the foreground, the fixed address nodes
// of a private DHT meet through (`swarmkv node --bootstrap host:port`). It holds no secret and serves
// any cluster. Like `swarmkv node`, it loads the daemon's code only when it runs, and logs one line per
// event (JSON or pretty, see --log-format).

import type { LogLevel } from '../../../node/src';
import { configurableFromEnvironment } from '../environment-variables';
import { CliFailure, exitCodes } from '../exit-codes';
import { freeUdpPort } from '../free-udp-port';
import { integerArg } from '../parse-args';
import { waitForStopSignal } from '../stop-signals';
import { withHelp } from '../help/command-help';
import { logFormatArgs, logFormatHelp, resolveLogFormat } from '../log-format/log-format-option';
import { loggerFor, logSink } from '../log-format/logger-for';

/** hyperdht's own default port. */
export const DHT_BOOTSTRAP_PORT_DEFAULT = 49737;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export const bootstrapCommand = configurableFromEnvironment({
  meta: {
    name: 'bootstrap',
    description:
      'Run a DHT bootstrap node in the foreground: the address nodes pass as --bootstrap. It stores no data and needs no secret; it logs one line per event (see --log-format); Ctrl-C (SIGINT) or SIGTERM stops it.',
  },
  args: {
    host: {
      type: 'string',
      description: "IPv4 address to bind, and the address nodes reach it at; 0.0.0.0 binds every interface and announces this machine's first address other than loopback (a container's own)",
      default: '127.0.0.1',
    },
    port: { type: 'string', description: 'UDP port; 0 picks a free one (logged as dht.listening)', default: String(DHT_BOOTSTRAP_PORT_DEFAULT) },
    name: { type: 'string', description: 'name in the log lines', default: 'bootstrap' },
    'log-level': { type: 'string', description: '`debug`, `info`, `warn`, `error` or `silent`', default: 'info' },
    ...logFormatArgs,
  },
  async run({ args }) {
    const logLevel = args['log-level'] as LogLevel;
    if (!LOG_LEVELS.includes(logLevel)) throw new CliFailure(exitCodes.usage, `--log-level must be one of ${LOG_LEVELS.join(', ')}`);
    const requestedPort = integerArg('--port', args.port);
    const logFormat = resolveLogFormat(args['log-format']);
    const { DhtBootstrap, reachableAddress } = await import('../../../node/src/daemon');
    // On every interface (in a container, say), the DHT still needs the one address others reach it at.
    const host = args.host === '0.0.0.0' ? reachableAddress() : args.host;
    const logger = (await loggerFor(logLevel, await logSink(logFormat))).child({ node: args.name });
    // Listening for the stop signal before dht.listening is logged: whoever waits for that line may stop us at once.
    const stopSignal = waitForStopSignal();
    let bootstrap: InstanceType<typeof DhtBootstrap>;
    try {
      const port = requestedPort === 0 ? await freeUdpPort(args.host) : requestedPort;
      bootstrap = new DhtBootstrap({ host, port, bindHost: args.host, log: (event, fields) => logger.info(event, fields) });
      await bootstrap.start();
    } catch (error) {
      throw bootstrapFailure(error as NodeJS.ErrnoException, args.host, requestedPort);
    }
    await stopSignal;
    await bootstrap.close();
  },
});

withHelp(bootstrapCommand, {
  group: 'cluster',
  summary: 'Run a DHT bootstrap node for nodes on other hosts',
  examples: ['swarmkv bootstrap --host 10.0.0.5 --port 49737', 'swarmkv node --bootstrap 10.0.0.5:49737 --secret "$SECRET"'],
  ...logFormatHelp,
  choices: { 'log-level': LOG_LEVELS, ...logFormatHelp.choices },
  optionsFromEnvironment: true,
});

/** What went wrong starting the bootstrap, as a usage error naming the flag to change. */
function bootstrapFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error instanceof TypeError) return new CliFailure(exitCodes.usage, error.message.replace(/^DhtBootstrap: host/, '--host').replace(/^DhtBootstrap: port/, '--port'));
  if (error.code === 'EADDRINUSE') return new CliFailure(exitCodes.usage, `UDP ${host}:${port} is already in use; pick another --port`);
  if (error.code === 'EADDRNOTAVAIL') return new CliFailure(exitCodes.usage, `--host ${host} is not an address of this machine`);
  if (error.code === 'EACCES') return new CliFailure(exitCodes.usage, `no permission to bind UDP ${host}:${port}`);
  return error;
}
