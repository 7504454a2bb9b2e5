// GET /cluster/rebalance: the range transfers into this node (a joining node streaming its share of the
// ring from the current replicas), for `swarmkv rebalance`.

import { Elysia } from 'elysia';
import type { Logger } from '../log';
import type { RebalanceStatus } from '../replication';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import type { ReadCors } from './read-cors';
import { rebalanceDocs } from './rebalance-docs';
import { json } from './responses';

export interface RebalanceRoutesDeps {
  readonly nodeId: string;
  readonly rebalance: () => RebalanceStatus;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly cors: ReadCors;
}

export function rebalanceRoutes(deps: RebalanceRoutesDeps) {
  const { metrics, logger, cors } = deps;
  return new Elysia({ name: 'rebalance-routes' }).get(
    '/cluster/rebalance',
    instrumented(metrics, logger, 'GET', '/cluster/rebalance', () => json(200, { nodeId: deps.nodeId, ...deps.rebalance() }), cors),
    { detail: rebalanceDocs.status },
  );
}
