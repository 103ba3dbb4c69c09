// The connected accounts routes: sign in to the page, list identities, start linking another account, unlink one, sign out.
import type { Hono } from 'hono';
import type { Page, PageContext, PageEnv } from '../context.ts';
import { unlinkedAsBefore, unlinkedPatch } from '../../actions/unlink-choice.ts';
import { withoutRecord } from '../audit.ts';
import { PageError } from '../errors.ts';
import { UserApi, ManagementError } from '../management.ts';
import type { PageState } from '../page-state.ts';
import { accountsView, signedOutView } from '../views/accounts.ts';
import { redirectView } from '../views/redirect.ts';

export function accountsRoutes(app: Hono<PageEnv>, page: Page): void {
  const { baseUrl, connections } = page.settings;

  app.get('/accounts', async (c) => {
    const state = c.get('state');
    const session = liveSession(page, state);
    if (!session) return page.view(c, signedOutView({ baseUrl, csrf: state.csrf }));
    try {
      const user = await userApi(page, session.accessToken).getUser(session.sub);
      return page.view(c, accountsView({ baseUrl, csrf: state.csrf, identities: user.identities, connections }));
    } catch (error) {
      return signedOutAfter(c, page, error);
    }
  });

  app.post('/accounts/sign-in', async (c) => {
    const { url, attempt } = await page.oidc.start({ purpose: 'sign-in', managementApi: true, fresh: false }, page.nowSeconds());
    await page.saveState(c, { ...c.get('state'), attempt });
    return page.view(c, redirectView({ baseUrl, url }));
  });

  app.post('/accounts/link', async (c) => {
    requireSession(page, c.get('state'));
    const connection = c.get('form').connection;
    if (connections.length > 0 ? !connection || !connections.includes(connection) : connection !== undefined) {
      throw new PageError('bad_request', 'Choose one of the accounts shown.');
    }
    const { url, attempt } = await page.oidc.start({ purpose: 'link', fresh: true, ...(connection ? { connection } : {}) }, page.nowSeconds());
    await page.saveState(c, { ...c.get('state'), attempt });
    return page.view(c, redirectView({ baseUrl, url }));
  });

  app.post('/accounts/unlink', async (c) => {
    const state = c.get('state');
    const session = requireSession(page, state);
    const { provider, user_id: identityUserId } = c.get('form');
    if (!provider || !identityUserId) throw new PageError('bad_request', 'Choose one of the accounts shown.');
    const api = userApi(page, session.accessToken);
    try {
      const user = await api.getUser(session.sub);
      const [, ...linked] = user.identities;
      const target = linked.find((i) => i.provider === provider && String(i.user_id) === identityUserId);
      if (!target) throw new PageError('last_identity', 'That account is not one you can unlink here: your main account and your last way to sign in stay.');
      // The person's choice first, on this account (their token writes its user_metadata only): were the unlink made and
      // this write lost, the Action would find the two by email at the next login and link them back.
      const chose = unlinkedPatch(provider, identityUserId, new Date(page.nowSeconds() * 1000));
      await api.setUserMetadata(session.sub, chose, 'record your choice, so nothing was unlinked');
      const remaining = await api.unlink(session.sub, provider, identityUserId).catch(async (error: unknown) => {
        // A refusal proves nothing was unlinked: the choice goes back as it was. Without an answer it may be unlinked: it stays.
        if (error instanceof ManagementError && error.httpStatus !== undefined && error.httpStatus < 500) {
          await api.setUserMetadata(session.sub, unlinkedAsBefore(user.user_metadata, provider, identityUserId)).catch(() => undefined);
        }
        throw error;
      });
      // The record would let an undo unlink it again; it is a standalone account now.
      await api.setUserMetadata(session.sub, withoutRecord(user.user_metadata, provider, identityUserId)).catch(() => undefined);
      return page.view(
        c,
        accountsView({
          baseUrl,
          csrf: state.csrf,
          identities: remaining,
          connections,
          notice: 'The account was unlinked; it is a separate account again, and it will not be linked back automatically.',
        }),
      );
    } catch (error) {
      if (error instanceof ManagementError && error.httpStatus === 401) return signedOutAfter(c, page, error);
      throw error;
    }
  });

  app.post('/accounts/sign-out', async (c) => {
    const state = { ...c.get('state') };
    delete state.session;
    await page.saveState(c, state);
    return c.redirect(`${baseUrl}/accounts`, 303);
  });
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
  if (!session) throw new PageError('session_missing', 'Your sign-in to this page has ended. Sign in again.');
  return session;
}

/** A token the tenant no longer accepts ends the page's session; the person signs in again. */
async function signedOutAfter(c: PageContext, page: Page, error: unknown): Promise<Response> {
  if (!(error instanceof ManagementError) || (error.httpStatus !== 401 && error.httpStatus !== 403)) throw error;
  c.set('logCode', error.code);
  const state = { ...c.get('state') };
  delete state.session;
  await page.saveState(c, state);
  return page.view(c, signedOutView({ baseUrl: page.settings.baseUrl, csrf: state.csrf, problem: 'Your sign-in to this page has ended. Sign in again.' }), 401);
}
