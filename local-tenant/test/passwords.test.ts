// Signup and password changes an attack story uses: POST /dbconnections/signup (nobody logged in, the verification mail
// sent), POST /dbconnections/change_password (no enumeration, a reset link in the outbox), the reset page (once, 5 days,
// last_password_reset, email_verified left alone), password-change tickets, and PATCH /users/{id} with a password.
import { describe, expect, it } from 'vitest';
import { CHANGE_PASSWORD_ANSWER } from '../auth/dbconnections-routes.ts';
import { addWebApp } from '../../test/support/sign-in.ts';
import { DATABASE, managementClient, useHttpTenant } from '../../test/support/tenant.ts';

const http = useHttpTenant();
const STRONG = 'Correct-Horse-7';

async function post(path: string, body: Record<string, unknown>, form = false) {
  const { server } = http();
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>) : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
    setCookie: response.headers.get('set-cookie'),
    type: response.headers.get('content-type'),
  };
}

function setUp() {
  const { tenant, server } = http();
  const { app, anaId } = addWebApp(tenant);
  const signup = (body: Record<string, unknown> = {}) =>
    post('/dbconnections/signup', { client_id: app.client_id, connection: DATABASE, email: 'Eve.Victim@Example.com', password: STRONG, ...body });
  const mailTo = (to: string) => tenant.state.authentication.outbox.filter((m) => m.to === to);
  return { tenant, server, app, anaId, signup, mailTo };
}

describe('POST /dbconnections/signup', () => {
  it('creates an unverified database user, answers {_id, email_verified, email}, logs nobody in and mails the verification link', async () => {
    const { tenant, signup, mailTo } = setUp();
    const answer = await signup({ user_metadata: { lang: 'pt' } });
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), email_verified: false, email: 'eve.victim@example.com' });
    expect(answer.setCookie).toBeNull();
    const user = tenant.state.getUser(`auth0|${body._id as string}`)!;
    expect(user).toMatchObject({ email_verified: false, user_metadata: { lang: 'pt' }, name: 'eve.victim@example.com', nickname: 'eve.victim' });
    expect(user.last_login).toBeUndefined();
    expect(user.logins_count).toBeUndefined();
    expect(mailTo('eve.victim@example.com')).toEqual([
      expect.objectContaining({ subject: 'Verify your email', link: expect.stringMatching(/^\/u\/email-verification\?ticket=/) }),
    ]);
  });

  it("answers Auth0's errors: user_exists, the password policy, a connection the app does not enable, signup disabled, a bad email", async () => {
    const { tenant, signup, app } = setUp();
    await signup();
    expect((await signup({ email: 'eve.victim@example.com' })).json()).toEqual({
      name: 'BadRequestError',
      code: 'user_exists',
      description: 'The user already exists.',
      statusCode: 400,
    });
    const weak = await signup({ email: 'other@example.com', password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.json()).toMatchObject({
      name: 'PasswordStrengthError',
      message: 'Password is too weak',
      code: 'invalid_password',
      statusCode: 400,
      description: { verified: false },
    });
    expect(weak.json().policy).toContain('* At least 8 characters in length');
    expect((await signup({ email: 'not-an-email' })).json()).toMatchObject({ code: 'invalid_signup' });
    tenant.state.addConnection({ name: 'Closed-Database', strategy: 'auth0', options: { disable_signup: true } });
    tenant.state.addConnection({ name: 'Other-Database', strategy: 'auth0' });
    const closed = await signup({ connection: 'Closed-Database' });
    expect([closed.status, closed.json()]).toEqual([400, { error: 'public signup is disabled' }]);
    const narrow = tenant.state.addClient({ name: 'narrow', scopes: [], app_type: 'spa', callbacks: [], connections: [DATABASE] });
    const disabled = await signup({ client_id: narrow.client_id, connection: 'Other-Database' });
    expect([disabled.status, disabled.json()]).toEqual([400, { error: 'invalid_request', error_description: 'the connection was disabled' }]);
    expect(app.client_id).not.toBe(narrow.client_id);
  });
});

describe('password reset', () => {
  it('answers the same text whether or not the email has an account, and mails a reset link only to an account', async () => {
    const { app, mailTo } = setUp();
    const ask = (email: string) => post('/dbconnections/change_password', { client_id: app.client_id, connection: DATABASE, email });
    const known = await ask('ana@example.com');
    const unknown = await ask('nobody@example.com');
    for (const answer of [known, unknown]) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(CHANGE_PASSWORD_ANSWER);
      expect(answer.type).toBe('text/html; charset=utf-8');
    }
    expect(mailTo('ana@example.com')).toEqual([
      expect.objectContaining({ subject: 'Reset your password', link: expect.stringMatching(/^\/u\/reset-password\?ticket=/) }),
    ]);
    expect(mailTo('nobody@example.com')).toEqual([]);
  });

  it('sets the password once through the link, stamps last_password_reset, leaves email_verified alone, and expires after 5 days', async () => {
    const { tenant, server, app, signup, mailTo } = setUp();
    let now = Date.parse('2026-01-01T00:00:00Z');
    tenant.state.setClock(() => new Date(now));
    const id = `auth0|${(await signup()).json()._id as string}`;
    const ask = () => post('/dbconnections/change_password', { client_id: app.client_id, connection: DATABASE, email: 'eve.victim@example.com' }, true);
    await ask();
    const link = mailTo('eve.victim@example.com').at(-1)!.link!;
    const ticket = new URL(link, server.url).searchParams.get('ticket')!;
    expect(await (await fetch(`${server.url}${link}`)).text()).toContain('name="password"');
    const weak = await post('/u/reset-password', { ticket, password: 'short' }, true);
    expect(weak.status).toBe(400);
    now += 60_000;
    const reset = await post('/u/reset-password', { ticket, password: 'New-Password-9' }, true);
    expect(reset.text).toContain('changed successfully');
    const user = tenant.state.getUser(id)!;
    expect(user.last_password_reset).toBe(new Date(now).toISOString());
    expect(user.email_verified).toBe(false);
    expect(tenant.state.authentication.checkPassword(id, 'New-Password-9')).toBe(true);
    expect((await post('/u/reset-password', { ticket, password: 'Another-Password-9' }, true)).status).toBe(400);

    await ask();
    const late = new URL(mailTo('eve.victim@example.com').at(-1)!.link!, server.url).searchParams.get('ticket')!;
    now += 432_000_000;
    expect((await post('/u/reset-password', { ticket: late, password: 'Late-Password-9' }, true)).text).toContain('expired');
  });

  it('makes a password-change ticket with the SDK, which verifies the email only when asked', async () => {
    const { tenant, server, signup } = setUp();
    const admin = tenant.state.addClient({ name: 'admin', scopes: ['create:user_tickets', 'update:users'] });
    const sdk = managementClient(tenant, admin, { fetch: http().fetch });
    const id = `auth0|${(await signup()).json()._id as string}`;
    const made = await sdk.tickets.changePassword({ user_id: id, result_url: 'https://app.example/done', ttl_sec: 3600, mark_email_as_verified: true });
    expect(made.ticket).toMatch(new RegExp(`^https://${tenant.domain.replace('.', '\\.')}/u/reset-password\\?ticket=[^#]+#$`));
    const ticket = new URL(made.ticket!).searchParams.get('ticket')!;
    const done = await fetch(`${server.url}/u/reset-password`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ticket, password: 'New-Password-9' }),
    });
    expect([done.status, done.headers.get('location')]).toEqual([302, 'https://app.example/done']);
    expect(tenant.state.getUser(id)).toMatchObject({ email_verified: true, last_password_reset: expect.any(String) });
  });
});

describe('PATCH /api/v2/users/{id} with a password', () => {
  it('answers 200 with last_password_reset, as the recorded TestUserManager_Update, and checks the connection and the policy', async () => {
    const { tenant, anaId } = setUp();
    const sdk = managementClient(tenant, http().client, { fetch: http().fetch });
    const updated = await sdk.users.update(anaId, { connection: DATABASE, password: 'Brand-New-Pass-1', app_metadata: { foo: 'bar' } });
    expect(updated).toMatchObject({ last_password_reset: expect.any(String), app_metadata: { foo: 'bar' } });
    expect(tenant.state.authentication.checkPassword(anaId, 'Brand-New-Pass-1')).toBe(true);
    await expect(sdk.users.update(anaId, { connection: DATABASE, password: 'weak' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(sdk.users.update(anaId, { connection: 'google-oauth2', password: 'Brand-New-Pass-2' })).rejects.toMatchObject({ statusCode: 400 });
  });
});
