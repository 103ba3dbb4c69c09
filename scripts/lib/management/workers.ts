// Works through items a few at a time until done or aborted; an authorization error stops everything, as every item would fail alike.
import { CliError } from '../cli.ts';
import { describeApiError } from './client.ts';
import { statusOfError } from './pacer.ts';

export interface WorkerOptions {
  concurrency: number;
  signal?: AbortSignal | undefined;
  /** What the work is, for the message of an authorization error (e.g. "linking"). */
  doing: string;
}

/**
 * Calls `work` for each item, `concurrency` at once. An error of one item goes to `failed` with a message an admin can
 * act on, and the others go on; a 401 or 403 is thrown as a CliError once running items end. After an abort no item
 * starts and the errors of running ones (the abort itself) are not reported.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  options: WorkerOptions,
  work: (item: T) => Promise<void>,
  failed: (item: T, message: string) => void,
): Promise<void> {
  let next = 0;
  let fatal: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && fatal === undefined && !options.signal?.aborted) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        if (options.signal?.aborted) return;
        const status = statusOfError(error);
        if (status === 401 || status === 403) {
          fatal = error;
          return;
        }
        failed(item, describeApiError(error, options.doing));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (fatal !== undefined) throw new CliError(describeApiError(fatal, options.doing));
}
