// The page's settings, and `npm run link-page` following the scripts' convention: --help, unknown flags (exit 2), .env,
// and a missing or malformed variable, a port in use or a bad HOST as one line and exit 1.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/backfill.ts';
import { SettingsError } from '../link-page/errors.ts';
import { readSettings } from '../link-page/settings.ts';
import { connectionLabel } from '../link-page/views/connection-label.ts';

const GOOD = {
  AUTH0_DOMAIN: 'my-tenant.eu.auth0.com',
  LINK_PAGE_CLIENT_ID: 'page-client',
  LINK_PAGE_CLIENT_SECRET: 'page-client-secret-value',
  LINK_SECRET: 'x'.repeat(40),
  LINK_PAGE_URL: 'https://link.example.com/account/link',
};

describe('link-page settings', () => {
  it('reads a real tenant: https origin, audience, base URL under a path', () => {
    const settings = readSettings(GOOD);
    expect(settings).toMatchObject({
      tenantOrigin: 'https://my-tenant.eu.auth0.com',
      tenantHost: 'my-tenant.eu.auth0.com',
      audience: 'https://my-tenant.eu.auth0.com/api/v2/',
      baseUrl: 'https://link.example.com/account',
      port: 3000,
      connections: [],
    });
  });

  it('without LINK_SECRET leaves it to be derived from the client secret (what npm run deploy expects)', () => {
    expect(readSettings({ ...GOOD, LINK_SECRET: undefined }).linkSecret).toBeUndefined();
    expect(readSettings({ ...GOOD, LINK_SECRET: '' }).linkSecret).toBeUndefined();
    expect(readSettings(GOOD).linkSecret).toBe(GOOD.LINK_SECRET);
  });

  it('reads what people call the connections, for the views', () => {
    expect(readSettings(GOOD).connectionLabels).toEqual({});
    const labels = readSettings({ ...GOOD, LINK_PAGE_CONNECTION_LABELS: 'contoso-entra=Contoso (work account), github = GitHub' }).connectionLabels;
    expect(labels).toEqual({ 'contoso-entra': 'Contoso (work account)', github: 'GitHub' });
    expect([connectionLabel('contoso-entra', labels), connectionLabel('google-oauth2', labels), connectionLabel('okta-x', labels)]).toEqual([
      'Contoso (work account)',
      'Google',
      'okta-x',
    ]);
    // Only the labels themselves: a connection named like an Object property is named by its name.
    expect(connectionLabel('constructor', labels)).toBe('constructor');
  });

  it.each([
    [{ AUTH0_DOMAIN: undefined }, 'AUTH0_DOMAIN is missing'],
    [{ LINK_SECRET: 'short' }, 'LINK_SECRET is malformed: use at least 32 characters'],
    [{ LINK_PAGE_URL: 'http://link.example.com/link' }, 'LINK_PAGE_URL is malformed: use https'],
    [{ LINK_PAGE_URL: 'https://link.example.com/confirm' }, 'LINK_PAGE_URL is malformed: use the page URL ending in /link'],
    [{ AUTH0_BASE_URL: 'http://tenant.example.com' }, 'AUTH0_BASE_URL is malformed'],
    [{ LINK_PAGE_CONNECTIONS: 'google-oauth2,,github' }, 'LINK_PAGE_CONNECTIONS is malformed'],
    [{ LINK_PAGE_CONNECTION_LABELS: 'contoso-entra' }, 'LINK_PAGE_CONNECTION_LABELS is malformed'],
    [{ LINK_PAGE_CONNECTION_LABELS: 'contoso-entra=' }, 'LINK_PAGE_CONNECTION_LABELS is malformed'],
    [{ PORT: 'eighty' }, 'PORT is malformed'],
  ])('refuses %o with one line naming the variable', (change, line) => {
    const error = (() => {
      try {
        readSettings({ ...GOOD, ...change });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message.startsWith(line)).toBe(true);
    expect((error as Error).message).not.toContain('short');
  });

  it('npm run link-page with a short LINK_SECRET prints one line and exits 1, never the value', () => {
    const run = page([], { ...GOOD, LINK_SECRET: 'too-short-secret' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: LINK_SECRET is malformed: use at least 32 characters (set in the environment or .env; see docs/linking-page.md)',
    ]);
    expect(run.stdout + run.stderr).not.toContain('too-short-secret');
  });
});

const MAIN = resolve('link-page/main.ts');

/** `node link-page/main.ts` (what `npm run link-page` runs) in `cwd`, with only `env` and PATH. */
function page(args: string[], env: Record<string, string>, cwd = process.cwd()) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('npm run link-page follows the scripts’ convention', () => {
  it('--help prints usage and exits 0; an unknown flag is a usage error, exit 2', () => {
    const help = page(['--help'], {});
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run link-page');
    expect(help.stdout).toContain('LINK_PAGE_CLIENT_SECRET');
    const unknown = page(['--port', '80'], GOOD);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe("error: Unknown option '--port'");
  });

  it('a missing setting exits 1 as the scripts do; the settings are read from .env in the working directory too', () => {
    const missing = page([], { ...GOOD, LINK_PAGE_CLIENT_ID: '' });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('error: LINK_PAGE_CLIENT_ID is missing (set in the environment or .env; see docs/linking-page.md)');
    // Everything but the secret from .env, the rest from the environment (which wins): it gets as far as listening.
    const dir = tempDir();
    const { LINK_SECRET, ...fromFile } = GOOD;
    writeFileSync(
      join(dir, '.env'),
      Object.entries({ ...fromFile, AUTH0_DOMAIN: 'from-file.example.com', HOST: 'no-such-host.invalid' })
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const run = page([], { LINK_SECRET, AUTH0_DOMAIN: GOOD.AUTH0_DOMAIN }, dir);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^error: HOST no-such-host\.invalid is not an address of this machine \(\w+\): set HOST to one, e\.g\. 127\.0\.0\.1 or 0\.0\.0\.0$/,
    );
  });

  it('a port in use is one line naming PORT, exit 1, not a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = page([], { ...GOOD, PORT: String(port) });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(`error: port ${port} on 127.0.0.1 is in use: stop that process, or set PORT to another port`);
    } finally {
      await new Promise((done) => busy.close(done));
    }
  });
});
