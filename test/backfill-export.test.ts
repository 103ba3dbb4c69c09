// The backfill on a tenant past Auth0's 1000-user paging cap: read through a users-export job, streamed, same plan as the policy.
import { describe, expect, it } from 'vitest';
import { planGroups } from '../actions/policy.ts';
import { backfillCommand, backfillSpec } from '../scripts/lib/backfill/command.ts';
import type { PlannedGroup } from '../scripts/lib/backfill/plan.ts';
import type { Env } from '../scripts/lib/env.ts';
import { loadGenerated } from '../scripts/lib/generator.ts';
import { bareTenant, envFor, snapshot, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { useInProcessTenant } from './support/tenant.ts';

const TRUST = { trust: { connections: undefined } };

function large() {
  const made = bareTenant();
  loadGenerated(made.tenant.state, { users: 1500, duplicates: 0.1, seed: 21 });
  made.tenant.jobs.configure({ processingMs: 30 });
  return made;
}

function backfill(env: Env, argv: string[]) {
  return runCli(backfillSpec, backfillCommand({ env, progressStream: quiet, run: { pollMs: { first: 10, max: 20 } } }), argv);
}

describe('backfill through a users export', () => {
  const get = useInProcessTenant(large);

  it('exports, polls the job and plans every user as the policy does; --apply then leaves nothing to link', async () => {
    const { tenant, client } = get();
    const expected = planGroups([...tenant.state.allUsers()], TRUST).groups.filter((g) => g.secondaries.length > 0);
    const dry = await backfill(envFor(tenant, client), ['--json', '--show-emails']);
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ via: 'export', totals: { users: 1500 } });
    const groups = dry.json!.groups as PlannedGroup[];
    expect(groups.map((g) => [g.email, g.primary.user_id, g.secondaries.map((s) => s.user_id)])).toEqual(
      expected.map((g) => [g.email, g.primary.user_id, g.secondaries.map((s) => s.user_id)]),
    );
    expect(tenant.requests.count({ method: 'POST', route: '/api/v2/jobs/users-exports' })).toBe(1);
    expect(tenant.requests.count({ method: 'GET', route: '/api/v2/jobs/:id' })).toBeGreaterThanOrEqual(1);
    expect(tenant.requests.count({ method: 'GET', route: '/exports/:id/:file', status: 200 })).toBe(1);
    // Paging stops at the first page: it only told the total.
    expect(tenant.requests.count({ method: 'GET', route: '/api/v2/users' })).toBe(1);

    const secondaries = new Set(groups.flatMap((g) => g.secondaries.map((s) => s.user_id)));
    const primaries = new Set(groups.map((g) => g.primary.user_id));
    const others = snapshot(tenant.state).filter((u) => !secondaries.has(u.user_id) && !primaries.has(u.user_id));
    const applied = await backfill(envFor(tenant, client), ['--apply', '--journal', `${tempDir()}/j.ndjson`, '--json']);
    expect(applied.code).toBe(0);
    expect(applied.json).toMatchObject({ applied: { linked: secondaries.size, failedGroups: 0 } });
    expect(planGroups([...tenant.state.allUsers()], TRUST).groups.filter((g) => g.secondaries.length > 0)).toEqual([]);
    expect(snapshot(tenant.state).filter((u) => !primaries.has(u.user_id))).toEqual(others);
  });

  it('names the line of an export file that is not a user, and changes nothing', async () => {
    const { tenant, client } = get();
    const before = snapshot(tenant.state);
    // The file is answered with one JSON line: a string, not a user.
    tenant.faults.fail({ method: 'GET', path: '/exports/:id/:file', status: 200, body: 'not a user' });
    const run = await backfill(envFor(tenant, client), []);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the users export line 1 is not a user');
    expect(snapshot(tenant.state)).toEqual(before);
  });
});

describe('backfill through a users export whose first link expired', () => {
  let offset = 0;
  const get = useInProcessTenant(() => {
    const made = bareTenant({ now: () => new Date(Date.now() + offset) });
    loadGenerated(made.tenant.state, { users: 1100, duplicates: 0.1, seed: 5 });
    made.tenant.jobs.configure({ processingMs: 30 });
    return made;
  });

  it('asks the job again for a fresh link and reads the file', async () => {
    const { tenant, client } = get();
    offset = 0;
    // The first download starts after its link's 60 s are over, as when the job was polled slowly.
    let late = true;
    const slow: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (late && new URL(url).pathname.startsWith('/exports/')) {
        late = false;
        offset += 61_000;
      }
      return fetch(input, init);
    };
    const run = await runCli(
      backfillSpec,
      backfillCommand({ env: envFor(tenant, client), progressStream: quiet, fetch: slow, run: { pollMs: { first: 10, max: 20 } } }),
      ['--json'],
    );
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ via: 'export', totals: { users: 1100 } });
    expect(tenant.requests.count({ method: 'GET', route: '/exports/:id/:file', status: 403 })).toBe(1);
    expect(tenant.requests.count({ method: 'GET', route: '/exports/:id/:file', status: 200 })).toBe(1);
  });
});
