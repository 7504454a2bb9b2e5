// Cluster routes: who is in the cluster, how the key space is divided, where one key lives.

import { Elysia } from 'elysia';
import { SwarmError } from '../errors';
import { validateKey } from '../keys';
import type { Logger } from '../log';
import type { ClusterView } from './cluster-view';
import { clusterDocs } from './cluster-docs';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { json } from './responses';

export interface ClusterRoutesDeps {
  readonly cluster: ClusterView;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly keyBytesMax: number;
}

export function clusterRoutes(deps: ClusterRoutesDeps) {
  const route = (template: string, handler: Parameters<typeof instrumented>[4]) => instrumented(deps.metrics, deps.logger, 'GET', template, handler);
  return new Elysia({ name: 'cluster-routes' })
    .get('/cluster/members', route('/cluster/members', () => json(200, { members: deps.cluster.members() })), { detail: clusterDocs.members })
    .get('/cluster/ring', route('/cluster/ring', () => json(200, deps.cluster.ring())), { detail: clusterDocs.ring })
    .get(
      '/cluster/locate/:key',
      route('/cluster/locate/{key}', ({ params }) => {
        if (params.key === null || params.key === undefined) throw new SwarmError('invalid_key', 'the key in the path is not valid percent-encoded UTF-8');
        return json(200, deps.cluster.locate(validateKey(params.key, deps.keyBytesMax)));
      }),
      { detail: clusterDocs.locate },
    );
}
