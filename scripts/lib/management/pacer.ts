// Paces Management API calls by the tenant's own rate limit: mirrors its token bucket from x-ratelimit-* headers, adapts
// concurrency (AIMD), waits a 429 out until its reset, and owns every retry (the SDK's are turned off).
// Auth0's limits are token buckets per tenant and every response carries x-ratelimit-limit / -remaining / -reset
// (UNIX seconds) — Auth0's rate-limit policy, management-api-endpoint-rate-limits (docs/auth0-behaviour.md). A 429 is only the limiter's probe: after one, nothing is sent
// until the reset, and the window of concurrent requests is halved.
import { setTimeout as delay } from 'node:timers/promises';
import { ManagementError, ManagementTimeoutError } from 'auth0';
import { NotAuth0Error, tenantProblem } from './tenant-fetch.ts';

/** What the SDK's `.withRawResponse()` gives; only the headers are read. */
export interface Answer<T> {
  data: T;
  rawResponse: { headers: Headers };
}

export interface RateLimitReading {
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the bucket is full again. */
  resetAt: number;
}

export interface PacerOptions {
  /** Most requests in flight at once (default 8); the adaptive window never exceeds it. */
  concurrency?: number;
  /** Attempts per request before its error is thrown (default 8). */
  maxAttempts?: number;
  /** Longest single wait for a reset or a backoff (default 60 s): a skewed clock must not stall a run for hours. */
  maxWaitMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface PacerStats {
  /** Requests sent, retries included. */
  requests: number;
  /** Of those, answered 429. */
  throttled: number;
  /** Requests sent again after a 429, a 5xx or a network error. */
  retries: number;
  /** Milliseconds during which nothing was sent because a 429 said to wait for the reset. */
  blockedMs: number;
}

/** A request as it left: its number in send order and when. */
interface Sent {
  seq: number;
  sentAt: number;
}

const MIN_WAIT_MS = 50;
const BACKOFF_BASE_MS = 250;
/** Readings the time-per-token estimate is the minimum of: enough to cancel the rounding, few enough to follow a change. */
const ESTIMATES_KEPT = 32;

/** The x-ratelimit-* headers of a response, when all three are present and numeric. */
export function readRateLimit(headers: Headers | undefined): RateLimitReading | undefined {
  if (!headers) return undefined;
  const limit = Number(headers.get('x-ratelimit-limit') ?? NaN);
  const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
  const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
  if (![limit, remaining, reset].every(Number.isFinite) || limit <= 0) return undefined;
  return { limit, remaining, resetAt: reset * 1000 };
}

/** The status of an SDK error (undefined for network errors and timeouts). */
export function statusOfError(error: unknown): number | undefined {
  return error instanceof ManagementError ? error.statusCode : undefined;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ManagementTimeoutError) return true;
  // Something that is not Auth0 answered: it will answer the same way again.
  if (tenantProblem(error) instanceof NotAuth0Error) return false;
  if (!(error instanceof ManagementError)) return false;
  const status = error.statusCode;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

export class Pacer {
  readonly stats: PacerStats = { requests: 0, throttled: 0, retries: 0, blockedMs: 0 };
  private readonly maxConcurrency: number;
  private readonly maxAttempts: number;
  private readonly maxWaitMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** AIMD window of concurrent requests. */
  private window: number;
  private readonly queue: Array<() => void> = [];
  /** Nothing is sent before this (a 429's reset). */
  private blockedUntil = 0;
  /** The bucket mirror: estimated tokens at `tokensAt`, refilled at one per msPerToken once that is known. */
  private tokens = Infinity;
  private tokensAt = 0;
  private limit = Infinity;
  /**
   * Recent estimates of the time per token, from `reset` and `remaining`, each on the slow side (never too fast, or a
   * small bucket answers 429): see `observe`. The smallest recent one is the closest.
   */
  private readonly estimates: number[] = [];
  /** Requests sent so far, numbered: a reading must count those sent after it, which it cannot have seen. */
  private sends = 0;
  /** Numbers of the requests in flight (their count is the window's use). */
  private readonly pending = new Set<number>();
  /** Grows on each 429 and decays on success: covers a clock skewed against the tenant's, which makes the headers lie. */
  private penalty = 1;
  private consecutiveThrottles = 0;
  private answered = false;

  constructor(options: PacerOptions = {}) {
    this.maxConcurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.signal = options.signal;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
    this.window = Math.min(4, this.maxConcurrency);
    // Requests waiting for a slot must see the abort too, not only those waiting on a timer.
    this.signal?.addEventListener('abort', () => this.queue.splice(0).forEach((wake) => wake()), { once: true });
  }

  /** Sends one request through the pacer: waits for a slot and a token, retries 429 / 5xx / network errors. */
  async call<T>(send: () => Promise<Answer<T>>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const sent = await this.acquire();
      let answer: Answer<T>;
      try {
        this.stats.requests += 1;
        answer = await send();
      } catch (error) {
        this.release(sent.seq);
        const reading = readRateLimit(error instanceof ManagementError ? error.rawResponse?.headers : undefined);
        this.observe(reading, sent, false);
        if (statusOfError(error) === 429) this.throttled(reading);
        if (!isRetryable(error) || attempt >= this.maxAttempts) throw error;
        this.stats.retries += 1;
        if (statusOfError(error) !== 429)
          await this.sleep(Math.min(this.maxWaitMs, BACKOFF_BASE_MS * 2 ** (attempt - 1) * (1 + Math.random() / 2)), this.signal);
        continue;
      }
      this.release(sent.seq);
      this.observe(readRateLimit(answer.rawResponse.headers), sent, true);
      this.consecutiveThrottles = 0;
      // Additive increase: about one more concurrent request per window's worth of successes.
      this.window = Math.min(this.maxConcurrency, this.window + 1 / this.window);
      this.penalty = Math.max(1, this.penalty * 0.98);
      return answer.data;
    }
  }

  private get msPerToken(): number | undefined {
    return this.estimates.length === 0 ? undefined : Math.min(this.maxWaitMs, Math.min(...this.estimates) * this.penalty);
  }

  /** Waits for a slot and a token; gives the request's number and when it left. */
  private async acquire(): Promise<Sent> {
    for (;;) {
      this.signal?.throwIfAborted();
      const now = this.now();
      const wait = Math.max(this.blockedUntil - now, this.tokenShortfallMs(now));
      if (wait > 0) {
        await this.sleep(wait, this.signal);
        continue;
      }
      // Until a first answer (and its headers) came, one request at a time: a burst of 2 (Auth0 Free) would 429 the rest.
      const slots = this.answered ? Math.floor(this.window) : 1;
      if (this.pending.size >= slots) {
        await new Promise<void>((resolve) => this.queue.push(resolve));
        continue;
      }
      this.tokens -= 1;
      const seq = ++this.sends;
      this.pending.add(seq);
      return { seq, sentAt: now };
    }
  }

  private release(seq: number): void {
    this.answered = true;
    this.pending.delete(seq);
    this.queue.shift()?.();
  }

  /**
   * How long until the mirrored bucket holds a token (0 when it does now). Before any header gave a rate, a token is
   * assumed every MIN_WAIT_MS, in the refill as in the wait: else a 429 without headers would empty the mirror for good.
   */
  private tokenShortfallMs(now: number): number {
    const msPerToken = this.msPerToken ?? MIN_WAIT_MS;
    this.tokens = Math.min(this.limit, this.tokens + (now - this.tokensAt) / msPerToken);
    this.tokensAt = now;
    if (this.tokens >= 1) return 0;
    return Math.max(MIN_WAIT_MS, (1 - this.tokens) * msPerToken);
  }

  /**
   * Updates the mirror from a response's rate-limit headers. The tenant read its bucket somewhere between `sentAt` and
   * now: the tokens are counted from now and the time to full from `sentAt`, both on the slow side. `tookToken`: the
   * request was served, so the bucket held a whole token for it.
   */
  private observe(reading: RateLimitReading | undefined, { seq, sentAt }: Sent, tookToken: boolean): void {
    if (!reading) return;
    const now = this.now();
    this.limit = reading.limit;
    // `remaining` may not count the requests still in flight, nor those sent after this one (answered before it):
    // assume it counted none of them.
    const unseen = this.sends - seq + [...this.pending].filter((other) => other < seq).length;
    this.tokens = reading.remaining - unseen;
    this.tokensAt = now;
    // `remaining` is rounded down, so between `missing - 1` and `missing` tokens were missing: dividing by `missing`
    // came out up to twice too fast at Auth0 Free (burst 2). A served request left at most `limit - 1`, so at least
    // one token was missing: a one-token reading of a served request is exact; of a refused one it bounds nothing.
    const missing = reading.limit - reading.remaining;
    const fewestMissing = tookToken ? Math.max(1, missing - 1) : missing - 1;
    const untilFull = reading.resetAt - sentAt;
    if (missing > 0 && fewestMissing > 0 && untilFull > 0) {
      this.estimates.push(untilFull / fewestMissing);
      if (this.estimates.length > ESTIMATES_KEPT) this.estimates.shift();
    }
  }

  /** After a 429: halve the window, hold every request until the reset, and slow the mirror if it was wrong. */
  private throttled(reading: RateLimitReading | undefined): void {
    this.stats.throttled += 1;
    this.consecutiveThrottles += 1;
    this.window = Math.max(1, this.window / 2);
    // An empty bucket the mirror did not foresee: the headers' times are off (a clock skewed against the tenant's).
    // A 429 with tokens left is some other limit, which says nothing about the bucket's rate.
    if (!reading || reading.remaining === 0) this.penalty = Math.min(64, this.penalty * 2);
    this.tokens = Math.min(this.tokens, 0);
    const now = this.now();
    // Consecutive 429s without a usable reset (a skewed or frozen clock) back off exponentially instead.
    const floor = Math.min(this.maxWaitMs, MIN_WAIT_MS * 2 ** this.consecutiveThrottles);
    const untilReset = reading ? Math.min(this.maxWaitMs, reading.resetAt - now) : 0;
    const until = now + Math.max(floor, untilReset);
    if (until > this.blockedUntil) {
      this.stats.blockedMs += until - Math.max(now, this.blockedUntil);
      this.blockedUntil = until;
    }
  }
}
