// The local tenant's one public entry: everything the CLI, the bench and the project's tests may use of it.
import { fileURLToPath } from 'node:url';

// A tenant: its state, its HTTP face, and serving it on loopback or in this process.
export { createLocalTenant, LocalTenant, type LocalTenantOptions } from './local-tenant.ts';
export { profileOf, TenantState, type Client, type NewUser } from './state.ts';
export { serveHttp, type TenantHttpServer } from './http-server.ts';
export { startInProcess, type InProcessTenant } from './in-process.ts';
export { DATABASE_CONNECTION } from './connection-names.ts';

// Seeding: a JSON seed value, or a stream of user records (reading files is the caller's).
export { ensureConnection, loadSeed, loadUsers, SeedError, type SeedResult, type UserRecord } from './seed.ts';
/** The seeds this package ships: `npm start`'s demo people, and accounts still to link for `npm run backfill`. */
export const SEEDS = {
  demo: fileURLToPath(new URL('./seeds/demo.json', import.meta.url)),
  pending: fileURLToPath(new URL('./seeds/pending.json', import.meta.url)),
} as const;

// Auth0's users-export line, as the tenant's export job writes it.
export { exportLine } from './export-format.ts';

// The Actions: the store the Management API writes, the runtime that runs a login through the bound Actions.
export { ActionsStore } from './actions-store.ts';
export {
  ActionsCache,
  createActionsRuntime,
  type ActionsRuntime,
  type ActionsRuntimeOptions,
  type FlowResult,
  type HttpCall,
  type LoadedAction,
  type LoginIdentity,
  type LoginRequest,
  type LoginResult,
  type LoginSuccess,
  type SuspendedFlow,
} from './runtime/index.ts';
export { createPostLoginApi } from './runtime/api.ts';
export { buildEvent } from './runtime/event.ts';
export { loginThroughFlow } from './login.ts';

// Signing in without a browser: the runtime /authorize uses, and the user tokens and grant names it issues.
export { signInRuntime, useSignInRuntime } from './auth/complete-login.ts';
export { SESSION_COOKIE } from './auth/cookies.ts';
export { PASSWORD_REALM_GRANT } from './auth/token-grants.ts';
export { issueUserAccessToken } from './auth/user-tokens.ts';

// A scripted browser (cookies, forms, redirects) for the tenant's sign-in pages, shared by tests, the bench and npm start.
export { BrowserlessAgent, formAction, hiddenField, refreshTarget } from './browserless-agent.ts';

// Auth0's rate limiter, which the CLI's pacer is tested against.
export { rateLimitHeaders, TokenBucket, type RateLimitOptions } from './rate-limit.ts';
