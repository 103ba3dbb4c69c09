// Counts of the requests a local tenant answered, by method, route pattern and status (what benchmarks and `npm start` report).
import { isManagementApiPath } from './route.ts';

export interface RequestFilter {
  method?: string;
  /** Route path pattern, e.g. `/api/v2/users/:id/identities`; `/api/v2/*` and `/*` count requests no route matched. */
  route?: string;
  status?: number;
}

interface Counter {
  method: string;
  route: string;
  status: number;
  count: number;
}

export class RequestLog {
  private readonly counters = new Map<string, Counter>();

  record(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const counter = this.counters.get(key);
    if (counter) counter.count += 1;
    else this.counters.set(key, { method, route, status, count: 1 });
  }

  get total(): number {
    return this.count();
  }

  /** Requests matching every given field of `filter`. */
  count(filter: RequestFilter = {}): number {
    let sum = 0;
    for (const counter of this.counters.values()) {
      if (filter.method !== undefined && counter.method !== filter.method.toUpperCase()) continue;
      if (filter.route !== undefined && counter.route !== filter.route) continue;
      if (filter.status !== undefined && counter.status !== filter.status) continue;
      sum += counter.count;
    }
    return sum;
  }

  /** Requests to `/api/v2/…`, whatever their answer: what Auth0's Management API rate limit and quotas count. */
  managementApiCalls(): number {
    let sum = 0;
    for (const counter of this.counters.values()) if (isManagementApiPath(counter.route)) sum += counter.count;
    return sum;
  }

  /** Count per `METHOD /route/pattern`, e.g. `{ 'POST /api/v2/users/:id/identities': 3 }`. */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { method, route, count } of this.counters.values()) {
      const key = `${method} ${route}`;
      out[key] = (out[key] ?? 0) + count;
    }
    return out;
  }

  reset(): void {
    this.counters.clear();
  }
}
