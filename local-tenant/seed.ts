// Seeds a local tenant from a JSON seed value or a stream of user records, with messages that say what to fix.
// A JSON seed is `{ plan?, connections: [{name, strategy, id?, options?}], clients?: [{name, client_id?, client_secret?, scopes}],
// users: [...] }`; a user is either a NewUser (`connection` + profile, created as a signup would be) or a complete
// User with `user_id` and `identities` (stored as given, to seed already-linked users). An NDJSON file holds one user
// per line in either shape — Auth0's users-export lines are complete users; connections that complete users name and
// the tenant lacks are added with their provider as strategy. Reading files is the caller's (scripts/lib/seed-file.ts).
import type { Connection, Identity, User } from '../actions/types.ts';
import { isSocialStrategy } from '../actions/strategies.ts';
import { TENANT_PLANS, type TenantPlan } from './plan.ts';
import type { Client, NewUser, TenantState } from './state.ts';

export interface SeedConnection {
  name: string;
  strategy: string;
  id?: string;
  /** As the Management API holds them, e.g. `{"enabledDatabaseCustomization": true}` for a custom database. */
  options?: Record<string, unknown>;
}

export interface SeedClient {
  name: string;
  client_id?: string;
  client_secret?: string;
  scopes: string[];
}

export interface Seed {
  /** The tenant's plan (plan.ts); absent leaves it as it is (Enterprise on a new tenant). */
  plan?: TenantPlan;
  connections: SeedConnection[];
  clients?: SeedClient[];
  users: Array<NewUser | User>;
}

export interface SeedResult {
  /** The seed's connections as the tenant holds them. */
  connections: Connection[];
  /** The clients added, with their credentials (never print client_secret). */
  clients: Client[];
  /** Number of users added. */
  users: number;
}

/** A seed that cannot be loaded; `problems` lists each one with where it is and what to do. */
export class SeedError extends Error {
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    super(`${source} cannot be loaded:\n  ${shown.join('\n  ')}${more}`);
    this.name = 'SeedError';
    this.problems = problems;
  }
}

const MAX_PROBLEMS = 20;

const NEW_USER_FIELDS = new Set([
  'connection',
  'id',
  'email',
  'email_verified',
  'created_at',
  'last_password_reset',
  'name',
  'nickname',
  'picture',
  'app_metadata',
  'user_metadata',
  'password',
]);
const STRING_FIELDS = ['email', 'name', 'nickname', 'picture', 'given_name', 'family_name', 'phone_number', 'username'] as const;
const BOOLEAN_FIELDS = ['email_verified', 'phone_verified', 'blocked'] as const;
const DATE_FIELDS = ['created_at', 'updated_at', 'last_login', 'last_password_reset'] as const;
const METADATA_FIELDS = ['app_metadata', 'user_metadata'] as const;

/** Checks a seed object and returns it typed, or throws a SeedError listing every problem. */
export function validateSeed(value: unknown, source = 'seed', state?: TenantState): Seed {
  const problems: string[] = [];
  if (!isObject(value)) throw new SeedError(source, [`the seed must be a JSON object { "connections": [...], "users": [...] }, got ${describe(value)}`]);
  for (const key of Object.keys(value)) {
    if (key !== 'connections' && key !== 'clients' && key !== 'users' && key !== 'plan')
      problems.push(`unknown top-level field "${key}": only plan, connections, clients and users are read`);
  }
  if (value.plan !== undefined && !TENANT_PLANS.includes(value.plan as TenantPlan))
    problems.push(`plan must be one of ${TENANT_PLANS.map((p) => `"${p}"`).join(', ')}, or left out for Enterprise`);
  const strategies = new Map<string, string>();
  const connections = listOf(value, 'connections', problems, true);
  connections.forEach((entry, i) => {
    const where = `connections[${i}]`;
    if (!isObject(entry)) return problems.push(`${where} must be an object {"name", "strategy"}, got ${describe(entry)}`);
    const name = requireString(entry, 'name', where, problems, 'the connection name users refer to');
    const strategy = requireString(entry, 'strategy', where, problems, 'e.g. "auth0" for a database, "google-oauth2", "samlp"');
    if (entry.id !== undefined && !nonEmptyString(entry.id))
      problems.push(`${where}.id must be a non-empty string such as "con_0123456789abcdef", or left out`);
    if (entry.options !== undefined && !isObject(entry.options))
      problems.push(`${where}.options must be an object such as {"enabledDatabaseCustomization": true}, or left out`);
    if (name === undefined || strategy === undefined) return;
    if (strategies.has(name)) problems.push(`${where}.name "${name}" is declared twice: keep one`);
    strategies.set(name, strategy);
  });
  const clientIds = new Set<string>();
  listOf(value, 'clients', problems, false).forEach((entry, i) => {
    const where = `clients[${i}]`;
    if (!isObject(entry)) return problems.push(`${where} must be an object {"name", "scopes"}, got ${describe(entry)}`);
    requireString(entry, 'name', where, problems, 'a label for the M2M application');
    if (!Array.isArray(entry.scopes) || !entry.scopes.every(nonEmptyString))
      problems.push(`${where}.scopes must be an array of scope strings such as ["read:users", "update:users"]`);
    if (entry.client_id !== undefined) {
      if (!nonEmptyString(entry.client_id)) problems.push(`${where}.client_id must be a non-empty string, or left out to generate one`);
      else if (clientIds.has(entry.client_id)) problems.push(`${where}.client_id is used by another client: give each client its own`);
      else clientIds.add(entry.client_id);
    }
    // The secret's value is never echoed, even when it is wrong.
    if (entry.client_secret !== undefined && !nonEmptyString(entry.client_secret))
      problems.push(`${where}.client_secret must be a non-empty string, or left out to generate one`);
  });
  const strategyOf = (name: string): string | undefined => strategies.get(name) ?? state?.connection(name)?.strategy;
  const identities = new Map<string, string>();
  listOf(value, 'users', problems, true).forEach((entry, i) => {
    const where = `users[${i}]`;
    const user = checkUser(entry, where, strategyOf, problems);
    if (user === undefined) return;
    for (const key of identityKeys(user, strategyOf)) {
      const first = identities.get(key);
      if (first !== undefined) problems.push(`${where}: identity ${key} is already held by ${first}: an identity belongs to one user only`);
      else identities.set(key, where);
    }
  });
  if (problems.length > 0) throw new SeedError(source, problems);
  return value as unknown as Seed;
}

/** Validates `seed`, then adds its connections, clients and users to `state`. */
export function loadSeed(state: TenantState, seed: unknown, source = 'seed'): SeedResult {
  const valid = validateSeed(seed, source, state);
  if (valid.plan !== undefined) state.plan = valid.plan;
  const connections = valid.connections.map((c, i) => ensureConnection(state, c, `${source}: connections[${i}]`));
  const clients = (valid.clients ?? []).map((c, i) => {
    if (c.client_id !== undefined && state.client(c.client_id))
      throw new SeedError(source, [`clients[${i}].client_id is already a client of the tenant: use another or leave it out`]);
    return state.addClient(c);
  });
  const secondaries = new Set<string>();
  valid.users.forEach((user, i) => insertEntry(state, user, `${source}: users[${i}]`, secondaries));
  return { connections, clients, users: valid.users.length };
}

/** A user record of a stream, with its 1-based line number for messages. */
export interface UserRecord {
  lineNumber: number;
  value: unknown;
}

/** Adds users (one record each, either shape) to `state` until the first bad one; returns how many were added. */
export async function loadUsers(state: TenantState, records: AsyncIterable<UserRecord> | Iterable<UserRecord>, source: string): Promise<number> {
  const strategyOf = (name: string): string | undefined => state.connection(name)?.strategy;
  const secondaries = new Set<string>();
  let count = 0;
  for await (const { lineNumber, value } of records) {
    const where = `${source} line ${lineNumber}`;
    const problems: string[] = [];
    // Export files list no connections: complete users bring theirs, named by identity, strategy = provider.
    if (isObject(value) && Array.isArray(value.identities)) {
      for (const identity of value.identities) {
        if (isObject(identity) && nonEmptyString(identity.connection) && nonEmptyString(identity.provider) && !state.connection(identity.connection)) {
          state.addConnection({ name: identity.connection, strategy: identity.provider });
        }
      }
    }
    const user = checkUser(value, 'user', strategyOf, problems);
    if (user === undefined) throw new SeedError(where, problems);
    insertEntry(state, user, where, secondaries);
    count += 1;
  }
  return count;
}

/** The tenant's connection of that name, added when missing; a same-named one must match strategy (and id if given). */
export function ensureConnection(state: TenantState, input: SeedConnection, where: string): Connection {
  const existing = state.connection(input.name);
  if (existing) {
    if (existing.strategy !== input.strategy || (input.id !== undefined && input.id !== existing.id)) {
      throw new SeedError(where, [
        `the tenant already has a connection "${input.name}" (strategy ${existing.strategy}, id ${existing.id}): use that strategy and id, or another name`,
      ]);
    }
    return existing;
  }
  const clash = input.id === undefined ? undefined : state.connectionById(input.id);
  if (clash) throw new SeedError(where, [`id ${input.id} already belongs to connection "${clash.name}": give "${input.name}" another id or leave it out`]);
  return state.addConnection(input);
}

/**
 * Adds one validated entry, refusing identities the tenant's users hold as main identities or that this load linked.
 * An identity linked under a user of an earlier load is not seen: the state indexes main identities only, and a
 * linear search per user would make large loads quadratic.
 */
function insertEntry(state: TenantState, entry: NewUser | User, where: string, secondaries: Set<string>): void {
  if (!isCompleteUser(entry)) {
    const key = entry.id === undefined ? undefined : `${state.connection(entry.connection)!.strategy}|${entry.id}`;
    if (key !== undefined && (state.getUser(key) || secondaries.has(key)))
      throw new SeedError(where, [`user ${key} already exists in the tenant: remove the entry or change its id`]);
    state.createUser(entry);
    return;
  }
  const keys = entry.identities.map((i) => `${i.provider}|${i.user_id}`);
  const taken = keys.find((key) => state.getUser(key) !== undefined || secondaries.has(key));
  if (taken !== undefined) throw new SeedError(where, [`identity ${taken} already belongs to a user of the tenant: an identity belongs to one user only`]);
  state.insertUser(entry);
  for (const key of keys.slice(1)) secondaries.add(key);
}

/** Checks one user entry of either shape; returns it (identity ids as strings, isSocial filled in) or undefined. */
function checkUser(value: unknown, where: string, strategyOf: (name: string) => string | undefined, problems: string[]): NewUser | User | undefined {
  if (!isObject(value)) {
    problems.push(`${where} must be an object, got ${describe(value)}`);
    return undefined;
  }
  const before = problems.length;
  if (Array.isArray(value.identities) || value.user_id !== undefined) checkCompleteUser(value, where, strategyOf, problems);
  else if (value.connection !== undefined) checkNewUser(value, where, strategyOf, problems);
  else {
    problems.push(`${where} is neither a new user (give "connection" and a profile) nor a complete user (give "user_id" and "identities")`);
  }
  return problems.length === before ? (value as unknown as NewUser | User) : undefined;
}

function checkNewUser(value: Record<string, unknown>, where: string, strategyOf: (name: string) => string | undefined, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!NEW_USER_FIELDS.has(key))
      problems.push(
        `${where}: unknown field "${key}" for a new user: use one of ${[...NEW_USER_FIELDS].join(', ')}, or give a complete user (user_id + identities)`,
      );
  }
  const connection = requireString(value, 'connection', where, problems, 'the name of one of the connections');
  if (connection !== undefined && strategyOf(connection) === undefined) {
    problems.push(`${where}.connection "${connection}" is not a connection of the tenant or the seed: declare it in connections or fix the name`);
  }
  if (value.id !== undefined && !nonEmptyString(value.id))
    problems.push(`${where}.id must be a non-empty string (the identity's own id, without "provider|"), or left out`);
  checkProfile(value, where, problems);
  // The password's value is never echoed, even when it is wrong.
  if (value.password !== undefined) {
    if (typeof value.password !== 'string' || value.password.length < 8) problems.push(`${where}.password must be a string of at least 8 characters`);
    else if (connection !== undefined && strategyOf(connection) !== 'auth0') problems.push(`${where}.password is only for users of a database connection`);
  }
}

function checkCompleteUser(value: Record<string, unknown>, where: string, strategyOf: (name: string) => string | undefined, problems: string[]): void {
  const userId = requireString(value, 'user_id', where, problems, 'e.g. "auth0|5f1c…", the main identity\'s provider|user_id');
  const label = userId === undefined ? where : `${where} (${userId})`;
  if (!Array.isArray(value.identities) || value.identities.length === 0) {
    problems.push(`${label}.identities must be a non-empty array; the first identity is the user's main identity`);
    return;
  }
  value.identities.forEach((identity, i) => checkIdentity(identity, `${label}.identities[${i}]`, strategyOf, problems));
  const main = value.identities[0] as Identity;
  if (userId !== undefined && isObject(main) && nonEmptyString(main.provider) && `${main.provider}|${main.user_id}` !== userId) {
    problems.push(`${label}: user_id must be "${main.provider}|${main.user_id}", the provider and user_id of identities[0]`);
  }
  checkProfile(value, label, problems);
  const email = value.email;
  if (typeof email === 'string' && isObject(main) && (main.provider === 'auth0' || main.provider === 'email') && email !== email.toLowerCase()) {
    problems.push(`${label}.email "${email}": Auth0 stores database and passwordless emails in lower case: write "${email.toLowerCase()}"`);
  }
}

function checkIdentity(identity: unknown, where: string, strategyOf: (name: string) => string | undefined, problems: string[]): void {
  if (!isObject(identity)) {
    problems.push(`${where} must be an object {"provider", "user_id", "connection"}, got ${describe(identity)}`);
    return;
  }
  const provider = requireString(identity, 'provider', where, problems, 'the connection\'s strategy, e.g. "auth0" or "google-oauth2"');
  // Auth0 returns some social ids (github) as numbers; the local tenant keeps every identity id as a string.
  if (typeof identity.user_id === 'number' && Number.isSafeInteger(identity.user_id)) identity.user_id = String(identity.user_id);
  if (!nonEmptyString(identity.user_id))
    problems.push(`${where}.user_id must be the identity's own id (a string, without "provider|"), got ${describe(identity.user_id)}`);
  const connection = requireString(identity, 'connection', where, problems, "the connection's name");
  if (identity.isSocial === undefined) {
    if (provider !== undefined) identity.isSocial = isSocialStrategy(provider);
  } else if (typeof identity.isSocial !== 'boolean') problems.push(`${where}.isSocial must be true or false, or left out`);
  if (identity.profileData !== undefined && !isObject(identity.profileData))
    problems.push(`${where}.profileData must be an object (the profile the identity had before it was linked)`);
  if (connection === undefined || provider === undefined) return;
  const strategy = strategyOf(connection);
  if (strategy === undefined)
    problems.push(`${where}.connection "${connection}" is not a connection of the tenant or the seed: declare it in connections or fix the name`);
  else if (strategy !== provider)
    problems.push(
      `${where}.provider "${provider}" differs from the strategy "${strategy}" of connection "${connection}": an identity's provider is its connection's strategy`,
    );
}

/** The profile fields both shapes share. */
function checkProfile(value: Record<string, unknown>, where: string, problems: string[]): void {
  for (const field of STRING_FIELDS) {
    if (value[field] !== undefined && typeof value[field] !== 'string') problems.push(`${where}.${field} must be a string, got ${describe(value[field])}`);
  }
  if (typeof value.email === 'string' && !value.email.includes('@')) problems.push(`${where}.email "${value.email}" is not an email address`);
  for (const field of BOOLEAN_FIELDS) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean')
      problems.push(`${where}.${field} must be true or false, got ${describe(value[field])}`);
  }
  for (const field of DATE_FIELDS) {
    const v = value[field];
    if (v !== undefined && (typeof v !== 'string' || Number.isNaN(Date.parse(v))))
      problems.push(`${where}.${field} must be an ISO date such as "2021-03-04T05:06:07.000Z", got ${describe(v)}`);
  }
  for (const field of METADATA_FIELDS) {
    if (value[field] !== undefined && !isObject(value[field])) problems.push(`${where}.${field} must be an object, got ${describe(value[field])}`);
  }
  if (value.logins_count !== undefined && !Number.isSafeInteger(value.logins_count)) problems.push(`${where}.logins_count must be a whole number`);
}

/** The `provider|id` keys an entry will hold once stored (a new user without `id` gets a fresh one). */
function identityKeys(user: NewUser | User, strategyOf: (name: string) => string | undefined): string[] {
  if (isCompleteUser(user)) return user.identities.map((i) => `${i.provider}|${i.user_id}`);
  return user.id === undefined ? [] : [`${strategyOf(user.connection)}|${user.id}`];
}

function isCompleteUser(entry: NewUser | User): entry is User {
  return Array.isArray((entry as User).identities);
}

function listOf(value: Record<string, unknown>, field: string, problems: string[], required: boolean): unknown[] {
  const list = value[field];
  if (list === undefined && !required) return [];
  if (!Array.isArray(list)) {
    problems.push(`"${field}" must be an array${required ? ' (it may be empty)' : ', or left out'}, got ${describe(list)}`);
    return [];
  }
  return list;
}

function requireString(value: Record<string, unknown>, field: string, where: string, problems: string[], hint: string): string | undefined {
  const v = value[field];
  if (nonEmptyString(v)) return v;
  problems.push(`${where}.${field} is ${v === undefined ? 'missing' : `not a non-empty string (${describe(v)})`}: give ${hint}`);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A short description of a wrong value for a message: its type, and short scalars themselves. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length <= 40 ? `the string "${value}"` : 'a long string';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return value === undefined ? 'nothing' : `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}
