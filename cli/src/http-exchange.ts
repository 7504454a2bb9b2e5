// One HTTP request and its whole answer, over Node's own http and https modules with connections kept
// open between requests. Node's fetch cost the CLI ~470 µs of CPU per request, this ~110: `swarmkv
// import` of 100,000 keys into a 3-node cluster on the same 2-core machine went from 1,355 to 2,503 keys
// a second, and export from 2,797 to 6,031 (bench/RESULTS.md, "Export and import").
// https trusts what Node trusts: its CA store and NODE_EXTRA_CA_CERTS.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Kept-open connections, per scheme: a bulk command reuses them for every key. Idle ones do not keep the process alive. */
const AGENTS = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) } as const;

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** An error with the name `TimeoutError`, as fetch's AbortSignal.timeout gives. */
export class HttpTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Sends one request to `url` and reads its answer. A connection kept open from an earlier request can
 * have been closed by the node meanwhile (it closes idle ones after a few seconds); a request that fails
 * on such a connection before any answer is sent once more, on a new one, as Node's documentation advises.
 */
export async function exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
  try {
    return await exchangeOnce(url, method, headers, body, timeoutMs);
  } catch (error) {
    if (!(error instanceof StaleConnection)) throw error;
    return exchangeOnce(url, method, headers, body, timeoutMs);
  }
}

class StaleConnection extends Error {}

function exchangeOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
  const scheme = url.protocol === 'https:' ? 'https:' : 'http:';
  const send = scheme === 'https:' ? httpsRequest : httpRequest;
  const allHeaders = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise<HttpAnswer>((resolve, reject) => {
    let answered = false;
    const request = send(url, { method, headers: allHeaders, agent: AGENTS[scheme] }, (response: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    const timer = setTimeout(() => request.destroy(new HttpTimeout(timeoutMs)), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (error: NodeJS.ErrnoException) => {
      const stale = request.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(stale ? new StaleConnection(error.message) : error);
    });
    request.end(body);
  });
}
