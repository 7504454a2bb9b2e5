// A node's configuration: every field has a default here, a CLI flag in cli/src/commands/node.ts (and
// so an environment variable, by cli/src/environment-variables.ts's one rule), and a row in docs/configuration.md's
// configuration table (a test checks the table against `configFields`).
// Relationships between fields are checked at start-up: a bad combination fails at once, not later.

import {
  KEY_BYTES_MAX_CEILING,
  KEY_BYTES_MAX_DEFAULT,
  KEY_BYTES_MIN,
  REPLICATION_FACTOR_DEFAULT,
  REPLICATION_FACTOR_MAX,
  SECRET_CHARS_MIN,
  TOKENS_PER_NODE_DEFAULT,
  TOKENS_PER_NODE_MAX,
  VALUE_BYTES_MAX_CEILING,
  VALUE_BYTES_MAX_DEFAULT,
  CLOCK_OFFSET_MS_MAX,
  MAX_CLOCK_OFFSET_MS_DEFAULT,
  ANTI_ENTROPY_INTERVAL_MS_DEFAULT,
  ANTI_ENTROPY_INTERVAL_MS_MAX,
  CLEANUP_GRACE_MS_DEFAULT,
  CLEANUP_GRACE_MS_MAX,
  TOMBSTONE_GRACE_MS_DEFAULT,
  TOMBSTONE_GRACE_MS_MAX,
  TOMBSTONE_GRACE_MS_MIN,
  HINT_BYTES_MAX_CEILING,
  HINT_BYTES_MAX_DEFAULT,
  HINT_OVERHEAD_BYTES_MAX,
  HINTS_MAX_CEILING,
  HINTS_MAX_DEFAULT,
} from './limits';
import type { LogLevel } from './log';
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { ADMIN_TOKEN_CHARS_MIN } from './limits';
import { advertisedHostOf, ANY_ADDRESS, isLoopbackHost, reachableAddress, thisMachine, type HostMachine } from './host-machine';

export type SyncPolicy = 'flush' | 'commit';
export type Consistency = 'one' | 'quorum' | 'all';
/** Timing profiles for failure detection, from a quiet loopback to a lossy wide-area network. */
export type MembershipProfile = 'local' | 'lan' | 'wan';

export interface NodeConfig {
  readonly name: string;
  /** The DHT's bind address, and the HTTP API's unless httpHost says otherwise. */
  readonly host: string;
  /** The HTTP API's bind address. */
  readonly httpHost: string;
  readonly port: number;
  readonly dataDir: string;
  readonly memory: boolean;
  readonly syncPolicy: SyncPolicy;
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  readonly logLevel: LogLevel;
  /** Cluster name: nodes of one cluster share it and the secret. */
  readonly cluster: string;
  /** The cluster secret; undefined runs a standalone node that joins no swarm. */
  readonly secret: string | undefined;
  /** DHT bootstrap nodes as host:port. Empty (with a dhtPort) means this node is the first of its DHT. */
  readonly bootstrap: readonly string[];
  /** Explicit opt-in to Hyperswarm's public DHT bootstrap nodes. */
  readonly publicDht: boolean;
  /** UDP port of this node's DHT instance, so others can bootstrap from it; 0 picks any. */
  readonly dhtPort: number;
  /** host:port that peers, the CLI and the dashboard are told to use for HTTP. */
  readonly advertise: string;
  readonly replicas: number;
  readonly tokensPerNode: number;
  readonly readConsistency: Consistency;
  readonly writeConsistency: Consistency;
  readonly profile: MembershipProfile;
  /** Tombstones older than this are collected; a clustered node away longer discards its data. */
  readonly tombstoneGraceMs: number;
  /** Added to the system clock: simulated skew for fault-injection runs; 0 in production. */
  readonly clockOffsetMs: number;
  /** Beyond this offset from most peers' clocks the node refuses to coordinate writes; 0: no bound. */
  readonly maxClockOffsetMs: number;
  /** Serve the chaos API (docs/chaos.md): faults injected over HTTP. For learning clusters only. */
  readonly chaos: boolean;
  /** A supervisor reading this node's log (`swarmkv up`) restarts it after a chaos kill that asks for it. */
  readonly supervised: boolean;
  /** Between anti-entropy passes; 0: only when asked (POST /cluster/repair). */
  readonly antiEntropyIntervalMs: number;
  readonly cleanupGraceMs: number;
  /** Hints this node keeps for down replicas, at most (hinted handoff). */
  readonly hintsMax: number;
  /** Bytes of hints this node keeps, at most. */
  readonly hintBytesMax: number;
  /** A file holding the cluster secret (read at start; preferred over --secret, which `ps` shows). */
  readonly secretFile: string | undefined;
  /** A file holding the first admin token (else $SWARMKV_ADMIN_TOKEN). */
  readonly adminTokenFile: string | undefined;
  /** The first admin token; with one, the node checks tokens on every request but its probes. Not a flag. */
  readonly adminToken: string | undefined;
  /** Serve a non-loopback HTTP API without tokens: an explicit opt-out of protected mode. */
  readonly insecure: boolean;
  /** Further names this node answers to in the Host header and trusts as browser origins. */
  readonly allowedHosts: readonly string[];
  /** With --memory: bytes of keys and values the store holds at most; writes beyond it get 507. */
  readonly memoryBytesMax: number;
  /** PEM files: with both, the HTTP API is served over TLS (HTTPS). */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
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
  readonly kind: 'string' | 'integer' | 'boolean' | 'list';
  /** The default as documented; `<...>` marks one derived from other fields. */
  readonly defaultValue: string;
  readonly meaning: string;
}

/** The documented surface of NodeConfig, in the order of docs/configuration.md's table. */
export const configFields: readonly ConfigField[] = [
  { name: 'port', kind: 'integer', flag: '--port', defaultValue: '7070', meaning: 'HTTP port; 0 picks a free one (logged as `node.listening`)' },
  { name: 'host', kind: 'string', flag: '--host', defaultValue: '127.0.0.1', meaning: 'DHT bind address, and HTTP unless `--http-host` is given' },
  { name: 'advertise', kind: 'string', flag: '--advertise', defaultValue: '<host>:<port>', meaning: 'HTTP address peers, the CLI and the dashboard are told to use; with `--host 0.0.0.0`, this machine’s first non-loopback IPv4 address (a container’s own address)' },
  { name: 'name', kind: 'string', flag: '--name', defaultValue: 'node-<port>', meaning: 'node name shown in logs and the dashboard; on a host other than loopback, `<hostname>-<port>` (unique across machines and containers)' },
  { name: 'dataDir', kind: 'string', flag: '--data-dir', defaultValue: './data/<name>', meaning: 'LMDB directory (durable mode)' },
  { name: 'memory', kind: 'boolean', flag: '--memory', defaultValue: 'false', meaning: 'keep data in memory only; a restart forgets it' },
  { name: 'syncPolicy', kind: 'string', flag: '--sync', defaultValue: 'flush', meaning: '`flush`: ack after fsync; `commit`: ack after commit (survives a process crash, not power loss)' },
  { name: 'keyBytesMax', kind: 'integer', flag: '--key-bytes-max', defaultValue: String(KEY_BYTES_MAX_DEFAULT), meaning: `longest key in UTF-8 bytes (at most ${KEY_BYTES_MAX_CEILING})` },
  { name: 'valueBytesMax', kind: 'integer', flag: '--value-bytes-max', defaultValue: String(VALUE_BYTES_MAX_DEFAULT), meaning: `largest value, as compact JSON bytes (at most ${VALUE_BYTES_MAX_CEILING}: a replicated value must fit one peer frame)` },
  { name: 'logLevel', kind: 'string', flag: '--log-level', defaultValue: 'info', meaning: '`debug`, `info`, `warn`, `error` or `silent`' },
  { name: 'cluster', kind: 'string', flag: '--cluster', defaultValue: 'swarmkv', meaning: 'cluster name; with the secret it selects the swarm topic' },
  { name: 'secret', kind: 'string', flag: '--secret', defaultValue: '(none)', meaning: `cluster secret (at least ${SECRET_CHARS_MIN} characters); without one the node runs standalone` },
  { name: 'bootstrap', kind: 'list', flag: '--bootstrap', defaultValue: '(none)', meaning: 'DHT bootstrap nodes, `host:port[,...]`' },
  { name: 'publicDht', kind: 'boolean', flag: '--public-dht', defaultValue: 'false', meaning: "opt in to Hyperswarm's public DHT bootstrap nodes" },
  { name: 'dhtPort', kind: 'integer', flag: '--dht-port', defaultValue: '0', meaning: 'UDP port of this node’s DHT, so others can bootstrap from it; 0 picks any' },
  { name: 'replicas', kind: 'integer', flag: '--replicas', defaultValue: String(REPLICATION_FACTOR_DEFAULT), meaning: 'replication factor N, capped by the members on the ring; dead members stay on it, so a failure never shrinks N' },
  { name: 'tokensPerNode', kind: 'integer', flag: '--tokens', defaultValue: String(TOKENS_PER_NODE_DEFAULT), meaning: 'virtual nodes per node on the hash ring' },
  { name: 'readConsistency', kind: 'string', flag: '--read-consistency', defaultValue: 'quorum', meaning: 'default R: `one`, `quorum` or `all` (per request: `?consistency=`)' },
  { name: 'writeConsistency', kind: 'string', flag: '--write-consistency', defaultValue: 'quorum', meaning: 'default W: `one`, `quorum` or `all` (per request: `?consistency=`)' },
  { name: 'profile', kind: 'string', flag: '--profile', defaultValue: 'lan', meaning: 'failure-detection timings: `local`, `lan` or `wan`' },
  { name: 'tombstoneGraceMs', kind: 'integer', flag: '--tombstone-grace-ms', defaultValue: String(TOMBSTONE_GRACE_MS_DEFAULT), meaning: 'deleted keys’ tombstones are kept this long, then collected; a node away for longer discards its data on return and re-syncs' },
  { name: 'clockOffsetMs', kind: 'integer', flag: '--clock-offset-ms', defaultValue: '0', meaning: 'shift this node’s wall clock by this much (fault injection: clock skew)' },
  { name: 'maxClockOffsetMs', kind: 'integer', flag: '--max-clock-offset-ms', defaultValue: String(MAX_CLOCK_OFFSET_MS_DEFAULT), meaning: 'a clustered node whose wall clock is further than this from most of its peers’ (measured every second) refuses to coordinate writes, 503 `unavailable` with reason `clock_offset`, until it is back within it: its versions would win or lose last-writer-wins races by its error; just started, it holds writes until its first reading of a peer (at most 2 s); 0: no bound (offsets are still measured and shown)' },
  { name: 'chaos', kind: 'boolean', flag: '--chaos', defaultValue: 'false', meaning: 'serve the chaos API (`/chaos`: partition, delay, pause, skew, kill this node over HTTP; see docs/chaos.md), for learning clusters; without it every `/chaos` route answers 404 `chaos_disabled`' },
  { name: 'supervised', kind: 'boolean', flag: '--supervised', defaultValue: 'false', meaning: 'a supervisor that reads this node’s log restarts it when a chaos kill asks for it (`restartAfterMs`); `swarmkv up` starts its nodes so. Without it, or with `--memory` (the node would come back empty, as a new member), such a kill is refused' },
  { name: 'antiEntropyIntervalMs', kind: 'integer', flag: '--anti-entropy-interval-ms', defaultValue: String(ANTI_ENTROPY_INTERVAL_MS_DEFAULT), meaning: 'pause between anti-entropy passes (replicas compare digests, repair differences); 0: only on `POST /cluster/repair`. A clustered node refuses to start unless it is shorter than `--tombstone-grace-ms` (or 0): a replica that missed a delete must be repaired before the others collect the tombstone' },
  { name: 'cleanupGraceMs', kind: 'integer', flag: '--cleanup-grace-ms', defaultValue: String(CLEANUP_GRACE_MS_DEFAULT), meaning: 'how long the ring must stay unchanged before a node deletes the copies it no longer owns (once their owners hold them); 0: never delete them' },
  { name: 'hintsMax', kind: 'integer', flag: '--hints-max', defaultValue: String(HINTS_MAX_DEFAULT), meaning: `hints kept for down replicas, at most (hinted handoff; at most ${HINTS_MAX_CEILING}); beyond it a stand-in fails the write` },
  { name: 'hintBytesMax', kind: 'integer', flag: '--hint-bytes-max', defaultValue: String(HINT_BYTES_MAX_DEFAULT), meaning: 'bytes of hints kept, at most; at least one largest key and value' },
  { name: 'httpHost', kind: 'string', flag: '--http-host', defaultValue: '<host>', meaning: 'HTTP API bind address (keep the API on loopback while peers meet on `--host`)' },
  { name: 'secretFile', kind: 'string', flag: '--secret-file', defaultValue: '(none)', meaning: 'read the cluster secret from this file; it or `$SWARMKV_SECRET` is preferred to `--secret`, which `ps` shows' },
  { name: 'adminTokenFile', kind: 'string', flag: '--admin-token-file', defaultValue: '(none)', meaning: `read the first admin token from this file, else from \`$SWARMKV_ADMIN_TOKEN\` (at least ${ADMIN_TOKEN_CHARS_MIN} characters); with one the node requires a token on every request but its probes` },
  { name: 'insecure', kind: 'boolean', flag: '--insecure', defaultValue: 'false', meaning: 'serve the HTTP API on a non-loopback address without tokens (refused otherwise: protected mode)' },
  { name: 'allowedHosts', kind: 'list', flag: '--allowed-hosts', defaultValue: '(none)', meaning: 'further names this node answers to (Host header) and trusts as browser origins, `name[,...]`' },
  { name: 'tlsCert', kind: 'string', flag: '--tls-cert', defaultValue: '(none)', meaning: 'PEM certificate (chain): with `--tls-key`, the HTTP API is served over HTTPS' },
  { name: 'tlsKey', kind: 'string', flag: '--tls-key', defaultValue: '(none)', meaning: 'PEM private key for `--tls-cert`' },
  { name: 'memoryBytesMax', kind: 'integer', flag: '--memory-bytes-max', defaultValue: '<half the heap limit>', meaning: 'with `--memory`: bytes of keys and values held at most; writes beyond it get 507 `insufficient_storage`' },
];

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
/** Every consistency level, weakest first: a node's defaults and the REST API's `?consistency=` take these. */
export const CONSISTENCY_LEVELS: readonly Consistency[] = ['one', 'quorum', 'all'];
const PROFILES: readonly MembershipProfile[] = ['local', 'lan', 'wan'];
const PORT_MAX = 65535;
const NAME_CHARS_MAX = 64;
const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A secret read from a file: the whole file, without its final newline. */
function readSecretFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** What an in-memory store may hold by default: half the heap, leaving the rest to everything else. */
export function memoryBytesMaxDefault(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 2);
}

export function resolveNodeConfig(overrides: Partial<NodeConfig>, machine: HostMachine = thisMachine()): NodeConfig {
  const port = overrides.port ?? 7070;
  const host = overrides.host ?? '127.0.0.1';
  const httpHost = overrides.httpHost ?? host;
  const name = overrides.name ?? defaultNodeName(host, port, machine);
  const secretFile = overrides.secretFile;
  const adminTokenFile = overrides.adminTokenFile;
  const config: NodeConfig = {
    name,
    host,
    httpHost,
    port,
    dataDir: overrides.dataDir ?? `./data/${name}`,
    memory: overrides.memory ?? false,
    syncPolicy: overrides.syncPolicy ?? 'flush',
    keyBytesMax: overrides.keyBytesMax ?? KEY_BYTES_MAX_DEFAULT,
    valueBytesMax: overrides.valueBytesMax ?? VALUE_BYTES_MAX_DEFAULT,
    logLevel: overrides.logLevel ?? 'info',
    cluster: overrides.cluster ?? 'swarmkv',
    secret: overrides.secret ?? (secretFile === undefined ? undefined : readSecretFile('--secret-file', secretFile)),
    bootstrap: overrides.bootstrap ?? [],
    publicDht: overrides.publicDht ?? false,
    dhtPort: overrides.dhtPort ?? 0,
    advertise: overrides.advertise ?? `${httpHost === ANY_ADDRESS ? reachableAddress(machine) : advertisedHostOf(httpHost)}:${port}`,
    replicas: overrides.replicas ?? REPLICATION_FACTOR_DEFAULT,
    tokensPerNode: overrides.tokensPerNode ?? TOKENS_PER_NODE_DEFAULT,
    readConsistency: overrides.readConsistency ?? 'quorum',
    writeConsistency: overrides.writeConsistency ?? 'quorum',
    profile: overrides.profile ?? 'lan',
    tombstoneGraceMs: overrides.tombstoneGraceMs ?? TOMBSTONE_GRACE_MS_DEFAULT,
    clockOffsetMs: overrides.clockOffsetMs ?? 0,
    maxClockOffsetMs: overrides.maxClockOffsetMs ?? MAX_CLOCK_OFFSET_MS_DEFAULT,
    chaos: overrides.chaos ?? false,
    supervised: overrides.supervised ?? false,
    antiEntropyIntervalMs: overrides.antiEntropyIntervalMs ?? ANTI_ENTROPY_INTERVAL_MS_DEFAULT,
    cleanupGraceMs: overrides.cleanupGraceMs ?? CLEANUP_GRACE_MS_DEFAULT,
    hintsMax: overrides.hintsMax ?? HINTS_MAX_DEFAULT,
    hintBytesMax: overrides.hintBytesMax ?? HINT_BYTES_MAX_DEFAULT,
    secretFile,
    adminTokenFile,
    adminToken: nonEmpty(overrides.adminToken) ?? (adminTokenFile === undefined ? undefined : readSecretFile('--admin-token-file', adminTokenFile)),
    insecure: overrides.insecure ?? false,
    allowedHosts: overrides.allowedHosts ?? [],
    memoryBytesMax: overrides.memoryBytesMax ?? memoryBytesMaxDefault(),
    tlsCert: overrides.tlsCert,
    tlsKey: overrides.tlsKey,
  };
  validateNodeConfig(config);
  return config;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.length === 0 ? undefined : value;
}

/**
 * `node-<port>` on loopback, where only this machine's nodes meet and their ports differ. Reachable from
 * elsewhere, nodes of several machines or containers meet, often on the same port (every container of
 * a scaled service listens on 7070): the hostname tells them apart.
 */
function defaultNodeName(host: string, port: number, machine: HostMachine): string {
  if (host === 'localhost' || host.startsWith('127.') || host === '::1') return `node-${port}`;
  const suffix = `-${port}`;
  return `${machine.hostname.slice(0, NAME_CHARS_MAX - suffix.length)}${suffix}`;
}

/** The PEM files to serve HTTPS with, or undefined for plain HTTP. */
export function tlsFilesOf(config: NodeConfig): { certFile: string; keyFile: string } | undefined {
  return config.tlsCert === undefined || config.tlsKey === undefined ? undefined : { certFile: config.tlsCert, keyFile: config.tlsKey };
}

/** True when the node joins a swarm; false for a standalone node. */
export function isClustered(config: NodeConfig): boolean {
  return config.secret !== undefined;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConfigError(message);
}

function validateNodeConfig(config: NodeConfig): void {
  check(Number.isInteger(config.port) && config.port >= 0 && config.port <= PORT_MAX, `--port must be an integer 0..${PORT_MAX}, got ${config.port}`);
  check(config.host.length > 0, '--host must not be empty');
  check(config.name.length > 0 && config.name.length <= NAME_CHARS_MAX, `--name must be 1..${NAME_CHARS_MAX} characters`);
  check(config.memory || config.dataDir.length > 0, '--data-dir must not be empty (or pass --memory)');
  check(config.syncPolicy === 'flush' || config.syncPolicy === 'commit', `--sync must be flush or commit, got ${String(config.syncPolicy)}`);
  check(
    Number.isInteger(config.keyBytesMax) && config.keyBytesMax >= KEY_BYTES_MIN && config.keyBytesMax <= KEY_BYTES_MAX_CEILING,
    `--key-bytes-max must be an integer ${KEY_BYTES_MIN}..${KEY_BYTES_MAX_CEILING} (LMDB's key limit), got ${config.keyBytesMax}`,
  );
  check(
    Number.isInteger(config.valueBytesMax) && config.valueBytesMax >= 1 && config.valueBytesMax <= VALUE_BYTES_MAX_CEILING,
    `--value-bytes-max must be an integer 1..${VALUE_BYTES_MAX_CEILING} (a replicated value must fit one peer frame), got ${config.valueBytesMax}`,
  );
  check(
    Number.isInteger(config.tombstoneGraceMs) && config.tombstoneGraceMs >= TOMBSTONE_GRACE_MS_MIN && config.tombstoneGraceMs <= TOMBSTONE_GRACE_MS_MAX,
    `--tombstone-grace-ms must be an integer ${TOMBSTONE_GRACE_MS_MIN}..${TOMBSTONE_GRACE_MS_MAX}, got ${config.tombstoneGraceMs}`,
  );
  check(
    Number.isInteger(config.clockOffsetMs) && Math.abs(config.clockOffsetMs) <= CLOCK_OFFSET_MS_MAX,
    `--clock-offset-ms must be an integer within ±${CLOCK_OFFSET_MS_MAX}, got ${config.clockOffsetMs}`,
  );
  check(
    Number.isInteger(config.maxClockOffsetMs) && config.maxClockOffsetMs >= 0 && config.maxClockOffsetMs <= CLOCK_OFFSET_MS_MAX,
    `--max-clock-offset-ms must be an integer 0..${CLOCK_OFFSET_MS_MAX} (0: no bound), got ${config.maxClockOffsetMs}`,
  );
  check(
    Number.isInteger(config.antiEntropyIntervalMs) && config.antiEntropyIntervalMs >= 0 && config.antiEntropyIntervalMs <= ANTI_ENTROPY_INTERVAL_MS_MAX,
    `--anti-entropy-interval-ms must be an integer 0..${ANTI_ENTROPY_INTERVAL_MS_MAX}, got ${config.antiEntropyIntervalMs}`,
  );
  check(
    Number.isInteger(config.cleanupGraceMs) && config.cleanupGraceMs >= 0 && config.cleanupGraceMs <= CLEANUP_GRACE_MS_MAX,
    `--cleanup-grace-ms must be an integer 0..${CLEANUP_GRACE_MS_MAX}, got ${config.cleanupGraceMs}`,
  );
  check(LOG_LEVELS.includes(config.logLevel), `--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  validateHintConfig(config);
  validateAccessConfig(config);
  validateClusterConfig(config);
}

/**
 * Protected mode: an HTTP API reachable from other machines without tokens would let anyone who can
 * reach it read, write and delete everything, so such a node refuses to start unless told --insecure.
 */
function validateAccessConfig(config: NodeConfig): void {
  check(config.httpHost.length > 0, '--http-host must not be empty');
  if (config.adminToken !== undefined) {
    check(config.adminToken.length >= ADMIN_TOKEN_CHARS_MIN && !/\s/.test(config.adminToken), `the admin token must be at least ${ADMIN_TOKEN_CHARS_MIN} characters without spaces (e.g. $(openssl rand -hex 32))`);
  }
  check(
    isLoopbackHost(config.httpHost) || config.adminToken !== undefined || config.insecure,
    `protected mode: the HTTP API would listen on ${config.httpHost}, reachable from other machines, with no access control. ` +
      'Give the node an admin token (export SWARMKV_ADMIN_TOKEN=$(openssl rand -hex 32), or --admin-token-file FILE) and create others with `swarmkv token create`; ' +
      'or keep the API on loopback (--http-host 127.0.0.1) while peers meet on --host; or pass --insecure to serve it open anyway',
  );
  check((config.tlsCert === undefined) === (config.tlsKey === undefined), '--tls-cert and --tls-key go together');
  check(Number.isInteger(config.memoryBytesMax) && config.memoryBytesMax >= config.keyBytesMax + config.valueBytesMax, `--memory-bytes-max must be an integer of at least one largest key and value (${config.keyBytesMax + config.valueBytesMax}), got ${config.memoryBytesMax}`);
}

function validateHintConfig(config: NodeConfig): void {
  check(Number.isInteger(config.hintsMax) && config.hintsMax >= 1 && config.hintsMax <= HINTS_MAX_CEILING, `--hints-max must be an integer 1..${HINTS_MAX_CEILING}, got ${config.hintsMax}`);
  // A stand-in that cannot hold even one largest record would refuse every hint of that size.
  const hintBytesMin = config.keyBytesMax + config.valueBytesMax + HINT_OVERHEAD_BYTES_MAX;
  check(
    Number.isInteger(config.hintBytesMax) && config.hintBytesMax >= hintBytesMin && config.hintBytesMax <= HINT_BYTES_MAX_CEILING,
    `--hint-bytes-max must be an integer ${hintBytesMin}..${HINT_BYTES_MAX_CEILING} (at least one largest key and value), got ${config.hintBytesMax}`,
  );
}

/**
 * A replica that missed a delete (it was down, or the write did not reach it) holds the old value until
 * an anti-entropy pass repairs it; once the other replicas collect the tombstone, the next comparison
 * brings the deleted value back instead (Cassandra's rule: repair within gc_grace_seconds). So periodic
 * passes must come more often than tombstones are collected. A standalone node runs no anti-entropy.
 */
function validateRepairWithinGrace(config: NodeConfig): void {
  if (config.secret === undefined || config.antiEntropyIntervalMs === 0) return;
  check(
    config.antiEntropyIntervalMs < config.tombstoneGraceMs,
    `--anti-entropy-interval-ms (${config.antiEntropyIntervalMs}) must be shorter than --tombstone-grace-ms (${config.tombstoneGraceMs}) on a clustered node: ` +
      'a replica that missed a delete is repaired by the next anti-entropy pass, which must come before the other replicas collect the tombstone, or it brings the deleted value back. ' +
      'Shorten the interval, lengthen the grace, or pass --anti-entropy-interval-ms 0 (passes only on POST /cluster/repair)',
  );
}

function validateClusterConfig(config: NodeConfig): void {
  check(/^[A-Za-z0-9._-]{1,64}$/.test(config.cluster), '--cluster must be 1..64 characters of letters, digits, ".", "_" or "-"');
  check(HOST_PORT.test(config.advertise) && Number(HOST_PORT.exec(config.advertise)![2]) <= PORT_MAX, `--advertise must be host:port, got ${config.advertise}`);
  for (const entry of config.bootstrap) check(HOST_PORT.test(entry), `--bootstrap entries must be host:port, got ${JSON.stringify(entry)}`);
  check(Number.isInteger(config.dhtPort) && config.dhtPort >= 0 && config.dhtPort <= PORT_MAX, `--dht-port must be an integer 0..${PORT_MAX}`);
  check(Number.isInteger(config.replicas) && config.replicas >= 1 && config.replicas <= REPLICATION_FACTOR_MAX, `--replicas must be 1..${REPLICATION_FACTOR_MAX}`);
  check(Number.isInteger(config.tokensPerNode) && config.tokensPerNode >= 1 && config.tokensPerNode <= TOKENS_PER_NODE_MAX, `--tokens must be 1..${TOKENS_PER_NODE_MAX}`);
  check(CONSISTENCY_LEVELS.includes(config.readConsistency), `--read-consistency must be one of ${CONSISTENCY_LEVELS.join(', ')}`);
  check(CONSISTENCY_LEVELS.includes(config.writeConsistency), `--write-consistency must be one of ${CONSISTENCY_LEVELS.join(', ')}`);
  check(PROFILES.includes(config.profile), `--profile must be one of ${PROFILES.join(', ')}`);
  validateRepairWithinGrace(config);
  if (config.secret === undefined) {
    check(config.bootstrap.length === 0 && !config.publicDht, 'joining a cluster needs its secret: pass --secret or set $SWARMKV_SECRET');
    return;
  }
  check(config.secret.length >= SECRET_CHARS_MIN, `--secret must be at least ${SECRET_CHARS_MIN} characters`);
  check(!(config.publicDht && config.bootstrap.length > 0), '--public-dht and --bootstrap exclude each other');
  check(
    config.publicDht || config.bootstrap.length > 0 || config.dhtPort > 0,
    'a clustered node needs --bootstrap host:port[,...] (or --dht-port P to be the first node others bootstrap from, or --public-dht to use the public DHT)',
  );
}
