// Every route handler runs inside this wrapper: it times the request for the metrics, and turns any
// thrown error into a JSON error response, so no request can escape as an unhandled rejection.

import { isSwarmError, SwarmError } from '../errors';
import type { Logger } from '../log';
import { closeConnectionIfDraining } from './connection-draining';
import type { HttpMetrics } from './http-metrics';
import type { ReadCors } from './read-cors';
import { errorResponse } from './responses';

/** Errors that mean the client went away mid-request: its business, not a fault of the node. */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED']);

export function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return error.name === 'AbortError' || error.message === 'aborted' || (code !== undefined && CLIENT_GONE_CODES.has(code));
}

export function toErrorResponse(error: unknown, logger: Logger, route: string): Response {
  return errorResponse(toSwarmError(error, logger, route));
}

/** What a client is told of a failed request: our own errors as they are, anything else logged and hidden. */
export function toSwarmError(error: unknown, logger: Logger, route: string): SwarmError {
  if (isSwarmError(error)) return error;
  if (isClientAbort(error)) {
    // Anyone can abort a request: at the error level that would let any client fill the error log.
    logger.debug('http.client_aborted', { route, error: (error as Error).message });
    return new SwarmError('invalid_body', 'the client closed the request before it was complete');
  }
  logger.error('http.internal_error', { route, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return new SwarmError('internal', 'the node failed to handle this request; see its log');
}

/** What a route handler may read of the request. */
export interface RouteInput {
  readonly params: Record<string, string | null>;
  readonly request: Request;
}

export function instrumented(
  metrics: HttpMetrics,
  logger: Logger,
  method: string,
  route: string,
  handler: (input: RouteInput) => Response | Promise<Response>,
  /** For read-only routes: cross-origin reads from cluster members' pages (read-cors.ts). */
  cors?: ReadCors,
): (context: RouteInput) => Promise<Response> {
  // Elysia reads this function's source to decide what to prepare per request: naming the two fields
  // (not taking the whole context) keeps it from parsing cookies, query and headers we never use,
  // which also keeps responses on the adapter's fast path. Measured: 3x the GET throughput.
  const observer = metrics.route(method, route);
  return async ({ params, request }) => {
    const startedMs = performance.now();
    let response: Response;
    try {
      response = await handler({ params, request });
    } catch (error) {
      response = toErrorResponse(error, logger, route);
    }
    if (cors !== undefined) cors.decorate(request, response);
    observer.observe(response.status, (performance.now() - startedMs) / 1000);
    // Checked after the handler, right before the response goes out: a stop that began while the
    // request was being served still ends this connection.
    closeConnectionIfDraining(request);
    return response;
  };
}
