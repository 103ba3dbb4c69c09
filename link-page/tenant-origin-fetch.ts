// The page's fetch to the tenant: straight to https://{domain}, or, for a local tenant, the same paths on its loopback origin.
import type { Settings } from './settings.ts';

export function tenantOriginFetch(settings: Pick<Settings, 'tenantHost' | 'tenantOrigin'>, base: typeof fetch = fetch): typeof fetch {
  const canonical = `https://${settings.tenantHost}`;
  if (settings.tenantOrigin === canonical) return base;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const routed = url.startsWith(`${canonical}/`) ? `${settings.tenantOrigin}${url.slice(canonical.length)}` : url;
    return input instanceof Request ? base(new Request(routed, input), init) : base(routed, init);
  };
}
