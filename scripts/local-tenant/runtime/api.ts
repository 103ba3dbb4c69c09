// The post-login `api` given to one execution: it records what the Action asks for; execute.ts decides what takes effect.
// Rules from actions/reference/post-login/post-login-api-object.mdx and customize/actions/limitations.mdx
// ("Account Linking (setPrimaryUser)"): setPrimaryUser once per transaction, its id at most 128 characters;
// metadata set with api.user is applied once at the end of the flow, a null value removing the key. The Actions of one
// flow share one Commands record, so these rules hold across the flow and not per Action.
import type { Metadata, PostLoginApi } from '../../../actions/types.ts';
import type { ActionsCache } from './cache.ts';
import { encodeSessionToken, validateSessionToken, type RedirectContext } from './redirect.ts';

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
  /** api.transaction.setMetadata: kept for the whole transaction, across a redirect (event.transaction.metadata). */
  transactionMetadata: Record<string, string | number | boolean>;
}

/** customize/actions/transaction-metadata.mdx: key at most 64 characters, value at most 8 KB, all of it at most 16 KB. */
const TRANSACTION_METADATA_KEY_MAX = 64;
const TRANSACTION_METADATA_VALUE_MAX = 8 * 1024;
const TRANSACTION_METADATA_TOTAL_MAX = 16 * 1024;

const PRIMARY_USER_ID_MAX = 128;

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
  };
}

/**
 * An `api` for one execution, recording into `commands` (shared by the Actions of one flow). `isOpen` false (the
 * execution is over) makes every call a no-op.
 */
export function createPostLoginApi(
  cache: ActionsCache,
  isOpen: () => boolean,
  commands: Commands = newCommands(),
  redirect?: RedirectContext,
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
        if (typeof primaryUserId !== 'string' || primaryUserId === '' || primaryUserId.length > PRIMARY_USER_ID_MAX) {
          throw new TypeError(`api.authentication.setPrimaryUser: the primary user id must be a string of 1 to ${PRIMARY_USER_ID_MAX} characters`);
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
        // Past a limit Auth0's behaviour is not documented: the less forgiving guess is that the call throws.
        if (typeof key !== 'string' || key === '' || key.length > TRANSACTION_METADATA_KEY_MAX) {
          throw new TypeError(`api.transaction.setMetadata: the key must be a string of 1 to ${TRANSACTION_METADATA_KEY_MAX} characters`);
        }
        if (!['string', 'number', 'boolean'].includes(typeof value))
          throw new TypeError('api.transaction.setMetadata: the value must be a string, number or boolean');
        if (String(value).length > TRANSACTION_METADATA_VALUE_MAX) throw new RangeError('api.transaction.setMetadata: the value is larger than 8 KB');
        const next = { ...commands.transactionMetadata, [key]: value };
        if (JSON.stringify(next).length > TRANSACTION_METADATA_TOTAL_MAX)
          throw new RangeError('api.transaction.setMetadata: transaction metadata is larger than 16 KB');
        if (isOpen()) commands.transactionMetadata = next;
        return api;
      },
    },
    idToken: { setCustomClaim: (name, value) => record(commands.idTokenClaims, name, value) },
    accessToken: { setCustomClaim: (name, value) => record(commands.accessTokenClaims, name, value) },
    cache: {
      get: (key) => cache.get(key),
      set: (key, value, options) => (isOpen() ? cache.set(key, value, options) : { type: 'error', code: 'FailedToSetCacheRecord' }),
      delete: (key) => (isOpen() ? cache.delete(key) : { type: 'error', code: 'FailedToDeleteCacheRecord' }),
    },
  };
  return { api, commands };
}
