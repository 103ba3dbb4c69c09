// The route groups every local tenant serves; a new group is one file in this folder and one line here.
import { authorizeRoutes } from '../auth/authorize-routes.ts';
import { dbConnectionRoutes } from '../auth/dbconnections-routes.ts';
import { discoveryRoutes } from '../auth/discovery-routes.ts';
import { loginPageRoutes } from '../auth/login-pages.ts';
import { resetPageRoutes } from '../auth/reset-pages.ts';
import { revokeRoutes } from '../auth/revoke-routes.ts';
import { idpInitiatedRoutes } from '../auth/idp-initiated-routes.ts';
import { standInIdpRoutes } from '../auth/stand-in-idp.ts';
import { userinfoRoutes } from '../auth/userinfo-routes.ts';
import type { RouteGroup } from '../route.ts';
import { actionRoutes } from './actions.ts';
import { brandingRoutes } from './branding.ts';
import { clientRoutes } from './clients.ts';
import { connectionRoutes } from './connections.ts';
import { identityRoutes } from './identities.ts';
import { grantRoutes } from './grants.ts';
import { jobRoutes } from './jobs.ts';
import { sessionRoutes } from './sessions.ts';
import { ticketRoutes } from './tickets.ts';
import { tokenRoutes } from './token.ts';
import { userRoutes } from './users.ts';

export const defaultRouteGroups: readonly RouteGroup[] = [
  tokenRoutes,
  userRoutes,
  identityRoutes,
  connectionRoutes,
  brandingRoutes,
  jobRoutes,
  actionRoutes,
  clientRoutes,
  discoveryRoutes,
  authorizeRoutes,
  loginPageRoutes,
  userinfoRoutes,
  dbConnectionRoutes,
  resetPageRoutes,
  ticketRoutes,
  revokeRoutes,
  grantRoutes,
  sessionRoutes,
  idpInitiatedRoutes,
  standInIdpRoutes,
];
