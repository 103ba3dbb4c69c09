// The tenant's subscription plan, and the answer a Management API endpoint gives on a plan without its feature.
// Session and refresh-token management (GET/DELETE /users/{id}/sessions, /sessions/{id}, /users/{id}/refresh-tokens) is
// for Enterprise plans only (manage-users/sessions/manage-user-sessions-with-auth0-management-api.mdx,
// secure/tokens/manage-refresh-tokens-with-auth0-management-api.mdx). What Auth0 answers a tenant without the feature is
// not published: the local tenant answers 403 with the message below (a guess), never a silent success.
import { ApiError } from './api-error.ts';

export type TenantPlan = 'enterprise' | 'essentials' | 'free';

export const TENANT_PLANS: readonly TenantPlan[] = ['enterprise', 'essentials', 'free'];

/** Throws the guessed 403 unless the plan is Enterprise. */
export function requireEnterprise(plan: TenantPlan, feature: string): void {
  if (plan === 'enterprise') return;
  throw new ApiError(403, `${feature} is available on Enterprise plans only; this tenant is on the ${plan} plan.`, 'feature_not_enabled');
}
