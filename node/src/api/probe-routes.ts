// Liveness and readiness, as orchestrators probe them (Docker healthchecks, Kubernetes probes):
// `/health/live` answers 200 for as long as the process serves HTTP (restart it when it does not);
// `/health/ready` answers 200 only while the node should be sent traffic: it has joined its cluster,
// routes by its ring and is not draining; otherwise 503 with the reason, so the platform holds traffic
// back without restarting anything.

import { Elysia } from 'elysia';
import { Type } from '@sinclair/typebox';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { responses } from './openapi-schemas';
import { json } from './responses';

/**
 * Why a node is not ready: `joining` until it has met its cluster, `draining` once it is stopping.
 * (`starting`, while the daemon loads, is answered before these routes exist: main-listener.ts.)
 */
export type NotReadyReason = 'joining' | 'draining';
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: NotReadyReason };

export interface ProbeRoutesDeps {
  readonly readiness: () => Readiness;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
}

const NOT_READY_MESSAGES: Record<NotReadyReason, string> = {
  joining: 'this node has not joined its cluster yet',
  draining: 'this node is stopping; send requests to another node',
};

const Live = Type.Object({ live: Type.Literal(true) });
const Ready = Type.Object({ ready: Type.Literal(true) });
const NotReady = Type.Object({
  error: Type.Literal('unavailable'),
  message: Type.String(),
  reason: Type.Union([Type.Literal('starting'), Type.Literal('joining'), Type.Literal('draining')], {
    description: '`starting` while the process loads (its first few hundred milliseconds), `joining` until the node has met its cluster, `draining` once it is stopping.',
  }),
});

export function probeRoutes(deps: ProbeRoutesDeps) {
  const { metrics, logger, readiness } = deps;
  return new Elysia({ name: 'probe-routes' })
    .get(
      '/health/live',
      instrumented(metrics, logger, 'GET', '/health/live', () => json(200, { live: true })),
      { detail: { summary: 'Is this process serving HTTP? (liveness probe)', tags: ['ops'], responses: responses({ 200: ['The process serves HTTP.', Live] }) } },
    )
    .get(
      '/health/ready',
      instrumented(metrics, logger, 'GET', '/health/ready', () => {
        const state = readiness();
        if (!state.ready) throw new SwarmError('unavailable', NOT_READY_MESSAGES[state.reason], { reason: state.reason });
        return json(200, { ready: true });
      }),
      {
        detail: {
          summary: 'Should this node get traffic? (readiness probe)',
          description:
            'Ready once the node has joined its cluster (a standalone node at once), routes by its ring, and is not draining. A node that is stopping answers `draining` from the moment it is asked to stop.',
          tags: ['ops'],
          responses: responses({ 200: ['The node is ready for traffic.', Ready], 503: ['Not ready: `reason` is `starting`, `joining` or `draining`.', NotReady] }),
        },
      },
    );
}
