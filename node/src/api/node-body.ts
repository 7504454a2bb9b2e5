// Reading a request body straight from Node's IncomingMessage. `Request.body` on Node is a web stream
// made from the IncomingMessage (Readable.toWeb), and building it cost ~9% of a PUT's CPU in the
// profile (makeTransferable, createReadableStreamState): bench/RESULTS.md, "Single-node PUT". The
// semantics are those of the web-stream reader in request-body.ts: the same byte limit, enforced while
// reading, and the same treatment of a body past it.

import type { IncomingMessage } from 'node:http';
import { SwarmError } from '../errors';

/** Why a body ended before its last byte: the client went away (isClientAbort recognises it). */
function abortedError(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

export function tooLargeError(bytesMax: number): SwarmError {
  return new SwarmError('payload_too_large', `the body exceeds the limit of ${bytesMax} bytes`, { bytesMax });
}

/** The body's bytes, read from `request` up to `bytesMax` (payload_too_large beyond it). */
export function readNodeBodyBounded(request: IncomingMessage, bytesMax: number): Promise<Uint8Array> {
  if (request.complete && request.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const detach = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > bytesMax) {
        // Stop buffering but keep the connection: the rest of the body flows on with no listener and
        // is discarded (bounded by the server's request timeout) while the 413 goes out, so a client
        // still sending gets our answer rather than a connection reset.
        detach();
        chunks.length = 0;
        request.resume();
        reject(tooLargeError(bytesMax));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    // A socket closed before the body's end: no 'end' will come.
    const onClose = () => {
      detach();
      reject(abortedError());
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onClose);
  });
}
