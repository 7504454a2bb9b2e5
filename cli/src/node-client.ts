// The CLI's only way to reach a node: HTTP, through http-exchange.ts. Given several node URLs it tries
// them in order, moving on when one cannot be reached (connection refused, timeout), since any node can
// serve any request.

import type { ErrorReply } from '../../node/src';
import { CliFailure, exitCodes, type ExitCode } from './exit-codes';
import { exchange, type HttpAnswer } from './http-exchange';

/** How long one request to one node may take before the next URL is tried. */
export const REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_URL = 'http://127.0.0.1:7070';

export interface NodeReply {
  readonly status: number;
  readonly body: unknown;
  readonly url: string;
}

/** `--url` values (repeated or comma-separated), else $SWARMKV_URL, else the default. */
export function resolveUrls(flag: string | string[] | undefined): string[] {
  const given = flag === undefined ? [] : Array.isArray(flag) ? flag : [flag];
  const source = given.length > 0 ? given : [process.env.SWARMKV_URL ?? DEFAULT_URL];
  const urls = source.flatMap((value) => value.split(',')).map((value) => value.trim().replace(/\/+$/, '')).filter((value) => value.length > 0);
  for (const url of urls) {
    if (!/^https?:\/\/[^/]+$/.test(url)) throw new CliFailure(exitCodes.usage, `--url must look like http://host:port, got ${JSON.stringify(url)}`);
  }
  if (urls.length === 0) throw new CliFailure(exitCodes.usage, '--url is empty');
  return urls;
}

/** `--token`, else $SWARMKV_TOKEN, else none (a node without access control needs none). */
export function resolveToken(flag: string | undefined): string | undefined {
  const token = flag ?? process.env.SWARMKV_TOKEN;
  return token === undefined || token.length === 0 ? undefined : token;
}

export function keyPath(key: string): string {
  return `/kv/${encodeURIComponent(key)}`;
}

export class NodeClient {
  readonly #urls: string[];
  readonly #token: string | undefined;

  constructor(urls: string[], token: string | undefined) {
    this.#urls = urls;
    this.#token = token;
  }

  /** Another client with the same token, for other nodes. */
  withUrls(urls: string[]): NodeClient {
    return new NodeClient(urls, this.#token);
  }

  async request(method: string, path: string, body?: unknown): Promise<NodeReply> {
    return this.requestWithJsonText(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  /** As request, with a body already written as JSON text, sent as it is (`swarmkv import` sends a dump's lines). */
  async requestWithJsonText(method: string, path: string, jsonText: string | undefined): Promise<NodeReply> {
    const failures: string[] = [];
    for (const base of this.#urls) {
      const headers = { ...(jsonText === undefined ? {} : { 'content-type': 'application/json' }), ...(this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` }) };
      let answer: HttpAnswer;
      try {
        answer = await exchange(new URL(base + path), method, headers, jsonText, REQUEST_TIMEOUT_MS);
      } catch (error) {
        failures.push(`${base}: ${describeRequestError(error, base)}`);
        continue;
      }
      return { status: answer.status, body: parseJsonOrText(answer.text), url: base };
    }
    throw new CliFailure(exitCodes.unreachable, `no node reachable (${failures.join('; ')})`);
  }

  /**
   * Like request, but a non-2xx reply becomes a CliFailure with the right exit code. `beforeCheck` sees
   * every reply first, refusals included (`--trace` prints the trace of a refused request too).
   */
  async expectOk(method: string, path: string, body?: unknown, beforeCheck?: (reply: NodeReply) => void): Promise<NodeReply> {
    const reply = await this.request(method, path, body);
    beforeCheck?.(reply);
    if (reply.status >= 200 && reply.status < 300) return reply;
    throw new CliFailure(exitCodeForStatus(reply.status), describeRefusal(reply.status, reply.body, reply.url));
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return exitCodes.notFound;
  if (status === 400 || status === 413 || status === 415) return exitCodes.usage;
  return exitCodes.refused;
}

/** A refusal in words: the node's error code and message when it sent them, and the HTTP status (and from where). */
export function describeRefusal(status: number, replyBody: unknown, from?: string): string {
  const body = replyBody as Partial<ErrorReply> | string | null;
  const http = from === undefined ? `HTTP ${status}` : `HTTP ${status} from ${from}`;
  if (body !== null && typeof body === 'object' && typeof body.error === 'string') return `${body.error}: ${String(body.message ?? '')} (${http})`;
  return http;
}

function parseJsonOrText(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Node's codes for a certificate chain that does not lead to a trusted CA. */
const UNTRUSTED_CERTIFICATE_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/** The error's code, and what to do about it when the cause is a common mistake (a scheme that does not match the node, a private CA). */
export function describeRequestError(error: unknown, base: string): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error.message;
  const https = base.startsWith('https:');
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) return `${code}: the node's certificate does not lead to a CA trusted here; trust yours with NODE_EXTRA_CA_CERTS=ca.pem`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `${code}: the node's certificate does not name this host; use a name or address it names`;
  // A TLS client meeting a plain HTTP server fails its handshake (EPROTO); a plain request to a TLS server is reset.
  if (code === 'EPROTO' && https) return `${code}: the TLS handshake failed; if the node serves plain HTTP, use http://`;
  if (code === 'ECONNRESET' && !https) return `${code}: if the node serves HTTPS (--tls-cert), use https://`;
  return code;
}
