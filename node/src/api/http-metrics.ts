// Prometheus metrics: per-route request counts (by status) and latency histograms, plus the store's
// key count and size read at scrape time. Routes are labelled by their template (`/kv/{key}`), never by
// the raw path, so label cardinality stays bounded whatever keys clients use.
//
// The per-request metrics are route-tally.ts's plain counters, bound to their route once and rendered
// at scrape time. prom-client, for the rest, is the heaviest module a node loads (about a third of its
// start-up, measured: see bench/RESULTS.md, "Cold start"), and no request but a scrape needs it: it is
// loaded once the node serves (`load`).

import type { Registry } from 'prom-client';
import { assert } from '../assert';
import type { HintHealth } from '../replication';
import type { StoreStats } from '../storage';
import { registerRebalanceMetrics, type StreamedTotals } from './rebalance-metrics';
import { scrapedCounter } from './scraped-counter';
import { RequestWindow, type WindowSnapshot } from './request-window';
import { renderTallies, RouteTally } from './route-tally';

type PromClient = typeof import('prom-client');

/** What the peer transport has counted since start (transport/transport-stats.ts), read at scrape time. */
export interface TransportTotals {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
}

/** Where a route's requests are counted: bound once per route (`HttpMetrics.route`), called per request. */
export interface RouteObserver {
  observe(status: number, seconds: number): void;
}

export class HttpMetrics {
  readonly #readStoreStats: () => StoreStats;
  readonly #readHints: (() => HintHealth) | undefined;
  readonly #readStreamed: (() => StreamedTotals) | undefined;
  #registry: Registry | undefined;
  #loading: Promise<void> | undefined;
  /** One tally per method and route template: bounded, routes are templates. */
  readonly #tallies = new Map<string, RouteTally>();
  /** The same observations over a short sliding window, for GET /stats. */
  readonly #window = new RequestWindow();
  /** Set once the node's cluster half runs; a standalone node has no transport and counts nothing. */
  #readTransport: (() => TransportTotals) | undefined;

  constructor(readStoreStats: () => StoreStats, readHints?: () => HintHealth, readStreamed?: () => StreamedTotals) {
    this.#readStoreStats = readStoreStats;
    this.#readHints = readHints;
    this.#readStreamed = readStreamed;
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

  /** Loads prom-client and registers every metric it keeps. Idempotent. */
  load(): Promise<void> {
    this.#loading ??= import('prom-client').then((client) => this.#register(client));
    return this.#loading;
  }

  #register(client: PromClient): void {
    const { Gauge, Registry, collectDefaultMetrics } = client;
    const registry = new Registry();
    const readStoreStats = this.#readStoreStats;
    collectDefaultMetrics({ register: registry, prefix: 'swarmkv_process_' });
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
    if (this.#readStreamed !== undefined) registerRebalanceMetrics(client, registry, this.#readStreamed);
    registerTransportMetrics(client, registry, () => this.#readTransport?.());
    this.#registry = registry;
  }

  /** The observer of one route's requests; the same one for the same method and template. */
  route(method: string, route: string): RouteObserver {
    const id = `${method} ${route}`;
    let tally = this.#tallies.get(id);
    if (tally === undefined) {
      tally = new RouteTally(method, route);
      this.#tallies.set(id, tally);
    }
    const window = this.#window;
    const counted = tally;
    return {
      observe(status, seconds) {
        window.observe(seconds);
        counted.observe(status, seconds);
      },
    };
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
    return `${await this.registry.metrics()}\n${renderTallies(this.#tallies.values())}`;
  }
}

/** Hinted handoff, read from the ledger at scrape time: the backlog, and what overflowed or was delivered. */
function registerHintMetrics(client: PromClient, registry: Registry, readHints: () => HintHealth): void {
  const { Gauge } = client;
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
  // The ledger owns the counts; a scrape copies them.
  const counter = (name: string, help: string, read: (hints: HintHealth) => number) => scrapedCounter(client, registry, name, help, () => read(readHints()));
  counter('swarmkv_hints_overflowed_total', 'Hints refused because the hint store was full: a stand-in fails that write, a coordinator leaves the missed copy to repair.', (hints) => hints.overflowed);
  counter('swarmkv_hints_missed_total', 'Hints kept as coordinator for replicas that failed a write their co-replicas acknowledged.', (hints) => hints.missed);
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
