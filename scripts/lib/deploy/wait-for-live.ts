// Waits for a deployed version to go live before the bindings are written: Auth0 answers a deploy before its version is deployed.
import type { ManagementClient } from 'auth0';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../cli.ts';
import { createProgress, formatDuration, type ProgressOptions } from '../progress.ts';

export interface LiveWaitOptions {
  timeoutMs: number;
  /** First wait between polls; it grows by half up to 2 s. */
  intervalMs?: number;
  progress?: Omit<ProgressOptions, 'label' | 'total'>;
}

/**
 * Resolves once version `versionId` reads `deployed: true`. `POST …/deploy` answers with the version still
 * `deployed: false`, and binding it before it is live fails with 400 "Trying to create a binding for an action that has
 * not been deployed yet." (auth0-deploy-cli#385); the Terraform provider polls for the same reason (#1590).
 */
export async function waitUntilLive(
  client: ManagementClient,
  actionId: string,
  version: { id: string; number?: number },
  options: LiveWaitOptions,
): Promise<void> {
  const started = Date.now();
  const name = version.number === undefined ? 'the new version' : `version ${version.number}`;
  const progress = createProgress({ ...options.progress, label: `waiting for ${name} to go live`, waiting: true });
  let interval = options.intervalMs ?? 250;
  try {
    for (;;) {
      const read = await client.actions.versions.get(actionId, version.id);
      if (read.deployed) return;
      const elapsed = Date.now() - started;
      progress.update(0, undefined, 'deployed: false');
      if (elapsed >= options.timeoutMs) {
        throw new CliError(
          `${name} was deployed but was still not live after ${formatDuration(options.timeoutMs / 1000)}; the post-login bindings were not changed: run the deploy again`,
        );
      }
      await sleep(Math.min(interval, options.timeoutMs - elapsed));
      interval = Math.min(Math.round(interval * 1.5), 2000);
    }
  } finally {
    progress.finish();
  }
}
