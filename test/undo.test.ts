// `npm run undo` (undoLinks): it restores the tenant as it was before the backfill (users, identities, metadata; created_at of
// re-created users excepted, as Auth0 makes new user records), one account or all since a date, dry run by default,
// and an interrupted undo finishes when run again.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKED_KEY, LINKS_KEY, linkRecords } from '../actions/link-record.ts';
import { backfillCommand, backfillSpec } from '../scripts/lib/backfill/command.ts';
import type { Env } from '../scripts/lib/env.ts';
import type { Fetch } from '../scripts/lib/routed-fetch.cjs';
import { undoCommand, undoSpec } from '../scripts/lib/undo/command.ts';
import { loadGenerated } from '../scripts/lib/generator.ts';
import { bareTenant, envFor, snapshot, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { DATABASE, useInProcessTenant, RESET } from './support/tenant.ts';

const NOW = new Date('2025-07-01T00:00:00.000Z');

function backfill(env: Env, journal: string, deps: { fetch?: Fetch; signal?: AbortSignal } = {}) {
  return runCli(backfillSpec, backfillCommand({ env, progressStream: quiet, ...deps, run: { now: () => NOW } }), ['--apply', '--journal', journal, '--json']);
}

function undo(env: Env, argv: string[], deps: { fetch?: Fetch; signal?: AbortSignal } = {}) {
  return runCli(undoSpec, undoCommand({ env, progressStream: quiet, ...deps }), argv);
}

function generated() {
  const made = bareTenant();
  // Many duplicates, metadata and already-linked users, so that secondaries carry metadata and linked identities.
  loadGenerated(made.tenant.state, { users: 300, duplicates: 0.4, metadata: 0.6, linked: 0.1, seed: 9 });
  return made;
}

describe('undo --journal', () => {
  const get = useInProcessTenant(generated);

  it('restores the tenant as it was before the backfill, metadata and checked marks included', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    const before = snapshot(tenant.state);
    const journal = join(tempDir(), 'journal.ndjson');
    const linked = await backfill(env, journal);
    expect(linked.code).toBe(0);
    const links = (linked.json!.applied as { linked: number }).linked;
    expect(links).toBeGreaterThan(20);
    expect(snapshot(tenant.state)).not.toEqual(before);

    // The backfill's own DELETEs ended the linked password accounts' sessions and grants; the dry run adds none.
    const deletesBefore = tenant.requests.count({ method: 'DELETE' });
    const dry = await undo(env, ['--journal', journal, '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ dryRun: true });
    expect((dry.json!.items as unknown[]).length).toBe(links);
    expect(tenant.requests.count({ method: 'DELETE' })).toBe(deletesBefore);

    const applied = await undo(env, ['--journal', journal, '--apply', '--json']);
    expect(applied.code).toBe(0);
    expect((applied.json!.items as Array<{ status: string }>).every((i) => i.status === 'undone')).toBe(true);
    expect(snapshot(tenant.state)).toEqual(before);

    const again = await undo(env, ['--journal', journal, '--apply', '--json']);
    expect(again.code).toBe(0);
    expect((again.json!.items as Array<{ status: string }>).every((i) => i.status === 'no-record')).toBe(true);
  });

  it('finishes an undo that was stopped mid-way or failed after an unlink, losing no metadata', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    const before = snapshot(tenant.state);
    const journal = join(tempDir(), 'journal.ndjson');
    expect((await backfill(env, journal)).code).toBe(0);

    // Killed after the 5th unlink was sent.
    const stop = new AbortController();
    let deletes = 0;
    const counting: Fetch = (input, init) => {
      if (init?.method === 'DELETE' && ++deletes === 5) stop.abort();
      return fetch(input, init);
    };
    const first = await undo(env, ['--journal', journal, '--apply', '--concurrency', '2'], { fetch: counting, signal: stop.signal });
    expect(first.code).toBe(1);
    // Then a run in which the write-back after one unlink fails.
    tenant.faults.fail({ method: 'PATCH', path: '/api/v2/users/:id', status: 400, times: 1 });
    const second = await undo(env, ['--journal', journal, '--apply', '--json']);
    expect(second.code).toBe(1);
    expect((second.json!.items as Array<{ status: string }>).some((i) => i.status === 'failed')).toBe(true);

    const third = await undo(env, ['--journal', journal, '--apply']);
    expect(third.code).toBe(0);
    expect(snapshot(tenant.state)).toEqual(before);
  });
});

describe('undo after a backfill that was killed', () => {
  const get = useInProcessTenant(generated);

  it('restores the tenant when the backfill died right after Auth0 applied an audit record write', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    const before = snapshot(tenant.state);
    const journal = join(tempDir(), 'journal.ndjson');
    // The 3rd audit record write reaches the tenant, and the process dies before its answer.
    const kill = new AbortController();
    let patches = 0;
    const dying: Fetch = async (input, init) => {
      if (init?.method !== 'PATCH' || ++patches !== 3) return fetch(input, init);
      await fetch(input, init);
      kill.abort();
      throw new DOMException('the process was killed', 'AbortError');
    };
    expect((await backfill(env, journal, { fetch: dying, signal: kill.signal })).code).toBe(1);
    expect((await backfill(env, journal)).code).toBe(0);
    expect((await undo(env, ['--journal', journal, '--apply'])).code).toBe(0);
    expect(snapshot(tenant.state)).toEqual(before);
  });
});

describe('undo --user and --since', () => {
  const get = useInProcessTenant();

  function twoPeople(env: Env) {
    return async () => {
      const { tenant } = get();
      const a1 = tenant.state.createUser({
        connection: DATABASE,
        email: 'a@example.com',
        email_verified: true,
        created_at: '2019-01-01T00:00:00.000Z',
        last_password_reset: RESET,
      });
      const a2 = tenant.state.createUser({
        connection: 'google-oauth2',
        email: 'a@example.com',
        email_verified: true,
        created_at: '2020-01-01T00:00:00.000Z',
        user_metadata: { theme: 'dark' },
        app_metadata: { tier: 2 },
      });
      const a3 = tenant.state.createUser({ connection: 'github', email: 'a@example.com', email_verified: true, created_at: '2021-01-01T00:00:00.000Z' });
      const b1 = tenant.state.createUser({
        connection: DATABASE,
        email: 'b@example.com',
        email_verified: true,
        created_at: '2019-01-01T00:00:00.000Z',
        last_password_reset: RESET,
      });
      const b2 = tenant.state.createUser({
        connection: 'github',
        email: 'b@example.com',
        email_verified: true,
        created_at: '2020-01-01T00:00:00.000Z',
        user_metadata: { n: 1 },
      });
      const before = snapshot(tenant.state);
      expect((await backfill(env, join(tempDir(), 'j.ndjson'))).code).toBe(0);
      return { a1, a2, a3, b1, b2, before };
    };
  }

  it('takes back one account, dry run first, and leaves every other link', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    const { a1, a2, a3 } = await twoPeople(env)();

    const dry = await undo(env, ['--user', a2.user_id]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `${a2.user_id} from ${a1.user_id}, linked ${NOW.toISOString()} by backfill: would undo (restores app_metadata: tier; user_metadata: theme)`,
    );
    expect(tenant.state.getUser(a2.user_id)).toBeUndefined();

    const run = await undo(env, ['--user', a2.user_id, '--apply', '--exclude']);
    expect(run.code).toBe(0);
    expect(tenant.state.getUser(a2.user_id)).toMatchObject({
      email: 'a@example.com',
      user_metadata: { theme: 'dark' },
      app_metadata: { tier: 2, auto_link_exclude: true },
    });
    const primary = tenant.state.getUser(a1.user_id)!;
    expect(primary.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([a1.user_id, a3.user_id]);
    expect(linkRecords(primary).map((e) => e.user_id)).toEqual([a3.user_id]);
    expect(primary.app_metadata?.[CHECKED_KEY]).toBeDefined();

    const unknown = await undo(env, ['--user', a2.user_id, '--apply']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no primary holds an audit record of a link of ${a2.user_id}`);
  });

  it('takes back every link recorded since a date, and only those', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    const { b1, before } = await twoPeople(env)();
    // An older link the Action made, recorded before the date.
    const older = tenant.state.createUser({ connection: 'google-oauth2', email: 'b@example.com', email_verified: true });
    tenant.state.patchUser(b1.user_id, {
      app_metadata: {
        [LINKS_KEY]: [
          ...linkRecords(tenant.state.getUser(b1.user_id)!),
          {
            user_id: older.user_id,
            provider: 'google-oauth2',
            identity_user_id: older.identities[0]!.user_id,
            connection: 'google-oauth2',
            linked_at: '2024-01-01T00:00:00.000Z',
            by: 'action',
            app_metadata: {},
            user_metadata: {},
          },
        ],
      },
    });
    tenant.state.link(b1.user_id, { provider: 'google-oauth2', user_id: older.identities[0]!.user_id });

    const run = await undo(env, ['--since', '2025-06-30', '--apply', '--json']);
    expect(run.code).toBe(0);
    expect((run.json!.items as unknown[]).length).toBe(3);
    const after = snapshot(tenant.state);
    expect(after.filter((u) => u.user_id !== b1.user_id)).toEqual(before.filter((u) => u.user_id !== b1.user_id));
    const b = tenant.state.getUser(b1.user_id)!;
    expect(b.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([b1.user_id, older.user_id]);
    expect(linkRecords(b).map((e) => e.user_id)).toEqual([older.user_id]);
  });

  it('answers usage errors with exit 2', async () => {
    const { tenant, client } = get();
    const env = envFor(tenant, client);
    expect((await undo(env, [])).stderr).toContain('exactly one of --user, --journal, --since');
    expect((await undo(env, ['--user', 'a|1', '--since', '2025-01-01'])).code).toBe(2);
    const badDate = await undo(env, ['--since', 'yesterday']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--since takes an ISO date such as 2025-06-01 or 2025-06-01T10:00:00Z, got "yesterday"');
    expect((await undo(env, ['--user', 'nobar'])).code).toBe(2);
    expect((await undo(env, ['--user', 'a|1', '--apply', '--dry-run'])).code).toBe(2);
  });
});
