// The Action's secrets read into a validated Config, or the name of the first missing or malformed secret and what to do.
import type { TrustRule } from './policy.ts';
import { DEFAULT_DORMANT_DAYS } from './risk-signs.ts';
import { linkPageUrlProblem, linkSecretProblem } from './link-page-tokens.ts';

export type LinkMode = 'link' | 'dry-run';

/**
 * What ending an account's sessions before a link covers (secret END_SESSIONS). `sso-and-refresh` (default): its SSO
 * sessions (DELETE /api/v2/users/{id}/sessions, delete:sessions: Auth0's Session Management API, Enterprise plans) and its
 * refresh tokens (DELETE /api/v2/grants?user_id=, delete:grants: every plan). `refresh-only`: refresh tokens alone, for
 * plans without the Session Management API; the account's SSO sessions then end only when they expire (security model).
 */
export type EndSessions = 'sso-and-refresh' | 'refresh-only';

/**
 * The Management API scopes of the Action's own application, and nothing more: users-by-email and the search
 * (read:users), the pre-link write and the link (update:users), ending a password account's sessions and refresh tokens
 * before its link (delete:sessions, delete:grants).
 */
export const ACTION_SCOPES = ['read:users', 'update:users', 'delete:sessions', 'delete:grants'] as const;

export interface Config {
  /** `link` links; `dry-run` looks up and logs the plan but changes nothing. (`off` never gets this far.) */
  mode: LinkMode;
  /** The tenant's canonical domain (not a custom domain): the Management API audience is `https://{domain}/api/v2/`. */
  domain: string;
  clientId: string;
  clientSecret: string;
  trust: TrustRule;
  /** Prefer the oldest eligible account on this connection as primary; undefined → the oldest eligible account. */
  primaryConnection: string | undefined;
  /** Every Management API call of one execution must finish within this many milliseconds of its start. */
  timeBudgetMs: number;
  /** The ID-token claim listing the user_ids a login linked. */
  claimName: string;
  /** The linking page (LINK_PAGE_URL + LINK_SECRET); undefined → confirm-pairs are not linked, and that is logged. */
  linkPage: LinkPageConfig | undefined;
  /** The page's own application (LINK_PAGE_CLIENT_ID): its logins are never looked up or redirected. */
  linkPageClientId: string | undefined;
  /** What is ended of a password account's sessions before it takes part in a link (END_SESSIONS). */
  endSessions: EndSessions;
  /** Applications besides the linking page whose access tokens may carry update:current_user_identities (LINK_WITH_CLIENTS). */
  linkWithClients: ReadonlySet<string>;
}

export interface LinkPageConfig {
  url: string;
  secret: string;
  /** How long "Not now" holds (LINK_LATER_DAYS). */
  laterDays: number;
}

export const DEFAULT_LINK_LATER_DAYS = 7;

export type ConfigResult = { status: 'off' } | { status: 'invalid'; secret: string; problem: string } | { status: 'ready'; config: Config };

export const DEFAULT_TIME_BUDGET_MS = 5000;
/** Auth0 stops an execution at 20 s; the rest of the flow (other Actions, token issuance) needs the remainder. */
export const MAX_TIME_BUDGET_MS = 10_000;
export const MIN_TIME_BUDGET_MS = 500;
export const DEFAULT_CLAIM_NAMESPACE = 'https://auto-link/';
export const CLAIM_SUFFIX = 'linked';

type Secrets = Readonly<Record<string, string | undefined>>;

class SecretProblem extends Error {
  readonly secret: string;
  constructor(secret: string, problem: string) {
    super(problem);
    this.secret = secret;
  }
}

/** The longest DORMANT_DAYS or LINK_LATER_DAYS accepted: 100 years. */
export const MAX_DORMANT_DAYS = 36_500;

/**
 * Reads the secrets. Values are never echoed in a problem: some of them are credentials. `now` (epoch ms) is the
 * moment dormancy is judged at.
 */
export function readConfig(secrets: Secrets, now: number = Date.now()): ConfigResult {
  try {
    const mode = readMode(secrets);
    if (mode === 'off') return { status: 'off' };
    return {
      status: 'ready',
      config: {
        mode,
        domain: readDomain(secrets),
        clientId: required(secrets, 'AUTH0_CLIENT_ID'),
        clientSecret: required(secrets, 'AUTH0_CLIENT_SECRET'),
        trust: { ...readTrust(secrets), customDatabases: readList(secrets, 'CUSTOM_DATABASES'), dormancy: { days: readDormantDays(secrets), now } },
        primaryConnection: optional(secrets, 'PRIMARY_CONNECTION'),
        timeBudgetMs: readTimeBudget(secrets),
        claimName: `${readNamespace(secrets)}${CLAIM_SUFFIX}`,
        linkPage: readLinkPage(secrets),
        linkPageClientId: optional(secrets, 'LINK_PAGE_CLIENT_ID'),
        endSessions: readEndSessions(secrets),
        linkWithClients: readList(secrets, 'LINK_WITH_CLIENTS') ?? new Set(),
      },
    };
  } catch (error) {
    if (error instanceof SecretProblem) return { status: 'invalid', secret: error.secret, problem: error.message };
    throw error;
  }
}

/** The one-line description of an invalid config, e.g. `secret AUTH0_CLIENT_SECRET is missing`. */
export function describeInvalid(result: { secret: string; problem: string }): string {
  return `secret ${result.secret} ${result.problem}`;
}

function optional(secrets: Secrets, name: string): string | undefined {
  const value = secrets[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(secrets: Secrets, name: string): string {
  const value = optional(secrets, name);
  if (value === undefined) throw new SecretProblem(name, 'is missing');
  return value;
}

function readMode(secrets: Secrets): LinkMode | 'off' {
  const value = optional(secrets, 'LINK_MODE')?.toLowerCase() ?? 'link';
  if (value === 'link' || value === 'dry-run' || value === 'off') return value;
  throw new SecretProblem('LINK_MODE', 'is malformed: use link, dry-run or off');
}

function readDomain(secrets: Secrets): string {
  const domain = normalizeDomain(required(secrets, 'AUTH0_DOMAIN'));
  if (domain === undefined) throw new SecretProblem('AUTH0_DOMAIN', 'is malformed: use the tenant host name, e.g. my-tenant.eu.auth0.com');
  return domain;
}

/**
 * A tenant domain as given (`my-tenant.eu.auth0.com`, also with `https://` in any case and trailing slashes) reduced to
 * its host name (and port), or undefined when it is not one. Shared with the scripts' AUTH0_DOMAIN.
 */
export function normalizeDomain(value: string): string | undefined {
  const domain = value
    .trim()
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '');
  return /^[a-z0-9.-]+(:\d+)?$/i.test(domain) ? domain : undefined;
}

function readTrust(secrets: Secrets): TrustRule {
  const value = secrets.TRUSTED_CONNECTIONS;
  if (value === undefined) return { connections: undefined };
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new SecretProblem('TRUSTED_CONNECTIONS', 'is malformed: list connection names separated by commas, or remove it to trust the default kinds');
  }
  return { connections: new Set(names) };
}

/** A comma-separated list of connection names (CUSTOM_DATABASES); unset or empty → none. */
function readList(secrets: Secrets, name: string): ReadonlySet<string> | undefined {
  const value = optional(secrets, name);
  if (value === undefined) return undefined;
  const names = value.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new SecretProblem(name, 'is malformed: list connection names separated by commas');
  return new Set(names);
}

/** Both LINK_PAGE_URL and LINK_SECRET, or neither; one without the other is a config problem naming the missing one. */
function readLinkPage(secrets: Secrets): LinkPageConfig | undefined {
  const url = optional(secrets, 'LINK_PAGE_URL');
  const secret = secrets.LINK_SECRET === undefined || secrets.LINK_SECRET === '' ? undefined : secrets.LINK_SECRET;
  if (url === undefined && secret === undefined) return undefined;
  const urlProblem = linkPageUrlProblem(url);
  if (urlProblem) throw new SecretProblem('LINK_PAGE_URL', urlProblem);
  const secretProblem = linkSecretProblem(secret);
  if (secretProblem) throw new SecretProblem('LINK_SECRET', secretProblem);
  return { url: url!, secret: secret!, laterDays: readDays(secrets, 'LINK_LATER_DAYS', DEFAULT_LINK_LATER_DAYS) };
}

function readEndSessions(secrets: Secrets): EndSessions {
  const value = optional(secrets, 'END_SESSIONS')?.toLowerCase() ?? 'sso-and-refresh';
  if (value === 'sso-and-refresh' || value === 'refresh-only') return value;
  throw new SecretProblem('END_SESSIONS', 'is malformed: use sso-and-refresh (Enterprise plans) or refresh-only');
}

function readDays(secrets: Secrets, name: string, fallback: number): number {
  const value = optional(secrets, name);
  if (value === undefined) return fallback;
  const days = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= MAX_DORMANT_DAYS)) throw new SecretProblem(name, `is malformed: use a whole number of days from 1 to ${MAX_DORMANT_DAYS}`);
  return days;
}

function readDormantDays(secrets: Secrets): number {
  return readDays(secrets, 'DORMANT_DAYS', DEFAULT_DORMANT_DAYS);
}

function readTimeBudget(secrets: Secrets): number {
  const value = optional(secrets, 'TIME_BUDGET_MS');
  if (value === undefined) return DEFAULT_TIME_BUDGET_MS;
  const budget = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(budget >= MIN_TIME_BUDGET_MS && budget <= MAX_TIME_BUDGET_MS)) {
    throw new SecretProblem('TIME_BUDGET_MS', `is malformed: use a whole number of milliseconds from ${MIN_TIME_BUDGET_MS} to ${MAX_TIME_BUDGET_MS}`);
  }
  return budget;
}

function readNamespace(secrets: Secrets): string {
  const value = optional(secrets, 'CLAIM_NAMESPACE');
  if (value === undefined) return DEFAULT_CLAIM_NAMESPACE;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(value)) {
    throw new SecretProblem('CLAIM_NAMESPACE', 'is malformed: use a URL you control, e.g. https://example.com/');
  }
  return value.endsWith('/') ? value : `${value}/`;
}
