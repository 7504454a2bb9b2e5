// What the URL says: the view (hash route, so a link can be shared) and the poll interval (?poll=ms).

export const POLL_MS_DEFAULT = 1000;
/** Faster than this would flood a small cluster with requests from one tab. */
export const POLL_MS_MIN = 100;
export const POLL_MS_MAX = 60_000;

export const VIEWS = ['members', 'ring', 'keys', 'explain', 'activity', 'health', 'rebalance', 'what-if'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  readonly view: ViewName;
  /** What follows the view in the hash: a key for keys and explain, percent-encoded there. */
  readonly argument: string | null;
}

export function pollMsOf(search: string): number {
  const text = new URLSearchParams(search).get('poll');
  const value = text === null ? NaN : Number(text);
  if (!Number.isFinite(value)) return POLL_MS_DEFAULT;
  return Math.min(POLL_MS_MAX, Math.max(POLL_MS_MIN, Math.round(value)));
}

export function routeOf(hash: string): Route {
  const [, view = '', ...rest] = hash.replace(/^#/, '').split('/');
  const known = (VIEWS as readonly string[]).includes(view) ? (view as ViewName) : 'members';
  const encoded = rest.join('/');
  let argument: string | null = null;
  if (encoded.length > 0) {
    try {
      argument = decodeURIComponent(encoded);
    } catch {
      argument = null;
    }
  }
  return { view: known, argument };
}

export function hrefOf(view: ViewName, argument: string | null = null): string {
  return argument === null ? `#/${view}` : `#/${view}/${encodeURIComponent(argument)}`;
}
