// `swarmkv node`: runs a node in the foreground. The daemon is loaded only by this command, so the data
// commands stay thin HTTP clients.

import { defineCommand } from 'citty';
import type { NodeConfig } from '../../../node/src/config';
import { CliFailure, exitCodes } from '../exit-codes';
import { integerArg } from '../parse-args';

export const nodeCommand = defineCommand({
  meta: {
    name: 'node',
    description: 'Run a node in the foreground; logs one JSON line per event; Ctrl-C (SIGINT) or SIGTERM stops it cleanly.\n\nExample: swarmkv node --port 7070 --data-dir ./data/n1',
  },
  args: {
    port: { type: 'string', description: 'HTTP port (0 picks a free one)', default: '7070' },
    host: { type: 'string', description: 'HTTP bind address', default: '127.0.0.1' },
    name: { type: 'string', description: 'node name (default node-<port>)' },
    'data-dir': { type: 'string', description: 'LMDB data directory (default ./data/<name>)' },
    memory: { type: 'boolean', description: 'keep data in memory only (forgotten on restart)', default: false },
    sync: { type: 'string', description: 'ack writes after fsync (flush) or after commit (commit)', default: 'flush' },
    'key-bytes-max': { type: 'string', description: 'longest key in UTF-8 bytes', default: '1024' },
    'value-bytes-max': { type: 'string', description: 'largest value in bytes of JSON', default: '1048576' },
    'log-level': { type: 'string', description: 'debug | info | warn | error | silent', default: 'info' },
  },
  async run({ args }) {
    const { resolveNodeConfig, ConfigError } = await import('../../../node/src/config');
    const { startNode } = await import('../../../node/src/main');
    let config: NodeConfig;
    try {
      config = resolveNodeConfig({
        port: integerArg('--port', args.port),
        host: args.host,
        name: args.name,
        dataDir: args['data-dir'],
        memory: args.memory,
        syncPolicy: args.sync as NodeConfig['syncPolicy'],
        keyBytesMax: integerArg('--key-bytes-max', args['key-bytes-max']),
        valueBytesMax: integerArg('--value-bytes-max', args['value-bytes-max']),
        logLevel: args['log-level'] as NodeConfig['logLevel'],
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(exitCodes.usage, error.message);
      throw error;
    }
    const node = await startNode(config).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new CliFailure(exitCodes.usage, `${config.host}:${config.port} is already in use; pick another --port`);
      if (error.code === 'EADDRNOTAVAIL') throw new CliFailure(exitCodes.usage, `--host ${config.host} is not an address of this machine`);
      if (error.code === 'EACCES') throw new CliFailure(exitCodes.usage, `no permission to listen on ${config.host}:${config.port}`);
      throw error;
    });
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await node.close();
  },
});
