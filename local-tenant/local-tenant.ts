// The local Auth0 tenant: a TenantState, its Actions and export-job stores, and its API as msw request handlers over them.
// Each request meets latency, the rate limit, scripted faults and the bearer/scope guard before its route, and is counted;
// served in-process or over loopback HTTP.
import { setTimeout as sleep } from 'node:timers/promises';
import { http, HttpResponse, type HttpHandler, type PathParams } from 'msw';
import { ActionsStore } from './actions-store.ts';
import { ApiError } from './api-error.ts';
import { Faults, type Fault, type FaultTarget } from './faults.ts';
import type { TenantPlan } from './plan.ts';
import { authorize } from './guard.ts';
import { JobsStore } from './jobs-store.ts';
import { RATE_LIMITED_BODY, rateLimitHeaders, TokenBucket, UNTHROTTLED, type RateLimitOptions } from './rate-limit.ts';
import { RequestLog } from './request-log.ts';
import { isManagementApiPath, type Route, type RouteGroup, type RouteMethod, type RouteResult } from './route.ts';
import { defaultRouteGroups } from './routes/index.ts';
import { TenantState } from './state.ts';

export interface LocalTenantOptions {
  /** Defaults to `tenant.local`, or to the domain of `state` when one is given. */
  domain?: string;
  /** An existing (e.g. seeded) state to serve; a new empty one otherwise. */
  state?: TenantState;
  /** The tenant's clock, shared by token expiry and the rate limit; tests pass a frozen one to refill without sleeping. */
  now?: () => Date;
  /** The Management API token bucket; default UNTHROTTLED (10 000/s, burst 10 000). */
  rateLimit?: RateLimitOptions;
  /** Delay before each request is handled, modelling the round trip to Auth0; default 0. */
  latencyMs?: number;
  /** The subscription plan (default `enterprise`); `free` or `essentials` refuse the Enterprise-only endpoints (plan.ts). */
  plan?: TenantPlan;
  /** Route groups served on top of the default ones (defaultRouteGroups in routes/index.ts). */
  routes?: readonly RouteGroup[];
}

/** A route or one of the two catch-alls that answer Auth0's 404 for paths no route serves. */
type ServedRoute = Omit<Route, 'method'> & { method: RouteMethod | '*' };

const NOT_FOUND: readonly ServedRoute[] = ['/api/v2/*', '/*'].map((path) => ({
  method: '*',
  path,
  scopes: 'none',
  handle() {
    throw new ApiError(404, 'Not Found');
  },
}));

/** Status recorded for a request whose client went away while it hung (nginx's "client closed request"). */
const CLIENT_CLOSED = 499;

const HANDLER_FACTORY = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete, '*': http.all } as const;

export class LocalTenant {
  readonly state: TenantState;
  readonly domain: string;
  /** The Management API bucket; `rateLimit.configure({ratePerSecond, burst})` changes it while serving. */
  readonly rateLimit: TokenBucket;
  readonly faults: Faults;
  readonly requests = new RequestLog();
  /** The Actions, their versions and the trigger bindings, as the Actions routes and a login see them. */
  readonly actions: ActionsStore;
  /** The users-export jobs. */
  readonly jobs: JobsStore;
  private readonly served: Route[] = [];
  private readonly routeHandlers: HttpHandler[] = [];
  private readonly notFoundHandlers: HttpHandler[];
  private readonly listeners = new Set<(added: readonly HttpHandler[]) => void>();

  constructor(options: LocalTenantOptions = {}) {
    if (options.state && options.domain !== undefined && options.domain !== options.state.domain) {
      throw new Error(`domain ${options.domain} differs from the given state's domain ${options.state.domain}: pass one of them`);
    }
    this.state = options.state ?? new TenantState({ domain: options.domain ?? 'tenant.local' });
    if (options.now) this.state.setClock(options.now);
    if (options.plan) this.state.plan = options.plan;
    this.domain = this.state.domain;
    this.jobs = new JobsStore(this.state);
    // Builds and deploys take time on the tenant's clock, so a test that speeds the clock up or moves it shortens them.
    this.actions = new ActionsStore({ now: () => this.state.now().getTime() });
    this.rateLimit = new TokenBucket(options.rateLimit ?? UNTHROTTLED, () => this.state.now().getTime());
    this.faults = new Faults(options.latencyMs ?? 0, (target) => this.checkFaultTarget(target));
    this.notFoundHandlers = NOT_FOUND.map((route) => this.toHandler(route));
    for (const group of [...defaultRouteGroups, ...(options.routes ?? [])]) this.addRoutes(group);
  }

  /** `https://{domain}/api/v2/`: the Management API audience tokens must be asked for. */
  get audience(): string {
    return `https://${this.domain}/api/v2/`;
  }

  /** The msw handlers in match order: every route, then the catch-alls answering 404 for the rest of the domain. */
  get handlers(): readonly HttpHandler[] {
    return [...this.routeHandlers, ...this.notFoundHandlers];
  }

  get routes(): readonly Route[] {
    return this.served;
  }

  /** Serves another route group; servers already running pick it up too. */
  addRoutes(group: RouteGroup): void {
    for (const route of group) {
      if (this.served.some((r) => r.method === route.method && r.path === route.path)) {
        throw new Error(`route ${route.method} ${route.path} is served twice: drop it from one of the route groups`);
      }
    }
    const added = group.map((route) => this.toHandler(route));
    this.served.push(...group);
    this.routeHandlers.push(...added);
    for (const listener of this.listeners) listener(added);
  }

  /** Calls `listener` with the handlers of each group added later; returns the unsubscribe function. */
  onRoutesAdded(listener: (added: readonly HttpHandler[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private toHandler(route: ServedRoute): HttpHandler {
    return HANDLER_FACTORY[route.method](`https://${this.domain}${route.path}`, ({ request, params }) => this.serve(route, request, params));
  }

  private async serve(route: ServedRoute, request: Request, params: PathParams): Promise<Response> {
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    // Auth0's Management API limit counts /api/v2 calls only; the token endpoint has its own (Authentication API) limits.
    const counted = isManagementApiPath(route.path);
    const verdict = counted ? this.rateLimit.take() : this.rateLimit.peek();
    const result: RouteResult = counted && !verdict.allowed ? { status: 429, body: RATE_LIMITED_BODY } : await this.run(route, request, params);
    const status = result.status ?? 200;
    this.requests.record(request.method.toUpperCase(), route.path, status);
    const headers = { 'content-type': 'application/json; charset=utf-8', ...rateLimitHeaders(verdict), ...result.headers };
    if (result.stream) return new HttpResponse(result.stream, { status, headers });
    if (result.text !== undefined) return new HttpResponse(result.text, { status, headers });
    return HttpResponse.json(result.body as never, { status, headers });
  }

  private async run(route: ServedRoute, request: Request, params: PathParams): Promise<RouteResult> {
    const method = request.method.toUpperCase();
    const fault = this.faults.take(method, route.path);
    if (fault?.kind === 'fail') return scriptedFailure(fault, method, route.path);
    if (fault?.kind === 'hang') {
      await this.faults.hold(fault, request);
      if (request.signal.aborted) return { status: CLIENT_CLOSED, body: null };
    }
    try {
      const values = firstValues(params);
      const grant =
        route.scopes === 'none' ? undefined : authorize(request, this.state, { scopes: route.scopes, currentUserScopes: route.currentUserScopes }, values);
      return await route.handle({
        request,
        url: new URL(request.url),
        params: values,
        state: this.state,
        actions: this.actions,
        jobs: this.jobs,
        domain: this.domain,
        grant,
      });
    } catch (error) {
      if (error instanceof ApiError) return { status: error.statusCode, body: error.toBody() };
      const message = error instanceof Error ? error.message : String(error);
      return { status: 500, body: new ApiError(500, `The local tenant failed on ${method} ${route.path}: ${message}`).toBody() };
    }
  }

  private checkFaultTarget(target: FaultTarget): void {
    const method = target.method?.toUpperCase();
    if (this.served.some((route) => (method === undefined || route.method === method) && (target.path === undefined || route.path === target.path))) return;
    const known = this.served.map((route) => `${route.method} ${route.path}`).join(', ');
    throw new Error(`no route matches fault target ${method ?? '*'} ${target.path ?? '*'}: use a route's method and path pattern (${known})`);
  }
}

export function createLocalTenant(options: LocalTenantOptions = {}): LocalTenant {
  return new LocalTenant(options);
}

function scriptedFailure(fault: Fault & { kind: 'fail' }, method: string, path: string): RouteResult {
  const body =
    fault.body ??
    (fault.status === 429 ? RATE_LIMITED_BODY : new ApiError(fault.status, `Scripted failure (local tenant fault on ${method} ${path})`).toBody());
  return fault.headers === undefined ? { status: fault.status, body } : { status: fault.status, body, headers: fault.headers };
}

/** msw gives repeated parameters as arrays; routes declare each parameter once. */
function firstValues(params: PathParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}
