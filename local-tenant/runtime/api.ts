// The post-login `api` given to one execution: it records what the Action asks for; execute.ts decides what takes effect.
// Rules from actions/reference/post-login/post-login-api-object.mdx and customize/actions/limitations.mdx
// ("Account Linking (setPrimaryUser)"): setPrimaryUser once per transaction, its id within PRIMARY_USER_ID_LIMIT;
// metadata set with api.user is applied once at the end of the flow, a null value removing the key. The Actions of one
// flow share one Commands record, so these rules hold across the flow and not per Action.
import { PRIMARY_USER_ID_LIMIT } from '../../actions/auth0-limits.ts';
import type { Metadata, PostLoginApi } from '../../actions/types.ts';
import type { ActionsCache } from './cache.ts';
import { encodeSessionToken, validateSessionToken, type RedirectContext } from './redirect.ts';
import { setTransactionMetadata, type TransactionMetadata } from './transaction-metadata.ts';

/** What one execution asked for through `api`. */
export interface Commands {
  denied: string | undefined;
  primaryUserId: string | undefined;
  appMetadata: Metadata;
  userMetadata: Metadata;
  idTokenClaims: Metadata;
  accessTokenClaims: Metadata;
  /** Where api.redirect.sendUserTo sends the browser after the current Action (its query applied, Auth0's state not yet). */
  redirectTo: string | undefined;
  /** api.transaction.setMetadata's entries: the transaction's, kept across a redirect to /continue. */
  transactionMetadata: TransactionMetadata;
  /** api.accessToken.removeScope: scopes the issued access token leaves out. */
  removedScopes: string[];
}

/** Nothing asked for yet: the start of a flow. */
export function newCommands(): Commands {
  return {
    denied: undefined,
    primaryUserId: undefined,
    appMetadata: {},
    userMetadata: {},
    idTokenClaims: {},
    accessTokenClaims: {},
    redirectTo: undefined,
    transactionMetadata: {},
    removedScopes: [],
  };
}

/**
 * An `api` for one execution, recording into `commands` (shared by the Actions of one flow). `isOpen` false (the
 * execution is over) makes every call a no-op. `liveMetadata` is this execution's `event.transaction.metadata`, which
 * api.transaction.setMetadata updates as it stores.
 */
export function createPostLoginApi(
  cache: ActionsCache,
  isOpen: () => boolean,
  commands: Commands = newCommands(),
  redirect?: RedirectContext,
  liveMetadata: TransactionMetadata = {},
): { api: PostLoginApi; commands: Commands } {
  const transaction = (): RedirectContext => {
    if (!redirect) throw new Error('api.redirect works in a login transaction only');
    return redirect;
  };
  const record = (target: Metadata, name: string, value: unknown): PostLoginApi => {
    if (typeof name !== 'string' || name === '') throw new TypeError('the name must be a non-empty string');
    if (!isOpen()) return api;
    // The value is taken as it is now (a later change to the object must not reach the tenant). Undefined, which JSON
    // cannot carry, drops what an earlier call set for the name: Auth0's "How to Pass Transient Data Between Actions"
    // (community.auth0.com/t/152115) sets keys to undefined in the last Action so that the profile is not updated.
    if (value === undefined) delete target[name];
    else target[name] = structuredClone(value);
    return api;
  };
  const api: PostLoginApi = {
    access: {
      deny(reason: string) {
        if (isOpen() && commands.denied === undefined) commands.denied = String(reason);
        return api;
      },
    },
    authentication: {
      setPrimaryUser(primaryUserId: string) {
        if (typeof primaryUserId !== 'string' || primaryUserId === '' || primaryUserId.length > PRIMARY_USER_ID_LIMIT) {
          throw new TypeError(`api.authentication.setPrimaryUser: the primary user id must be a string of 1 to ${PRIMARY_USER_ID_LIMIT} characters`);
        }
        if (commands.primaryUserId !== undefined) throw new Error('api.authentication.setPrimaryUser can be called once per transaction');
        if (isOpen()) commands.primaryUserId = primaryUserId;
      },
    },
    user: {
      setAppMetadata: (key, value) => record(commands.appMetadata, key, value),
      setUserMetadata: (key, value) => record(commands.userMetadata, key, value),
    },
    redirect: {
      sendUserTo(url, options) {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          throw new TypeError(`api.redirect.sendUserTo: ${String(url).slice(0, 80)} is not an absolute URL`);
        }
        for (const [name, value] of Object.entries(options?.query ?? {})) target.searchParams.set(name, String(value));
        if (isOpen()) commands.redirectTo = target.href;
        return api;
      },
      encodeToken: (options) => encodeSessionToken(transaction(), options),
      validateToken: (options) => validateSessionToken(transaction(), options),
    },
    transaction: {
      setMetadata(key, value) {
        if (isOpen()) setTransactionMetadata(commands.transactionMetadata, liveMetadata, key, value);
      },
    },
    idToken: { setCustomClaim: (name, value) => record(commands.idTokenClaims, name, value) },
    accessToken: {
      setCustomClaim: (name, value) => record(commands.accessTokenClaims, name, value),
      removeScope(scope) {
        if (typeof scope !== 'string' || scope === '') throw new TypeError('api.accessToken.removeScope: the scope must be a non-empty string');
        if (isOpen() && !commands.removedScopes.includes(scope)) commands.removedScopes.push(scope);
        return api;
      },
    },
    cache: {
      get: (key) => cache.get(key),
      set: (key, value, options) => (isOpen() ? cache.set(key, value, options) : { type: 'error', code: 'FailedToSetCacheRecord' }),
      delete: (key) => (isOpen() ? cache.delete(key) : { type: 'error', code: 'FailedToDeleteCacheRecord' }),
    },
  };
  return { api, commands };
}
