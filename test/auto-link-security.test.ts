// The holes a security review found, closed on the BUILT Action: an exclusion that failed open, emails in logs, 429
// amplification, audit entries lost to concurrent links, a login relinking what an undo is restoring, and case variants.
import { describe, expect, it } from 'vitest';
import { CHECKED_KEY, EXCLUDE_KEY, linkRecords, recordKey } from '../actions/link-record.ts';
import type { User } from '../actions/types.ts';
import type { Fetch } from '../scripts/lib/routed-fetch.cjs';
import { undoCommand, undoSpec } from '../scripts/lib/undo/command.ts';
import { calls, loadAction, succeeded, END_SESSIONS_CALLS } from './support/action.ts';
import { envFor } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { DATABASE, resetAfter, useInProcessTenant } from './support/tenant.ts';

const current = useInProcessTenant();

function create(connection: string, fields: { email?: string; created_at?: string; app_metadata?: Record<string, unknown> } = {}): User {
  // Database users here have reset their password since signup: the evidence a silent link needs.
  return current().tenant.state.createUser({
    connection,
    email: 'ann@x.io',
    email_verified: true,
    ...(connection === DATABASE ? resetAfter(fields.created_at) : {}),
    ...fields,
  });
}

const OLD = '2020-01-01T00:00:00.000Z';
const NEW = '2024-01-01T00:00:00.000Z';

describe('the exclusion fails closed', () => {
  it('keeps out an account whose auto_link_exclude is any value but absent or false, on either side of the link', async () => {
    const { action } = await loadAction(current());
    for (const [i, value] of (['true', 1, 'yes', {}] as const).entries()) {
      const email = `opt${i}@x.io`;
      // The excluded account as the login user: no lookup at all.
      const excluded = create('github', { email, created_at: OLD, app_metadata: { [EXCLUDE_KEY]: value } });
      const login = succeeded(await action.login({ userId: excluded.user_id }), current());
      expect(login).toMatchObject({
        subject: excluded.user_id,
        httpCalls: [],
        logs: ['auto-link: skipped, account excluded (app_metadata.auto_link_exclude)'],
      });
      // The excluded account as the other side: the twin's login leaves it alone.
      const twin = create('google-oauth2', { email, created_at: NEW });
      const other = succeeded(await action.login({ userId: twin.user_id }), current());
      expect(other.subject).toBe(twin.user_id);
      expect(current().tenant.state.getUser(excluded.user_id)!.identities).toHaveLength(1);
    }
  });
});

describe('concurrent links into one primary', () => {
  it('keep the audit entry of every linked account (one app_metadata key each)', async () => {
    const primary = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW, app_metadata: { from: 'google' } });
    const github = create('github', { created_at: NEW, app_metadata: { from: 'github' } });
    const { action } = await loadAction(current());
    const [a, b] = await Promise.all([action.login({ userId: google.user_id }), action.login({ userId: github.user_id })]);
    succeeded(a, current());
    succeeded(b, current());
    const after = current().tenant.state.getUser(primary.user_id)!;
    expect(after.identities).toHaveLength(3);
    const records = linkRecords(after);
    expect(records.map((r) => r.user_id).sort()).toEqual([google.user_id, github.user_id].sort());
    expect(records.find((r) => r.user_id === github.user_id)!.app_metadata).toEqual({ from: 'github' });
    expect(Object.keys(after.app_metadata!)).toContain(recordKey(github.user_id));
    for (const key of Object.keys(after.app_metadata!)) expect(key).not.toMatch(/[.$]/);
  });
});

describe('an undo racing a login', () => {
  it('wins: a login landing right after the unlink does not link the account again, and --exclude keeps it out', async () => {
    const t = current();
    const primary = create(DATABASE, { created_at: OLD });
    const google = create('google-oauth2', { created_at: NEW, app_metadata: { role: 'beta' } });
    const { action } = await loadAction(t);
    expect(succeeded(await action.login({ userId: google.user_id }), t).subject).toBe(primary.user_id);

    // The restored account logs in the moment its unlink is answered, before the undo's next write.
    let raced: Awaited<ReturnType<typeof action.login>> | undefined;
    const racing: Fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'DELETE' && raced === undefined) raced = await action.login({ userId: google.user_id });
      return response;
    };
    const undo = await runCli(undoSpec, undoCommand({ env: envFor(t.tenant, t.client), progressStream: quiet, fetch: racing }), [
      '--user',
      google.user_id,
      '--apply',
      '--exclude',
    ]);
    expect(undo.code).toBe(0);
    expect(succeeded(raced!, t)).toMatchObject({ subject: google.user_id, logs: ['auto-link: skipped, an undo is taking back this link'] });

    const { state } = t.tenant;
    expect(state.getUser(primary.user_id)!.identities).toHaveLength(1);
    expect(linkRecords(state.getUser(primary.user_id)!)).toEqual([]);
    expect(state.getUser(google.user_id)!.app_metadata).toEqual({ role: 'beta', [EXCLUDE_KEY]: true });
    expect(state.getUser(google.user_id)!.app_metadata![CHECKED_KEY]).toBeUndefined();
    const later = succeeded(await action.login({ userId: google.user_id }), t);
    expect(later).toMatchObject({ subject: google.user_id, httpCalls: [] });
  });
});

describe('no email in any log line', () => {
  it('masks a user id that embeds an address (a SAML NameID), keeping its provider and connection', async () => {
    const { state } = current().tenant;
    state.addConnection({ name: 'corp', strategy: 'samlp' });
    const db = create(DATABASE, { email: 'mia@corp.example', created_at: OLD });
    const saml = state.createUser({ connection: 'corp', id: 'corp|mia@corp.example', email: 'mia@corp.example', email_verified: true, created_at: NEW });
    expect(saml.user_id).toBe('samlp|corp|mia@corp.example');
    const { action } = await loadAction(current(), { TRUSTED_CONNECTIONS: `${DATABASE},corp` });
    const result = succeeded(await action.login({ userId: saml.user_id }), current());
    expect(result.subject).toBe(db.user_id);
    expect(result.logs).toEqual([`auto-link: linked samlp|corp|<email> into ${db.user_id}, login continues as ${db.user_id}`]);
  });

  it("masks the whole address in an echoed error message, an apostrophe included (dana.o'brien@…)", async () => {
    const dana = create('google-oauth2', { email: "dana.o'brien@example.com" });
    const body = { statusCode: 400, error: 'Bad Request', message: `Query validation error: "dana.o'brien@example.com" is not valid` };
    current().tenant.faults.fail({ method: 'GET', path: '/api/v2/users-by-email', status: 400, body });
    const { action } = await loadAction(current());
    const result = succeeded(await action.login({ userId: dana.user_id }), current());
    expect(result.logs).toEqual(['auto-link: Management API 400 on GET /users-by-email: Query validation error: <email> is not valid, will retry next login']);
    expect(result.logs[0]).not.toMatch(/dana|brien|example\.com/);
  });
});

describe('a sustained 429', () => {
  const LOOKUP = ['POST /oauth/token', 'GET /api/v2/users-by-email'];

  it('is not retried when its reset is seconds away, and the note in api.cache spares the next logins their lookup', async () => {
    const t = current();
    const first = create('google-oauth2', { email: 'one@x.io' });
    const second = create('github', { email: 'two@x.io' });
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    t.tenant.faults.fail({ method: 'GET', path: '/api/v2/users-by-email', status: 429, headers: { 'x-ratelimit-reset': reset }, times: 100 });
    const { action, runtime } = await loadAction(t);
    const met = succeeded(await action.login({ userId: first.user_id }), t);
    expect(calls(met)).toEqual(LOOKUP);
    expect(met.logs[0]).toContain('429 on GET /users-by-email');
    // Another execution, on a new instance sharing api.cache: no call, unmarked, retried on a later login.
    const skipped = succeeded(await action.newInstance().login({ userId: second.user_id }), t);
    expect(skipped.httpCalls).toEqual([]);
    expect(skipped.logs[0]).toMatch(/^auto-link: skipped, Management API rate-limited for \d+ s more, will retry next login$/);
    expect(t.tenant.state.getUser(second.user_id)!.app_metadata).toEqual({});
    const note = runtime.cache.get('auto-link:rate-limited-until');
    expect(Number(note!.value)).toBe(Number(reset) * 1000);
  });

  it('is retried at most once per login when it resets within a second', async () => {
    const t = current();
    const user = create('google-oauth2', { email: 'three@x.io' });
    t.tenant.faults.fail({ method: 'GET', path: '/api/v2/users-by-email', status: 429, headers: { 'retry-after': '0' }, times: 100 });
    const { action } = await loadAction(t);
    const result = succeeded(await action.login({ userId: user.user_id }), t);
    expect(calls(result)).toEqual([...LOOKUP, 'GET /api/v2/users-by-email']);
    expect(result.subject).toBe(user.user_id);
  });
});

describe('a case variant of the email', () => {
  it('is found on the first check: a lower-case database login finds the mixed-case social twin through one search', async () => {
    const t = current();
    const { state } = t.tenant;
    const social = state.createUser({ connection: 'google-oauth2', email: 'Ann@X.io', email_verified: true, created_at: OLD });
    expect(social.email).toBe('Ann@X.io');
    // The twin is older than the search index delay, as a years-old account is.
    const later = state.now().getTime() + state.searchIndex.delayMs + 1000;
    state.setClock(() => new Date(later));
    const db = state.createUser({ connection: DATABASE, email: 'ann@x.io', email_verified: true, created_at: NEW, ...resetAfter(NEW) });
    const { action } = await loadAction(t);
    const result = succeeded(await action.login({ userId: db.user_id }), t);
    expect(calls(result)).toEqual([
      'POST /oauth/token',
      'GET /api/v2/users-by-email',
      'GET /api/v2/users',
      ...END_SESSIONS_CALLS,
      'PATCH /api/v2/users/{id}',
      'POST /api/v2/users/{id}/identities',
    ]);
    expect(result.subject).toBe(social.user_id);
    expect(state.getUser(social.user_id)!.identities).toHaveLength(2);
  });

  it('costs one search on a first check that finds no other account, and none in steady state', async () => {
    const t = current();
    const alone = create('github', { email: 'solo@x.io' });
    const { action } = await loadAction(t);
    expect(calls(succeeded(await action.login({ userId: alone.user_id }), t))).toEqual([
      'POST /oauth/token',
      'GET /api/v2/users-by-email',
      'GET /api/v2/users',
    ]);
    expect(succeeded(await action.login({ userId: alone.user_id }), t).httpCalls).toEqual([]);
  });
});
