// What `npm start -- --keep --json` prints first, on one line, for scripts and tests to drive the kept tenant: its
// URL and domain, the applications' credentials and the users. Local stand-ins, not secrets (see LOCAL_ADMIN).
import type { StartRun } from './run.ts';
import { DEMO_DOMAIN } from './tenant.ts';

export interface KeepUser {
  user_id: string;
  email?: string;
  /** The connection of the user's main identity. */
  connection: string;
}

export interface KeepDetails {
  baseUrl: string;
  domain: string;
  deployer: { clientId: string; clientSecret: string };
  action: { clientId: string; clientSecret: string };
  users: KeepUser[];
}

export function keepDetails(run: StartRun): KeepDetails {
  const { admin, actionClient } = run.demo;
  return {
    baseUrl: run.server.url,
    domain: DEMO_DOMAIN,
    deployer: { clientId: admin.client_id, clientSecret: admin.client_secret },
    action: { clientId: actionClient.client_id, clientSecret: actionClient.client_secret },
    users: keepUsers(run),
  };
}

/** The tenant's users as they are now (after the replayed logins linked some), by their main identity. */
function keepUsers(run: StartRun): KeepUser[] {
  return [...run.demo.tenant.state.allUsers()].map((user) => ({
    user_id: user.user_id,
    ...(user.email === undefined ? {} : { email: user.email }),
    connection: user.identities[0]!.connection,
  }));
}
