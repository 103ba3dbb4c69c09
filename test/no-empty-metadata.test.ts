// No script and no Action ever PATCHes a user with an empty metadata object: `app_metadata: {}` would delete all of it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fetch } from '../scripts/lib/routed-fetch.cjs';
import { DECLINED_KEY } from '../actions/decline-memory.ts';
import { backfillCommand, backfillSpec } from '../scripts/lib/backfill/command.ts';
import { declinesCommand, declinesSpec } from '../scripts/lib/declines/command.ts';
import { undoCommand, undoSpec } from '../scripts/lib/undo/command.ts';
import { loadGenerated } from '../scripts/lib/generator.ts';
import { loadAction } from './support/action.ts';
import { bareTenant, envFor, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { useInProcessTenant } from './support/tenant.ts';

/** A fetch that keeps the body of every PATCH of a user on its way to the tenant. */
function recordingPatches(): { fetch: Fetch; bodies: Array<Record<string, unknown>> } {
  const bodies: Array<Record<string, unknown>> = [];
  const fetch: Fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'PATCH' && /\/api\/v2\/users\/[^/]+$/.test(new URL(request.url).pathname)) {
      bodies.push((await request.clone().json()) as Record<string, unknown>);
    }
    return globalThis.fetch(request);
  };
  return { fetch, bodies };
}

const emptyObject = (value: unknown): boolean => value !== null && typeof value === 'object' && Object.keys(value).length === 0;

describe('metadata writes', () => {
  const get = useInProcessTenant(() => {
    const made = bareTenant();
    // Duplicates with and without metadata, and users linked already, so that every write path runs.
    loadGenerated(made.tenant.state, { users: 80, duplicates: 0.5, metadata: 0.5, linked: 0.1, seed: 4 });
    return made;
  });

  it('the Action, the backfill, the undo and clearing declines never send app_metadata: {} or user_metadata: {}', async () => {
    const { tenant, client } = get();
    const { fetch, bodies } = recordingPatches();
    const env = envFor(tenant, client);

    const { action } = await loadAction({ tenant, client }, { LINK_MODE: 'link' }, { fetch });
    for (const user of [...tenant.state.allUsers()].slice(0, 24)) {
      if (tenant.state.getUser(user.user_id)) await action.login({ userId: user.user_id });
    }
    const actionPatches = bodies.length;
    const journal = join(tempDir(), 'journal.ndjson');
    const backfill = await runCli(backfillSpec, backfillCommand({ env, progressStream: quiet, fetch }), ['--apply', '--journal', journal, '--json']);
    expect(backfill.code).toBe(0);
    const undo = await runCli(undoSpec, undoCommand({ env, progressStream: quiet, fetch }), ['--journal', journal, '--apply', '--json']);
    expect(undo.code).toBe(0);
    // A few declines, so that the clearing path runs too.
    for (const user of [...tenant.state.allUsers()].slice(0, 6)) {
      tenant.state.patchUser(user.user_id, { app_metadata: { [DECLINED_KEY]: { decision: 'never', at: '2026-01-01T00:00:00.000Z', offers: [] } } });
    }
    const clear = await runCli(declinesSpec, declinesCommand({ env, progressStream: quiet, fetch }), ['--clear-all', '--apply', '--json']);
    expect(clear.code).toBe(0);
    expect((clear.json!.clear as { items: unknown[] }).items).toHaveLength(6);

    expect(actionPatches).toBeGreaterThan(0);
    expect(bodies.length).toBeGreaterThan(actionPatches);
    const empty = bodies.filter((body) => emptyObject(body.app_metadata) || emptyObject(body.user_metadata));
    expect(empty).toEqual([]);
  });
});
