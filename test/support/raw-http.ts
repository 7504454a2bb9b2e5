// HTTP/1.1 over a plain socket, with the request target sent byte for byte. fetch() parses URLs the
// WHATWG way (it turns /kv/%2E%2E into /, for one) and stops uploading once an answer arrives; these
// let a test send exactly what a less helpful client would, and see exactly what the node answers.

import { connect } from 'node:net';

const RAW_DEADLINE_MS = 10_000;

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly body: any;
}

function decodeChunked(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = payload.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(payload.subarray(offset, lineEnd).toString(), 16);
    if (!(size > 0)) break;
    parts.push(payload.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseResponse(raw: Buffer): RawResponse {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new Error(`no complete HTTP response: ${JSON.stringify(raw.toString().slice(0, 200))}`);
  const [statusLine, ...headerLines] = raw.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const payload = raw.subarray(headerEnd + 4);
  const text = (headers['transfer-encoding'] === 'chunked' ? decodeChunked(payload) : payload).toString('utf8');
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    // Not JSON; the text is returned as is.
  }
  return { status, headers, text, body };
}

/** Sends `method target` with `Connection: close` and reads the answer until the node closes. */
export function rawRequest(url: string, method: string, target: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = { host: `${hostname}:${port}`, connection: 'close', ...(options.headers ?? {}) };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const head = `${method} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to ${method} ${target} within ${RAW_DEADLINE_MS} ms`)), RAW_DEADLINE_MS);
    socket.on('connect', () => {
      socket.write(head);
      if (body !== undefined) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(received)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** What a raw chunked upload got back, and how much of the body had been sent by then. */
export interface ChunkedUploadAnswer {
  readonly response: RawResponse | undefined;
  readonly sentBytes: number;
}

/** The response in `raw` once all of it has arrived (by Content-Length or the last chunk), else undefined. */
function completeResponse(raw: Buffer): RawResponse | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = raw.subarray(0, headerEnd).toString('latin1').toLowerCase();
  const declared = /\r\ncontent-length: *(\d+)/.exec(head)?.[1];
  const bodyBytes = raw.length - headerEnd - 4;
  const complete = declared === undefined ? raw.subarray(raw.length - 5).toString() === '0\r\n\r\n' : bodyBytes >= Number(declared);
  return complete ? parseResponse(raw) : undefined;
}

/**
 * Streams a chunked body of `totalBytes` spaces over a raw socket (no Content-Length, so the node can only
 * find out by reading), as a client would that does not stop when an early answer arrives, and
 * returns the answer once it is complete, or undefined if the node hung up without one.
 */
export function rawChunkedUpload(url: string, method: string, target: string, totalBytes: number): Promise<ChunkedUploadAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let response: RawResponse | undefined;
    let sentBytes = 0;
    const chunk = Buffer.from(' '.repeat(64 * 1024));
    const pump = () => {
      try {
        while (sentBytes < totalBytes && response === undefined && socket.writable) {
          sentBytes += chunk.length;
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => {})) return socket.once('drain', pump);
        }
        if (response === undefined && socket.writable) socket.write('0\r\n\r\n');
      } catch {
        // The node closed the connection after answering: exactly what a 413 may do.
      }
    };
    socket.on('connect', () => {
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
    const timer = setTimeout(() => socket.destroy(), RAW_DEADLINE_MS);
    socket.on('data', (data: Buffer) => {
      received.push(data);
      response ??= completeResponse(Buffer.concat(received));
      if (response !== undefined) socket.destroy();
    });
    // A write after the node hung up fails with EPIPE; whatever was answered is reported on close.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response: response ?? completeResponse(Buffer.concat(received)), sentBytes });
    });
  });
}
