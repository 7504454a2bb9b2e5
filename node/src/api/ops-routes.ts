// Operational routes: liveness with a summary of the node, and Prometheus metrics.

import { Elysia } from 'elysia';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { KvStore } from '../storage';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import type { ReadCors } from './read-cors';
import { responses, schemas } from './openapi-schemas';
import { isoTime, json, textResponse } from './responses';
import { STATS_WINDOW_MS } from './request-window';

export interface NodeIdentity {
  readonly nodeId: string;
  readonly name: string;
  readonly release: string;
  readonly syncPolicy: string;
}

export interface OpsRoutesDeps {
  readonly identity: NodeIdentity;
  readonly store: KvStore;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly cors: ReadCors;
}

const statsDocs = {
  summary: 'Request rate and latency over the last few seconds',
  description: `Every HTTP request this node served (all routes, this one included), counted since start, and its rate and latency percentiles over a sliding window of the last ${STATS_WINDOW_MS / 1000} s (one-second steps). Percentiles come from a log-scale histogram, within 5%.`,
  tags: ['ops'],
  responses: responses({ 200: ['This node’s request statistics.', schemas.Stats] }),
};

export function opsRoutes(deps: OpsRoutesDeps) {
  const startedAtMs = deps.clock.nowMs();
  return new Elysia({ name: 'ops-routes' })
    .get(
      '/health',
      instrumented(deps.metrics, deps.logger, 'GET', '/health', () => {
        const stats = deps.store.stats();
        return json(200, {
          status: 'ok',
          nodeId: deps.identity.nodeId,
          name: deps.identity.name,
          version: deps.identity.release,
          uptimeSeconds: Math.round((deps.clock.nowMs() - startedAtMs) / 1000),
          storage: { engine: deps.store.engine, syncPolicy: deps.identity.syncPolicy, liveKeys: stats.liveKeys, tombstones: stats.tombstones, bytes: stats.bytes },
        });
      }, deps.cors),
      { detail: { summary: 'Is this node serving?', tags: ['ops'], responses: responses({ 200: ['The node is up.', schemas.Health] }) } },
    )
    .get(
      '/stats',
      instrumented(deps.metrics, deps.logger, 'GET', '/stats', () => {
        const recent = deps.metrics.recent();
        return json(200, {
          nodeId: deps.identity.nodeId,
          time: isoTime(deps.clock.nowMs()),
          requestsTotal: recent.requestsTotal,
          requestsPerSecond: recent.requestsPerSecond,
          latencyMs: { p50: recent.p50Ms, p99: recent.p99Ms },
        });
      }, deps.cors),
      { detail: statsDocs },
    )
    .get(
      '/metrics',
      instrumented(deps.metrics, deps.logger, 'GET', '/metrics', async () => {
        const body = await deps.metrics.render();
        return textResponse(body, deps.metrics.registry.contentType);
      }),
      {
        detail: {
          summary: 'Prometheus metrics',
          description: 'Per-route request counts and latency histograms, key counts and store bytes, in the Prometheus text format.',
          tags: ['ops'],
          responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    );
}
