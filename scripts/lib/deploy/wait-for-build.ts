// Waits for an Action's draft to be built, with a bounded poll that shows progress; a failed build comes back with its errors.
import type { ManagementClient } from 'auth0';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../cli.ts';
import { createProgress, formatDuration, type ProgressOptions } from '../progress.ts';

export interface WaitOptions {
  /** Give up after this long; Auth0 builds have been seen to take 30–45 s. */
  timeoutMs: number;
  /** First wait between polls; it grows by half up to 2 s, which keeps a 45 s build to about 25 calls. */
  intervalMs?: number;
  progress?: Omit<ProgressOptions, 'label' | 'total'>;
}

/** The build failed: the message lists Auth0's build errors. */
export class BuildFailedError extends CliError {}

/** Resolves when the draft is `built`; throws BuildFailedError on `failed` and a CliError on timeout. */
export async function waitForBuild(client: ManagementClient, actionId: string, options: WaitOptions): Promise<void> {
  const started = Date.now();
  // A build has no progress to show, only its status: a bar against the timeout would fill towards a failure.
  const progress = createProgress({ ...options.progress, label: 'waiting for the Action to build', waiting: true });
  let interval = options.intervalMs ?? 250;
  try {
    for (;;) {
      const action = await client.actions.get(actionId);
      const status = action.status ?? 'pending';
      const elapsed = Date.now() - started;
      progress.update(Math.floor(elapsed / 1000), undefined, status);
      if (status === 'built') return;
      if (status === 'failed')
        throw new BuildFailedError(
          `the Action failed to build on the tenant:${(await buildErrors(client, actionId)).map((e) => `\n  - ${e}`).join('') || ' Auth0 gave no detail'}\nNothing was deployed or bound.`,
        );
      if (elapsed >= options.timeoutMs) {
        throw new CliError(
          `the Action was still "${status}" after ${formatDuration(options.timeoutMs / 1000)}: nothing was deployed or bound; run the deploy again (it resumes) or raise --build-timeout`,
        );
      }
      await sleep(Math.min(interval, options.timeoutMs - elapsed));
      interval = Math.min(Math.round(interval * 1.5), 2000);
    }
  } finally {
    progress.finish();
  }
}

/**
 * The draft's build errors. The draft is read as version `draft`, as Auth0's dashboard does; the API reference documents
 * only version ids, so when that read fails the errors are reported as unknown rather than failing the report.
 */
async function buildErrors(client: ManagementClient, actionId: string): Promise<string[]> {
  try {
    const draft = await client.actions.versions.get(actionId, 'draft');
    return (draft.errors ?? []).map((e) => [e.id, e.msg].filter(Boolean).join(': ')).filter((line) => line !== '');
  } catch {
    return [];
  }
}
