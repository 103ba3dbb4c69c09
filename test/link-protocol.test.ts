// The one link protocol (actions/link-protocol.ts) seen through both callers: the BUILT Action and runBackfill read the
// primary back on the same answers, settle a link made behind a failed answer the same way, and skip the read-back alike.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { User } from '../actions/types.ts';
import { runBackfill } from '../scripts/lib/backfill/run.ts';
import { fetchFor, managementClient, type TenantCredentials } from '../scripts/lib/management/client.ts';
import { Pacer } from '../scripts/lib/management/pacer.ts';
import { TenantApi } from '../scripts/lib/management/tenant-api.ts';
import type { Fetch } from '../scripts/lib/routed-fetch.cjs';
import { loadAction, succeeded } from './support/action.ts';
import { tempDir } from './support/backfill.ts';
import { DATABASE, useInProcessTenant, type TestTenant, RESET } from './support/tenant.ts';

/** How the link call's answer is spoiled: an HTTP status with Auth0's message, or no answer at all. */
type Spoiled = { status: number; message: string } | 'network';

/** Answers that do not prove the link failed: both callers must read the primary back. */
const OPEN: Array<[string, Spoiled]> = [
  ['409 identity already exists', { status: 409, message: 'Specified identity already exists.' }],
  ['400 secondary account not found', { status: 400, message: 'Provided secondary account not found.' }],
  ['503', { status: 503, message: 'Service Unavailable' }],
  ['a dropped connection', 'network'],
];

/** Answers that prove the link was not made: neither caller reads back. */
const CLOSED: Array<[string, Spoiled]> = [
  ['404', { status: 404, message: 'The user does not exist.' }],
  ['400 with another message', { status: 400, message: 'Payload validation error' }],
];

const LINK = /\/api\/v2\/users\/[^/]+\/identities$/;

/**
 * A fetch whose link calls get `spoiled` back. With `reach`, each call reaches the tenant first (the link is made, or
 * answered 409 when already made), as when Auth0 linked and the answer was lost. Records every request as `METHOD url`.
 */
function spoiling(spoiled: Spoiled, reach: boolean, seen: string[]): Fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push(`${request.method} ${request.url}`);
    if (request.method !== 'POST' || !LINK.test(new URL(request.url).pathname)) return globalThis.fetch(request);
    if (reach) await globalThis.fetch(request);
    if (spoiled === 'network') throw new TypeError('fetch failed');
    const body = { statusCode: spoiled.status, error: 'Error', message: spoiled.message };
    return new Response(JSON.stringify(body), { status: spoiled.status, headers: { 'content-type': 'application/json' } });
  };
}

function pair(t: TestTenant): { db: User; google: User } {
  const { state } = t.tenant;
  return {
    db: state.createUser({ connection: DATABASE, email: 'ann@x.io', email_verified: true, created_at: '2020-01-01T00:00:00.000Z', last_password_reset: RESET }),
    google: state.createUser({ connection: 'google-oauth2', email: 'ann@x.io', email_verified: true, created_at: '2024-01-01T00:00:00.000Z' }),
  };
}

/** Read-backs among `seen`: the GET of the primary's identities alone, which only the protocol asks for. */
const readBacks = (seen: string[]): number =>
  seen.filter((s) => s.startsWith('GET ') && new URL(s.slice(4)).searchParams.get('fields') === 'user_id,identities').length;

/** The Google account logs in through the built Action with `fetch`. */
async function actionLogin(t: TestTenant, fetch: Fetch) {
  const { db, google } = pair(t);
  const { action } = await loadAction(t, {}, { fetch });
  const result = succeeded(await action.login({ userId: google.user_id }), t);
  return { db, google, result };
}

/** runBackfill --apply over the tenant with `fetch`, a pacer that retries once without waiting. */
async function backfillApply(t: TestTenant, fetch: Fetch) {
  const { db, google } = pair(t);
  const credentials: TenantCredentials = { domain: t.tenant.domain, clientId: t.client.client_id, clientSecret: t.client.client_secret };
  const pacer = new Pacer({ concurrency: 1, maxAttempts: 2, sleep: async () => undefined });
  const api = new TenantApi(managementClient(credentials, { maxRetries: 0, fetch }), pacer, fetchFor(credentials, fetch));
  const result = await runBackfill(api, {
    apply: true,
    journalPath: join(tempDir(), 'journal.ndjson'),
    domain: t.tenant.domain,
    policy: { trust: { connections: undefined } },
    concurrency: 1,
  });
  return { db, google, applied: result.applied! };
}

describe('an answer that leaves the link open: both callers read the primary back', () => {
  const current = useInProcessTenant();

  for (const [name, spoiled] of OPEN) {
    it(`${name}, link made: the Action ends the login on the primary`, async () => {
      const seen: string[] = [];
      const { db, google, result } = await actionLogin(current(), spoiling(spoiled, true, seen));
      expect(readBacks(seen)).toBe(1);
      expect(result.subject).toBe(db.user_id);
      expect(result.logs).toEqual([`auto-link: linked ${google.user_id} into ${db.user_id}, login continues as ${db.user_id}`]);
    });

    it(`${name}, link made: the backfill counts it as found linked`, async () => {
      const seen: string[] = [];
      const { db, google, applied } = await backfillApply(current(), spoiling(spoiled, true, seen));
      expect(readBacks(seen)).toBeGreaterThanOrEqual(1);
      expect(applied).toMatchObject({ linked: 0, alreadyLinked: 1, linkedGroups: 1, failedGroups: 0 });
      expect(
        current()
          .tenant.state.getUser(db.user_id)!
          .identities.map((i) => `${i.provider}|${i.user_id}`),
      ).toEqual([db.user_id, google.user_id]);
    });

    it(`${name}, link not made: the Action reads back, finds nothing and keeps the login on its own account`, async () => {
      const seen: string[] = [];
      const { google, result } = await actionLogin(current(), spoiling(spoiled, false, seen));
      expect(readBacks(seen)).toBe(1);
      expect(result.subject).toBe(google.user_id);
      expect(current().tenant.state.getUser(google.user_id)).toBeDefined();
    });

    it(`${name}, link not made: the backfill reads back, finds nothing and counts no link`, async () => {
      const seen: string[] = [];
      const { google, applied } = await backfillApply(current(), spoiling(spoiled, false, seen));
      expect(readBacks(seen)).toBeGreaterThanOrEqual(1);
      expect(applied).toMatchObject({ linked: 0, alreadyLinked: 0 });
      expect(current().tenant.state.getUser(google.user_id)).toBeDefined();
    });
  }
});

describe('an answer that proves the link was not made: neither caller reads back', () => {
  const current = useInProcessTenant();

  for (const [name, spoiled] of CLOSED) {
    it(`${name}: the Action keeps the login on its own account`, async () => {
      const seen: string[] = [];
      const { google, result } = await actionLogin(current(), spoiling(spoiled, false, seen));
      expect(readBacks(seen)).toBe(0);
      expect(result.subject).toBe(google.user_id);
    });

    it(`${name}: the backfill fails the group`, async () => {
      const seen: string[] = [];
      const { google, applied } = await backfillApply(current(), spoiling(spoiled, false, seen));
      expect(readBacks(seen)).toBe(0);
      expect(applied).toMatchObject({ linked: 0, alreadyLinked: 0, failedGroups: 1 });
      expect(current().tenant.state.getUser(google.user_id)).toBeDefined();
    });
  }
});
