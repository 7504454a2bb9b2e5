// One HTTP answer as the dashboard shows it: a body, or what went wrong (status, timeout, refused).
// Every request has a deadline, so a stopped node (which accepts connections and never answers) shows
// as "timed out" instead of freezing the view that waits on it.

/** A node that has not answered in this long is shown as timed out; polls go on meanwhile. */
export const READ_TIMEOUT_MS = 2000;

export type Answer<T> =
  | { readonly ok: true; readonly status: number; readonly body: T; readonly headers: Headers; readonly receivedAtMs: number; readonly elapsedMs: number }
  | { readonly ok: false; readonly status: number | null; readonly problem: string; readonly body: unknown; readonly receivedAtMs: number; readonly elapsedMs: number };

export type Failed = Extract<Answer<unknown>, { ok: false }>;

function problemOf(status: number, body: unknown): string {
  if (body !== null && typeof body === 'object' && 'message' in body) return `${status}: ${String((body as { message: unknown }).message)}`;
  return `${status} ${typeof body === 'string' && body.length > 0 ? body.slice(0, 120) : 'without a body'}`;
}

export async function request<T>(url: string, init: RequestInit = {}, timeoutMs = READ_TIMEOUT_MS): Promise<Answer<T>> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const done = () => ({ receivedAtMs: Date.now(), elapsedMs: Math.round(performance.now() - started) });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal, cache: 'no-store' });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // Not JSON: kept as text and shown as such.
    }
    if (response.ok) return { ok: true, status: response.status, body: body as T, headers: response.headers, ...done() };
    return { ok: false, status: response.status, problem: problemOf(response.status, body), body, ...done() };
  } catch (error) {
    const problem = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : 'no answer the browser may read (refused, reset, or not allowed by CORS)';
    void error;
    return { ok: false, status: null, problem, body: null, ...done() };
  } finally {
    clearTimeout(timer);
  }
}
