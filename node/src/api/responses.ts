// Building responses directly: the stored value is already JSON text, so a GET splices it into the body
// instead of parsing and re-serialising it; and errors are rendered in one place, in one shape.

import { FastResponse } from 'srvx';
import { SwarmError } from '../errors';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Responses are srvx's FastResponse, the class Elysia's Node adapter itself uses: the adapter writes its
 * body straight to the socket, where a global (undici) Response goes through a web stream and costs
 * several times as much per request.
 */
export function jsonText(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new FastResponse(body, { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers } });
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): Response {
  return new FastResponse(null, { status, headers });
}

export function textResponse(body: string, contentType: string): Response {
  return new FastResponse(body, { status: 200, headers: { 'content-type': contentType } });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

export function errorResponse(error: SwarmError): Response {
  return json(error.status, error.toJSON());
}

export { isoTime } from './iso-time';
