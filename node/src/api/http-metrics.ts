// Prometheus metrics: per-route request counts (by status) and latency histograms, plus the store's
// key count and size read at scrape time. Routes are labelled by their template (`/kv/{key}`), never by
// the raw path, so label cardinality stays bounded whatever keys clients use.
//
// prom-client is the heaviest module a node loads (about a third of its start-up, measured: see
// bench/RESULTS.md, "Cold start"), and no request but a scrape needs it: it is loaded once the node
// serves (`load`), and requests observed before are kept, up to PENDING_OBSERVATIONS_MAX, and counted then.

import type { Counter, Histogram, Registry } from 'prom-client';
import { assert } from '../assert';
import type { HintHealth } from '../replication';
import type { StoreStats } from '../storage';
import { RequestWindow, type WindowSnapshot } from './request-window';

/** Latency buckets in seconds: from a cached read (~100 µs) to a slow fsync under load (~2.5 s). */
const LATENCY_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Requests observed before prom-client has loaded, kept to be counted once it has; beyond, dropped. */
const PENDING_OBSERVATIONS_MAX = 10_000;

type PromClient = typeof import('prom-client');

/** What the peer transport has counted since start (transport/transport-stats.ts), read at scrape time. */
export interface TransportTotals {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
}
type Observation = readonly [method: string, route: string, status: number, seconds: number];

export class HttpMetrics {
  readonly #readStoreStats: () => StoreStats;
  readonly #readHints: (() => HintHealth) | undefined;
  #registry: Registry | undefined;
  #loading: Promise<void> | undefined;
  #pending: Observation[] = [];
  #requests!: Counter<'method' | 'route' | 'status'>;
  #latency!: Histogram<'method' | 'route'>;
  /** The same observations over a short sliding window, for GET /stats. */
  readonly #window = new RequestWindow();
  /** Set once the node's cluster half runs; a standalone node has no transport and counts nothing. */
  #readTransport: (() => TransportTotals) | undefined;

  constructor(readStoreStats: () => StoreStats, readHints?: () => HintHealth) {
    this.#readStoreStats = readStoreStats;
    this.#readHints = readHints;
  }

  /** Counts the peer transport's traffic from now on (the composition root calls it once the cluster runs). */
  watchTransport(read: () => TransportTotals): void {
    this.#readTransport = read;
  }

  /** The registry; only once loaded (render() has resolved, say). */
  get registry(): Registry {
    assert(this.#registry !== undefined, 'the metrics registry is read after load()');
    return this.#registry;
  }

  /** Loads prom-client and registers every metric, counting what was observed meanwhile. Idempotent. */
  load(): Promise<void> {
    this.#loading ??= import('prom-client').then((client) => {
      this.#register(client);
      for (const observation of this.#pending) this.#count(...observation);
      this.#pending = [];
    });
    return this.#loading;
  }

  #register(client: PromClient): void {
    const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = client;
    const registry = new Registry();
    const readStoreStats = this.#readStoreStats;
    collectDefaultMetrics({ register: registry, prefix: 'swarmkv_process_' });
    this.#requests = new Counter({
      name: 'swarmkv_http_requests_total',
      help: 'HTTP requests by route template, method and response status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.#latency = new Histogram({
      name: 'swarmkv_http_request_duration_seconds',
      help: 'HTTP request latency by route template and method, from routing to response.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    });
    new Gauge({
      name: 'swarmkv_store_keys',
      help: 'Keys in the local store: live values and tombstones (deleted keys kept so they cannot return).',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        const stats = readStoreStats();
        this.set({ kind: 'live' }, stats.liveKeys);
        this.set({ kind: 'tombstone' }, stats.tombstones);
      },
    });
    new Gauge({
      name: 'swarmkv_store_bytes',
      help: 'Bytes the local store occupies (LMDB pages in use, or payload bytes in memory mode).',
      registers: [registry],
      collect() {
        this.set(readStoreStats().bytes);
      },
    });
    if (this.#readHints !== undefined) registerHintMetrics(client, registry, this.#readHints);
    registerTransportMetrics(client, registry, () => this.#readTransport?.());
    this.#registry = registry;
  }

  // Label children are resolved once per (method, route, status) and kept: prom-client hashes the
  // label set on every call otherwise, and this runs on every request. Bounded: routes are templates.
  readonly #requestCounters = new Map<string, Counter.Internal>();
  readonly #latencyHistograms = new Map<string, Histogram.Internal<'method' | 'route'>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    this.#window.observe(seconds);
    if (this.#registry === undefined) {
      if (this.#pending.length < PENDING_OBSERVATIONS_MAX) this.#pending.push([method, route, status, seconds]);
      return;
    }
    this.#count(method, route, status, seconds);
  }

  /** Into prom-client's counter and histogram. */
  #count(method: string, route: string, status: number, seconds: number): void {
    const routeKey = `${method} ${route}`;
    const statusKey = `${routeKey} ${status}`;
    let counter = this.#requestCounters.get(statusKey);
    if (counter === undefined) {
      counter = this.#requests.labels({ method, route, status: String(status) });
      this.#requestCounters.set(statusKey, counter);
    }
    let histogram = this.#latencyHistograms.get(routeKey);
    if (histogram === undefined) {
      histogram = this.#latency.labels({ method, route });
      this.#latencyHistograms.set(routeKey, histogram);
    }
    counter.inc();
    histogram.observe(seconds);
  }

  /** Request count, rate and latency percentiles over the last STATS_WINDOW_MS. */
  recent(): WindowSnapshot {
    return this.#window.snapshot();
  }

  /** A counter's total over its labels; undefined until prom-client has loaded or while no such counter is registered. */
  async counterTotal(name: string): Promise<number | undefined> {
    const metric = this.#registry?.getSingleMetric(name);
    if (metric === undefined) return undefined;
    const { values } = await metric.get();
    return values.reduce((sum, sample) => sum + sample.value, 0);
  }

  async render(): Promise<string> {
    await this.load();
    return this.registry.metrics();
  }
}

/** Hinted handoff, read from the ledger at scrape time: the backlog, and what overflowed or was delivered. */
function registerHintMetrics({ Counter, Gauge }: PromClient, registry: Registry, readHints: () => HintHealth): void {
  new Gauge({
    name: 'swarmkv_hints_pending',
    help: 'Hints this node holds for replicas that were down, not delivered yet.',
    registers: [registry],
    collect() {
      this.set(readHints().pending);
    },
  });
  new Gauge({
    name: 'swarmkv_hints_bytes',
    help: 'Bytes the pending hints occupy.',
    registers: [registry],
    collect() {
      this.set(readHints().bytes);
    },
  });
  // The ledger owns the counts; a scrape copies them (they only grow, as counters must).
  const counter = (name: string, help: string, read: (hints: HintHealth) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(readHints()));
      },
    });
  counter('swarmkv_hints_overflowed_total', 'Hints refused because the hint store was full: those writes failed on this stand-in.', (hints) => hints.overflowed);
  counter('swarmkv_hints_delivered_total', 'Hints delivered to the node they were owed to and acknowledged.', (hints) => hints.delivered);
}

/** The peer transport's traffic (gossip, replication, repair), copied from its counters at scrape time. */
function registerTransportMetrics({ Counter }: PromClient, registry: Registry, readTransport: () => TransportTotals | undefined): void {
  const counter = (name: string, help: string, read: (totals: TransportTotals) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const totals = readTransport();
        this.reset();
        if (totals !== undefined) this.inc(read(totals));
      },
    });
  counter('swarmkv_transport_bytes_sent_total', 'Bytes of peer frames this node sent: membership gossip, replica requests, repair.', (totals) => totals.bytesSent);
  counter('swarmkv_transport_bytes_received_total', 'Bytes of peer frames this node received.', (totals) => totals.bytesReceived);
  counter('swarmkv_transport_messages_sent_total', 'Peer frames this node sent.', (totals) => totals.messagesSent);
  counter('swarmkv_transport_messages_received_total', 'Peer frames this node received.', (totals) => totals.messagesReceived);
}
