// Help for `swarmkv up`, kept apart from its start-up and shutdown code.
import type { CommandHelp } from '../help/command-help';
import { logFormatHelp } from '../log-format/log-format-option';

export const upHelp: CommandHelp = {
  group: 'cluster',
  summary: 'Start a local cluster in the foreground and watch it',
  examples: ['swarmkv up', 'swarmkv up -n 5 --replicas 3 --memory --base-port 8080', 'swarmkv up --log-format json > cluster.log'],
  sections: [
    { title: 'Cluster', options: ['nodes', 'base-port', 'cluster', 'replicas', 'secret', 'max-clock-offset-ms', 'node-start-timeout-ms'] },
    { title: 'Storage', options: ['data-dir', 'memory'] },
    { title: 'Logging', options: ['log-level', 'log-format'] },
  ],
  defaults: { secret: 'generated and printed', ...logFormatHelp.defaults },
  environment: { secret: 'SWARMKV_SECRET', ...logFormatHelp.environment },
  choices: { 'log-level': ['debug', 'info', 'warn', 'error', 'silent'], ...logFormatHelp.choices },
  optionsFromEnvironment: true,
};
