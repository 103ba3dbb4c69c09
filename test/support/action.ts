// Test fixtures for the BUILT Action: the bundle built once, loaded in the local Actions runtime with secrets for a test tenant.
import { expect } from 'vitest';
import { LOG_LIMIT } from '../../actions/auth0-limits.ts';
import { buildAction } from '../../scripts/lib/build-action.ts';
import { type ActionsRuntimeOptions, createActionsRuntime, type LoginResult, type LoginSuccess } from '../../local-tenant/index.ts';
import type { TestTenant } from './tenant.ts';

let built: Promise<string> | undefined;

/** dist/auto-link.js as `npm run build` makes it (built once per test file). */
export function actionCode(): Promise<string> {
  built ??= buildAction().then((b) => b.code);
  return built;
}

/** The secrets a deployment gives the Action for `t`'s M2M client; a value `undefined` leaves that secret out. */
export function secretsFor(t: TestTenant, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    AUTH0_DOMAIN: t.tenant.domain,
    AUTH0_CLIENT_ID: t.client.client_id,
    AUTH0_CLIENT_SECRET: t.client.client_secret,
    ...extra,
  };
  return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The built Action loaded for `t` in a fresh runtime (its own api.cache). */
export async function loadAction(t: TestTenant, extra: Record<string, string | undefined> = {}, options: Partial<ActionsRuntimeOptions> = {}) {
  const runtime = createActionsRuntime({ state: t.tenant.state, timeoutMs: 10_000, ...options });
  const action = runtime.load(await actionCode(), { name: 'auto-link', secrets: secretsFor(t, extra) });
  return { runtime, action };
}

/** The requests of a login as `METHOD /path` with user ids replaced by `{id}`, e.g. `POST /api/v2/users/{id}/identities`. */
/** What ending one password account's sessions costs before its link: its SSO sessions, then its grants (refresh tokens). */
export const END_SESSIONS_CALLS = ['DELETE /api/v2/users/{id}/sessions', 'DELETE /api/v2/grants'] as const;

export function calls(result: LoginResult): string[] {
  return result.httpCalls.map((call) => `${call.method} ${new URL(call.url).pathname.replace(/^\/api\/v2\/users\/[^/]+/, '/api/v2/users/{id}')}`);
}

/**
 * The login's success, after checking what every execution must respect: the login did not fail, at most one log line,
 * shorter than 256 characters, nothing of its output dropped, and no secret in it.
 */
export function succeeded(result: LoginResult, t: TestTenant): LoginSuccess {
  if (result.outcome !== 'success') throw new Error(`the login failed (${result.kind}): ${result.reason}; logs: ${result.logs.join(' | ')}`);
  expect(result.logs.length).toBeLessThanOrEqual(1);
  // Auth0 keeps 256 characters of output per execution: nothing the Action says may be cut off.
  expect(result.logCharsDropped).toBe(0);
  for (const line of result.logs) {
    expect(line.length).toBeLessThan(LOG_LIMIT);
    expect(line).not.toContain(t.client.client_secret);
    expect(line).not.toMatch(/bearer|[A-Za-z0-9_-]{60,}/i);
    expect(line).not.toMatch(/[^\s<]+@[^\s>]+/);
  }
  return result;
}
