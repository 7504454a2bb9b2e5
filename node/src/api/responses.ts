// Building responses directly: the stored value is already JSON text, so a GET splices it into the body
// instead of parsing and re-serialising it; and errors are rendered in one place, in one shape.

import { SwarmError } from '../errors';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonText(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers } });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

export function errorResponse(error: SwarmError): Response {
  return json(error.status, error.toJSON());
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
