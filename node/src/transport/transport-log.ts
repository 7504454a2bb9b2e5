// How the transport reports what it does: one structured event per line, mapped by the composition root
// onto the node's logger. Event names are `transport.*`; fields are plain JSON values.

export type TransportLog = (event: string, fields: Record<string, unknown>) => void;

export const silentTransportLog: TransportLog = () => {};

/** Short enough for a log line, long enough to tell keys apart. */
export function shortKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex').slice(0, 16);
}
