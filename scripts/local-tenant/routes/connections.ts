// Management API GET /connections: the tenant's connections, optionally narrowed by `strategy` (repeatable) and `name`.
import { fieldSelector } from '../request-input.ts';
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
      const connections = state
        .listConnections()
        .filter((connection) => (strategies.size === 0 || strategies.has(connection.strategy)) && (name === null || connection.name === name));
      return { body: connections.map(select) };
    },
  },
];
