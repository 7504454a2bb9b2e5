// Help for `swarmkv node`: its flags come from the daemon's configuration fields, so their headings
// are given here by flag; a field added later that no heading names is listed under "Other options".

import { configFields, CONSISTENCY_LEVELS } from '../../../node/src';
import type { CommandHelp } from '../help/command-help';
import { logFormatHelp } from '../log-format/log-format-option';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A default computed from other flags or the environment: documented, but not passed to citty. */
export const isDerivedDefault = (defaultValue: string) => /[<$(]/.test(defaultValue);

/** Defaults that are no value: none at all, or one read from the environment (shown as [env: ...]). */
const NO_DEFAULT = /^(\(none\)|\$\w+)$/;

export const nodeHelp: CommandHelp = {
  group: 'cluster',
  summary: 'Run one node in the foreground',
  examples: [
    'swarmkv node --port 7070 --data-dir ./data/n1',
    'swarmkv node --port 7071 --secret "$SECRET" --bootstrap 10.0.0.5:49737',
    'swarmkv node --memory --port 0 --log-format json',
  ],
  sections: [
    { title: 'HTTP', options: ['port', 'host', 'advertise', 'name'] },
    { title: 'Storage', options: ['data-dir', 'memory', 'sync', 'key-bytes-max', 'value-bytes-max', 'tombstone-grace-ms'] },
    { title: 'Cluster', options: ['cluster', 'secret', 'bootstrap', 'public-dht', 'dht-port'] },
    { title: 'Replication', options: ['replicas', 'tokens', 'read-consistency', 'write-consistency', 'anti-entropy-interval-ms', 'hints-max', 'hint-bytes-max'] },
    { title: 'Failure detection', options: ['profile'] },
    { title: 'Logging', options: ['log-level', 'log-format'] },
    { title: 'Fault injection', options: ['clock-offset-ms', 'chaos'] },
  ],
  defaults: {
    ...Object.fromEntries(configFields.filter((field) => isDerivedDefault(field.defaultValue) && !NO_DEFAULT.test(field.defaultValue)).map((field) => [field.flag.slice(2), field.defaultValue])),
    ...logFormatHelp.defaults,
  },
  environment: { secret: 'SWARMKV_SECRET', ...logFormatHelp.environment },
  choices: {
    'log-level': LOG_LEVELS,
    profile: ['local', 'lan', 'wan'],
    sync: ['flush', 'commit'],
    'read-consistency': CONSISTENCY_LEVELS,
    'write-consistency': CONSISTENCY_LEVELS,
    ...logFormatHelp.choices,
  },
  optionsFromEnvironment: true,
};
