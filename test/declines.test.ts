// `npm run declines` on the local tenant: who declined (never an email), --json and --csv, clearing only the decline key, and the built Action asking again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECLINED_KEY } from '../actions/decline-memory.ts';
import { deriveLinkKeys } from '../actions/link-page-tokens.ts';
import { signProof, verifyOffer } from '../link-page/tokens.ts';
import { declinesCommand, declinesSpec } from '../scripts/lib/declines/command.ts';
import type { Env } from '../scripts/lib/env.ts';
import type { FlowResult, SuspendedFlow } from '../local-tenant/index.ts';
import { loadAction } from './support/action.ts';
import { envFor, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { createTestTenant, DATABASE, useInProcessTenant, type TestTenant, resetAfter } from './support/tenant.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');

function declines(env: Env, argv: string[], now: Date | undefined = NOW) {
  return runCli(declinesSpec, declinesCommand({ env, progressStream: quiet, ...(now ? { now: () => now } : {}) }), argv);
}

const current = useInProcessTenant((): TestTenant => {
  const made = createTestTenant();
  made.tenant.state.addConnection({ name: 'entra', strategy: 'waad' });
  return made;
});

/** Four people: one said "Never", one "Not now" still in force, one "Not now" long past, one was never asked. */
function people() {
  const { state } = current().tenant;
  const create = (connection: string, email: string, app_metadata: Record<string, unknown>) =>
    state.createUser({ connection, email, email_verified: true, app_metadata, ...(connection === DATABASE ? resetAfter(undefined) : {}) });
  const ann = create('entra', 'ann@example.com', {
    tier: 2,
    [DECLINED_KEY]: { decision: 'never', at: '2026-03-01T09:00:00.000Z', offers: ['google-oauth2|111'] },
  });
  const bo = create('github', 'bo@example.com', {
    [DECLINED_KEY]: { decision: 'later', at: '2026-05-30T10:00:00.000Z', until: '2026-06-06T10:00:00.000Z', offers: ['auth0|222'] },
  });
  const cy = create(DATABASE, 'cy@example.com', {
    plan: 'pro',
    [DECLINED_KEY]: { decision: 'later', at: '2026-01-10T10:00:00.000Z', until: '2026-01-17T10:00:00.000Z', offers: ['github|333', 'entra|334'] },
  });
  const dee = create(DATABASE, 'dee@example.com', { tier: 1 });
  return { ann, bo, cy, dee };
}

const appMetadata = (userId: string) => current().tenant.state.getUser(userId)!.app_metadata ?? {};

describe('npm run declines: the listing', () => {
  it('lists every decline with decision, when, until and the offered user_ids, never an email; --json, --csv, --since; read:users is enough', async () => {
    const { tenant } = current();
    const { ann, bo, cy } = people();
    const reader = tenant.state.addClient({ name: 'report', scopes: ['read:users'] });
    const env = envFor(tenant, reader);

    const human = await declines(env, []);
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^  ${cy.user_id.replace('|', '\\|')}\\s+later\\s+2026-01-10 10:00:00\\s+until 2026-01-17 10:00:00\\s+EXPIRED\\s+offered github\\|333, entra\\|334$`,
      ),
    );
    expect(lines[1]).toMatch(/never\s+2026-03-01 09:00:00\s+offered google-oauth2\|111$/);
    expect(lines[2]).toMatch(/later\s+2026-05-30 10:00:00\s+until 2026-06-06 10:00:00\s+offered auth0\|222$/);
    expect(human.stdout).toContain(
      '3 declines: 1 "Never", 1 "Not now" in force, 1 "Not now" expired. The Action already asks the expired ones again; --clear-expired removes their records.',
    );
    expect(human.stdout + human.stderr).not.toMatch(/@example\.com/);

    const csv = join(tempDir(), 'declines.csv');
    const json = await declines(env, ['--json', '--csv', csv]);
    expect(json.code).toBe(0);
    expect(json.json).toMatchObject({ ok: true, via: 'paging', totals: { declines: 3, never: 1, later: 1, expired: 1, other: 0 } });
    expect(json.json!.declines).toEqual([
      {
        user_id: cy.user_id,
        decision: 'later',
        at: '2026-01-10T10:00:00.000Z',
        until: '2026-01-17T10:00:00.000Z',
        expired: true,
        offers: ['github|333', 'entra|334'],
      },
      { user_id: ann.user_id, decision: 'never', at: '2026-03-01T09:00:00.000Z', until: null, expired: false, offers: ['google-oauth2|111'] },
      { user_id: bo.user_id, decision: 'later', at: '2026-05-30T10:00:00.000Z', until: '2026-06-06T10:00:00.000Z', expired: false, offers: ['auth0|222'] },
    ]);
    expect(JSON.stringify(json.json)).not.toMatch(/@example\.com/);
    expect(readFileSync(csv, 'utf8')).toBe(
      [
        'user_id,decision,at,until,expired,offers',
        `${cy.user_id},later,2026-01-10T10:00:00.000Z,2026-01-17T10:00:00.000Z,true,github|333 entra|334`,
        `${ann.user_id},never,2026-03-01T09:00:00.000Z,,false,google-oauth2|111`,
        `${bo.user_id},later,2026-05-30T10:00:00.000Z,2026-06-06T10:00:00.000Z,false,auth0|222`,
        '',
      ].join('\n'),
    );

    const since = await declines(env, ['--since', '2026-02-01', '--json']);
    expect((since.json!.declines as Array<{ user_id: string }>).map((d) => d.user_id)).toEqual([ann.user_id, bo.user_id]);
    // A week later, Bo's "Not now" has run out too.
    const later = await declines(env, ['--json'], new Date('2026-06-07T00:00:00.000Z'));
    expect(later.json).toMatchObject({ totals: { never: 1, later: 0, expired: 2 } });
    expect(tenant.requests.count({ method: 'PATCH' })).toBe(0);
  });

  it('says so when nobody declined', async () => {
    const { tenant, client } = current();
    const run = await declines(envFor(tenant, client), ['--clear-all']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No declines recorded: nobody answered "Not now" or "Never" on the linking page (or it was cleared).');
    expect(run.stdout).toContain('Nothing to clear: no declines.');
  });
});

describe('npm run declines: clearing', () => {
  it('--clear is a dry run that changes nothing; --apply removes only the decline key, every other key and user untouched', async () => {
    const { tenant, client } = current();
    const { ann, bo, cy } = people();
    const env = envFor(tenant, client);
    const before = [ann, bo, cy].map((u) => appMetadata(u.user_id));

    const dry = await declines(env, ['--clear', ann.user_id]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was changed. Run again with --apply to clear this decline.');
    expect(tenant.requests.count({ method: 'PATCH' })).toBe(0);
    expect([ann, bo, cy].map((u) => appMetadata(u.user_id))).toEqual(before);

    const run = await declines(env, ['--clear', ann.user_id, '--apply', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ ok: true, clear: { dryRun: false, items: [{ user_id: ann.user_id, status: 'cleared' }] } });
    expect(appMetadata(ann.user_id)).toEqual({ tier: 2 });
    expect(appMetadata(bo.user_id)).toEqual(before[1]);
    expect(appMetadata(cy.user_id)).toEqual(before[2]);
    expect(tenant.requests.count({ method: 'PATCH' })).toBe(1);
  });

  it('refuses, in one line and with nothing changed, a user without a decline or no user at all', async () => {
    const { tenant, client } = current();
    const { ann, dee } = people();
    const env = envFor(tenant, client);
    const without = await declines(env, ['--clear', ann.user_id, '--clear', dee.user_id, '--apply']);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(`error: ${dee.user_id} holds no decline (app_metadata.${DECLINED_KEY}): nothing was changed\n`);
    const nobody = await declines(env, ['--clear', 'google-oauth2|404', '--apply']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('error: google-oauth2|404 is no user of this tenant: nothing was changed\n');
    expect(tenant.requests.count({ method: 'PATCH' })).toBe(0);
    expect(appMetadata(ann.user_id)[DECLINED_KEY]).toBeDefined();
  });

  it('--clear-expired removes only the expired "Not now"; --clear-all --since the declines made since', async () => {
    const { tenant, client } = current();
    const { ann, bo, cy } = people();
    const env = envFor(tenant, client);
    const expired = await declines(env, ['--clear-expired', '--apply']);
    expect(expired.code).toBe(0);
    expect(expired.stdout).toContain('Cleared 1 of 1 expired "Not now" record. The Action asks these people again at their next interactive login.');
    expect(appMetadata(cy.user_id)).toEqual({ plan: 'pro' });
    expect(appMetadata(ann.user_id)[DECLINED_KEY]).toBeDefined();
    expect(appMetadata(bo.user_id)[DECLINED_KEY]).toBeDefined();

    const recent = await declines(env, ['--clear-all', '--since', '2026-05-01', '--apply', '--json']);
    expect(recent.json).toMatchObject({ ok: true, clear: { items: [{ user_id: bo.user_id, status: 'cleared' }] } });
    expect(appMetadata(bo.user_id)).toEqual({});
    expect(appMetadata(ann.user_id)[DECLINED_KEY]).toBeDefined();
  });

  it('without update:users, --apply is one line naming the scope and exit 1; without read:users the listing is too', async () => {
    const { tenant } = current();
    const { ann } = people();
    const reader = tenant.state.addClient({ name: 'report', scopes: ['read:users'] });
    const run = await declines(envFor(tenant, reader), ['--clear', ann.user_id, '--apply']);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('clearing declines failed: Auth0 answered 403: Insufficient scope, expected any of: update:users');
    expect(appMetadata(ann.user_id)[DECLINED_KEY]).toBeDefined();

    const nobody = tenant.state.addClient({ name: 'nothing', scopes: ['read:clients'] });
    const list = await declines(envFor(tenant, nobody), []);
    expect(list.code).toBe(1);
    expect(list.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(list.stderr).toContain('expected any of: read:users');
  });

  it('answers wrong flags with exit 2 and the usage, before any request', async () => {
    const { tenant, client } = current();
    const env = envFor(tenant, client);
    const cases: Array<[string[], string]> = [
      [['--clera-all'], "Unknown option '--clera-all'"],
      [['--clear-all', '--clear-expired'], 'name what to clear with one of --clear, --clear-all, --clear-expired (got --clear-all, --clear-expired)'],
      [['--clear', 'nobar'], '--clear takes a user_id such as google-oauth2|1234, got "nobar"'],
      [['--clear', 'a|1', '--since', '2026-01-01'], '--since narrows a listing, --clear-all or --clear-expired; --clear names users already'],
      [['--apply'], '--apply goes with --clear, --clear-all or --clear-expired'],
      [['--clear-all', '--apply', '--dry-run'], '--apply and --dry-run exclude each other'],
      [['--since', 'yesterday'], '--since takes an ISO date such as 2025-06-01 or 2025-06-01T10:00:00Z, got "yesterday"'],
      [['--concurrency', '0', '--clear-all'], '--concurrency must be a whole number from 1 to 64, got "0"'],
    ];
    for (const [argv, message] of cases) {
      const run = await declines(env, argv);
      expect([argv, run.code]).toEqual([argv, 2]);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage: npm run declines');
    }
    expect(tenant.requests.count()).toBe(0);
    const help = await declines(env, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--clear-expired');
  });
});

describe('after a clear, the built Action asks again', () => {
  const LINK_SECRET = 'a-link-secret-of-at-least-32-characters!';
  const PAGE = { LINK_PAGE_URL: 'https://link.example.com/link', LINK_SECRET, LINK_PAGE_CLIENT_ID: 'link-page-app' };

  async function login(userId: string) {
    const { runtime, action } = await loadAction(current(), PAGE);
    return {
      runtime,
      result: await runtime.startLogin([action], { canRedirect: true, protocol: 'oidc-basic-profile', transaction: { state: 'app-state' }, userId }),
    };
  }

  function redirected(result: FlowResult | SuspendedFlow): SuspendedFlow {
    if (result.outcome !== 'redirect') throw new Error(`expected a redirect to the linking page, got ${result.outcome}`);
    return result;
  }

  it('"Never" on the page keeps the person from being asked; npm run declines --clear --apply makes the next login ask', async () => {
    const { tenant, client } = current();
    const google = tenant.state.createUser({
      connection: 'google-oauth2',
      email: 'eve@example.com',
      email_verified: true,
      created_at: '2020-01-01T00:00:00.000Z',
    });
    const entra = tenant.state.createUser({ connection: 'entra', email: 'eve@example.com', email_verified: true, created_at: '2024-01-01T00:00:00.000Z' });

    // The page's side of "Never ask again": read the Action's offer and sign the proof, as link-page/ does.
    const { runtime, result } = await login(entra.user_id);
    const suspended = redirected(result);
    const keys = await deriveLinkKeys(LINK_SECRET);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const offer = await verifyOffer(new URL(suspended.url).searchParams.get('offer')!, keys, tenant.domain, nowSeconds);
    const proof = await signProof(keys, { offer, state: suspended.state, decision: 'never', nowSeconds });
    const done = (await runtime.continueLogin(suspended, { method: 'POST', query: { state: suspended.state }, body: { link_proof: proof } })) as FlowResult;
    expect(done).toMatchObject({ outcome: 'success', subject: entra.user_id });
    expect((await login(entra.user_id)).result.outcome).toBe('success');

    const env = envFor(tenant, client);
    const listed = await declines(env, ['--json'], undefined);
    expect(listed.json!.declines).toEqual([
      { user_id: entra.user_id, decision: 'never', at: expect.any(String), until: null, expired: false, offers: [google.user_id] },
    ]);
    expect((await declines(env, ['--clear', entra.user_id, '--apply'], undefined)).code).toBe(0);
    expect(appMetadata(entra.user_id)[DECLINED_KEY]).toBeUndefined();

    const again = redirected((await login(entra.user_id)).result);
    expect(new URL(again.url).origin).toBe('https://link.example.com');
  });
});
