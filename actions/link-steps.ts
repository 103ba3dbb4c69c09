// The linking steps both flows share (a login's check and /continue): the API client, the account lookup, the links.
import type { Config } from './config.ts';
import { foldEmail } from './email.ts';
import type { LinkedBy } from './link-record.ts';
import { endSessionsBeforeLink, linkIdentity, preLinkMetadata, USER_FIELDS, type LinkFailure } from './link-protocol.ts';
import { createManagementClient, ManagementApiError, type ManagementClient } from './management-client.ts';
import type { Outcome } from './outcome.ts';
import { connectionKind } from './strategies.ts';
import type { Metadata, PostLoginApi, PostLoginEvent, User } from './types.ts';

export interface FlowDeps {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** The Action's Management API client for one execution: every call within the time budget from now. */
export function clientFor(config: Config, api: PostLoginApi, deps: FlowDeps): ManagementClient {
  return createManagementClient({
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    deadline: deps.now() + config.timeBudgetMs,
    cache: api.cache,
    fetch: deps.fetch,
    now: deps.now,
    sleep: deps.sleep,
  });
}

/**
 * users-by-email is case-sensitive: ask for the email as given and lower-cased (Auth0 stores its own connections'
 * emails lower-cased). When neither finds another account, one case-insensitive search finds a twin whose IdP kept
 * capitals (`Ann@X.io` for the login `ann@x.io`). The search is eventually consistent, so it comes second: the exact,
 * immediately consistent lookups alone settle races between concurrent first logins.
 */
export async function findCandidates(client: ManagementClient, user: User, email: string): Promise<User[]> {
  const lower = foldEmail(email);
  const lists = await Promise.all((lower === email ? [email] : [email, lower]).map((e) => client.usersByEmail(e, USER_FIELDS)));
  const byId = new Map<string, User>();
  for (const found of lists.flat()) if (!byId.has(found.user_id)) byId.set(found.user_id, found);
  if ([...byId.keys()].every((id) => id === user.user_id)) {
    for (const found of await client.searchByEmail(email, USER_FIELDS)) if (!byId.has(found.user_id)) byId.set(found.user_id, found);
  }
  return [...byId.values()];
}

/** Links to make into one primary, who makes them, and what else the pre-link write carries. */
export interface LinkBatch {
  primary: User;
  secondaries: User[];
  by: LinkedBy;
  extraMetadata?: Metadata;
}

/**
 * The pre-link write, the links (the login user's first), then setPrimaryUser and the claim as the links allow. Order
 * matters: the audit record (with the metadata Auth0 discards on link) is written on the primary BEFORE any link, and
 * setPrimaryUser is called only once the login user's link exists.
 */
export async function linkAll(
  client: ManagementClient,
  api: PostLoginApi,
  config: Config,
  batch: LinkBatch,
  event: PostLoginEvent,
  now: Date,
): Promise<Outcome> {
  const { primary, secondaries } = batch;
  const loginUserId = event.user.user_id;
  // Sessions first: whoever chose a password account's password may still be signed in with it. A failure here throws
  // before anything is written, so the link waits for a later login.
  await endSessionsBeforeLink([primary, ...secondaries], client, config.endSessions);
  // An account whose link then fails stays unmarked, so its own next login retries.
  await client.patchAppMetadata(primary.user_id, { ...preLinkMetadata(primary, secondaries, batch.by, now), ...batch.extraMetadata });
  const linked: string[] = [];
  let error: unknown;
  try {
    for (const secondary of secondaries) {
      await linkOne(client, primary, secondary, secondary.user_id === loginUserId ? loginConnectionId(secondary, event) : undefined);
      linked.push(secondary.user_id);
    }
  } catch (caught) {
    error = caught;
  }
  const loginIsSecondary = loginUserId !== primary.user_id;
  const onPrimary = !loginIsSecondary || linked.includes(loginUserId);
  if (loginIsSecondary && onPrimary) api.authentication.setPrimaryUser(primary.user_id);
  if (onPrimary && linked.length > 0) api.idToken.setCustomClaim(config.claimName, linked);
  return { kind: 'linked', primary: primary.user_id, linked, planned: secondaries.length, endsOn: onPrimary ? primary.user_id : loginUserId, error };
}

/** Time allowed past the budget for the one read that settles an ambiguous link (still far below Auth0's 20 s). */
export const READ_BACK_GRACE_MS = 1500;

/**
 * Links one account with the link protocol. After an answer that leaves the link open, the login must end on the
 * primary if the link exists, or Auth0 fails it for a user that is gone: the read-back may run past the budget.
 */
async function linkOne(client: ManagementClient, primary: User, secondary: User, connectionId: string | undefined): Promise<void> {
  const identity = secondary.identities[0]!;
  const result = await linkIdentity(identity, {
    link: () => client.link(primary.user_id, identity, connectionId),
    readIdentities: async () =>
      (await client.getUser(primary.user_id, ['user_id', 'identities'], { graceMs: READ_BACK_GRACE_MS }).catch(() => undefined))?.identities,
    failureOf,
  });
  if (!result.linked) throw result.error;
}

/**
 * The connection id to link the login user with: Auth0 documents `connection_id` as needed to pick among several
 * database connections. The event names the login's connection for free, so it is sent when the login user's main
 * identity is a database identity on that connection; other accounts would need a connections read (Known limitations).
 */
function loginConnectionId(loginUser: User, event: PostLoginEvent): string | undefined {
  const main = loginUser.identities[0]!;
  return connectionKind(main.provider) === 'database' && main.connection === event.connection.name ? event.connection.id : undefined;
}

/** What the Action's client saw of a failed link; a rate-limit give-up is an answer (429) that no link was made. */
function failureOf(error: unknown): LinkFailure | undefined {
  if (!(error instanceof ManagementApiError)) return undefined;
  return { status: error.failure === 'timeout' || error.failure === 'network' ? undefined : error.status, message: error.apiMessage };
}
