// One Management API token for many executions: kept in module scope for this instance and in api.cache for new instances.
// api.cache has Auth0's limits (CACHE_LIMITS in auth0-limits.ts), ttl in milliseconds, entries best effort. A token that
// does not fit is simply not shared with other instances.
// api.cache is scoped to the trigger, so every other post-login Action of the tenant can read it: the token is stored
// sealed (AES-256-GCM, key derived from this Action's client secret), useless to an Action that lacks the secret.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { PostLoginApi } from './types.ts';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export interface TokenSource {
  /** A token: the held or cached one when still valid (`reused`), else a newly issued one. */
  get(): Promise<{ token: string; reused: boolean }>;
  /** Forgets `token` (the API refused it), here and in api.cache, unless a newer one replaced it meanwhile. */
  invalidate(token: string): void;
}

interface Held {
  token: string;
  /** Epoch ms after which the token is no longer handed out. */
  expiresAt: number;
}

/** Module scope: survives from one execution to the next on this instance. Keyed by cache key (one per M2M client). */
const held = new Map<string, Held>();
/** Issuance in flight, so concurrent executions on one instance ask for one token, not one each. */
const pending = new Map<string, Promise<Held>>();

/** Stop using a token this long before it expires: min(10 min, a tenth of its life). */
function usableUntil(now: number, expiresInSeconds: number): number {
  const life = expiresInSeconds * 1000;
  return now + life - Math.min(10 * 60_000, life / 10);
}

export function cacheKey(clientId: string): string {
  return `auto-link:token:${clientId}`;
}

export function cachedTokenSource(options: {
  clientId: string;
  /** The M2M client's secret: only to derive the sealing key. */
  clientSecret: string;
  cache: PostLoginApi['cache'];
  now: () => number;
  issue: () => Promise<IssuedToken>;
}): TokenSource {
  const key = cacheKey(options.clientId);
  const sealing = sealingKey(options.clientSecret);

  const valid = (entry: Held | undefined): entry is Held => entry !== undefined && entry.expiresAt > options.now();

  const fromCache = (): Held | undefined => {
    const entry = options.cache.get(key);
    const token = typeof entry?.value === 'string' ? unseal(entry.value, sealing) : undefined;
    return entry && token ? { token, expiresAt: entry.expires_at } : undefined;
  };

  const issue = async (): Promise<Held> => {
    const issued = await options.issue();
    const entry = { token: issued.accessToken, expiresAt: usableUntil(options.now(), issued.expiresInSeconds) };
    held.set(key, entry);
    // The lifetime is always given, in ms: the default is 15 min in older docs and 24 h in the current API reference.
    options.cache.set(key, seal(entry.token, sealing), { ttl: entry.expiresAt - options.now() });
    return entry;
  };

  return {
    async get() {
      const local = held.get(key);
      if (valid(local)) return { token: local.token, reused: true };
      const shared = fromCache();
      if (valid(shared)) {
        held.set(key, shared);
        return { token: shared.token, reused: true };
      }
      let inFlight = pending.get(key);
      if (!inFlight) {
        inFlight = issue().finally(() => pending.delete(key));
        pending.set(key, inFlight);
      }
      return { token: (await inFlight).token, reused: false };
    },
    invalidate(token) {
      if (held.get(key)?.token === token) held.delete(key);
      if (fromCache()?.token === token) options.cache.delete(key);
    },
  };
}

const SEALED_PREFIX = 'v1.';

function sealingKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'auto-link', 'api.cache management token', 32));
}

function seal(token: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${[iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')}`;
}

/** The token, or undefined when the value was not sealed with this key (another secret, tampering, old format). */
function unseal(value: string, key: Buffer): string | undefined {
  if (!value.startsWith(SEALED_PREFIX)) return undefined;
  const [iv, body, tag] = value
    .slice(SEALED_PREFIX.length)
    .split('.')
    .map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
