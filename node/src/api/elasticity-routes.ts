// Routes that shrink the cluster: this node leaves it (with its data handed over), or a dead member is
// removed from it for good. Admin role (roles.ts: any non-GET outside /kv).

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import type { LeaveStatus } from '../replication';
import type { MemberState } from './cluster-view';
import { elasticityDocs } from './elasticity-docs';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import type { ReadCors } from './read-cors';
import { json } from './responses';

export interface RemovalReply {
  readonly nodeId: string;
  readonly name: string;
  readonly previousState: MemberState;
  readonly hintsDropped: number;
}

export interface ElasticityControl {
  /** Starts this node's leave (or returns the one under way); throws a SwarmError when it cannot leave. */
  leave(): LeaveStatus;
  leaveStatus(): LeaveStatus;
  /** Removes a dead member for good; throws a SwarmError (not_found, conflict) when it may not. */
  remove(nodeId: string): Promise<RemovalReply>;
}

export interface ElasticityRoutesDeps {
  readonly elasticity: ElasticityControl;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly cors: ReadCors;
}

const NODE_ID = /^[0-9a-f]{16}$/;

export function elasticityRoutes(deps: ElasticityRoutesDeps) {
  const { metrics, logger, elasticity, cors } = deps;
  return new Elysia({ name: 'elasticity-routes' })
    .post('/cluster/leave', instrumented(metrics, logger, 'POST', '/cluster/leave', () => json(202, elasticity.leave())), { detail: elasticityDocs.leave })
    .get('/cluster/leave', instrumented(metrics, logger, 'GET', '/cluster/leave', () => json(200, elasticity.leaveStatus()), cors), { detail: elasticityDocs.leaveStatus })
    .post(
      '/cluster/members/:nodeId/remove',
      instrumented(metrics, logger, 'POST', '/cluster/members/{nodeId}/remove', async ({ params }) => {
        const nodeId = params.nodeId ?? '';
        if (!NODE_ID.test(nodeId)) throw new SwarmError('invalid_query', `${JSON.stringify(nodeId.slice(0, 40))} is not a node id (16 lowercase hex digits, as GET /cluster/members shows)`);
        return json(200, await elasticity.remove(nodeId));
      }),
      { detail: elasticityDocs.remove },
    );
}
