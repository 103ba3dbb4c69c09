// `npm run links` on the local tenant: the links the backfill and the Action recorded, --since, --csv and the id map.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backfillCommand, backfillSpec } from '../scripts/lib/backfill/command.ts';
import { linksCommand, linksSpec } from '../scripts/lib/links/command.ts';
import { envFor, tempDir } from './support/backfill.ts';
import { quiet, runCli } from './support/cli.ts';
import { DATABASE, useInProcessTenant, RESET } from './support/tenant.ts';

const at = (year: number) => `${year}-01-01T00:00:00.000Z`;

describe('npm run links', () => {
  const get = useInProcessTenant();

  it('lists what the backfill linked with the id map, filters by --since, writes --csv, and needs only read:users', async () => {
    const { tenant, client } = get();
    const { state } = tenant;
    const ann = state.createUser({ connection: DATABASE, email: 'ann@example.com', email_verified: true, created_at: at(2019), last_password_reset: RESET });
    const annGoogle = state.createUser({ connection: 'google-oauth2', email: 'ann@example.com', email_verified: true, created_at: at(2020) });
    const bob = state.createUser({ connection: DATABASE, email: 'bob@example.com', email_verified: true, created_at: at(2018), last_password_reset: RESET });
    const bobGithub = state.createUser({ connection: 'github', email: 'bob@example.com', email_verified: true, created_at: at(2021) });
    state.createUser({ connection: DATABASE, email: 'dee@example.com', email_verified: true, created_at: at(2020), last_password_reset: RESET });

    const empty = await runCli(linksSpec, linksCommand({ env: envFor(tenant, client), progressStream: quiet }), []);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No links recorded');

    const now = new Date('2025-06-01T10:00:00.000Z');
    const backfill = (argv: string[]) =>
      runCli(backfillSpec, backfillCommand({ env: envFor(tenant, client), progressStream: quiet, run: { now: () => now } }), argv);
    expect((await backfill(['--apply', '--journal', join(tempDir(), 'a.ndjson')])).code).toBe(0);

    const reader = state.addClient({ name: 'report', scopes: ['read:users'] });
    const csv = join(tempDir(), 'links.csv');
    const run = await runCli(linksSpec, linksCommand({ env: envFor(tenant, reader), progressStream: quiet }), ['--json', '--csv', csv]);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      ok: true,
      totals: { links: 2, primaries: 2, byBackfill: 2, byAction: 0, byConfirmed: 0, byConnected: 0, notInPlace: 0 },
      idMap: { [annGoogle.user_id]: ann.user_id, [bobGithub.user_id]: bob.user_id },
    });
    expect((run.json!.links as Array<{ former_user_id: string }>).map((l) => l.former_user_id).sort()).toEqual([annGoogle.user_id, bobGithub.user_id].sort());
    expect(JSON.stringify(run.json)).not.toMatch(/@example\.com/);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('linked_at,by,former_user_id,primary_user_id,connection,moved_identities,in_place');
    expect(lines.slice(1).sort()).toEqual(
      [
        `2025-06-01T10:00:00.000Z,backfill,${annGoogle.user_id},${ann.user_id},google-oauth2,,true`,
        `2025-06-01T10:00:00.000Z,backfill,${bobGithub.user_id},${bob.user_id},github,,true`,
      ].sort(),
    );

    const human = await runCli(linksSpec, linksCommand({ env: envFor(tenant, reader), progressStream: quiet }), []);
    expect(human.stdout).toMatch(
      new RegExp(`2025-06-01 10:00:00\\s+backfill\\s+${annGoogle.user_id.replace('|', '\\|')}\\s+→\\s+${ann.user_id.replace('|', '\\|')}`),
    );
    expect(human.stdout).toContain('2 links into 2 primaries: 0 by the Action, 0 confirmed on the linking page, 0 on connected accounts, 2 by the backfill.');
    const later = await runCli(linksSpec, linksCommand({ env: envFor(tenant, reader), progressStream: quiet }), ['--since', '2025-06-02', '--json']);
    expect(later.json).toMatchObject({ totals: { links: 0 }, idMap: {} });
  });

  it('refuses a --since that is not a date (exit 2) and a --csv into a missing folder before reading', async () => {
    const { tenant, client } = get();
    const bad = await runCli(linksSpec, linksCommand({ env: envFor(tenant, client), progressStream: quiet }), ['--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since takes an ISO date such as 2025-06-01');
    const before = tenant.requests.count();
    const csv = await runCli(linksSpec, linksCommand({ env: envFor(tenant, client), progressStream: quiet }), ['--csv', '/nonexistent/links.csv']);
    expect(csv.code).toBe(1);
    expect(csv.stderr).toContain('--csv /nonexistent/links.csv: the folder /nonexistent does not exist');
    expect(tenant.requests.count()).toBe(before);
  });
});
