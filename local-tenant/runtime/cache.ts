// `api.cache` with Auth0's limits, shared by every execution of the trigger on one local tenant, best effort like Auth0's.
// Limits: CACHE_LIMITS in actions/auth0-limits.ts (entries per trigger, bytes of a key, of a value and of all together,
// 24 h at most). Defaults and error codes from the post-login API reference and Auth0's local Actions runner: default
// life 15 min, `ttl` and `expires_at` in milliseconds (the earlier wins when both are given), codes CacheKeySizeExceeded /
// CacheValueSizeExceeded / CacheSizeExceeded / InvalidExpiry / ItemAlreadyExpired / CacheKeyDoesNotExist. Where the docs
// give no code (the cap on entries) CacheSizeExceeded is used. The docs' 8 kB total is stricter than the 16 kB Auth0's
// local runner allows: an Action that fits here fits there.
import { CACHE_LIMITS } from '../../actions/auth0-limits.ts';
import type { CacheEntry, CacheSetOptions, CacheWriteResult } from '../../actions/types.ts';

export const CACHE_DEFAULT_TTL_MS = 15 * 60 * 1000;

export class ActionsCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly now: () => number;
  private readonly defaultTtlMs: number;

  /** `now` in epoch milliseconds: the tenant's clock, so tests can move time. */
  constructor(now: () => number, defaultTtlMs = CACHE_DEFAULT_TTL_MS) {
    this.now = now;
    this.defaultTtlMs = defaultTtlMs;
  }

  get(key: string): CacheEntry | undefined {
    const entry = this.live(key);
    return entry ? { ...entry } : undefined;
  }

  set(key: string, value: string, options: CacheSetOptions = {}): CacheWriteResult {
    if (typeof key !== 'string') throw new TypeError('api.cache.set: the key must be a string');
    if (typeof value !== 'string') throw new TypeError('api.cache.set: the value must be a string (serialise objects with JSON.stringify)');
    const keyBytes = Buffer.byteLength(key, 'utf8');
    const valueBytes = Buffer.byteLength(value, 'utf8');
    if (keyBytes > CACHE_LIMITS.keyBytes) return { type: 'error', code: 'CacheKeySizeExceeded' };
    if (valueBytes > CACHE_LIMITS.valueBytes) return { type: 'error', code: 'CacheValueSizeExceeded' };
    this.dropExpired();
    const others = [...this.entries].filter(([k]) => k !== key);
    if (others.length >= CACHE_LIMITS.entries) return { type: 'error', code: 'CacheSizeExceeded' };
    const othersBytes = others.reduce((sum, [k, e]) => sum + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(e.value, 'utf8'), 0);
    if (othersBytes + keyBytes + valueBytes > CACHE_LIMITS.totalBytes) return { type: 'error', code: 'CacheSizeExceeded' };
    const expiresAt = this.expiry(options);
    if (typeof expiresAt === 'string') return { type: 'error', code: expiresAt };
    const record: CacheEntry = { value, expires_at: expiresAt };
    this.entries.set(key, record);
    return { type: 'success', record: { ...record } };
  }

  /** Removes a live entry; the success result also carries the removed record (Auth0's carries none). */
  delete(key: string): CacheWriteResult {
    const entry = this.live(key);
    if (!entry) return { type: 'error', code: 'CacheKeyDoesNotExist' };
    this.entries.delete(key);
    return { type: 'success', record: { ...entry } };
  }

  /** Drops every entry: simulates Auth0 evicting the cache between executions, which its docs allow at any time. */
  clear(): void {
    this.entries.clear();
  }

  /** Number of live entries. */
  get size(): number {
    this.dropExpired();
    return this.entries.size;
  }

  private live(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires_at <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires_at <= now) this.entries.delete(key);
  }

  /** The entry's expiry in epoch ms, or an error code. Lifetimes beyond 24 h are cut to 24 h: items "persist for a maximum of 24 hours". */
  private expiry(options: CacheSetOptions): number | 'InvalidExpiry' | 'ItemAlreadyExpired' {
    const now = this.now();
    const candidates: number[] = [];
    for (const [option, toExpiry] of [
      ['ttl', (v: number) => now + v],
      ['expires_at', (v: number) => v],
    ] as const) {
      const supplied = options[option];
      if (supplied === undefined) continue;
      if (typeof supplied !== 'number' || !Number.isFinite(supplied)) return 'InvalidExpiry';
      candidates.push(Math.floor(toExpiry(supplied)));
    }
    const requested = candidates.length > 0 ? Math.min(...candidates) : now + this.defaultTtlMs;
    if (requested <= now) return 'ItemAlreadyExpired';
    return Math.min(requested, now + CACHE_LIMITS.maxTtlMs);
  }
}
