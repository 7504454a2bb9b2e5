// Cluster routes: who is in the cluster, how the key space is divided, where one key lives, and how
// this node's share of the cluster's background work stands (hints owed to other nodes).

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import { validateKey } from '../keys';
import { RECENT_EVENTS_MAX, type Logger, type RecentEvents } from '../log';
import type { HintHealth, KeyInspection, RepairStatus } from '../replication';
import type { KvStore } from '../storage';
import type { ClusterView } from './cluster-view';
import { clusterDocs } from './cluster-docs';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { KeyExplainer } from './key-explainer';
import { integerQueryValue, queryOf } from './query';
import type { ReadCors } from './read-cors';
import { isoTime, json, jsonText } from './responses';
import type { TransferRate } from './transfer-rate';
import { predictWhatIf, type WhatIfReply } from './what-if';
import { parseWhatIfQuery, resolveRemovals } from './what-if-query';

/**
 * The sections of GET /cluster/health, one per background process. Each is read when the route is
 * asked: hinted handoff's backlog, anti-entropy's progress and last completed pass. (The failure
 * detector's record of member changes comes from the cluster view.)
 */
export interface ClusterHealthSources {
  hints(): HintHealth;
  repair(): RepairStatus;
}

export interface ClusterRoutesDeps {
  readonly nodeId: string;
  readonly health: ClusterHealthSources;
  readonly cluster: ClusterView;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
  readonly store: KvStore;
  readonly cors: ReadCors;
  /** What a member (this node included) holds for a key, for GET /cluster/explain/{key}. */
  inspect(nodeId: string, key: string): Promise<KeyInspection>;
  /** This node's recent log events, for GET /cluster/events. */
  readonly recentEvents: RecentEvents;
  /** The rate this node streams keys at, for GET /cluster/ring/what-if's time estimate. */
  readonly transferRate: { rate(): TransferRate };
}

/** GET /cluster/events pages: `limit` defaults to this, and can ask for the whole buffer. */
export const EVENTS_LIMIT_DEFAULT = 100;

/** `?after=<seq>&limit=<n>` read, the page spliced from the events' kept JSON text. */
function recentEventsPage(deps: ClusterRoutesDeps, request: Request): Response {
  const query = queryOf(request);
  const after = integerQueryValue(query, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
  const limit = integerQueryValue(query, 'limit', { min: 1, max: RECENT_EVENTS_MAX, fallback: EVENTS_LIMIT_DEFAULT });
  const page = deps.recentEvents.after(after, limit);
  return jsonText(200, `{"nodeId":"${deps.nodeId}","startedAt":"${deps.recentEvents.startedAt}","events":[${page.events.join(',')}],"next":${page.next}}`);
}

/** GET /cluster/ring/what-if: the query is checked in full before the node's ring is looked at. */
function whatIf(deps: ClusterRoutesDeps, request: Request): Promise<WhatIfReply> {
  const query = parseWhatIfQuery(queryOf(request));
  const model = deps.cluster.ringModel();
  if (model === undefined) throw new SwarmError('conflict', 'this node runs standalone (no --cluster): no node can join or leave it, so there is no ring change to predict');
  const members = deps.cluster.members();
  const names = new Map(members.map((member) => [member.nodeId, member.name]));
  const removed = resolveRemovals(query.remove, model.ring.members.map((member) => member.nodeId), names);
  const stats = deps.store.stats();
  const records = stats.liveKeys + stats.tombstones;
  const bytesPerKey = records === 0 ? 0 : stats.bytes / records;
  return predictWhatIf({ ...model, members, bytesPerKey, rate: deps.transferRate.rate() }, query.add, removed);
}

function keyOf(key: string | null | undefined, keyBytesMax: number): string {
  if (key === null || key === undefined) throw new SwarmError('invalid_key', 'the key in the path is not valid percent-encoded UTF-8');
  return validateKey(key, keyBytesMax);
}

export function clusterRoutes(deps: ClusterRoutesDeps) {
  const route = (template: string, handler: Parameters<typeof instrumented>[4]) => instrumented(deps.metrics, deps.logger, 'GET', template, handler, deps.cors);
  const explainer = new KeyExplainer({ cluster: deps.cluster, inspect: (nodeId, key) => deps.inspect(nodeId, key) });
  return new Elysia({ name: 'cluster-routes' })
    .get('/cluster/members', route('/cluster/members', () => json(200, { members: deps.cluster.members(), clock: deps.cluster.clock() })), { detail: clusterDocs.members })
    .get('/cluster/ring', route('/cluster/ring', () => json(200, deps.cluster.ring())), { detail: clusterDocs.ring })
    .get('/cluster/ring/what-if', route('/cluster/ring/what-if', async ({ request }) => json(200, await whatIf(deps, request))), { detail: clusterDocs.whatIf })
    .get('/cluster/events', route('/cluster/events', ({ request }) => recentEventsPage(deps, request)), { detail: clusterDocs.events })
    .get('/cluster/health', route('/cluster/health', () => json(200, { nodeId: deps.nodeId, hints: deps.health.hints(), repair: deps.health.repair(), membership: { changes: deps.cluster.memberChanges() } })), { detail: clusterDocs.health })
    .get(
      '/cluster/locate/:key',
      route('/cluster/locate/{key}', ({ params }) => json(200, deps.cluster.locate(keyOf(params.key, deps.keyBytesMax)))),
      { detail: clusterDocs.locate },
    )
    .get(
      '/cluster/explain/:key',
      route('/cluster/explain/{key}', async ({ params }) => json(200, await explainer.explain(keyOf(params.key, deps.keyBytesMax)))),
      { detail: clusterDocs.explain },
    )
    .get(
      '/cluster/local/:key',
      route('/cluster/local/{key}', ({ params }) => {
        const key = keyOf(params.key, deps.keyBytesMax);
        const record = deps.store.get(key);
        if (record === undefined) throw new SwarmError('not_found', `this node's store holds nothing for ${JSON.stringify(key)}`, { key });
        return json(200, { key, version: record.version, deleted: record.valueJson === null, updatedAt: isoTime(record.updatedAtMs) });
      }),
      { detail: clusterDocs.local },
    );
}
