// Management API GET /branding (scope read:branding) and GET /tenants/settings (scope read:tenant_settings), as the
// linking page's deploy reads them. Shapes from Auth0's Management API reference (auth0.com/docs/api/management/v2/branding,
// …/tenants/tenant-settings-route): branding is `{colors?: {primary?, page_background?}, favicon_url?, logo_url?, font?}`,
// with only what was set; tenant settings honour `fields`/`include_fields`. A new tenant has neither set.
import { fieldSelector } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const brandingRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/branding',
    scopes: ['read:branding'],
    handle({ state }) {
      return { body: structuredClone(state.branding) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/tenants/settings',
    scopes: ['read:tenant_settings'],
    handle({ url, state }) {
      return { body: fieldSelector(url)(structuredClone(state.tenantSettings)) };
    },
  },
];
