// The Action's secrets: defaults, validation, and a problem that names the secret without showing its value.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_BUDGET_MS, describeInvalid, readConfig } from '../actions/config.ts';
import { DEFAULT_DORMANT_DAYS } from '../actions/risk-signs.ts';
import { credentialsFromEnv } from '../scripts/lib/management/client.ts';

const BASE = { AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTH0_CLIENT_ID: 'cid', AUTH0_CLIENT_SECRET: 's3cr3t-value' };

function invalid(secrets: Record<string, string | undefined>): string {
  const result = readConfig(secrets);
  if (result.status !== 'invalid') throw new Error(`expected an invalid config, got ${result.status}`);
  return describeInvalid(result);
}

describe('readConfig', () => {
  it('fills the defaults: linking on, default trust, oldest primary, 5 s budget, https://auto-link/linked claim', () => {
    expect(readConfig(BASE, 1_000)).toEqual({
      status: 'ready',
      config: {
        mode: 'link',
        domain: 'acme.eu.auth0.com',
        clientId: 'cid',
        clientSecret: 's3cr3t-value',
        trust: { connections: undefined, customDatabases: undefined, dormancy: { days: DEFAULT_DORMANT_DAYS, now: 1_000 } },
        primaryConnection: undefined,
        timeBudgetMs: DEFAULT_TIME_BUDGET_MS,
        claimName: 'https://auto-link/linked',
        linkPage: undefined,
        linkPageClientId: undefined,
        endSessions: 'sso-and-refresh',
        linkWithClients: new Set(),
      },
    });
  });

  it('reads END_SESSIONS, refusing anything but its two values without echoing it', () => {
    const ready = readConfig({ ...BASE, END_SESSIONS: 'Refresh-Only' });
    expect(ready.status === 'ready' && ready.config.endSessions).toBe('refresh-only');
    expect(readConfig({ ...BASE, END_SESSIONS: 'none' })).toEqual({
      status: 'invalid',
      secret: 'END_SESSIONS',
      problem: 'is malformed: use sso-and-refresh (Enterprise plans) or refresh-only',
    });
  });

  it('reads every optional secret', () => {
    const result = readConfig({
      ...BASE,
      AUTH0_DOMAIN: 'https://acme.eu.auth0.com/',
      LINK_MODE: 'Dry-Run',
      TRUSTED_CONNECTIONS: ' google-oauth2, Username-Password-Authentication ',
      PRIMARY_CONNECTION: 'Username-Password-Authentication',
      TIME_BUDGET_MS: '2500',
      CLAIM_NAMESPACE: 'https://example.com',
      CUSTOM_DATABASES: 'legacy-db, partner-db',
      DORMANT_DAYS: '90',
    });
    expect(result).toMatchObject({
      status: 'ready',
      config: {
        mode: 'dry-run',
        domain: 'acme.eu.auth0.com',
        trust: {
          connections: new Set(['google-oauth2', 'Username-Password-Authentication']),
          customDatabases: new Set(['legacy-db', 'partner-db']),
          dormancy: { days: 90 },
        },
        primaryConnection: 'Username-Password-Authentication',
        timeBudgetMs: 2500,
        claimName: 'https://example.com/linked',
      },
    });
  });

  it('LINK_MODE=off needs no other secret', () => {
    expect(readConfig({ LINK_MODE: 'off' })).toEqual({ status: 'off' });
  });

  it('names the missing secret', () => {
    expect(invalid({ ...BASE, AUTH0_CLIENT_SECRET: undefined })).toBe('secret AUTH0_CLIENT_SECRET is missing');
    expect(invalid({ ...BASE, AUTH0_CLIENT_ID: '  ' })).toBe('secret AUTH0_CLIENT_ID is missing');
    expect(invalid({ ...BASE, AUTH0_DOMAIN: undefined })).toBe('secret AUTH0_DOMAIN is missing');
  });

  it('names the malformed secret and says what is expected, never echoing a value', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ LINK_MODE: 'maybe' }, 'secret LINK_MODE is malformed: use link, dry-run or off'],
      [{ AUTH0_DOMAIN: 'acme.auth0.com/api/v2' }, 'secret AUTH0_DOMAIN is malformed'],
      [{ TIME_BUDGET_MS: '5s' }, 'secret TIME_BUDGET_MS is malformed'],
      [{ TIME_BUDGET_MS: '19000' }, 'from 500 to 10000'],
      [{ TIME_BUDGET_MS: '499' }, 'from 500 to 10000'],
      [{ TRUSTED_CONNECTIONS: 'google-oauth2,,github' }, 'secret TRUSTED_CONNECTIONS is malformed'],
      [{ TRUSTED_CONNECTIONS: '' }, 'secret TRUSTED_CONNECTIONS is malformed'],
      [{ CUSTOM_DATABASES: 'legacy-db,,x' }, 'secret CUSTOM_DATABASES is malformed'],
      [{ DORMANT_DAYS: '0' }, 'secret DORMANT_DAYS is malformed'],
      [{ DORMANT_DAYS: 'a year' }, 'secret DORMANT_DAYS is malformed'],
      [{ CLAIM_NAMESPACE: 'auto-link' }, 'secret CLAIM_NAMESPACE is malformed'],
    ];
    for (const [secrets, expected] of cases) {
      const line = invalid({ ...BASE, ...secrets });
      expect(line).toContain(expected);
      for (const value of Object.values(secrets)) if (value.length > 2) expect(line).not.toContain(value);
    }
  });

  it('reads AUTH0_DOMAIN as the scripts do: scheme in any case and trailing slashes dropped, anything else refused', () => {
    const env = { AUTH0_CLIENT_ID: 'cid', AUTH0_CLIENT_SECRET: 's3cr3t-value' };
    for (const given of ['acme.eu.auth0.com', 'https://acme.eu.auth0.com/', 'HTTPS://acme.eu.auth0.com//']) {
      expect(readConfig({ ...BASE, AUTH0_DOMAIN: given })).toMatchObject({ config: { domain: 'acme.eu.auth0.com' } });
      expect(credentialsFromEnv({ ...env, AUTH0_DOMAIN: given }, 'test').domain).toBe('acme.eu.auth0.com');
    }
    expect(invalid({ ...BASE, AUTH0_DOMAIN: 'http://acme.eu.auth0.com' })).toContain('secret AUTH0_DOMAIN is malformed');
    expect(() => credentialsFromEnv({ ...env, AUTH0_DOMAIN: 'http://acme.eu.auth0.com' }, 'test')).toThrow(
      'AUTH0_DOMAIN starts with http://: Auth0 is served over HTTPS only; give the host name (https:// in front is accepted)',
    );
  });
});
