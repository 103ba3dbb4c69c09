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
      expect(run.users).toEqual({ before: 14, after: 10 });
      expect(startSummary(run)).toContain('4 accounts linked, 14 accounts → 10 users; 0 logins failed.');
    } finally {
      await run.close();
    }
  });

  it('plays the confirmed path over HTTP: a Google login asked and answered "Not now", then the Entra ID login proves the Google account on the linking page', async () => {
    const run = await runStart({ quiet: true, delays: { buildDelayMs: 30, deployDelayMs: 20 } });
    try {
      const { state } = run.demo.tenant;
      expect(run.deploy.linkPage).toMatchObject({ created: true, callbackUrl: run.linkPage.confirmUrl.replace(/\/link$/, '/callback') });
      const [declined, proved] = run.rows.filter((row) => row.email === 'carla.mendes@contoso.com');
      // Asked, not linked: the login goes on as the Google account, and the decline is remembered on it.
      expect(declined).toMatchObject({ outcome: 'ok', linked: [], subject: CARLA_GOOGLE, httpCalls: 1 });
      expect(declined!.logs).toEqual([
        `auto-link: 1 account needs the person's confirmation (${ENTRA}), sent to the linking page`,
        'auto-link: the person chose "Not now" on the linking page, nothing linked',
      ]);
      // The offer's lookup, then on /continue a fresh lookup, the pre-link mark and the link: the proof alone links nothing.
      expect(proved).toMatchObject({ outcome: 'ok', linked: [{ userId: CARLA_GOOGLE, connection: 'google-oauth2' }], subject: ENTRA, httpCalls: 4 });
      expect(state.getUser(ENTRA)!.identities.map((i) => `${i.provider}|${i.user_id}`)).toEqual([ENTRA, CARLA_GOOGLE]);
      expect(run.linkPage.logs.filter((line) => line.startsWith('link-page GET /link 303'))).toHaveLength(2);
      expect(run.linkPage.logs.join('\n')).not.toContain('carla');
      // The Action's /continue did the linking, with its audit record saying so.
      expect(JSON.stringify(state.getUser(ENTRA)!.app_metadata)).toContain('"by":"confirmed"');
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
