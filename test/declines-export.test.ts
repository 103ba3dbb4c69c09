// `npm run declines` on a tenant past Auth0's 1000-user paging cap: read through a users-export job, and many declines cleared through the paced workers.
import { describe, expect, it } from 'vitest';
import { DECLINED_KEY } from '../actions/decline-memory.ts';
import { declinesCommand, declinesSpec } from '../scripts/lib/declines/command.ts';
import { loadGenerated } from '../scripts/lib/generator.ts';
import { bareTenant, envFor } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { useInProcessTenant } from './support/tenant.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');

describe('npm run declines past the 1000-user paging cap', () => {
  const get = useInProcessTenant(() => {
    const made = bareTenant();
    loadGenerated(made.tenant.state, { users: 1200, metadata: 0.5, seed: 8 });
    made.tenant.jobs.configure({ processingMs: 30 });
    // Every tenth user declined; half of those a "Not now" long past.
    [...made.tenant.state.allUsers()]
      .filter((_, i) => i % 10 === 0)
      .forEach((user, i) =>
        made.tenant.state.patchUser(user.user_id, {
          app_metadata: {
            [DECLINED_KEY]:
              i % 2 === 0
                ? { decision: 'never', at: '2026-02-01T00:00:00.000Z', offers: [] }
                : { decision: 'later', at: '2026-01-01T00:00:00.000Z', until: '2026-01-08T00:00:00.000Z', offers: [] },
          },
        }),
      );
    return made;
  });
  const run = (argv: string[]) =>
    runCli(
      declinesSpec,
      declinesCommand({ env: envFor(get().tenant, get().client), progressStream: quiet, pollMs: { first: 10, max: 20 }, now: () => NOW }),
      argv,
    );

  it('reads the tenant through a users export and clears the expired ones a few at a time, every other key kept', async () => {
    const { tenant } = get();
    const before = new Map([...tenant.state.allUsers()].map((u) => [u.user_id, u.app_metadata ?? {}]));
    const listed = await run(['--json']);
    expect(listed.json).toMatchObject({ via: 'export', totals: { declines: 120, never: 60, expired: 60 } });
    expect(tenant.requests.count({ method: 'POST', route: '/api/v2/jobs/users-exports', status: 200 })).toBe(1);

    const cleared = await run(['--clear-expired', '--apply', '--json']);
    expect(cleared.json).toMatchObject({ ok: true, totals: { declines: 60, expired: 60 } });
    expect((cleared.json!.clear as { items: Array<{ status: string }> }).items.filter((i) => i.status === 'cleared')).toHaveLength(60);
    for (const user of tenant.state.allUsers()) {
      const { [DECLINED_KEY]: was, ...rest } = before.get(user.user_id)!;
      const expired = (was as { decision?: string } | undefined)?.decision === 'later';
      expect(user.app_metadata ?? {}).toEqual(expired ? rest : before.get(user.user_id));
    }
    expect((await run(['--json'])).json).toMatchObject({ totals: { declines: 60, never: 60, expired: 0 } });
  });
});
