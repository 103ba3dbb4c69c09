// The page's settings: `npm run link-page` with a missing or malformed variable stops with one line naming it and exit 2.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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

  it('npm run link-page with a short LINK_SECRET prints one line and exits 2, never the value', () => {
    const run = spawnSync(process.execPath, ['link-page/main.ts'], {
      env: { PATH: process.env.PATH, ...GOOD, LINK_SECRET: 'too-short-secret' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['link-page: LINK_SECRET is malformed: use at least 32 characters (see docs/linking-page.md)']);
    expect(run.stdout + run.stderr).not.toContain('too-short-secret');
  });
});
