// Scripted trouble for the local tenant: a network round trip's latency on every request, failures and hangs per route.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** Which requests a fault applies to; an omitted field matches every route or method. */
export interface FaultTarget {
  method?: string;
  /** A route's path pattern exactly as the route declares it, e.g. `/api/v2/users/:id/identities`. */
  path?: string;
}

export interface FailureSpec extends FaultTarget {
  status: number;
  /** Defaults to the Management API error body for `status`. */
  body?: unknown;
  /** Sent on top of (and overriding) the usual headers, e.g. a `x-ratelimit-reset` of your choosing. */
  headers?: Record<string, string>;
  /** How many matching requests fail before the route answers normally again; default 1, `Infinity` until cleared. */
  times?: number;
}

export interface HangSpec extends FaultTarget {
  /** Hold each request this long and then answer normally (a slow route); omitted: until the client gives up. */
  ms?: number;
  /** How many matching requests hang; default 1, `Infinity` until cleared. */
  times?: number;
}

export type Fault = ({ kind: 'fail' } & FailureSpec) | ({ kind: 'hang' } & HangSpec);

interface Scripted {
  fault: Fault;
  left: number;
}

export class Faults {
  private latency = 0;
  private held = 0;
  private scripted: Scripted[] = [];
  /** Aborted by clear(), which lets every hanging request go. */
  private release = new AbortController();
  private readonly checkTarget: (target: FaultTarget) => void;

  /** `checkTarget` throws when a target names no route of the tenant, so a typo fails loudly instead of never firing. */
  constructor(latencyMs: number, checkTarget: (target: FaultTarget) => void) {
    this.checkTarget = checkTarget;
    this.setLatency(latencyMs);
  }

  /** Requests hanging right now (a test can wait for its request to be held before acting). */
  get hanging(): number {
    return this.held;
  }

  get latencyMs(): number {
    return this.latency;
  }

  /** Delay before every request is handled, modelling the network round trip to Auth0. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a number of milliseconds ≥ 0, got ${String(ms)}`);
    this.latency = ms;
  }

  /** The next `times` matching requests answer `status` (e.g. 503, 429) instead of reaching the route. */
  fail(spec: FailureSpec): void {
    if (!Number.isInteger(spec.status) || spec.status < 200 || spec.status > 599) {
      throw new Error(`fault status must be an HTTP status 200–599, got ${String(spec.status)}`);
    }
    this.add({ kind: 'fail', ...spec }, spec.times);
  }

  /** The next `times` matching requests hang: for `ms`, or until the client aborts (its timeout) or clear() runs. */
  hang(spec: HangSpec): void {
    if (spec.ms !== undefined && (!Number.isFinite(spec.ms) || spec.ms < 0)) throw new Error(`hang ms must be ≥ 0, got ${String(spec.ms)}`);
    this.add({ kind: 'hang', ...spec }, spec.times);
  }

  /** Drops every scripted fault not yet used up and releases hanging requests; latency stays. */
  clear(): void {
    this.scripted = [];
    this.release.abort();
    this.release = new AbortController();
  }

  /** The fault the next request to `method path` meets, if any; using it counts down its `times`. */
  take(method: string, path: string): Fault | undefined {
    const index = this.scripted.findIndex(
      ({ fault }) => (fault.method === undefined || fault.method.toUpperCase() === method) && (fault.path === undefined || fault.path === path),
    );
    if (index < 0) return undefined;
    const entry = this.scripted[index]!;
    entry.left -= 1;
    if (entry.left <= 0) this.scripted.splice(index, 1);
    return entry.fault;
  }

  /** Waits as a hang fault says; resolves early when the request is aborted or clear() runs. */
  async hold(fault: Fault & { kind: 'hang' }, request: Request): Promise<void> {
    const signal = AbortSignal.any([request.signal, this.release.signal]);
    if (signal.aborted) return;
    const wait = fault.ms === undefined ? once(signal, 'abort') : sleep(fault.ms, undefined, { signal });
    this.held += 1;
    await wait.catch(() => undefined).finally(() => (this.held -= 1));
  }

  private add(fault: Fault, times: number | undefined): void {
    const left = times ?? 1;
    if (!(left >= 1)) throw new Error(`fault times must be ≥ 1 (or Infinity), got ${String(times)}`);
    this.checkTarget(fault);
    this.scripted.push({ fault, left });
  }
}
