// The logins `npm start` replays on the demo tenant, and what each did: who logged in, what got linked, whom the tokens are for, calls made.
import type { TransactionProtocol } from '../../../actions/types.ts';
import { DATABASE_CONNECTION as DATABASE, type LocalTenant, loginThroughFlow } from '../../../local-tenant/index.ts';
import type { ObservedRuntime } from './observed-runtime.ts';
import { webLogin, type LinkPageChoice, type SignInAs, type WebLoginInput } from '../web-login.ts';

export interface DemoLogin {
  /** Connection name and the identity's own id, as in seeds/demo.json. */
  connection: string;
  id: string;
  /** Why this login is in the series, shown in the table. */
  note: string;
  protocol?: TransactionProtocol;
  /**
   * What the person does when the Action sends them to the linking page. Such a login goes through the tenant's real
   * sign-in over HTTP, as a browser would (the page and /continue need it); the others are replayed in process.
   */
  linkPage?: LinkPageChoice;
}

/** Carla's Google account, which her Entra ID login proves on the linking page. */
const CARLA_GOOGLE = { connection: 'google-oauth2', id: '109955331177224466001' } as const;
/** Dana's password account, never reset since signup, which her Google login proves by signing in with the password. */
const DANA_PASSWORD = { connection: DATABASE, id: '65f0a1b2c3d4e5f6da0da0da' } as const;

/** A person's first logins, their returning logins and a refresh, the traps, and the accounts that stay alone. */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  { connection: 'google-oauth2', id: '104021778811223344556', note: 'first login, email in mixed case' },
  { connection: DATABASE, id: '65f0a1b2c3d4e5f601234567', note: 'returning' },
  { connection: 'github', id: '58112934', note: 'returning, linked identity' },
  { connection: 'google-oauth2', id: '104021778811223344556', note: 'refresh-token exchange', protocol: 'oauth2-refresh-token' },
  { connection: DATABASE, id: '65f0a1b2c3d4e5f6badc0ffe', note: 'unverified signup with a victim’s email' },
  { connection: 'google-oauth2', id: '117733990011224466880', note: 'the victim’s first login' },
  { ...CARLA_GOOGLE, note: 'first login; Entra ID account too: not offered here' },
  {
    connection: 'contoso-entra',
    id: '7c1e52d0-8f3b-4a6e-9d21-0b5f3a9c4e11',
    note: 'enterprise login: asked, proves the Google account',
    linkPage: { prove: CARLA_GOOGLE },
  },
  { connection: 'google-oauth2', id: '112244668800113355771', note: 'password never reset: asked, proves the password', linkPage: { prove: DANA_PASSWORD } },
  { connection: DATABASE, id: '65f0a1b2c3d4e5f6d0d0d0d0', note: 'first login, no other account' },
  { connection: 'github', id: '90417733', note: 'first login; passwordless account exists' },
  { connection: 'google-oauth2', id: '100000111122223333444', note: 'account excluded by an admin' },
  { connection: DATABASE, id: '65f0a1b2c3d4e5f6f2f2f2f2', note: 'first login; other account excluded' },
  { connection: 'google-oauth2', id: '117733990011224466880', note: 'returning' },
];

export interface LoginRow {
  n: number;
  connection: string;
  email: string;
  note: string;
  /** `ok`, or `failed: <reason>` when the flow failed the login. */
  outcome: string;
  /** Accounts (user_ids) this login merged into another, with the connection each came from. */
  linked: Array<{ userId: string; connection: string }>;
  /** The user the tokens are issued for. */
  subject: string;
  httpCalls: number;
  /** The Action's log lines (for --json). */
  logs: string[];
}

/** Where the replay runs: the tenant, the runtime its real sign-in shares, and the web app the HTTP logins sign in to. */
export interface ReplaySetting {
  tenant: LocalTenant;
  observed: ObservedRuntime;
  web: Omit<WebLoginInput, 'as' | 'choice'>;
  /** The password of the tenant's database users. */
  password: string;
}

/** Replays `logins` through the deployed post-login flow, one after the other. */
export async function replayLogins(setting: ReplaySetting, logins: readonly DemoLogin[] = DEMO_LOGINS): Promise<LoginRow[]> {
  const { tenant, observed } = setting;
  const { state } = tenant;
  const rows: LoginRow[] = [];
  for (const [index, login] of logins.entries()) {
    const strategy = state.connection(login.connection)?.strategy;
    if (!strategy) throw new Error(`demo login ${index + 1}: no connection ${login.connection} in the demo tenant`);
    const identity = { provider: strategy, user_id: login.id };
    const before = new Map([...state.allUsers()].map((u) => [u.user_id, u.identities[0]!.connection]));
    const owner = state.ownerOfIdentity(identity.provider, identity.user_id);
    const own = owner?.identities.find((i) => i.provider === identity.provider && String(i.user_id) === identity.user_id);
    const email = owner?.identities[0] === own ? owner?.email : (own?.profileData?.email as string | undefined);
    const result = login.linkPage
      ? {
          ...(await webLogin({ ...setting.web, as: signInAs(login, email, setting.password), choice: choiceFor(login.linkPage, state, setting.password) })),
          ...observed.take(),
        }
      : await inProcess(tenant, observed, login, identity);
    const linked = [...before].filter(([userId]) => !state.getUser(userId)).map(([userId, connection]) => ({ userId, connection }));
    rows.push({
      n: index + 1,
      connection: login.connection,
      email: email ?? '(none)',
      note: login.note,
      outcome: result.outcome === 'success' ? 'ok' : `failed: ${result.reason}`,
      linked,
      subject: result.outcome === 'success' ? result.subject : '-',
      httpCalls: result.httpCalls,
      logs: result.logs,
    });
  }
  return rows;
}

async function inProcess(tenant: LocalTenant, observed: ObservedRuntime, login: DemoLogin, identity: { provider: string; user_id: string }) {
  const result = await loginThroughFlow(tenant.actions, observed.runtime, { identity, ...(login.protocol ? { protocol: login.protocol } : {}) });
  return { ...result, httpCalls: result.httpCalls.length };
}

function signInAs(login: Pick<DemoLogin, 'connection' | 'id'>, email: string | undefined, password: string): SignInAs {
  return { connection: login.connection, id: login.id, ...(login.connection === DATABASE && email ? { database: { email, password } } : {}) };
}

/** The choice with the credentials a database account is proven with: its email as the tenant has it, the demo password. */
function choiceFor(choice: LinkPageChoice, state: LocalTenant['state'], password: string): LinkPageChoice {
  if (!('prove' in choice) || choice.prove.connection !== DATABASE) return choice;
  const email = state.ownerOfIdentity('auth0', choice.prove.id)?.email;
  return { prove: signInAs(choice.prove, email, password) };
}
