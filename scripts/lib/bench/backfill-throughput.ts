// Backfill-throughput benchmark: the backfill's own entry (runBackfill, with its pacer and journal) against a generated
// local tenant over loopback HTTP whose Management API is rate-limited like Auth0's (token bucket, 429s); links per
// second while linking, as a share of the most the rate limit allows for the requests the run needed.
//
// The ceiling: linking needed R requests to /api/v2 that were answered (not 429) for L links. A bucket of `burst`
// tokens refilled at `rate` per second serves R requests in no less than max(0, R − burst) / rate seconds, so no
// pacing can link faster than L / that. The burst is counted as full when linking starts (the reading before it used
// a few requests and had time to refill), which makes the ceiling optimistic and the share a conservative one.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackfill } from '../backfill/run.ts';
import { pacedTenantApi } from '../management/tenant-api.ts';
import type { TenantCredentials } from '../management/client.ts';
import { loadGenerated } from '../generator.ts';
import { createLocalTenant, serveHttp } from '../../../local-tenant/index.ts';

export interface BackfillThroughputOptions {
  users: number;
  seed: number;
  ratePerSecond: number;
  burst: number;
  /** Groups linked at once (the backfill's --concurrency). */
  concurrency: number;
  latencyMs: number;
  /** Where the journal is written (and removed afterwards). */
  workDir: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface BackfillThroughputResult {
  users: number;
  ratePerSecond: number;
  burst: number;
  concurrency: number;
  latencyMs: number;
  via: string;
  groups: number;
  /** Links the plan asked for, and links made. */
  plannedLinks: number;
  linked: number;
  failedGroups: number;
  failures: string[];
  /** Seconds from the start of linking to its end, and of the whole run (reading and planning included). */
  linkingSeconds: number;
  totalSeconds: number;
  linksPerSecond: number;
  /** /api/v2 requests answered (not 429) while linking, and those answered 429. */
  requests: number;
  throttled: number;
  requestsPerLink: number;
  /**
   * The fastest linking possible for `requests` at this rate limit (see the header), and the share reached; null when
   * the requests fit in the burst, so the rate limit never bound the run (toy sizes).
   */
  ceilingLinksPerSecond: number | null;
  shareOfCeiling: number | null;
  /** If each link took one request and nothing else: the rate itself. */
  oneRequestPerLinkCeiling: number;
}

const DOMAIN = 'backfill.tenant.local';

export async function benchBackfill(options: BackfillThroughputOptions): Promise<BackfillThroughputResult> {
  const tenant = createLocalTenant({ domain: DOMAIN, latencyMs: options.latencyMs, rateLimit: { ratePerSecond: options.ratePerSecond, burst: options.burst } });
  const client = tenant.state.addClient({ name: 'auto-link backfill', scopes: ['read:users', 'update:users', 'delete:sessions', 'delete:grants'] });
  loadGenerated(tenant.state, { users: options.users, seed: options.seed });
  await mkdir(options.workDir, { recursive: true });
  const journalPath = join(options.workDir, `backfill-bench-${process.pid}-${Date.now()}.journal.ndjson`);
  const server = await serveHttp(tenant);
  try {
    const credentials: TenantCredentials = { domain: DOMAIN, clientId: client.client_id, clientSecret: client.client_secret, baseUrl: server.url };
    const api = pacedTenantApi(credentials, { concurrency: options.concurrency });
    let linkingStarted: number | undefined;
    const started = performance.now();
    const result = await runBackfill(api, {
      apply: true,
      journalPath,
      domain: DOMAIN,
      policy: { trust: { connections: undefined } },
      concurrency: options.concurrency,
      pollMs: { first: 200, max: 1000 },
      progress: (label, total) => {
        // The backfill opens its "linking" bar as linking starts: from here on every request counts for the share.
        if (label === 'linking') {
          linkingStarted = performance.now();
          tenant.requests.reset();
        }
        return { update: (done) => options.onProgress?.(`backfill ${label}`, done, total), finish() {} };
      },
    });
    const ended = performance.now();
    const applied = result.applied;
    if (!applied || linkingStarted === undefined) throw new Error('the backfill did not reach its linking step');
    const linkingSeconds = (ended - linkingStarted) / 1000;
    const throttled = tenant.requests.count({ status: 429 });
    const requests = tenant.requests.managementApiCalls() - throttled;
    const minimumSeconds = Math.max(0, requests - options.burst) / options.ratePerSecond;
    const ceiling = minimumSeconds > 0 ? applied.linked / minimumSeconds : null;
    const linksPerSecond = linkingSeconds > 0 ? applied.linked / linkingSeconds : 0;
    return {
      users: options.users,
      ratePerSecond: options.ratePerSecond,
      burst: options.burst,
      concurrency: options.concurrency,
      latencyMs: options.latencyMs,
      via: result.via,
      groups: result.totals.groups,
      plannedLinks: result.totals.links,
      linked: applied.linked,
      failedGroups: applied.failedGroups,
      failures: applied.failures.map((f) => f.error),
      linkingSeconds,
      totalSeconds: (ended - started) / 1000,
      linksPerSecond,
      requests,
      throttled,
      requestsPerLink: applied.linked > 0 ? requests / applied.linked : 0,
      ceilingLinksPerSecond: ceiling,
      shareOfCeiling: ceiling === null ? null : linksPerSecond / ceiling,
      oneRequestPerLinkCeiling: options.ratePerSecond,
    };
  } finally {
    await server.close();
    await rm(journalPath, { force: true });
  }
}
