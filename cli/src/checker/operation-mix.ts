// What a checked workload sends, drawn one operation at a time: 55% PUT, 15% DELETE and 30% GET over
// a bounded key space, a given share at consistency one and the rest at quorum. `swarmkv check` and the
// chaos test runner draw alike, so their histories read alike.

import type { Consistency, OpKind } from './history';

const PUT_SHARE = 0.55;
const DELETE_SHARE = 0.15;
/** Past a coordinator's 1.5 s quorum deadline: a request still open then is a hang, recorded as a timeout. */
export const CLIENT_TIMEOUT_MS = 5000;
/** After a refused connection (a killed node), so a client does not spin through its share of the rate. */
export const UNREACHABLE_BACKOFF_MS = 100;

export interface DrawnOperation {
  readonly keyIndex: number;
  readonly kind: OpKind;
  readonly consistency: Consistency;
}

/** The next operation from `random` (uniform in [0, 1)): three draws, always in the same order, so a seed replays. */
export function drawOperation(random: { next(): number }, keys: number, oneShare: number): DrawnOperation {
  const keyIndex = Math.floor(random.next() * keys);
  const roll = random.next();
  const kind: OpKind = roll < PUT_SHARE ? 'put' : roll < PUT_SHARE + DELETE_SHARE ? 'delete' : 'get';
  return { keyIndex, kind, consistency: random.next() < oneShare ? 'one' : 'quorum' };
}
