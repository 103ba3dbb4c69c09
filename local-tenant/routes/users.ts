// Management API user routes: list (paged, capped at USERS_PAGING_LIMIT) and search by email (q, case-insensitive, eventually consistent),
// get, users-by-email (case-sensitive, immediately consistent) and PATCH (metadata merge, profile, password).
import { USERS_PAGING_LIMIT } from '../../actions/auth0-limits.ts';
import type { User } from '../../actions/types.ts';
import { ApiError } from '../api-error.ts';
import { insufficientScope } from '../guard.ts';
import { boolParam, fieldSelector, pageParams, readJsonObject, requiredParam } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';
import { fieldQuery, SEARCHABLE_FIELDS } from '../search-index.ts';
import { userJson, type UserPatch } from '../state.ts';

/** The PATCH properties the local tenant applies, and the JSON type each must have. */
const PATCHABLE: Record<keyof UserPatch, 'object' | 'string' | 'boolean'> = {
  app_metadata: 'object',
  user_metadata: 'object',
  email: 'string',
  email_verified: 'boolean',
  name: 'string',
  nickname: 'string',
  picture: 'string',
  blocked: 'boolean',
  password: 'string',
  connection: 'string',
};

/** Properties Auth0's PATCH accepts that the local tenant does not model: refused by name rather than silently dropped. */
const UNMODELLED = new Set([
  'phone_number',
  'phone_verified',
  'given_name',
  'family_name',
  'username',
  'client_id',
  'verify_email',
  'verify_phone_number',
  'verify_password',
]);

export const userRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/users',
    scopes: ['read:users'],
    handle({ url, state }) {
      const { perPage, start } = pageParams(url);
      // Choice: a page is refused when it reaches past record USERS_PAGING_LIMIT (per_page 100: pages 0–9 pass, page 10
      // fails), matching "100 users per page for 10 pages" in Auth0's docs.
      if (start + perPage > USERS_PAGING_LIMIT) {
        throw new ApiError(
          400,
          `You can only page through the first ${USERS_PAGING_LIMIT} records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation`,
          'invalid_paging',
        );
      }
      const narrow = fieldSelector(url);
      const select = (user: User): Partial<User> => narrow(userJson(user));
      const q = url.searchParams.get('q');
      if (q !== null) {
        const engine = url.searchParams.get('search_engine') ?? 'v3';
        if (engine !== 'v3') throw new ApiError(400, `Search engine ${engine} is not available; use search_engine=v3.`, 'invalid_query_string');
        const query = fieldQuery(q);
        if (query === undefined) {
          // Auth0 answers a query its engine rejects with 400 invalid_query_string; the local tenant also refuses the valid
          // Lucene it does not model (boolean operators, wildcards, ranges, other fields) rather than answer it wrongly.
          throw new ApiError(
            400,
            `The local tenant models only one-field queries field:"…" on ${[...SEARCHABLE_FIELDS].join(', ')}; other queries are refused.`,
            'invalid_query_string',
          );
        }
        // Search engine v3: email matches ignore case, other fields match exactly; results come from the eventually
        // consistent index (state.searchByField).
        const all = state.searchByField(query.field, query.value);
        const found = all.slice(start, start + perPage).map(select);
        if (!boolParam(url, 'include_totals', false)) return { body: found };
        return { body: { start, limit: perPage, length: found.length, total: all.length, users: found } };
      }
      const users: Partial<User>[] = [];
      let index = 0;
      // Insertion order is stable; stop walking once the page is filled, so large tenants page cheaply.
      for (const user of state.allUsers()) {
        if (index >= start + perPage) break;
        if (index >= start) users.push(select(user));
        index += 1;
      }
      if (!boolParam(url, 'include_totals', false)) return { body: users };
      return { body: { start, limit: perPage, length: users.length, total: state.userCount(), users } };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/users-by-email',
    scopes: ['read:users'],
    handle({ url, state }) {
      const email = requiredParam(url, 'email');
      const select = fieldSelector(url);
      return { body: state.usersByEmail(email).map((user) => select(userJson(user))) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/users/:id',
    scopes: ['read:users'],
    currentUserScopes: ['read:current_user'],
    handle({ url, params, state }) {
      return { body: fieldSelector(url)(userJson(state.requireUser(params.id!))) };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/users/:id',
    scopes: ['update:users'],
    currentUserScopes: ['update:current_user_metadata', 'create:current_user_metadata'],
    async handle({ request, params, state, grant }) {
      const patch = checkPatch(await readJsonObject(request));
      // A user's own token may change user_metadata only (the SPA token docs list PATCH /users/{id} under the
      // *_current_user_metadata scopes alone); the rest of the profile and app_metadata need update:users. Auth0: app_metadata
      // "cannot be edited by users" (manage-users/user-accounts/metadata), it needs update:users or update:users_app_metadata,
      // "which cannot be issued on user tokens" (auth0.com/blog/user-metadata-vs-app-metadata). Guess: the answer is this
      // 403 insufficient_scope, before anything of the body is applied (no public record shows Auth0's exact body).
      const beyondMetadata = Object.keys(patch).filter((key) => key !== 'user_metadata');
      if (grant?.subject !== undefined && beyondMetadata.length > 0) throw insufficientScope(['update:users']);
      return { body: userJson(state.patchUser(params.id!, patch)) };
    },
  },
];

function checkPatch(body: Record<string, unknown>): UserPatch {
  for (const [key, value] of Object.entries(body)) {
    if (UNMODELLED.has(key)) {
      throw new ApiError(
        400,
        `The local tenant does not model PATCH property '${key}'; it applies only: ${Object.keys(PATCHABLE).join(', ')}.`,
        'invalid_body',
      );
    }
    const type = PATCHABLE[key as keyof UserPatch];
    if (type === undefined) throw new ApiError(400, `Payload validation error: 'Additional properties not allowed: ${key}'.`, 'invalid_body');
    const ok = type === 'object' ? value === null || (typeof value === 'object' && !Array.isArray(value)) : typeof value === type;
    if (!ok) {
      const found = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      throw new ApiError(400, `Payload validation error: 'Expected type ${type} but found type ${found}' on property ${key}.`, 'invalid_body');
    }
  }
  return body as UserPatch;
}
