// The differences between the recordings and the local tenant that are known and accepted, each with its reason. The
// conformance suite fails on any other difference, and on a declaration that no longer matches anything.
import type { Difference, DifferenceKind } from './shape.ts';

export interface Declared {
  /** Interactions (`Cassette#id`) it covers. */
  interactions: RegExp;
  /** The difference's path (exact) or a pattern of paths. */
  path: string | RegExp;
  kind?: DifferenceKind;
  /** Why the difference is accepted; docs/local-tenant.md "Where it differs from Auth0" says the same. */
  reason: string;
}

const HAND_WRITTEN =
  "go-auth0's authentication cassettes were written by hand (placeholders such as test-access-token), not recorded: their headers and extra claims are no evidence of Auth0's";

export const DECLARED: readonly Declared[] = [
  // --- Actions -------------------------------------------------------------------------------------------------------
  {
    interactions: /^TestActionManager_CreateWithDeploy#[012]$/,
    path: 'status',
    reason:
      'creating an Action with `deploy: true` and the custom-token-exchange trigger are not modelled: the project creates, then deploys, post-login Actions',
  },
  {
    interactions: /^TestActionManager_Triggers#0$/,
    path: /^body\.triggers\[\]\.(binding_policy|compatible_triggers)$/,
    reason:
      "the tenant lists each trigger once at its current version (post-login v3, node22, as Auth0 lists them today, with binding_policy as today's API has it); the 2023 recording lists deprecated versions too, so items differ by position",
  },
  // --- Applications and grants ---------------------------------------------------------------------------------------
  {
    interactions: /^TestClient(GrantManager)?_/,
    path: 'body.signing_keys',
    kind: 'missing',
    reason: 'the tenant signs with one key of its own (/.well-known/jwks.json) and has no per-application certificate to answer',
  },
  {
    interactions: /^TestClient(GrantManager)?_/,
    path: 'body.client_authentication_methods',
    kind: 'missing',
    reason: 'private_key_jwt credentials are not modelled: applications here authenticate with their secret',
  },
  {
    interactions: /^TestClient(GrantManager)?_(Create|List)#0$/,
    path: 'body.cross_origin_authentication',
    kind: 'missing',
    reason: "Auth0's own answers disagree (present in the 2025 recordings, absent in 2024's); the tenant leaves it out unless set",
  },
  {
    interactions: /^TestClient_List#0$/,
    path: /^body\.(cross_origin_auth|client_secret)$/,
    reason:
      'the 2023 recording of this create carries the legacy cross_origin_auth and no client_secret, unlike every later recording (redacted to [REDACTED])',
  },
  {
    interactions: /^TestClient_List#1$/,
    path: 'body.clients[].tenant',
    kind: 'missing',
    reason: 'Auth0 keeps `tenant` through a `fields` narrowing; the tenant narrows to the fields asked for (nothing here reads `tenant`)',
  },
  {
    interactions: /^TestClient_Delete#2$/,
    path: /^body\./,
    reason:
      "the recorder's redaction replaced the 404 body with a fake client; the tenant's 404 is Auth0's `The client does not exist` (deleting applications is not modelled: the replay maps the id to one the tenant never issued)",
  },
  {
    interactions: /^TestClientGrantManager_(Create|List)#2$/,
    path: 'status',
    reason: 'the tenant has one API, the Management API: a grant on another audience is 404 `No resource server found`',
  },
  {
    interactions: /^TestClientGrantManager_List#3$/,
    path: 'body.client_grants',
    kind: 'empty',
    reason: 'follows from the grant on a custom API not being created (above)',
  },
  // --- Connections ---------------------------------------------------------------------------------------------------
  {
    interactions: /^(TestJobManager_(ExportUsers#1|ImportUsers#0)|TestUserManager_(Link|Unlink)#2)$/,
    path: /^body\.connections\[\]\.(options\.[a-zA-Z_]+|enabled_clients)$/,
    kind: 'missing',
    reason:
      "the tenant's database connection has the options Auth0 gives a new one today (TestConnectionManager_List's create); the 2023 recordings show an older connection's (username settings, password policies) and enabled_clients, which the API has deprecated",
  },
  {
    interactions: /^TestConnectionManager_List#1$/,
    path: 'body.connections[].is_domain_connection',
    kind: 'missing',
    reason: 'Auth0 keeps is_domain_connection through a `fields` narrowing; the tenant narrows to the fields asked for (nothing here narrows connections)',
  },
  // --- Users and jobs ------------------------------------------------------------------------------------------------
  {
    interactions: /^TestJobManager_ImportUsers#2$/,
    path: 'status',
    reason: 'users-import jobs are not modelled (the replay creates the imported users directly); nothing here imports users',
  },
  // --- Authentication API (hand-written cassettes) -------------------------------------------------------------------
  { interactions: /^authentication\//, path: 'content-type', kind: 'content-type', reason: HAND_WRITTEN },
  { interactions: /^authentication\/TestLoginWithClientCredentials\//, path: 'body.scope', kind: 'extra', reason: HAND_WRITTEN },
  { interactions: /^authentication\/TestUserInfo#0$/, path: 'body.unknown-param', kind: 'missing', reason: `${HAND_WRITTEN} (a custom claim)` },
];

export function declarationOf(difference: Difference): Declared | undefined {
  return DECLARED.find(
    (d) =>
      d.interactions.test(difference.interaction) &&
      (typeof d.path === 'string' ? d.path === difference.path : d.path.test(difference.path)) &&
      (d.kind === undefined || d.kind === difference.kind),
  );
}
