// `npm run backfill` on the local tenant: the same plan as the Action's policy, the dry-run report, --apply linking exactly
// the eligible groups with the Action's audit record, resuming after a crash without double or lost links, and 429 storms.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKED_KEY, checkedMark, linkRecordFor, linkRecords, recordKey } from '../actions/link-record.ts';
import { foldEmail } from '../actions/email.ts';
import { planGroups, planLogin, type PolicyOptions } from '../actions/policy.ts';
import type { User } from '../actions/types.ts';
import { unlinkedPatch } from '../actions/unlink-choice.ts';
import { backfillCommand, backfillSpec, type BackfillDeps } from '../scripts/lib/backfill/command.ts';
import type { JournalRecord } from '../scripts/lib/backfill/journal.ts';
import type { ConfirmRef, PlannedGroup, SkippedRef } from '../scripts/lib/backfill/plan.ts';
import type { Env } from '../scripts/lib/env.ts';
import { loadGenerated } from '../scripts/lib/generator.ts';
import type { TenantState } from '../local-tenant/index.ts';
import { bareTenant, envFor, snapshot, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { DATABASE, useInProcessTenant, type TestTenant } from './support/tenant.ts';

const NOW = new Date('2025-06-01T10:00:00.000Z');

function backfill(env: Env, argv: string[], deps: Partial<BackfillDeps> = {}) {
  return runCli(backfillSpec, backfillCommand({ env, progressStream: quiet, ...deps, run: { now: () => NOW, ...deps.run } }), argv);
}

/** Ann has a verified database account, a newer verified Google one and an unverified GitHub one; Bob's older account is
 *  on an enterprise connection; an admin excluded one of Cy's; Dee is alone; Eve is unverified and alone. Their verified
 *  database accounts had their password reset since signup: the evidence a silent link needs. */
function people(state: TenantState) {
  state.addConnection({ name: 'acme', strategy: 'samlp' });
  const at = (year: number) => `${year}-01-01T00:00:00.000Z`;
  return {
    ann1: state.createUser({
      connection: DATABASE,
      email: 'ann@example.com',
      email_verified: true,
      created_at: at(2019),
      last_password_reset: at(2020),
      app_metadata: { plan: 'pro' },
      user_metadata: { theme: 'dark' },
    }),
    ann2: state.createUser({
      connection: 'google-oauth2',
      email: 'Ann@Example.com',
      email_verified: true,
      created_at: at(2020),
      user_metadata: { locale: 'de' },
      app_metadata: { crm: 7 },
    }),
    ann3: state.createUser({ connection: 'github', email: 'ann@example.com', email_verified: false, created_at: at(2021) }),
    bob1: state.createUser({ connection: DATABASE, email: 'bob@example.com', email_verified: true, created_at: at(2018), last_password_reset: at(2019) }),
    bob2: state.createUser({ connection: 'acme', email: 'bob@example.com', email_verified: true, created_at: at(2017) }),
    cy1: state.createUser({
      connection: DATABASE,
      email: 'cy@example.com',
      email_verified: true,
      created_at: at(2016),
      app_metadata: { auto_link_exclude: true },
    }),
    cy2: state.createUser({ connection: 'google-oauth2', email: 'cy@example.com', email_verified: true, created_at: at(2022) }),
    dee: state.createUser({ connection: DATABASE, email: 'dee@example.com', email_verified: true, created_at: at(2020), last_password_reset: at(2021) }),
    eve: state.createUser({ connection: DATABASE, email: 'eve@example.com', email_verified: false, created_at: at(2020) }),
  };
}

function generated(options: Parameters<typeof loadGenerated>[1], tenantOptions: Parameters<typeof bareTenant>[0] = {}): () => TestTenant {
  return () => {
    const made = bareTenant(tenantOptions);
    loadGenerated(made.tenant.state, options);
    return made;
  };
}

/** The policy run directly over the tenant in memory: groups with something to link, as ids. */
function policyGroups(state: TenantState, options: PolicyOptions) {
  return planGroups([...state.allUsers()], options)
    .groups.filter((g) => g.secondaries.length > 0)
    .map((g) => ({
      email: g.email,
      primary: g.primary.user_id,
      secondaries: g.secondaries.map((s) => s.user_id),
      skipped: g.skipped.map((s) => [s.user.user_id, s.reason]),
    }));
}

function asIds(groups: PlannedGroup[]) {
  return groups.map((g) => ({
    email: g.email,
    primary: g.primary.user_id,
    secondaries: g.secondaries.map((s) => s.user_id),
    skipped: g.skipped.map((s) => [s.user_id, s.reason]),
  }));
}

function journalOf(path: string): JournalRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);
}

describe('backfill dry run', () => {
  const get = useInProcessTenant();

  it('reports each group with its primary and why, each skipped account and why, and totals; changes nothing', async () => {
    const { tenant, client } = get();
    const u = people(tenant.state);
    const before = snapshot(tenant.state);
    const run = await backfill(envFor(tenant, client), ['--json', '--show-emails']);
    expect(run.code).toBe(0);
    const result = run.json as { mode: string; via: string; totals: unknown; groups: PlannedGroup[]; skipped: SkippedRef[]; confirm: ConfirmRef[] };
    expect(result).toMatchObject({ mode: 'dry-run', via: 'paging' });
    expect(result.totals).toEqual({
      users: 9,
      eligible: 5,
      groups: 1,
      links: 1,
      alone: 3,
      skipped: 4,
      skippedByReason: { unverified: 2, 'untrusted-connection': 1, excluded: 1 },
      confirmGroups: 1,
    });
    // Bob's enterprise account next to his database account: only Bob can link them, by proving both at a login.
    expect(result.confirm).toEqual([
      {
        email: 'bob@example.com',
        accounts: [
          { user_id: u.bob2.user_id, email: 'bob@example.com', connection: 'acme', created_at: u.bob2.created_at },
          { user_id: u.bob1.user_id, email: 'bob@example.com', connection: DATABASE, created_at: u.bob1.created_at },
        ],
        signs: [{ user_id: u.bob2.user_id, reason: 'untrusted-connection' }],
      },
    ]);
    expect(result.groups).toEqual([
      {
        email: 'ann@example.com',
        primary: { user_id: u.ann1.user_id, email: 'ann@example.com', connection: DATABASE, created_at: u.ann1.created_at },
        why: 'oldest',
        secondaries: [{ user_id: u.ann2.user_id, email: 'Ann@Example.com', connection: 'google-oauth2', created_at: u.ann2.created_at }],
        skipped: [{ user_id: u.ann3.user_id, email: 'ann@example.com', connection: 'github', created_at: u.ann3.created_at, reason: 'unverified' }],
      },
    ]);
    expect(Object.fromEntries(result.skipped.map((s) => [s.user_id, s.reason]))).toEqual({
      [u.ann3.user_id]: 'unverified',
      [u.bob2.user_id]: 'untrusted-connection',
      [u.cy1.user_id]: 'excluded',
      [u.eve.user_id]: 'unverified',
    });
    expect(snapshot(tenant.state)).toEqual(before);
    expect(tenant.requests.count({ method: 'PATCH' }) + tenant.requests.count({ method: 'POST', route: '/api/v2/users/:id/identities' })).toBe(0);
  });

  it('prints a human table and writes every account to --csv', async () => {
    const { tenant, client } = get();
    const u = people(tenant.state);
    const csv = join(tempDir(), 'plan.csv');
    const run = await backfill(envFor(tenant, client), ['--csv', csv, '--show-emails']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Groups to link:\s+1/);
    expect(run.stdout).toMatch(new RegExp(`primary\\s+${u.ann1.user_id.replace('|', '\\|')}\\s+${DATABASE}\\s+2019-01-01\\s+oldest eligible account`));
    expect(run.stdout).toMatch(/skip\s+github\|\d+\s+github\s+2021-01-01\s+email not verified/);
    expect(run.stdout).toMatch(/Need confirmation:\s+1 emails/);
    expect(run.stdout).toContain('Dry run: nothing was changed');
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('email,role,user_id,connection,created_at,why');
    expect(rows).toContain(`ann@example.com,secondary,${u.ann2.user_id},google-oauth2,${u.ann2.created_at},`);
    expect(rows).toContain(`bob@example.com,skipped,${u.bob2.user_id},acme,${u.bob2.created_at},connection not trusted for silent linking`);
    expect(rows).toHaveLength(1 + 2 + 4);
  });

  it('links none of a tenant full of pre-registrations: each waits for the person, with its reason', async () => {
    const { tenant, client } = get();
    // Attackers signed up with victims' addresses and chose the passwords; each victim clicked the verification mail and
    // later signed in with Google. Nothing shows a password holder holds the mailbox: no password was reset since signup.
    const victims = ['una', 'vic', 'wes'].map((name, i) => {
      const email = `${name}@example.com`;
      const planted = tenant.state.createUser({ connection: DATABASE, email, email_verified: true, created_at: `201${i}-01-01T00:00:00.000Z` });
      const google = tenant.state.createUser({ connection: 'google-oauth2', email, email_verified: true, created_at: '2022-01-01T00:00:00.000Z' });
      return { planted, google };
    });
    const json = await backfill(envFor(tenant, client), ['--json']);
    const result = json.json as { groups: PlannedGroup[]; confirm: ConfirmRef[] };
    expect(result.groups.every((g) => g.secondaries.length === 0)).toBe(true);
    expect(result.confirm.map((c) => c.signs)).toEqual(victims.map((v) => [{ user_id: v.planted.user_id, reason: 'password-unproven' }]));
    const table = await backfill(envFor(tenant, client), []);
    expect(table.stdout).toMatch(/Need confirmation:\s+3 emails/);
    const journal = join(tempDir(), 'journal.ndjson');
    expect((await backfill(envFor(tenant, client), ['--apply', '--journal', journal])).code).toBe(0);
    for (const { planted, google } of victims) {
      expect(tenant.state.getUser(planted.user_id)!.identities).toHaveLength(1);
      expect(tenant.state.getUser(google.user_id)!.identities).toHaveLength(1);
    }
    expect(Object.keys(tenant.requests.byRoute()).filter((route) => route.includes('/identities'))).toEqual([]);
  });

  it('masks emails in the table, --json and --csv unless asked with --show-emails', async () => {
    const { tenant, client } = get();
    people(tenant.state);
    const csv = join(tempDir(), 'plan.csv');
    const table = await backfill(envFor(tenant, client), ['--csv', csv]);
    const json = await backfill(envFor(tenant, client), ['--json']);
    const address = /[\w.+-]+@[\w-]+\.[\w.]+/;
    for (const text of [table.stdout, json.stdout, readFileSync(csv, 'utf8')]) {
      expect(text).not.toMatch(address);
      expect(text).toMatch(/a…@example\.com/);
    }
    expect(json.json!.groups).toEqual([expect.objectContaining({ email: 'a…@example.com' })]);
    const shown = await backfill(envFor(tenant, client), ['--show-emails']);
    expect(shown.stdout).toMatch(/^ann@example\.com$/m);
  });

  it("honours the person's unlink on the linking page: that account stays out, with its reason in --json and the table", async () => {
    const { tenant, client } = get();
    const at = (year: number) => `${year}-01-01T00:00:00.000Z`;
    const google = tenant.state.createUser({
      connection: 'google-oauth2',
      id: 'kim-google',
      email: 'kim@example.com',
      email_verified: true,
      created_at: at(2021),
    });
    const kim = tenant.state.createUser({
      connection: DATABASE,
      email: 'kim@example.com',
      email_verified: true,
      created_at: at(2019),
      last_password_reset: at(2020),
      user_metadata: { theme: 'dark', ...unlinkedPatch('google-oauth2', 'kim-google', NOW) },
    });
    const github = tenant.state.createUser({ connection: 'github', email: 'kim@example.com', email_verified: true, created_at: at(2022) });
    const json = await backfill(envFor(tenant, client), ['--json', '--show-emails']);
    expect(json.code).toBe(0);
    const result = json.json as { groups: PlannedGroup[]; skipped: SkippedRef[] };
    expect(asIds(result.groups)).toEqual([
      { email: 'kim@example.com', primary: kim.user_id, secondaries: [github.user_id], skipped: [[google.user_id, 'unlinked-by-person']] },
    ]);
    const table = await backfill(envFor(tenant, client), ['--show-emails']);
    expect(table.stdout).toMatch(/skip\s+google-oauth2\|kim-google\s+google-oauth2\s+2021-01-01\s+unlinked by the person on the linking page/);
    const journal = join(tempDir(), 'journal.ndjson');
    expect((await backfill(envFor(tenant, client), ['--apply', '--journal', journal])).code).toBe(0);
    expect(tenant.state.getUser(google.user_id)).toBeDefined();
    expect(tenant.state.getUser(kim.user_id)!.identities.map((i) => i.connection)).toEqual([DATABASE, 'github']);
  });

  it('keeps out an account an undo is restoring: the dry run plans no link the apply would refuse', async () => {
    const { tenant, client } = get();
    const at = (year: number) => `${year}-01-01T00:00:00.000Z`;
    // An undo marked the link of Lee's Google account restoring_at and unlinked it, and stopped before its last write.
    const google = tenant.state.createUser({
      connection: 'google-oauth2',
      id: 'lee-google',
      email: 'lee@example.com',
      email_verified: true,
      created_at: at(2021),
    });
    const record = { ...linkRecordFor(google, 'action', NOW), restoring_at: NOW.toISOString() };
    const lee = tenant.state.createUser({
      connection: DATABASE,
      email: 'lee@example.com',
      email_verified: true,
      created_at: at(2019),
      app_metadata: { [recordKey(google.user_id)]: record },
    });
    const json = await backfill(envFor(tenant, client), ['--json', '--show-emails']);
    expect(json.code).toBe(0);
    const result = json.json as { groups: PlannedGroup[]; skipped: SkippedRef[] };
    expect(result.groups.filter((g) => g.email === 'lee@example.com')).toEqual([]);
    expect(JSON.stringify(result.skipped)).toContain('restoring');
    const journal = join(tempDir(), 'journal.ndjson');
    expect((await backfill(envFor(tenant, client), ['--apply', '--journal', journal])).code).toBe(0);
    expect(tenant.state.getUser(google.user_id)).toBeDefined();
    expect(tenant.state.getUser(lee.user_id)!.identities).toHaveLength(1);
  });

  it('answers usage errors with exit 2 and missing credentials with exit 1 naming them', async () => {
    const { tenant, client } = get();
    expect((await backfill(envFor(tenant, client), ['--apply', '--dry-run'])).code).toBe(2);
    expect((await backfill(envFor(tenant, client), ['--journal', 'x.ndjson'])).stderr).toContain('--journal goes with --apply');
    expect((await backfill(envFor(tenant, client), ['--concurrency', '0'])).code).toBe(2);
    const missing = await backfill({}, []);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET');
    const unreachable = await backfill(envFor(tenant, client), [], {
      fetch: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } })),
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      "error: reading the tenant's users failed: could not connect to https://tenant.local (AUTH0_DOMAIN): ENOTFOUND; check AUTH0_DOMAIN and the network\n",
    );
    const help = await backfill({}, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--apply');
  });
});

describe('backfill plan = the Action policy', () => {
  const get = useInProcessTenant(generated({ users: 400, duplicates: 0.35, seed: 11 }));

  it('plans the same groups, primaries and skips as planGroups, in memory or partitioned, and planLogin agrees per login', async () => {
    const { tenant, client } = get();
    const options: PolicyOptions = { trust: { connections: undefined } };
    const expected = policyGroups(tenant.state, options);
    expect(expected.length).toBeGreaterThan(10);
    const inMemory = await backfill(envFor(tenant, client), ['--json', '--show-emails']);
    const partitioned = await backfill(envFor(tenant, client), ['--json', '--show-emails'], { run: { partitions: 3 } });
    expect(asIds(inMemory.json!.groups as PlannedGroup[])).toEqual(expected);
    expect(partitioned.json!.groups).toEqual(inMemory.json!.groups);
    expect(partitioned.json!.skipped).toEqual(inMemory.json!.skipped);

    const users = [...tenant.state.allUsers()];
    for (const group of expected) {
      const candidates = users.filter((u) => u.email !== undefined && foldEmail(u.email) === group.email);
      for (const login of candidates.filter((c) => c.user_id === group.primary || group.secondaries.includes(c.user_id))) {
        const plan = planLogin<User>(login, candidates, options);
        expect(plan.kind).toBe('link');
        if (plan.kind !== 'link') continue;
        expect(plan.primary.user_id).toBe(group.primary);
        expect(plan.secondaries.map((s) => s.user_id)).toEqual(group.secondaries);
      }
    }
  });

  it('trusts what TRUSTED_CONNECTIONS and PRIMARY_CONNECTION say, as the Action does', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client, { TRUSTED_CONNECTIONS: `${DATABASE},google-oauth2,contoso-azure`, PRIMARY_CONNECTION: 'google-oauth2' });
    const run = await backfill(env, ['--json', '--show-emails']);
    const options: PolicyOptions = { trust: { connections: new Set([DATABASE, 'google-oauth2', 'contoso-azure']) }, primaryConnection: 'google-oauth2' };
    expect(asIds(run.json!.groups as PlannedGroup[])).toEqual(policyGroups(tenant.state, options));
    expect((run.json!.groups as PlannedGroup[]).some((g) => g.why === 'primary-connection')).toBe(true);
    const bad = await backfill(envFor(tenant, client, { TRUSTED_CONNECTIONS: 'a,,b' }), []);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('environment variable TRUSTED_CONNECTIONS is malformed');
  });
});

describe('backfill --apply', () => {
  const get = useInProcessTenant();

  it('links every eligible group and nothing else, with the Action audit record and checked mark on the primary', async () => {
    const { tenant, client } = get();
    const u = people(tenant.state);
    const ann2Before = structuredClone(u.ann2);
    const untouched = snapshot(tenant.state).filter((s) => s.user_id !== u.ann1.user_id && s.user_id !== u.ann2.user_id);
    const journal = join(tempDir(), 'journal.ndjson');
    const run = await backfill(envFor(tenant, client), ['--apply', '--journal', journal, '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ ok: true, mode: 'apply', applied: { linked: 1, linkedGroups: 1, failedGroups: 0 } });

    const primary = tenant.state.getUser(u.ann1.user_id)!;
    expect(tenant.state.getUser(u.ann2.user_id)).toBeUndefined();
    expect(primary.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([u.ann1.user_id, u.ann2.user_id]);
    expect(primary.app_metadata).toEqual({
      plan: 'pro',
      [recordKey(u.ann2.user_id)]: linkRecordFor(ann2Before, 'backfill', NOW),
      [CHECKED_KEY]: checkedMark('ann@example.com', NOW),
    });
    expect(primary.user_metadata).toEqual({ theme: 'dark' });
    expect(snapshot(tenant.state).filter((s) => s.user_id !== u.ann1.user_id)).toEqual(untouched);
    expect(journalOf(journal).map((r) => r.type)).toEqual(['run', 'planned', 'plan-complete', 'patching', 'linked', 'group-done', 'finished']);

    const again = await backfill(envFor(tenant, client), ['--apply', '--journal', journal]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('records a backfill that finished at');
    const dry = await backfill(envFor(tenant, client), ['--json']);
    expect(dry.json!.groups).toEqual([]);
  });
});

describe('backfill resume after a crash', () => {
  const get = useInProcessTenant(generated({ users: 300, duplicates: 0.4, seed: 5 }));

  it('resumes from the journal with no link lost or made twice, also when the crash lost the last journal line', async () => {
    const { tenant, client } = get();
    const journal = join(tempDir(), 'journal.ndjson');
    const planned = policyGroups(tenant.state, { trust: { connections: undefined } });
    const links = planned.reduce((n, g) => n + g.secondaries.length, 0);
    const crash = new AbortController();
    let made = 0;
    const first = await backfill(envFor(tenant, client), ['--apply', '--journal', journal, '--concurrency', '3'], {
      signal: crash.signal,
      run: { onLinked: () => ++made === 6 && crash.abort() },
    });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Interrupted: run the same command again');
    // The crash came right after a link, before its journal line reached the disk: the file ends in a torn line.
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    const lastLinked = lines.findLastIndex((line) => line.includes('"type":"linked"'));
    writeFileSync(journal, `${lines.slice(0, lastLinked).join('\n')}\n${lines[lastLinked]!.slice(0, 20)}`);

    const second = await backfill(envFor(tenant, client), ['--apply', '--journal', journal, '--json']);
    expect(second.code).toBe(0);
    expect(second.json).toMatchObject({ via: 'journal', applied: { failedGroups: 0, gone: 0 } });
    const applied = second.json!.applied as { linked: number; alreadyLinked: number };
    expect(applied.linked + applied.alreadyLinked + made - 1).toBe(links);
    expect(applied.alreadyLinked).toBeGreaterThanOrEqual(1);

    expect(tenant.requests.count({ method: 'POST', route: '/api/v2/users/:id/identities', status: 201 })).toBe(links);
    expect(tenant.requests.count({ method: 'POST', route: '/api/v2/users/:id/identities' })).toBe(links);
    expect(policyGroups(tenant.state, { trust: { connections: undefined } })).toEqual([]);
    for (const group of planned) {
      const primary = tenant.state.getUser(group.primary)!;
      expect(
        linkRecords(primary)
          .map((r) => r.user_id)
          .sort(),
      ).toEqual([...group.secondaries].sort());
    }
    const linked = journalOf(journal)
      .filter((r) => r.type === 'linked')
      .map((r) => (r as { secondary: string }).secondary);
    expect(new Set(linked).size).toBe(links);
  });
});

describe('backfill under 429 storms', () => {
  const get = useInProcessTenant(generated({ users: 120, duplicates: 0.5, seed: 3 }, { rateLimit: { ratePerSecond: 60, burst: 5 } }));

  it('completes every link with the tenant limit small and scripted 429s, and keeps its own 429s few', async () => {
    const { tenant, client } = get();
    const links = policyGroups(tenant.state, { trust: { connections: undefined } }).reduce((n, g) => n + g.secondaries.length, 0);
    tenant.faults.fail({ method: 'POST', path: '/api/v2/users/:id/identities', status: 429, times: 2 });
    tenant.faults.fail({ method: 'PATCH', path: '/api/v2/users/:id', status: 429, times: 1 });
    const run = await backfill(envFor(tenant, client), ['--apply', '--journal', join(tempDir(), 'j.ndjson'), '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ applied: { linked: links, failedGroups: 0 } });
    const { requests, throttled } = run.json!.requests as { requests: number; throttled: number };
    expect(throttled).toBeGreaterThanOrEqual(3);
    expect(throttled - 3).toBeLessThanOrEqual(Math.ceil(requests * 0.1));
    expect(tenant.requests.count({ status: 429 })).toBe(throttled);
  });
});
