// Runs one login through an Action instance and settles it the way Auth0 does: time limit, uncaught error, deny,
// setPrimaryUser check against the tenant as it is when the Action ends, and metadata written once at the end.
import type { Metadata } from '../../../actions/types.ts';
import type { TenantState } from '../state.ts';
import { createPostLoginApi, type Commands } from './api.ts';
import type { ActionsCache } from './cache.ts';
import { newExecutionContext, runIn, type HttpCall } from './context.ts';
import { buildEvent, findIdentity, resolveLogin, type LoginIdentity, type LoginRequest } from './event.ts';
import type { ActionInstance } from './load.ts';

/** Each execution of a trigger must finish within 20 s (customize/actions/limitations.mdx, "Executions"). */
export const EXECUTION_LIMIT_MS = 20_000;

/** Why a login failed: the Action threw, denied, ran too long, named a wrong primary, or left its user linked away. */
export type FailureKind = 'error' | 'denied' | 'timeout' | 'setPrimaryUser' | 'userGone';

/** What every login result tells, success or not. */
export interface ExecutionReport {
  /** The user the Action ran for (`event.user.user_id`): the owner of the login identity when the login began. */
  eventUserId: string;
  /** The Action's console output, one entry a line, each cut to 256 characters. */
  logs: string[];
  /** The requests the Action made through the fetch it was given, in order. */
  httpCalls: HttpCall[];
  durationMs: number;
  /** The app_metadata keys written to the tenant user at the end (undefined when nothing was written). */
  appMetadataApplied: Metadata | undefined;
  userMetadataApplied: Metadata | undefined;
}

export interface LoginSuccess extends ExecutionReport {
  outcome: 'success';
  /** The user_id the tokens are issued for (`sub`). */
  subject: string;
  /** Custom claims the Action set on the ID token and the access token. */
  idTokenClaims: Metadata;
  accessTokenClaims: Metadata;
}

export interface LoginFailure extends ExecutionReport {
  outcome: 'failure';
  kind: FailureKind;
  /** `error: <message>`, `denied: <reason>`, `timeout`, `setPrimaryUser: identity not among secondaries of <id>`, or `user gone: …`. */
  reason: string;
}

export type LoginResult = LoginSuccess | LoginFailure;

/** What a login needs besides the instance and the request. */
export interface LoginEnvironment {
  state: TenantState;
  cache: ActionsCache;
  secrets: Readonly<Record<string, string>>;
  timeoutMs: number;
  now: () => Date;
}

type Settled = { type: 'resolved' } | { type: 'threw'; error: unknown } | { type: 'timeout' };

/** Runs `request` through `instance`. Throws only for a request the tenant cannot serve (unknown user or identity). */
export async function executeLogin(instance: ActionInstance, request: LoginRequest, env: LoginEnvironment): Promise<LoginResult> {
  const { state } = env;
  const { user, identity } = resolveLogin(state, request);
  const event = buildEvent(state, user, identity, request, env.secrets, countLogin(user, request, env.now()));
  const context = newExecutionContext();
  const { api, commands } = createPostLoginApi(env.cache, () => !context.closed);

  const started = performance.now();
  const run = runIn(context, async () => {
    await instance.handler()(event, api);
  });
  const settled = await withTimeout(run, env.timeoutMs);
  context.closed = true;
  const report = { eventUserId: user.user_id, logs: [...context.logs], httpCalls: [...context.httpCalls], durationMs: performance.now() - started };

  const fail = (kind: FailureKind, reason: string, applied = noMetadata): LoginFailure => ({ outcome: 'failure', kind, reason, ...report, ...applied });
  if (settled.type === 'timeout') return fail('timeout', 'timeout');
  if (settled.type === 'threw') return fail('error', `error: ${messageOf(settled.error)}`);
  // A deny does "NOT cancel other user-related side-effects (such as metadata changes)" (post-login API reference).
  if (commands.denied !== undefined) return fail('denied', `denied: ${commands.denied}`, applyMetadata(state, user.user_id, commands));

  if (commands.primaryUserId !== undefined) {
    const primary = state.getUser(commands.primaryUserId);
    const secondaries = primary ? primary.identities.slice(1) : [];
    if (!secondaries.some((i) => i.provider === identity.provider && String(i.user_id) === identity.user_id)) {
      return fail('setPrimaryUser', `setPrimaryUser: identity not among secondaries of ${commands.primaryUserId}`);
    }
    // Metadata set in the same Action as setPrimaryUser is discarded (limitations.mdx, "Account Linking").
    return success(commands.primaryUserId, commands, report, noMetadata);
  }

  // Without setPrimaryUser the login goes on as the event's user. If the Action linked that user away under another
  // primary, the user no longer exists and Auth0 fails the login ("Account Linking in Actions - How to Keep the User
  // Logged In", Auth0 support article: the user has to log in again).
  if (!state.getUser(user.user_id)) {
    const owner = ownerOf(state, identity);
    return fail('userGone', `user gone: ${user.user_id} no longer exists${owner ? ` (its identity is now under ${owner})` : ''}; the Action must call api.authentication.setPrimaryUser`);
  }
  return success(user.user_id, commands, report, applyMetadata(state, user.user_id, commands));
}

type Applied = Pick<ExecutionReport, 'appMetadataApplied' | 'userMetadataApplied'>;
const noMetadata: Applied = { appMetadataApplied: undefined, userMetadataApplied: undefined };

function success(subject: string, commands: Commands, report: Omit<ExecutionReport, keyof Applied>, applied: Applied): LoginSuccess {
  return { outcome: 'success', subject, idTokenClaims: commands.idTokenClaims, accessTokenClaims: commands.accessTokenClaims, ...report, ...applied };
}

/** A login (not a refresh-token exchange) counts towards the user's logins_count before the Actions run, as on Auth0. */
function countLogin(user: { logins_count?: number; last_login?: string }, request: LoginRequest, now: Date): number {
  if (request.protocol === 'oauth2-refresh-token') return user.logins_count ?? 0;
  user.logins_count = (user.logins_count ?? 0) + 1;
  user.last_login = now.toISOString();
  return user.logins_count;
}

/** Writes the recorded metadata to the user in one top-level merge (null removes a key), as Auth0 does at the end of the flow. */
function applyMetadata(state: TenantState, userId: string, commands: Commands): Applied {
  const app = Object.keys(commands.appMetadata).length > 0 ? commands.appMetadata : undefined;
  const user = Object.keys(commands.userMetadata).length > 0 ? commands.userMetadata : undefined;
  if ((!app && !user) || !state.getUser(userId)) return noMetadata;
  state.patchUser(userId, { ...(app && { app_metadata: app }), ...(user && { user_metadata: user }) });
  return { appMetadataApplied: app, userMetadataApplied: user };
}

function ownerOf(state: TenantState, identity: LoginIdentity): string | undefined {
  const owner = state.ownerOfIdentity(identity.provider, identity.user_id);
  return owner && findIdentity(owner, identity) ? owner.user_id : undefined;
}

/** Races the Action against the limit with a timer; a late rejection of the abandoned run is absorbed, not left unhandled. */
async function withTimeout(run: Promise<void>, timeoutMs: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ type: 'timeout' }), timeoutMs);
  });
  const outcome = run.then((): Settled => ({ type: 'resolved' }), (error: unknown): Settled => ({ type: 'threw', error }));
  try {
    return await Promise.race([outcome, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
