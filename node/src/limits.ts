// Every bound the daemon enforces, in one place, with its unit last in the name.
// Configurable limits have a `_DEFAULT` here and a field in config.ts; fixed ones are plain constants.
// This module imports nothing of ours: it is a leaf every layer may read.

/** A key is 1..KEY_BYTES_MAX_DEFAULT bytes of UTF-8 unless configured otherwise. */
export const KEY_BYTES_MIN = 1;
export const KEY_BYTES_MAX_DEFAULT = 1024;
/**
 * LMDB's own key limit with its default 4 KiB page is 1978 bytes; the store also spends a few bytes
 * encoding a string key, so configured key limits above this are refused at start-up.
 */
export const KEY_BYTES_MAX_CEILING = 1900;

/** A value is any JSON document whose compact serialisation is at most this many bytes. */
export const VALUE_BYTES_MAX_DEFAULT = 1024 * 1024;
/**
 * The largest --value-bytes-max: a replicated value travels as escaped JSON text in one peer frame, and
 * escaping at most doubles it, so the frame limit (wire/message-registry.ts) is derived from this.
 */
export const VALUE_BYTES_MAX_CEILING = 1024 * 1024;
/** Room in a peer frame for everything but the escaped value: key, version, envelope. */
export const PEER_FRAME_ENVELOPE_BYTES_MAX = 64 * 1024;
/** A request body may exceed the value limit by this much: the `{"key":..., "value":...}` envelope. */
export const BODY_ENVELOPE_BYTES_MAX = 4 * 1024;

/** `GET /kv` pages. */
export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1000;
/** A list cursor is an encoded key; anything longer than a maximal key's encoding is not one of ours. */
export const LIST_CURSOR_CHARS_MAX = 4 * KEY_BYTES_MAX_CEILING;
export const LIST_PREFIX_BYTES_MAX = KEY_BYTES_MAX_CEILING;

/** POST /kv without a key generates one; collisions are astronomically unlikely but still retried. */
export const GENERATED_KEY_ATTEMPTS_MAX = 3;
/**
 * A generated key is this many base64url characters (132 random bits), or fewer when the configured
 * key limit is smaller, so that the key it hands out is one the node accepts.
 */
export const GENERATED_KEY_CHARS_MAX = 22;

/** Hybrid logical clock: the logical counter is 16 bits in the version encoding. */
export const HLC_LOGICAL_MAX = 0xffff;
/**
 * With the clock-offset bound off (--max-clock-offset-ms 0; with it on, the bound takes this place):
 * a remote timestamp further than this ahead of our wall clock is refused rather than adopted:
 * one peer with a wild clock must not drag every version in the cluster further into the future.
 * Large enough that a node whose own clock lags by minutes still adopts its peers' time (that is
 * what orders its writes after what it has seen); a write that meets a version beyond even this is
 * still ordered after it, by its successor version (replication/coordinator.ts).
 */
export const HLC_FORWARD_DRIFT_MS_MAX = 60 * 60 * 1000;

/** A node must be serving within this long of start; the start-up path is asserted against it in tests. */
export const NODE_START_MS_MAX = 1000;
/** How long a clean shutdown may take to drain in-flight requests before their connections are cut. */
export const SHUTDOWN_DRAIN_MS_MAX = 5000;
/**
 * How long a node leaving its cluster may spend handing over what it owes (its hints; a --memory
 * node's whole store) before it gives up on the rest and logs what it could not hand over.
 */
export const DEPARTURE_HANDOVER_MS_MAX = 12_000;
/** Records read from the store and handed over per batch when a node stops (one batch of writes per successor). */
export const DEPARTURE_BATCH_MAX = 500;
/**
 * The whole clean stop (leave, drain, hand over, close), after which the process exits anyway: within
 * the 30 s a platform such as Kubernetes grants by default between SIGTERM and SIGKILL.
 */
export const SHUTDOWN_MS_MAX = 25_000;

/** LMDB map size: the largest the data file may grow (sparse; it is not allocated up front). */
export const STORE_MAP_BYTES_MAX = 64 * 1024 * 1024 * 1024;

/**
 * The durable store's read cache (storage/record-cache.ts): decoded records, at most this much memory
 * as counted there. 16 MiB holds ~60,000 records of ~100-byte values; a working set beyond it still
 * reads from LMDB's memory map, only without the cache's saving.
 */
export const RECORD_CACHE_BYTES_MAX = 16 * 1024 * 1024;
/** What one cache entry costs beyond its strings (the map's slot, the record object): an estimate. */
export const RECORD_CACHE_ENTRY_OVERHEAD_BYTES = 120;
/** Records larger than this are not cached: a few large values would push out thousands of small ones. */
export const RECORD_CACHE_RECORD_BYTES_MAX = 64 * 1024;

/**
 * A scan skips tombstones, so a page over a long run of deletes could read without bound. After this
 * many skipped entries it stops and hands back a cursor; the caller simply asks for the next page.
 */
export const SCAN_TOMBSTONES_SKIPPED_MAX = 10_000;

/** Cluster shape. */
export const REPLICATION_FACTOR_DEFAULT = 3;
export const REPLICATION_FACTOR_MAX = 7;
export const TOKENS_PER_NODE_DEFAULT = 64;
export const TOKENS_PER_NODE_MAX = 1024;
/** A cluster secret shorter than this is refused: it is the only thing keeping strangers out. */
export const SECRET_CHARS_MIN = 16;

/**
 * How long a coordinator waits for the replicas it needs before answering 503 insufficient_replicas.
 * Short enough that a client on the minority side of a partition learns quickly (bar: 2 s).
 */
export const REPLICA_QUORUM_DEADLINE_MS = 1500;
/**
 * A read asks only the R replicas it needs; if they have not all answered after this long, it asks the
 * others too (a speculative read, as Cassandra's speculative retry), so a slow or silently dead replica
 * costs a read this much latency, not the quorum deadline. Measured under the benchmark's saturating
 * load, a replica read's p99 stays below it; at rest it is a few milliseconds. Must stay well below
 * REPLICA_QUORUM_DEADLINE_MS.
 */
export const READ_HEDGE_DELAY_MS = 100;
/**
 * A replica a read asks last, after the others that count (replica-latency.ts): one whose answers lately
 * took at least this long on average, and SLOW_REPLICA_FACTOR times the fastest other replica's. 20 ms
 * is far above an answer's few milliseconds at rest, and a fifth of the hedge delay that such a replica
 * would otherwise make reads wait; below it, ring order spreads reads better than a few milliseconds save.
 */
export const SLOW_REPLICA_MS_MIN = 20;
export const SLOW_REPLICA_FACTOR = 4;
/**
 * A replica's average answer time is forgotten this long after its last answer: a replica reads skip
 * gets no new samples from them (writes still feed it), so after this it is tried in ring order again.
 */
export const REPLICA_LATENCY_STALE_MS = 10_000;
/**
 * A blind write that finds a newer version on a replica (a concurrent write, or a coordinator whose
 * clock lags) is re-versioned above it and sent again, at most this many times in all.
 */
export const WRITE_ATTEMPTS_MAX = 3;
/** Read repairs in flight at once per node; beyond it, stale replicas wait for the next read or repair. */
export const READ_REPAIRS_IN_FLIGHT_MAX = 64;
/**
 * Create (POST) and delete run their read-check-write under a per-key lock on the coordinating node, so
 * that of concurrent creates exactly one wins. The lock table holds at most this many keys at once; a
 * create or delete of one more key is answered 503 unavailable (busy) rather than growing the table.
 */
export const KEY_LOCKS_MAX = 10_000;
/**
 * Requests queued behind one key's lock; beyond it they are answered 503 unavailable at once. Each holder
 * is bounded by the quorum deadline per round trip, so this also bounds how long the last one waits.
 */
export const KEY_LOCK_WAITERS_MAX = 128;

/** The largest --clock-offset-ms either way: a day, far beyond any real skew, still a bounded number. */
export const CLOCK_OFFSET_MS_MAX = 24 * 60 * 60 * 1000;

/**
 * Default --max-clock-offset-ms: a node whose clock is further than this from most of its peers' refuses
 * to coordinate writes (clock-offset/). CockroachDB's default bound too; NTP keeps real clocks within a
 * few ms, so only a broken clock (or a chaos skew) crosses it.
 */
export const MAX_CLOCK_OFFSET_MS_DEFAULT = 500;

/**
 * Anti-entropy: between the end of one pass and the start of the next. A pass over 100k keys with
 * nothing to repair costs about 15 KB per co-replica, so a minute is cheap; 0 runs passes only when
 * asked (POST /cluster/repair). At most a day, a bounded number.
 */
export const ANTI_ENTROPY_INTERVAL_MS_DEFAULT = 60_000;
export const ANTI_ENTROPY_INTERVAL_MS_MAX = 24 * 60 * 60 * 1000;

/**
 * Tombstones are kept this long, then collected (replication/tombstone-collector.ts). It bounds how
 * long a replica may be away and still catch up normally; longer, and it discards its data on return.
 * A day by default; at least a few seconds (tests), at most a year.
 */
export const TOMBSTONE_GRACE_MS_DEFAULT = 24 * 60 * 60 * 1000;
export const TOMBSTONE_GRACE_MS_MIN = 1000;
export const TOMBSTONE_GRACE_MS_MAX = 365 * 24 * 60 * 60 * 1000;

/**
 * Hinted handoff (Dynamo §4.6): a stand-in keeps a write owed to a down replica as a hint until it can
 * deliver it. The hint store is bounded in count and bytes (--hints-max, --hint-bytes-max); a hint
 * beyond either bound is refused and the write fails on that stand-in, so it never counts toward W.
 */
export const HINTS_MAX_DEFAULT = 100_000;
export const HINTS_MAX_CEILING = 10_000_000;
export const HINT_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;
/** A hint store may take at most a quarter of the LMDB map: the main store must keep its room. */
export const HINT_BYTES_MAX_CEILING = STORE_MAP_BYTES_MAX / 4;
/** How often the handoff service looks for hints it can deliver. */
export const HINT_DELIVERY_INTERVAL_MS = 1000;
/** Hints read from the store and sent to one target per batch (one batch of replica writes). */
export const HINT_DELIVERY_BATCH_MAX = 500;
/** Batches per target per tick: bounds one tick's work while letting a backlog drain quickly. */
export const HINT_DELIVERY_BATCHES_PER_TICK_MAX = 20;
/** At most one `hints.overflow` log line per this interval; the counter counts every refusal. */
export const HINT_OVERFLOW_LOG_INTERVAL_MS = 10_000;
/** Bytes a hint costs beyond its key and value (target id, version, time): a bound, for the start-up check. */
export const HINT_OVERHEAD_BYTES_MAX = 64;

/**
 * API tokens. A node caches what it learnt about a token (its role, or that it is unknown) this long:
 * a revoked token stops working on every node within it, and a burst of requests with one token costs
 * one quorum read, not one per request.
 */
export const TOKEN_CACHE_MS = 2000;
/** Tokens the cache remembers at once; past it, it starts over (a flood of made-up tokens cannot grow it). */
export const TOKEN_CACHE_ENTRIES_MAX = 10_000;
/** Tokens a cluster holds, at most; `token create` beyond it is refused. */
export const TOKENS_MAX = 1000;
/** A token's label, at most (characters). */
export const TOKEN_LABEL_CHARS_MAX = 100;
/** The first admin token ($SWARMKV_ADMIN_TOKEN) must be at least this long: it guards everything. */
export const ADMIN_TOKEN_CHARS_MIN = 24;

/**
 * A request body nests objects and arrays at most this deep. JavaScript's JSON serialiser recurses,
 * and near 4,000 levels it overflows the stack; far below that, no real document goes this deep.
 */
export const JSON_DEPTH_MAX = 256;

/**
 * The HTTP server's own bounds, against clients that hold connections without using them (slowloris):
 * the headers of a request must arrive within HTTP_HEADERS_TIMEOUT_MS of its first byte (or of the
 * connection), the whole request within HTTP_REQUEST_TIMEOUT_MS (a largest body at ~40 KB/s), and a
 * kept-alive connection is closed after HTTP_IDLE_TIMEOUT_MS without a request. Deadlines are checked
 * every HTTP_TIMEOUT_CHECK_INTERVAL_MS.
 */
export const HTTP_HEADERS_TIMEOUT_MS = 5000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const HTTP_IDLE_TIMEOUT_MS = 5000;
export const HTTP_TIMEOUT_CHECK_INTERVAL_MS = 1000;
/** Open client connections at once; beyond it new ones are closed at once, leaving file descriptors for the rest. */
export const HTTP_CONNECTIONS_MAX = 512;
/**
 * Requests on one connection whose responses are not yet sent (pipelining). A client that pipelines
 * reads of large values and never reads the answers would otherwise make the node buffer every one of
 * them (gigabytes); past this bound its connection is closed.
 */
export const HTTP_PIPELINED_RESPONSES_MAX = 16;

/**
 * Leaving for good (`swarmkv leave`, replication/leave-procedure.ts): the node streams its whole store
 * to its successors, then what changed meanwhile, each record acknowledged by every successor. A leave
 * not done within LEAVE_MS_MAX gives up: the node stays a member, its data where it was.
 */
export const LEAVE_MS_MAX = 30 * 60 * 1000;
/** Records read from the store per batch while leaving (one batch of writes per successor). */
export const LEAVE_BATCH_MAX = 1000;
/** Keys remembered as written during the stream; past it the final pass sends the whole store again. */
export const LEAVE_CHANGED_KEYS_MAX = 100_000;
/** Tries of one write to one successor before the pass counts that successor as failed. */
export const LEAVE_WRITE_ATTEMPTS_MAX = 4;
/** Passes over the records a pass could not hand over (a successor busy or briefly away), before the leave fails. */
export const LEAVE_RETRY_ROUNDS_MAX = 6;
/** Before retry round r of a leave, r times this long. */
export const LEAVE_RETRY_DELAY_MS = 1000;
/** After a leave, how long the node waits for its final status to be read (GET /cluster/leave) before it stops. */
export const LEAVE_REPORT_LINGER_MS_MAX = 3000;

/**
 * Clean-up (replication/cleanup-service.ts): a node deletes the copies it no longer owns once the ring
 * has stayed unchanged this long (by default) and their owners hold them. Long enough that a ring
 * change undone quickly (a node restarted) moves nothing twice.
 */
export const CLEANUP_GRACE_MS_DEFAULT = 5 * 60 * 1000;
export const CLEANUP_GRACE_MS_MAX = 7 * 24 * 60 * 60 * 1000;
/** Between two clean-up batches. */
export const CLEANUP_TICK_MS = 500;
/** Records examined per clean-up batch. */
export const CLEANUP_BATCH_MAX = 500;
/** Records whose owners are asked at once during clean-up. */
export const CLEANUP_READS_IN_FLIGHT_MAX = 16;

/** GET /cluster/ring/what-if: at most this many hypothetical nodes added in one question. */
export const WHAT_IF_NODES_ADDED_MAX = 64;
/** ...and at most this many `remove` parameters (each names one member). */
export const WHAT_IF_NODES_REMOVED_MAX = 64;
/**
 * Draws of random ids for the added nodes, whose mean and spread the reply gives beside the
 * placeholder ids' share. Each draw builds and compares one ring (milliseconds at 20 members × 64
 * tokens; tens of milliseconds on a loaded machine), yielding to the event loop in between; the spread
 * 16 draws report is within ~20% of the true one.
 */
export const WHAT_IF_ID_SAMPLES = 16;
/**
 * Keys per second one node streams, assumed when no transfer was measured yet (no
 * swarmkv_rebalance_keys_streamed_total increase seen): an assumption, half the 20k keys/s
 * target for bench/rebalance.ts, not a measurement. The reply says which rate it used.
 */
export const WHAT_IF_TRANSFER_KEYS_PER_SECOND_DEFAULT = 10_000;

/** Chaos events a node keeps for GET /chaos, oldest dropped first. */
export const CHAOS_EVENTS_KEPT_MAX = 200;
/** Peers one partition request may name: a cluster is smaller than this (SWARM_PEERS_MAX). */
export const CHAOS_PARTITION_PEERS_MAX = 64;
/** The longest partition a request may set to heal by itself: an hour. */
export const CHAOS_PARTITION_MS_MAX = 60 * 60 * 1000;
/** The longest stop-the-world pause: a minute, past any failure detector's timeouts. */
export const CHAOS_PAUSE_MS_MAX = 60 * 1000;
/**
 * The longest a chaos delay may hold one peer message (delay plus jitter): 10 s, past every peer
 * request's deadline and the failure detector's patience, so longer would only look like a partition.
 */
export const CHAOS_DELAY_MS_MAX = 10 * 1000;
/**
 * Bytes of peer messages a delay may hold for one peer at once: a slow link under load queues what the
 * node sends faster than it drains, and a real one drops past its buffers; so does this, counting each
 * message it drops (swarmkv_chaos_dropped_messages_total). 16 MiB holds 10 s of a busy node's writes.
 */
export const CHAOS_DELAY_QUEUE_BYTES_MAX = 16 * 1024 * 1024;
/** The largest clock skew either way: a day, as for --clock-offset-ms. */
export const CHAOS_SKEW_MS_MAX = CLOCK_OFFSET_MS_MAX;
/** The longest wait a kill may ask its supervisor (`swarmkv up`) to leave before it restarts the node: 10 minutes. */
export const CHAOS_RESTART_AFTER_MS_MAX = 10 * 60 * 1000;
/** The longest `run` label an event carries (a scenario's name and step). */
export const CHAOS_RUN_CHARS_MAX = 128;
