// Bounded concurrency for benchmark work: many logins or requests in flight at once, never more than the bound.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Runs `work` over `items` with at most `concurrency` in flight, in order of the list; results keep the list's order. */
export async function runPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
      // Work that needs no I/O (a steady-state login) settles in microtasks alone: without this a worker would run
      // such items back to back and hold other items' HTTP answers waiting, inflating their measured time.
      await yieldToEventLoop();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
