// Every route handler runs inside this wrapper: it times the request for the metrics, and turns any
// thrown error into a JSON error response, so no request can escape as an unhandled rejection.

import { isSwarmError, SwarmError } from '../errors';
import type { Logger } from '../log';
import type { HttpMetrics } from './http-metrics';
import { errorResponse } from './responses';

export function toErrorResponse(error: unknown, logger: Logger, route: string): Response {
  if (isSwarmError(error)) return errorResponse(error);
  logger.error('http.internal_error', { route, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return errorResponse(new SwarmError('internal', 'the node failed to handle this request; see its log'));
}

export function instrumented<Context>(
  metrics: HttpMetrics,
  logger: Logger,
  method: string,
  route: string,
  handler: (context: Context) => Response | Promise<Response>,
): (context: Context) => Promise<Response> {
  return async (context) => {
    const startedMs = performance.now();
    let response: Response;
    try {
      response = await handler(context);
    } catch (error) {
      response = toErrorResponse(error, logger, route);
    }
    metrics.observe(method, route, response.status, (performance.now() - startedMs) / 1000);
    return response;
  };
}
