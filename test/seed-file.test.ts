// Reading seed files into a local tenant: JSON and NDJSON(.gz), and messages that name the file, the line and the fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_CONNECTION as DB, loadUsers, SEEDS, TenantState } from '../local-tenant/index.ts';
import { readNdjson } from '../scripts/lib/ndjson.ts';
import { loadSeedFile } from '../scripts/lib/seed-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'seed-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSeedFile', () => {
  it('reads the seeds the local tenant ships', async () => {
    for (const path of Object.values(SEEDS)) expect((await loadSeedFile(new TenantState(), path)).users).toBeGreaterThan(0);
  });

  it('reads a JSON seed file, and says when it is not JSON', async () => {
    const path = join(dir, 'seed.json');
    writeFileSync(
      path,
      JSON.stringify({
        connections: [{ name: DB, strategy: 'auth0' }],
        users: ['a', 'b', 'c'].map((name) => ({ connection: DB, email: `${name}@example.com`, email_verified: true })),
      }),
    );
    const state = new TenantState();
    expect((await loadSeedFile(state, path)).users).toBe(3);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"connections": [');
    await expect(loadSeedFile(new TenantState(), broken)).rejects.toThrow(/broken\.json cannot be loaded:\n {2}not valid JSON/);
  });

  it('streams NDJSON(.gz) users of either shape, adding connections that export lines name', async () => {
    const lines = [
      // An export line: github ids come as numbers from Auth0; metadata absent when empty.
      JSON.stringify({
        user_id: 'github|77',
        email: 'Cy@Example.com',
        email_verified: true,
        created_at: '2021-01-01T00:00:00.000Z',
        identities: [{ provider: 'github', user_id: 77, connection: 'github', isSocial: true }],
      }),
      '',
      JSON.stringify({ connection: 'github', email: 'dee@example.com', email_verified: true }),
    ];
    const path = join(dir, 'users.ndjson.gz');
    writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
    const state = new TenantState();
    expect((await loadSeedFile(state, path)).users).toBe(2);
    expect(state.connection('github')).toMatchObject({ strategy: 'github' });
    expect(state.getUser('github|77')).toMatchObject({ app_metadata: {}, identities: [{ user_id: '77' }] });
    expect(state.usersByEmail('dee@example.com')).toHaveLength(1);
  });

  it('stops at the first bad NDJSON line, naming it; the lines before it are loaded', async () => {
    const path = join(dir, 'bad.ndjson');
    writeFileSync(
      path,
      [
        JSON.stringify({ user_id: 'google-oauth2|1', identities: [{ provider: 'google-oauth2', user_id: '1', connection: 'google-oauth2' }] }),
        JSON.stringify({ connection: 'google-oauth2', email: 42 }),
        '{not json',
      ].join('\n'),
    );
    const state = new TenantState();
    await expect(loadSeedFile(state, path)).rejects.toThrow(`${path} line 2 cannot be loaded:\n  user.email must be a string, got number 42`);
    expect(state.userCount()).toBe(1);
    await expect(loadUsers(new TenantState(), readNdjson(path, 'bad.ndjson'), 'bad.ndjson')).rejects.toThrow(/bad\.ndjson line 2/);
    writeFileSync(path, '{not json\n');
    await expect(loadSeedFile(new TenantState(), path)).rejects.toThrow(/bad\.ndjson line 1: not valid JSON/);
  });
});
