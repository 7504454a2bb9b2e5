// Bounded concurrency for the background services that push records to peers (hinted handoff, a
// departing node's hand-over): a fixed number of workers, and a way to stop starting new work.

/**
 * Runs `work` on the items, at most `concurrencyMax` at once, starting no more once `stop()` holds;
 * resolves with the results in order (undefined for items never started).
 */
export async function forEachBounded<T, R>(items: readonly T[], concurrencyMax: number, stop: () => boolean, work: (item: T) => Promise<R>): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrencyMax, items.length) }, worker));
  return results;
}
