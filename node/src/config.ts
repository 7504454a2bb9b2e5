// A node's configuration: every field has a default here, a CLI flag in cli/src/commands/node.ts, and a
// row in the README's configuration table (a test checks the table against `configFields`).
// Relationships between fields are checked at start-up: a bad combination fails at once, not later.

import { KEY_BYTES_MAX_CEILING, KEY_BYTES_MAX_DEFAULT, KEY_BYTES_MIN, VALUE_BYTES_MAX_DEFAULT } from './limits';
import type { LogLevel } from './log';

export type SyncPolicy = 'flush' | 'commit';

export interface NodeConfig {
  /** Human-readable node name for logs and the dashboard. */
  readonly name: string;
  /** HTTP bind address. */
  readonly host: string;
  /** HTTP port; 0 picks a free one (the chosen URL is logged in the `node.listening` event). */
  readonly port: number;
  /** Where the LMDB files live; ignored in memory mode. */
  readonly dataDir: string;
  /** Keep data in memory only: the ephemeral emulator mode, forgotten on restart. */
  readonly memory: boolean;
  /** When a write is acknowledged: after fsync (`flush`) or after commit (`commit`). */
  readonly syncPolicy: SyncPolicy;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigField {
  readonly name: keyof NodeConfig;
  readonly flag: string;
  /** How the flag's text becomes the field's value. */
  readonly kind: 'string' | 'integer' | 'boolean';
  /** The default as documented; `<...>` marks one derived from other fields. */
  readonly defaultValue: string;
  readonly meaning: string;
}

/** The documented surface of NodeConfig, in README order. */
export const configFields: readonly ConfigField[] = [
  { name: 'port', kind: 'integer', flag: '--port', defaultValue: '7070', meaning: 'HTTP port; 0 picks a free one (logged as `node.listening`)' },
  { name: 'host', kind: 'string', flag: '--host', defaultValue: '127.0.0.1', meaning: 'HTTP bind address' },
  { name: 'name', kind: 'string', flag: '--name', defaultValue: 'node-<port>', meaning: 'node name shown in logs and the dashboard' },
  { name: 'dataDir', kind: 'string', flag: '--data-dir', defaultValue: './data/<name>', meaning: 'LMDB directory (durable mode)' },
  { name: 'memory', kind: 'boolean', flag: '--memory', defaultValue: 'false', meaning: 'keep data in memory only; a restart forgets it' },
  { name: 'syncPolicy', kind: 'string', flag: '--sync', defaultValue: 'flush', meaning: '`flush`: ack after fsync; `commit`: ack after commit (survives a process crash, not power loss)' },
  { name: 'keyBytesMax', kind: 'integer', flag: '--key-bytes-max', defaultValue: String(KEY_BYTES_MAX_DEFAULT), meaning: `longest key in UTF-8 bytes (at most ${KEY_BYTES_MAX_CEILING})` },
  { name: 'valueBytesMax', kind: 'integer', flag: '--value-bytes-max', defaultValue: String(VALUE_BYTES_MAX_DEFAULT), meaning: 'largest value, as compact JSON bytes' },
  { name: 'logLevel', kind: 'string', flag: '--log-level', defaultValue: 'info', meaning: '`debug`, `info`, `warn`, `error` or `silent`' },
];

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const PORT_MAX = 65535;

export function resolveNodeConfig(overrides: Partial<NodeConfig>): NodeConfig {
  const port = overrides.port ?? 7070;
  const name = overrides.name ?? `node-${port}`;
  const config: NodeConfig = {
    name,
    host: overrides.host ?? '127.0.0.1',
    port,
    dataDir: overrides.dataDir ?? `./data/${name}`,
    memory: overrides.memory ?? false,
    syncPolicy: overrides.syncPolicy ?? 'flush',
    keyBytesMax: overrides.keyBytesMax ?? KEY_BYTES_MAX_DEFAULT,
    valueBytesMax: overrides.valueBytesMax ?? VALUE_BYTES_MAX_DEFAULT,
    logLevel: overrides.logLevel ?? 'info',
  };
  validateNodeConfig(config);
  return config;
}

function validateNodeConfig(config: NodeConfig): void {
  const check = (condition: boolean, message: string): void => {
    if (!condition) throw new ConfigError(message);
  };
  check(Number.isInteger(config.port) && config.port >= 0 && config.port <= PORT_MAX, `--port must be an integer 0..${PORT_MAX}, got ${config.port}`);
  check(config.host.length > 0, '--host must not be empty');
  check(config.name.length > 0 && config.name.length <= 64, '--name must be 1..64 characters');
  check(config.memory || config.dataDir.length > 0, '--data-dir must not be empty (or pass --memory)');
  check(config.syncPolicy === 'flush' || config.syncPolicy === 'commit', `--sync must be flush or commit, got ${String(config.syncPolicy)}`);
  check(
    Number.isInteger(config.keyBytesMax) && config.keyBytesMax >= KEY_BYTES_MIN && config.keyBytesMax <= KEY_BYTES_MAX_CEILING,
    `--key-bytes-max must be an integer ${KEY_BYTES_MIN}..${KEY_BYTES_MAX_CEILING} (LMDB's key limit), got ${config.keyBytesMax}`,
  );
  check(Number.isInteger(config.valueBytesMax) && config.valueBytesMax >= 1, `--value-bytes-max must be a positive integer, got ${config.valueBytesMax}`);
  check(LOG_LEVELS.includes(config.logLevel), `--log-level must be one of ${LOG_LEVELS.join(', ')}`);
}
