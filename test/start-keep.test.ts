// `npm start -- --keep --json` as a child process: its first stdout line is one JSON object naming the kept tenant,
// the demo app, the applications and users, and those credentials work against it; SIGTERM stops it cleanly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeepDetails } from '../scripts/lib/start/keep.ts';

interface Kept {
  proc: ChildProcessWithoutNullStreams;
  details: KeepDetails;
  /** Everything the process wrote to stdout after the first line, and to stderr. */
  rest(): { stdout: string; stderr: string };
}

/** Starts `scripts/start.ts --keep --json` and resolves with its first stdout line parsed. */
async function startKept(): Promise<Kept> {
  const proc = spawn(process.execPath, ['scripts/start.ts', '--keep', '--json'], { env: { PATH: process.env.PATH } });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const firstLine = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    proc.on('error', reject);
    proc.on('close', (code) => reject(new Error(`start exited with ${code} before printing a line: ${stderr}`)));
  });
  return { proc, details: JSON.parse(firstLine) as KeepDetails, rest: () => ({ stdout: stdout.slice(firstLine.length + 1), stderr }) };
}

describe('npm start -- --keep --json', () => {
  let kept: Kept;
  beforeAll(async () => {
    kept = await startKept();
  }, 60_000);
  afterAll(async () => {
    if (kept.proc.exitCode === null) {
      kept.proc.kill('SIGTERM');
      await once(kept.proc, 'close');
    }
  });

  it('prints one JSON line first: the tenant, the demo app and web application, the deployer and the Action, the users after the demo logins', () => {
    const { details } = kept;
    expect(details.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(details.domain).toBe('demo-tenant.local');
    expect(details.deployer).toEqual({ clientId: 'local-admin', clientSecret: 'local-only-not-a-secret' });
    expect(details.action.clientId).toBe('local-action');
    expect(details.users).toHaveLength(11);
    expect(details.linkPage.confirmUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/link$/);
    expect(details.linkPage.accountsUrl).toBe(details.linkPage.confirmUrl.replace(/link$/, 'accounts'));
    expect(details.users).toContainEqual({
      user_id: 'auth0|65f0a1b2c3d4e5f601234567',
      email: 'ana.silva@example.com',
      connection: 'Username-Password-Authentication',
      password: 'local-demo-password',
    });
    expect(details.users).toContainEqual({ user_id: 'google-oauth2|117733990011224466880', email: 'bruno.costa@example.com', connection: 'google-oauth2' });
    expect(details.app).toEqual({ clientId: 'local-web-app', clientSecret: 'local-only-not-a-secret-web-app', callbackUrl: `${details.demoAppUrl}/callback` });
    expect(details.demoAppUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(kept.rest().stderr).toBe('');
  });

  it('hands out credentials that work: the deployer and the Action each get a Management API token', async () => {
    const { details } = kept;
    for (const { clientId, clientSecret } of [details.deployer, details.action]) {
      const response = await fetch(`${details.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          audience: `https://${details.domain}/api/v2/`,
        }),
      });
      expect(response.status).toBe(200);
      const { access_token } = (await response.json()) as { access_token: string };
      const users = await fetch(`${details.baseUrl}/api/v2/users-by-email?email=ana.silva@example.com`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(((await users.json()) as Array<{ user_id: string }>).map((u) => u.user_id)).toEqual(['auth0|65f0a1b2c3d4e5f601234567']);
    }
  });

  it("lets the demo web app's password grant give a database user a token for their own user", async () => {
    const { details } = kept;
    const ana = details.users.find((user) => user.email === 'ana.silva@example.com')!;
    const response = await fetch(`${details.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: details.app.clientId,
        client_secret: details.app.clientSecret,
        username: ana.email!,
        password: ana.password!,
        audience: `https://${details.domain}/api/v2/`,
        scope: 'openid read:current_user',
      }),
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const own = await fetch(`${details.baseUrl}/api/v2/users/${encodeURIComponent(ana.user_id)}`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(((await own.json()) as { user_id: string }).user_id).toBe(ana.user_id);
  });

  it('prints how to sign in with a browser without --json', async () => {
    const proc = spawn(process.execPath, ['scripts/start.ts', '--keep'], { env: { PATH: process.env.PATH } });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('Connected accounts:')) resolve();
      });
      proc.on('close', (code) => reject(new Error(`start exited with ${code}: ${stdout}`)));
    });
    proc.kill('SIGTERM');
    await once(proc, 'close');
    expect(stdout).toMatch(/Sign in with a browser: open http:\/\/127\.0\.0\.1:\d+ and press "Sign in"/);
    expect(stdout).toContain('Database users (password local-demo-password, a local stand-in): ana.silva@example.com');
    expect(stdout).toMatch(
      /Confirmed linking: sign in with contoso-entra \(Entra ID\) and pick farah\.haddad@contoso\.com\. The Action sends you to the linking page\n\(http:\/\/127\.0\.0\.1:\d+\/link\)/,
    );
  });

  it('stops on SIGTERM with exit code 0', async () => {
    kept.proc.kill('SIGTERM');
    const [code] = (await once(kept.proc, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(kept.rest().stdout).toContain('"ok": true');
  });
});
