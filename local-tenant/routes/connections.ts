// Management API GET /connections: the tenant's connections with their options, optionally narrowed by `strategy` (repeatable) and `name`.
// Answer shapes as Auth0's: a bare array by default; `{total, start, limit, connections}` with include_totals and page/per_page;
// `{connections, next?}` with checkpoint paging (`from`/`take`), which the auth0 SDK always uses for this endpoint.
import { boolParam, fieldSelector, intParam, pageParams } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const connectionRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/connections',
    scopes: ['read:connections'],
    handle({ url, state }) {
      const strategies = new Set(url.searchParams.getAll('strategy'));
      const name = url.searchParams.get('name');
      const select = fieldSelector(url);
      const all = state
        .listConnections()
        .filter((connection) => (strategies.size === 0 || strategies.has(connection.strategy)) && (name === null || connection.name === name))
        .map((connection) => ({
          id: connection.id,
          ...(state.connectionDisplayName(connection.name) ? { display_name: state.connectionDisplayName(connection.name) } : {}),
          options: state.connectionOptions(connection.name) ?? {},
          strategy: connection.strategy,
          name: connection.name,
          is_domain_connection: false,
          realms: [connection.name],
        }));
      if (url.searchParams.has('from') || url.searchParams.has('take')) {
        const from = intParam(url, 'from', 0, 0, Number.MAX_SAFE_INTEGER);
        const take = intParam(url, 'take', 50, 1, 100);
        const next = from + take < all.length ? { next: String(from + take) } : {};
        return { body: { connections: all.slice(from, from + take).map(select), ...next } };
      }
      const { perPage, start } = pageParams(url);
      const page = all.slice(start, start + perPage).map(select);
      if (!boolParam(url, 'include_totals', false)) return { body: page };
      return { body: { total: all.length, start, limit: perPage, connections: page } };
    },
  },
];
