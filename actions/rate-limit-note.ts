// The "rate-limited until T" note shared through api.cache: after one execution meets a 429 it cannot wait out, the
// others skip their lookup until T instead of each rediscovering the limit (and spending the tenant's bucket on it).
// They stay unmarked, so their next login after T checks them. api.cache entries are best effort: a lost note costs
// one more 429, never a wrong link.
import { CACHE_LIMITS } from './auth0-limits.ts';
import type { PostLoginApi } from './types.ts';

const NOTE_KEY = 'auto-link:rate-limited-until';

/** Epoch ms until which the Management API is known to answer 429, or undefined when no live note says so. */
export function rateLimitedUntil(cache: PostLoginApi['cache'], now: number): number | undefined {
  const until = Number(cache.get(NOTE_KEY)?.value);
  return Number.isFinite(until) && until > now ? until : undefined;
}

/** Notes that requests should wait until `until` (epoch ms); the entry lives exactly that long (ttl in milliseconds). */
export function noteRateLimit(cache: PostLoginApi['cache'], until: number, now: number): void {
  const ttl = Math.min(CACHE_LIMITS.maxTtlMs, Math.ceil(until - now));
  if (ttl > 0) cache.set(NOTE_KEY, String(Math.ceil(until)), { ttl });
}
