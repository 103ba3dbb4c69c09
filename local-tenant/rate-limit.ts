// The tenant's Management API rate limit: one token bucket per tenant, as Auth0 applies it, and the x-ratelimit-* headers.

export interface RateLimitOptions {
  /** Tokens added per second (Auth0 Free: 2, Enterprise production: 16). */
  ratePerSecond: number;
  /** Bucket size: the most requests that may arrive at once (Free: 2, Enterprise production: 50). */
  burst: number;
}

/** The bucket as one request leaves it. */
export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** UNIX seconds at which the bucket is full again. */
  reset: number;
}

/** Generous enough that tests and scripts never meet it unless they set a limit on purpose. */
export const UNTHROTTLED: RateLimitOptions = { ratePerSecond: 10_000, burst: 10_000 };

/** Auth0's 429 body (observed in the wild as `too_many_requests: Global limit has been reached`). */
export const RATE_LIMITED_BODY = {
  statusCode: 429,
  error: 'Too Many Requests',
  message: 'Global limit has been reached',
  errorCode: 'too_many_requests',
} as const;

export class TokenBucket {
  private settings: RateLimitOptions = UNTHROTTLED;
  private tokens = 0;
  private refilledAt = 0;
  private readonly now: () => number;

  /** `now` gives epoch milliseconds: the tenant's clock, so tests can refill the bucket without sleeping. */
  constructor(options: RateLimitOptions, now: () => number) {
    this.now = now;
    this.configure(options);
  }

  get options(): RateLimitOptions {
    return { ...this.settings };
  }

  /** Changes rate and burst at once (also while serving); the bucket starts full at the new size. */
  configure(options: RateLimitOptions): void {
    for (const key of ['ratePerSecond', 'burst'] as const) {
      const value = options[key];
      if (!Number.isFinite(value) || value <= 0) {
        throw new Error(`rate limit ${key} must be a positive number, got ${String(value)}: pass e.g. { ratePerSecond: 2, burst: 2 }`);
      }
    }
    this.settings = { ratePerSecond: options.ratePerSecond, burst: options.burst };
    this.tokens = options.burst;
    this.refilledAt = this.now();
  }

  /** Takes one token for a request; `allowed` is false (and nothing is taken) when the bucket is empty. */
  take(): RateLimitVerdict {
    this.refill();
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    return { allowed, ...this.state() };
  }

  /** The bucket's state without taking a token (for requests the limit does not count). */
  peek(): RateLimitVerdict {
    this.refill();
    return { allowed: this.tokens >= 1, ...this.state() };
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.settings.burst, this.tokens + (elapsed * this.settings.ratePerSecond) / 1000);
    this.refilledAt = now;
  }

  private state(): Omit<RateLimitVerdict, 'allowed'> {
    const { burst, ratePerSecond } = this.settings;
    const fullAt = this.refilledAt + ((burst - this.tokens) / ratePerSecond) * 1000;
    return { limit: burst, remaining: Math.floor(this.tokens), reset: Math.ceil(fullAt / 1000) };
  }
}

/** The three headers Auth0 puts on every response. */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  return {
    'x-ratelimit-limit': String(verdict.limit),
    'x-ratelimit-remaining': String(verdict.remaining),
    'x-ratelimit-reset': String(verdict.reset),
  };
}
