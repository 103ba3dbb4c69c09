// The connected accounts routes: a fresh sign-in to the page, list identities, start linking another account, unlink one
// (after a confirmation naming it), sign out of the page and, if the person wants, of the tenant.
import type { Hono } from 'hono';
import type { Page, PageContext, PageEnv } from '../context.ts';
import { unlinkedAsBefore, unlinkedPatch } from '../../actions/unlink-choice.ts';
import { withoutRecord } from '../audit.ts';
import { logCodeOf, PageError } from '../errors.ts';
import { userMetadataRecords } from '../audit.ts';
import { UserApi, UserApiError } from '../management.ts';
import type { PageState } from '../page-state.ts';
import { signedOutUrl } from '../settings.ts';
import { accountsView, identityLabel, signedOutEverywhereView, signedOutOfPageView, signedOutView, unlinkConfirmView } from '../views/accounts.ts';
import { redirectView } from '../views/redirect.ts';

export function accountsRoutes(app: Hono<PageEnv>, page: Page): void {
  const { baseUrl, connections, connectionLabels: labels } = page.settings;

  app.get('/accounts', async (c) => {
    const state = c.get('state');
    const session = liveSession(page, state);
    const ui = page.ui(c);
    if (!session) return page.view(c, signedOutView({ ui, csrf: state.csrf }));
    try {
      const user = await userApi(page, session.accessToken).getUser(session.sub);
      return page.view(
        c,
        accountsView({ ui, csrf: state.csrf, identities: user.identities, ...emailOf(user), connections, labels, linkedAt: linkedAtOf(user) }),
      );
    } catch (error) {
      return signedOutAfter(c, page, error);
    }
  });

  // Always a fresh sign-in (prompt=login, max_age=0, auth_time checked at the callback): on a shared browser, a tenant
  // session someone left behind must not open the view that links and unlinks their accounts.
  app.post('/accounts/sign-in', async (c) => {
    const { url, attempt } = await page.oidc.start({ purpose: 'sign-in', managementApi: true, fresh: true, uiLocales: c.get('lang') }, page.nowSeconds());
    await page.saveState(c, { ...c.get('state'), attempt });
    return page.view(c, redirectView({ ui: page.ui(c), url }));
  });

  app.post('/accounts/link', async (c) => {
    requireSession(page, c.get('state'));
    const connection = c.get('form').connection;
    if (connections.length > 0 ? !connection || !connections.includes(connection) : connection !== undefined) {
      throw new PageError('bad_request', 'chooseAccount');
    }
    const { url, attempt } = await page.oidc.start(
      { purpose: 'link', fresh: true, uiLocales: c.get('lang'), ...(connection ? { connection } : {}) },
      page.nowSeconds(),
    );
    await page.saveState(c, { ...c.get('state'), attempt });
    return page.view(c, redirectView({ ui: page.ui(c), url }));
  });

  // The unlink button asks first, naming the identity; only the confirmation's own POST unlinks.
  app.post('/accounts/unlink', async (c) => {
    const state = c.get('state');
    const session = requireSession(page, state);
    const api = userApi(page, session.accessToken);
    try {
      const { target } = await unlinkTarget(api, session.sub, c.get('form'));
      return page.view(c, unlinkConfirmView({ ui: page.ui(c), csrf: state.csrf, identity: target, labels }));
    } catch (error) {
      return signedOutAfter(c, page, error);
    }
  });

  app.post('/accounts/unlink/confirm', async (c) => {
    const state = c.get('state');
    const session = requireSession(page, state);
    const api = userApi(page, session.accessToken);
    try {
      const { user, target } = await unlinkTarget(api, session.sub, c.get('form'));
      const { provider } = target;
      const identityUserId = String(target.user_id);
      // The person's choice first, on this account (their token writes its user_metadata only): were the unlink made and
      // this write lost, the Action would find the two by email at the next login and link them back.
      const chose = unlinkedPatch(provider, identityUserId, new Date(page.nowSeconds() * 1000));
      await api.setUserMetadata(session.sub, chose, 'recordChoice');
      const remaining = await api.unlink(session.sub, provider, identityUserId).catch(async (error: unknown) => {
        // A refusal proves nothing was unlinked: the choice goes back as it was. Without an answer it may be unlinked: it stays.
        if (error instanceof UserApiError && error.httpStatus !== undefined && error.httpStatus < 500) {
          await api.setUserMetadata(session.sub, unlinkedAsBefore(user.user_metadata, provider, identityUserId)).catch(() => undefined);
        }
        throw error;
      });
      // The record would let an undo unlink it again; it is a standalone account now.
      await api.setUserMetadata(session.sub, withoutRecord(user.user_metadata, provider, identityUserId)).catch(() => undefined);
      const ui = page.ui(c);
      const name = identityLabel(ui, target, labels);
      return page.view(
        c,
        accountsView({
          ui,
          csrf: state.csrf,
          identities: remaining,
          ...emailOf(user),
          connections,
          labels,
          linkedAt: linkedAtOf(user),
          notice: { kind: 'unlinked', name },
        }),
      );
    } catch (error) {
      if (error instanceof UserApiError && error.httpStatus === 401) return signedOutAfter(c, page, error);
      throw error;
    }
  });

  app.post('/accounts/sign-out', async (c) => {
    await endSession(c, page);
    return c.redirect(`${baseUrl}/accounts/signed-out`, 303);
  });

  // The page's session has ended; the tenant's may live on, so the view offers its /v2/logout too.
  app.get('/accounts/signed-out', async (c) => {
    await endSession(c, page);
    return page.view(c, signedOutOfPageView({ ui: page.ui(c), logoutUrl: tenantLogoutUrl(page) }));
  });

  // The returnTo of the tenant's /v2/logout (in the application's Allowed Logout URLs).
  app.get('/signed-out', async (c) => {
    await endSession(c, page);
    return page.view(c, signedOutEverywhereView({ ui: page.ui(c) }));
  });
}

/** The tenant's logout for the page's application, returning to the page's signed-out view. */
export function tenantLogoutUrl(page: Page): string {
  const { tenantOrigin, clientId, baseUrl } = page.settings;
  return `${tenantOrigin}/v2/logout?${new URLSearchParams({ client_id: clientId, returnTo: signedOutUrl(baseUrl) })}`;
}

async function endSession(c: PageContext, page: Page): Promise<void> {
  const state = c.get('state');
  if (!state.session) return;
  const rest = { ...state };
  delete rest.session;
  await page.saveState(c, rest);
}

function emailOf(user: { email?: string }): { email?: string } {
  return user.email ? { email: user.email } : {};
}

/** The linked identity the form names, read again from the user: never the main one, never one the user does not hold. */
async function unlinkTarget(api: UserApi, userId: string, form: Record<string, string>) {
  const { provider, user_id: identityUserId } = form;
  if (!provider || !identityUserId) throw new PageError('bad_request', 'chooseAccount');
  const user = await api.getUser(userId);
  const [, ...linked] = user.identities;
  const target = linked.find((i) => i.provider === provider && String(i.user_id) === identityUserId);
  if (!target) throw new PageError('last_identity', 'cannotUnlink');
  return { user, target };
}

export function userApi(page: Page, accessToken: string): UserApi {
  return new UserApi(page.settings.tenantHost, accessToken, page.fetcher);
}

export function liveSession(page: Page, state: PageState): PageState['session'] {
  const session = state.session;
  return session && session.expiresAt > page.nowSeconds() ? session : undefined;
}

export function requireSession(page: Page, state: PageState): NonNullable<PageState['session']> {
  const session = liveSession(page, state);
  if (!session) throw new PageError('session_missing', 'sessionEnded');
  return session;
}

/** A token the tenant no longer accepts ends the page's session; the person signs in again. */
async function signedOutAfter(c: PageContext, page: Page, error: unknown): Promise<Response> {
  if (!(error instanceof UserApiError) || (error.httpStatus !== 401 && error.httpStatus !== 403)) throw error;
  c.set('logCode', logCodeOf(error));
  const state = { ...c.get('state') };
  delete state.session;
  await page.saveState(c, state);
  const ui = page.ui(c);
  return page.view(c, signedOutView({ ui, csrf: state.csrf, problem: ui.t.errors.sessionEnded }), 401);
}

/** When the page linked each identity (its records in user_metadata), for the list: `provider|user_id` → ISO time. */
export function linkedAtOf(user: { user_metadata?: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(userMetadataRecords(user.user_metadata).map((r) => [`${r.provider}|${r.identity_user_id}`, r.linked_at]));
}
