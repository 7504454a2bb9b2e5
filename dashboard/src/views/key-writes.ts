// The writes the Keys view sends, each from a click: PUT a JSON value (with If-Match when editing a
// version the user saw) and DELETE. A value that is not JSON never leaves the page. With `trace`, each
// asks the node for the request's trace (`?trace=true`), which comes back in the body, a refusal's too.
import { request, type Answer } from '../answer';

/** Writes wait longer than reads: a quorum write may wait on a slow replica. */
const WRITE_TIMEOUT_MS = 10_000;

function keyUrl(origin: string, key: string, trace = false): string {
  return `${origin}/kv/${encodeURIComponent(key)}${trace ? '?trace=true' : ''}`;
}

export async function putValue(origin: string, key: string, valueText: string, ifMatch: string | null, trace = false): Promise<Answer<{ key: string; version: string }>> {
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch (error) {
    return { ok: false, status: null, problem: `the value is not JSON: ${(error as Error).message}`, body: null, receivedAtMs: Date.now(), elapsedMs: 0 };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ifMatch !== null) headers['if-match'] = `"${ifMatch}"`;
  return request(keyUrl(origin, key, trace), { method: 'PUT', headers, body: JSON.stringify({ value }) }, WRITE_TIMEOUT_MS);
}

/** Untraced, a 204 without a body; traced, a 200 with the deletion's version and the trace. */
export async function deleteValue(origin: string, key: string, trace = false): Promise<Answer<unknown>> {
  return request(keyUrl(origin, key, trace), { method: 'DELETE' }, WRITE_TIMEOUT_MS);
}

export function readValue<T>(origin: string, key: string, trace = false): Promise<Answer<T>> {
  return request<T>(keyUrl(origin, key, trace));
}
