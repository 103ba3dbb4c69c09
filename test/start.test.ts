// `npm start` end to end: the Action deployed by the deploy command over HTTP, the demo logins linked as they should be, the traps left alone.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startSummary, runStart } from '../scripts/lib/start/run.ts';

const ANA = 'auth0|65f0a1b2c3d4e5f601234567';
const TRAP = 'auth0|65f0a1b2c3d4e5f6badc0ffe';
const VICTIM = 'google-oauth2|117733990011224466880';
const ENTRA = 'waad|7c1e52d0-8f3b-4a6e-9d21-0b5f3a9c4e11';
const CARLA_GOOGLE = 'google-oauth2|109955331177224466001';
const EXCLUDED = 'google-oauth2|100000111122223333444';
const DANA = 'auth0|65f0a1b2c3d4e5f6da0da0da';
const DANA_GOOGLE = 'google-oauth2|112244668800113355771';

describe('npm start', () => {
  it('deploys through the deploy command and links one person’s accounts, leaving the traps and excluded accounts alone', async () => {
    const run = await runStart({ quiet: true, delays: { buildDelayMs: 30, deployDelayMs: 20 } });
    try {
      const { state } = run.demo.tenant;
      expect(run.deploy).toMatchObject({ changed: true, action: { name: 'auto-link', step: 'create', version: 1 }, bindings: { after: ['auto-link'] } });
      expect(run.rows.every((row) => row.outcome === 'ok')).toBe(true);

      const [first, ...rest] = run.rows;
      expect(first!.linked.map((l) => l.connection).sort()).toEqual(['github', 'google-oauth2']);
      expect(first!.subject).toBe(ANA);
      expect(state.getUser(ANA)!.identities.map((i) => i.connection)).toEqual(['Username-Password-Authentication', 'google-oauth2', 'github']);
      const returning = rest.filter((row) => /^returning|refresh/.test(row.note));
      expect(returning).toHaveLength(4);
      expect(returning.map((row) => row.httpCalls)).toEqual([0, 0, 0, 0]);
      expect(returning.slice(0, 3).map((row) => row.subject)).toEqual([ANA, ANA, ANA]);

      for (const userId of [TRAP, VICTIM, EXCLUDED]) expect(state.getUser(userId)!.identities).toHaveLength(1);
      expect(run.rows.find((row) => row.note === 'the victim’s first login')).toMatchObject({ linked: [], subject: VICTIM });
      expect(run.rows.find((row) => row.connection === 'github' && row.email === 'elena.rossi@example.com')).toMatchObject({
        linked: [{ userId: 'github|90417733', connection: 'github' }],
        subject: 'email|65f0a1b2c3d4e5f6e1e1e1e1',
      });
      expect(run.users).toEqual({ before: 16, after: 11 });
      expect(startSummary(run)).toContain('5 accounts linked, 16 accounts → 11 users; 0 logins failed.');
      // Ana's password was reset since signup: linked silently, with her password account's sessions ended first.
      expect(first!.logs).toEqual([`auto-link: linked google-oauth2|104021778811223344556, github|58112934 into ${ANA}, login continues as ${ANA}`]);
      expect(first!.httpCalls).toBe(8);
    } finally {
      await run.close();
    }
  });

  it('plays the confirmed path over HTTP: the Entra ID login proves the Google account, the Google login proves the password', async () => {
    const run = await runStart({ quiet: true, delays: { buildDelayMs: 30, deployDelayMs: 20 } });
    try {
      const { state } = run.demo.tenant;
      expect(run.deploy.linkPage).toMatchObject({ created: true, callbackUrl: run.linkPage.confirmUrl.replace(/\/link$/, '/callback') });
      const [notOffered, proved] = run.rows.filter((row) => row.email === 'carla.mendes@contoso.com');
      // The Google login is never invited to prove the Entra ID account: an enterprise IdP's sign-in proves nothing.
      expect(notOffered).toMatchObject({ outcome: 'ok', linked: [], subject: CARLA_GOOGLE });
      expect(notOffered!.logs).toEqual(['auto-link: no other account this login can link, 1 only from its own login, marked checked']);
      // The offer's lookup, then on /continue a fresh lookup, the pre-link mark and the link: the proof alone links nothing.
      expect(proved).toMatchObject({ outcome: 'ok', linked: [{ userId: CARLA_GOOGLE, connection: 'google-oauth2' }], subject: ENTRA, httpCalls: 4 });
      expect(state.getUser(ENTRA)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([ENTRA, CARLA_GOOGLE]);
      expect(run.linkPage.logs.filter((line) => line.startsWith('link-page GET /link 303'))).toHaveLength(2);
      expect(run.linkPage.logs.join('\n')).not.toContain('carla');
      // The Action's /continue did the linking, with its audit record saying so.
      expect(JSON.stringify(state.getUser(ENTRA)!.app_metadata)).toContain('"by":"confirmed"');
      // Dana's password was never reset: her Google login is asked to prove it, signs in with it on the page, and the link
      // ends the password account's sessions first (lookup on the offer; lookup, 2 session calls, PATCH and link on /continue).
      const dana = run.rows.find((row) => row.email === 'dana.reis@example.com')!;
      expect(dana).toMatchObject({ outcome: 'ok', linked: [{ userId: DANA_GOOGLE, connection: 'google-oauth2' }], subject: DANA, httpCalls: 6 });
      expect(dana.logs[0]).toBe(`auto-link: 1 account needs the person's confirmation (${DANA}), sent to the linking page`);
      expect(state.getUser(DANA)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([DANA, DANA_GOOGLE]);
    } finally {
      await run.close();
    }
  });

  it('runs as a child process that prints the table, never a generated secret, and exits 0 by itself', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, ['scripts/start.ts'], { env: { PATH: process.env.PATH } });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      proc.on('error', reject);
      proc.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    expect(code).toBe(0);
    expect(stderr).toContain('Action "auto-link": created');
    // Emails are masked unless asked for (--show-emails): the case of the address still shows.
    expect(stdout).toMatch(/^\s+1\s+google-oauth2\s+A…@Example\.com\s.*github \+ google-oauth2\s+auth0\|65f0a1b2c3d4e5f601234567\s+\d+$/m);
    expect(stdout).not.toMatch(/[\w.]+@[\w.]+\.\w+/);
    expect(stdout).toContain('0 logins failed');
    expect(`${stdout}${stderr}`).not.toMatch(/AUTH0_CLIENT_SECRET=|client_secret/);
  });
});
