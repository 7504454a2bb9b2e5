// Anti-entropy routes: start a full pass now, and watch its progress (the CLI's `swarmkv repair`).

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { RepairControl } from '../replication';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import type { ReadCors } from './read-cors';
import { repairDocs } from './repair-docs';
import { json } from './responses';

export interface RepairRoutesDeps {
  readonly repair: RepairControl;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly cors: ReadCors;
}

export function repairRoutes(deps: RepairRoutesDeps) {
  const { metrics, logger, repair, cors } = deps;
  return new Elysia({ name: 'repair-routes' })
    .post(
      '/cluster/repair',
      instrumented(metrics, logger, 'POST', '/cluster/repair', () => {
        if (!repair.startPass()) throw new SwarmError('conflict', 'a repair pass is already running on this node; follow it with GET /cluster/repair');
        return json(202, repair.status());
      }),
      { detail: repairDocs.start },
    )
    .get('/cluster/repair', instrumented(metrics, logger, 'GET', '/cluster/repair', () => json(200, repair.status()), cors), { detail: repairDocs.status });
}
