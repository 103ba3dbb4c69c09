// Serves a local tenant inside this process: msw intercepts fetch/http to https://{domain}; any other request is an error.
import type { UnhandledFrameHandle } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import type { LocalTenant } from './local-tenant.ts';

export interface InProcessTenant {
  tenant: LocalTenant;
  /** The msw server, for `server.use(...)` overrides in a test. */
  server: SetupServer;
  /** Stops intercepting; safe to call twice. */
  close(): void;
}

/**
 * Starts intercepting requests to the tenant's domain. Only one msw server may listen per process, so start one tenant
 * at a time. Unhandled requests (any other host) fail with `onUnhandledFrame: 'error'` unless told otherwise.
 */
export function startInProcess(tenant: LocalTenant, options: { onUnhandledFrame?: UnhandledFrameHandle } = {}): InProcessTenant {
  const server = setupServer(...tenant.handlers);
  server.listen({ onUnhandledFrame: options.onUnhandledFrame ?? 'error' });
  // msw's `use` puts handlers first, ahead of the tenant's 404 catch-alls, as route groups added later must be.
  const unsubscribe = tenant.onRoutesAdded((added) => server.use(...added));
  let open = true;
  return {
    tenant,
    server,
    close() {
      if (!open) return;
      open = false;
      unsubscribe();
      server.close();
    },
  };
}
