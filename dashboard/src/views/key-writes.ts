// The writes the Keys view sends, each from a click: PUT a JSON value (with If-Match when editing a
// version the user saw) and DELETE. A value that is not JSON never leaves the page.
import { request, type Answer } from '../answer';

/** Writes wait longer than reads: a quorum write may wait on a slow replica. */
const WRITE_TIMEOUT_MS = 10_000;

function keyUrl(origin: string, key: string): string {
  return `${origin}/kv/${encodeURIComponent(key)}`;
}

export async function putValue(origin: string, key: string, valueText: string, ifMatch: string | null): Promise<Answer<{ key: string; version: string }>> {
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch (error) {
    return { ok: false, status: null, problem: `the value is not JSON: ${(error as Error).message}`, body: null, receivedAtMs: Date.now(), elapsedMs: 0 };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ifMatch !== null) headers['if-match'] = `"${ifMatch}"`;
  return request(keyUrl(origin, key), { method: 'PUT', headers, body: JSON.stringify({ value }) }, WRITE_TIMEOUT_MS);
}

export async function deleteValue(origin: string, key: string): Promise<Answer<null>> {
  return request(keyUrl(origin, key), { method: 'DELETE' }, WRITE_TIMEOUT_MS);
}

export function readValue<T>(origin: string, key: string): Promise<Answer<T>> {
  return request<T>(keyUrl(origin, key));
}
