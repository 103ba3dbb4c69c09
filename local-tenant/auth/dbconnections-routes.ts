// The Authentication API's database endpoints: POST /dbconnections/signup creates an unverified user and logs nobody in,
// POST /dbconnections/change_password mails a reset link and answers the same whether or not the user exists.
// Answers as real tenants gave them (auth0/go-auth0 test/data/recordings/authentication: TestDatabaseSignUp_* answered
// 200 {"_id","email","email_verified":false}; TestDatabaseChangePassword answered 200, text/html, "We've just sent you an
// email to reset your password."). Error bodies: user_exists and invalid_signup in Auth0's {name, code, description,
// statusCode} shape (auth0/go-auth0 authentication/authentication_error_test.go; "The user already exists."), the
// password policy's PasswordStrengthError (password-policy.ts), `{"error":"public signup is disabled"}` (auth0/auth0.js
// issues #356 and #679). "the connection was disabled" is what /oauth/ro answered for a connection the application does not
// enable (auth0/Lock.swift issue #259); its use here, and the texts for missing parameters and unknown clients or
// connections, are the local tenant's guesses.
import type { Connection, Metadata, User } from '../../actions/types.ts';
import { ApiError } from '../api-error.ts';
import type { RouteGroup, RouteResult } from '../route.ts';
import type { TenantState } from '../state.ts';
import { connectionsOf } from './applications.ts';
import { findByEmail } from './login-pages.ts';
import { sendPasswordReset, sendVerification } from './mails.ts';
import { checkPasswordPolicy, policyOf } from './password-policy.ts';

export const CHANGE_PASSWORD_ANSWER = "We've just sent you an email to reset your password.";

/** The signup body's user_metadata limits (api/authentication/signup/create-a-new-user.mdx). */
const SIGNUP_METADATA = { properties: 10, nameChars: 100, valueChars: 500 } as const;

const PROFILE = ['username', 'given_name', 'family_name', 'name', 'nickname', 'picture'] as const;

export const dbConnectionRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/dbconnections/signup',
    scopes: 'none',
    async handle({ request, state }) {
      const body = await readBody(request);
      const missing = ['client_id', 'email', 'password', 'connection'].find((name) => typeof body[name] !== 'string' || body[name] === '');
      if (missing) return badRequest('invalid_body', `Missing required parameter: ${missing}`);
      const found = databaseFor(state, body.client_id as string, body.connection as string);
      if ('error' in found) return found.error;
      const { connection } = found;
      if (state.connectionOptions(connection.name)?.disable_signup === true) return { status: 400, body: { error: 'public signup is disabled' } };
      const email = (body.email as string).trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(email) || !validMetadata(body.user_metadata)) return badRequest('invalid_signup', 'Invalid sign up');
      const weak = checkPasswordPolicy(body.password as string, policyOf(state.connectionOptions(connection.name)));
      if (weak) return { status: 400, body: weak };
      let user: User;
      try {
        user = state.createUser({
          connection: connection.name,
          email,
          email_verified: false,
          password: body.password as string,
          ...(body.user_metadata === undefined ? {} : { user_metadata: body.user_metadata as Metadata }),
        });
      } catch (error) {
        if (error instanceof ApiError && error.errorCode === 'user_exists') return badRequest('user_exists', 'The user already exists.');
        throw error;
      }
      // Users Auth0 creates carry name, nickname and picture (the email, its local part and an avatar) unless the body names them.
      const profile = user as unknown as Record<string, unknown>;
      profile.name = user.email;
      profile.nickname = user.email!.split('@')[0];
      profile.picture = `https://cdn.auth0.com/avatars/${user.email!.slice(0, 2)}.png`;
      for (const field of PROFILE) if (typeof body[field] === 'string') profile[field] = body[field];
      sendVerification(state, user);
      const answer: Record<string, unknown> = { _id: user.identities[0]!.user_id, email_verified: false, email: user.email };
      for (const field of PROFILE) if (typeof body[field] === 'string') answer[field] = body[field];
      return { body: answer };
    },
  },
  {
    method: 'POST',
    path: '/dbconnections/change_password',
    scopes: 'none',
    async handle({ request, state }) {
      const body = await readBody(request);
      const missing = ['client_id', 'email', 'connection'].find((name) => typeof body[name] !== 'string' || body[name] === '');
      if (missing) return badRequest('invalid_body', `Missing required parameter: ${missing}`);
      const found = databaseFor(state, body.client_id as string, body.connection as string);
      if ('error' in found) return found.error;
      // The same answer whether or not the email has an account (no enumeration): a mail is sent only when it has one.
      const email = (body.email as string).trim().toLowerCase();
      const identity = findByEmail(state, found.connection, email);
      if (identity) sendPasswordReset(state, email, { provider: identity.provider, user_id: identity.user_id }, found.connection.name);
      return { status: 200, body: null, text: CHANGE_PASSWORD_ANSWER, headers: { 'content-type': 'text/html; charset=utf-8' } };
    },
  },
];

/** The database connection `name` when the application exists and enables it. */
function databaseFor(state: TenantState, clientId: string, name: string): { connection: Connection } | { error: RouteResult } {
  const client = state.client(clientId);
  if (!client) return { error: badRequest('invalid_client', 'Unknown client.') };
  const connection = state.connection(name);
  if (!connection || connection.strategy !== 'auth0')
    return { error: { status: 400, body: { error: 'invalid_request', error_description: 'the connection was not found' } } };
  if (!connectionsOf(state, client).some((c) => c.name === name)) {
    return { error: { status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } } };
  }
  return { connection };
}

/** At most 10 properties, names ≤ 100 characters, values strings ≤ 500 characters (the signup reference). */
function validMetadata(value: unknown): boolean {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= SIGNUP_METADATA.properties &&
    entries.every(([name, v]) => name.length <= SIGNUP_METADATA.nameChars && typeof v === 'string' && v.length <= SIGNUP_METADATA.valueChars)
  );
}

function badRequest(code: string, description: string): RouteResult {
  return { status: 400, body: { name: 'BadRequestError', code, description, statusCode: 400 } };
}

/** A JSON object or form-encoded body, as the Authentication API takes both. */
async function readBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if ((request.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
