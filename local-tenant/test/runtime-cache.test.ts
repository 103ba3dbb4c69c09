// api.cache in the local Actions runtime keeps Auth0's limits: sizes, entry count, lifetimes in milliseconds, sharing and eviction.
import { describe, expect, it } from 'vitest';
import { TenantState } from '../state.ts';
import { createActionsRuntime } from '../runtime/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A runtime on a tenant whose clock the test moves. */
function setup() {
  let now = Date.UTC(2025, 0, 1);
  const state = new TenantState({ now: () => new Date(now) });
  state.addConnection({ name: 'db', strategy: 'auth0' });
  const user = state.createUser({ connection: 'db', email: 'c@x.io', email_verified: true });
  const runtime = createActionsRuntime({ state, timeoutMs: 1_000 });
  return { runtime, user, start: now, advance: (ms: number) => (now += ms) };
}

describe('api.cache', () => {
  it('is shared by the executions and instances of the trigger, and can be evicted', async () => {
    const { runtime, user } = setup();
    const code = `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('seen', api.cache.get('token')?.value ?? null);
      api.cache.set('token', 'abc');
    };`;
    const first = runtime.load(code);
    const claim = async (action: typeof first) => {
      const result = await action.login({ userId: user.user_id });
      if (result.outcome !== 'success') throw new Error(result.reason);
      return result.idTokenClaims.seen;
    };
    expect(await claim(first)).toBeNull();
    expect(await claim(first)).toBe('abc');
    expect(await claim(first.newInstance())).toBe('abc');
    expect(await claim(runtime.load(code, { name: 'other' }))).toBe('abc');
    runtime.cache.clear();
    expect(await claim(first)).toBeNull();
  });

  it('keeps an entry 15 minutes by default, reads back {value, expires_at}, and forgets it once expired', () => {
    const { runtime, start, advance } = setup();
    expect(runtime.cache.set('k', 'v')).toEqual({ type: 'success', record: { value: 'v', expires_at: start + 15 * MINUTE } });
    expect(runtime.cache.get('k')).toEqual({ value: 'v', expires_at: start + 15 * MINUTE });
    advance(15 * MINUTE - 1);
    expect(runtime.cache.get('k')?.value).toBe('v');
    advance(1);
    expect(runtime.cache.get('k')).toBeUndefined();
  });

  it('takes ttl and expires_at in milliseconds, the earlier of the two when both are given, at most 24 hours', () => {
    const { runtime, start } = setup();
    expect(runtime.cache.set('ttl', 'v', { ttl: 5_000 })).toMatchObject({ record: { expires_at: start + 5_000 } });
    expect(runtime.cache.set('at', 'v', { expires_at: start + HOUR })).toMatchObject({ record: { expires_at: start + HOUR } });
    expect(runtime.cache.set('both', 'v', { ttl: 2 * HOUR, expires_at: start + HOUR })).toMatchObject({ record: { expires_at: start + HOUR } });
    expect(runtime.cache.set('long', 'v', { ttl: 48 * HOUR })).toMatchObject({ record: { expires_at: start + 24 * HOUR } });
    expect(runtime.cache.set('past', 'v', { expires_at: start - 1 })).toEqual({ type: 'error', code: 'ItemAlreadyExpired' });
    expect(runtime.cache.set('nan', 'v', { ttl: Number.NaN })).toEqual({ type: 'error', code: 'InvalidExpiry' });
  });

  it('refuses keys over 64 bytes, values over 4 kB, and non-string values', () => {
    const { runtime } = setup();
    expect(runtime.cache.set('k'.repeat(64), 'v').type).toBe('success');
    expect(runtime.cache.set('é'.repeat(33), 'v')).toEqual({ type: 'error', code: 'CacheKeySizeExceeded' });
    expect(runtime.cache.set('big', 'v'.repeat(4096)).type).toBe('success');
    expect(runtime.cache.set('bigger', 'v'.repeat(4097))).toEqual({ type: 'error', code: 'CacheValueSizeExceeded' });
    expect(() => runtime.cache.set('obj', { a: 1 } as unknown as string)).toThrow(/value must be a string/);
  });

  it('holds at most 20 entries and 8 kB of keys and values; replacing an entry does not count it twice', () => {
    const { runtime, advance } = setup();
    for (let i = 0; i < 20; i += 1) expect(runtime.cache.set(`k${i}`, 'v', { ttl: MINUTE }).type).toBe('success');
    expect(runtime.cache.set('k20', 'v')).toEqual({ type: 'error', code: 'CacheSizeExceeded' });
    expect(runtime.cache.set('k0', 'w', { ttl: MINUTE }).type).toBe('success');
    advance(MINUTE);
    expect(runtime.cache.size).toBe(0);
    expect(runtime.cache.set('a', 'v'.repeat(4096)).type).toBe('success');
    expect(runtime.cache.set('b', 'v'.repeat(4094)).type).toBe('success');
    expect(runtime.cache.set('c', 'v')).toEqual({ type: 'error', code: 'CacheSizeExceeded' });
    expect(runtime.cache.set('b', 'v'.repeat(4094)).type).toBe('success');
  });

  it('deletes a live entry and says when there is none', () => {
    const { runtime } = setup();
    runtime.cache.set('k', 'v');
    expect(runtime.cache.delete('k').type).toBe('success');
    expect(runtime.cache.get('k')).toBeUndefined();
    expect(runtime.cache.delete('k')).toEqual({ type: 'error', code: 'CacheKeyDoesNotExist' });
  });
});
