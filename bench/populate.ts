// Writes every key of the benchmark's key space once, before any load, so that every GET of the GET
// runs hits. Key names and values are those bench/kv.lua sends: `k<i>` and a ~100-byte JSON object.
// A cluster is populated through one node at consistency=all, so every replica holds every key before a
// GET at consistency=one can land on any of them.

const POPULATE_CONCURRENCY = 32;
export const PAYLOAD = 'x'.repeat(80);

export function keyPath(index: number): string {
  return `/kv/k${index}`;
}

export function putBody(index: number): string {
  return `{"value":{"id":${index},"payload":"${PAYLOAD}"}}`;
}

export async function populate(url: string, keys: number, query = ''): Promise<void> {
  const suffix = query === '' ? '' : `?${query}`;
  let next = 0;
  const worker = async () => {
    while (next < keys) {
      const index = next++;
      const response = await fetch(`${url}${keyPath(index)}${suffix}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: putBody(index),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`populating ${url}: PUT ${keyPath(index)} answered ${response.status}: ${text}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(POPULATE_CONCURRENCY, keys) }, worker));
  // Spot-check that a key reads back, so a GET run cannot silently measure 404s.
  const probe = await fetch(`${url}${keyPath(keys - 1)}`);
  const text = await probe.text();
  if (probe.status !== 200 || !text.includes(PAYLOAD)) throw new Error(`after populating ${url}, GET ${keyPath(keys - 1)} answered ${probe.status}: ${text}`);
}
