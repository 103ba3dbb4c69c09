// The page's one OIDC callback: finishes the attempt the state cookie remembers (prove an offered account, sign in, link another).
import type { Hono } from 'hono';
import type { Page, PageContext, PageEnv } from '../context.ts';
import { offeredAccountOf } from '../../actions/link-page-tokens.ts';
import { relinkedPatch } from '../../actions/unlink-choice.ts';
import { connectedLinkRecord, recordAsBefore, withRecord } from '../audit.ts';
import { logCodeOf, PageError } from '../errors.ts';
import { UserApiError } from '../management.ts';
import { SESSION_TTL_SECONDS, type Attempt, type PageState } from '../page-state.ts';
import { accountsView, signedOutView } from '../views/accounts.ts';
import { confirmView } from '../views/confirm.ts';
import { linkedAtOf, requireSession, userApi } from './accounts.ts';
import { answer } from './confirm.ts';

export function callbackRoutes(app: Hono<PageEnv>, page: Page): void {
  app.get('/callback', async (c) => {
    const state = c.get('state');
    const attempt = state.attempt;
    if (!attempt) throw new PageError('state_missing', 'signInUnknown');
    // One use: whatever happens next, this attempt's code, nonce and verifier are spent.
    const rest: PageState = { ...state };
    delete rest.attempt;
    c.set('state', rest);
    const callbackUrl = new URL(c.req.url);
    const publicUrl = new URL(`${page.oidc.redirectUri}${callbackUrl.search}`);
    switch (attempt.purpose) {
      case 'confirm':
        return proveOffered(c, page, attempt, publicUrl);
      case 'sign-in':
        return signIn(c, page, attempt, publicUrl);
      case 'link':
        return linkAnother(c, page, attempt, publicUrl);
    }
  });
}

/** The confirm flow: only a fresh sign-in to one of the offered accounts makes a link proof. */
async function proveOffered(c: PageContext, page: Page, attempt: Attempt, url: URL): Promise<Response> {
  const state = c.get('state');
  const confirm = state.confirm;
  if (!confirm) throw new PageError('state_missing', 'requestEnded');
  const again = async (error: PageError): Promise<Response> => {
    c.set('logCode', logCodeOf(error));
    await page.saveState(c, state);
    const ui = page.ui(c);
    return page.view(
      c,
      confirmView({ ui, csrf: state.csrf, offer: confirm.offer, labels: page.settings.connectionLabels, problem: ui.t.errors[error.key] }),
      error.status,
    );
  };
  let sub: string;
  try {
    sub = (await page.oidc.finish(url, attempt, true, page.nowSeconds())).sub;
  } catch (error) {
    if (error instanceof PageError) return again(error);
    throw error;
  }
  if (!(await offeredAccountOf(page.keys, confirm.offer, sub))) {
    return again(new PageError('not_offered', 'notOffered'));
  }
  return answer(c, page, 'link', sub);
}

/**
 * Connected accounts: only a fresh sign-in (auth_time within this attempt) opens the view, and the session ends
 * SESSION_TTL_SECONDS after that authentication, or with its token if sooner.
 */
async function signIn(c: PageContext, page: Page, attempt: Attempt, url: URL): Promise<Response> {
  const signedIn = await page.oidc.finish(url, attempt, true, page.nowSeconds()).catch(async (error: unknown) => {
    await page.saveState(c, c.get('state'));
    throw error;
  });
  const expiresAt = Math.min(signedIn.expiresAt, (signedIn.authTime ?? 0) + SESSION_TTL_SECONDS);
  await page.saveState(c, { ...c.get('state'), session: { sub: signedIn.sub, accessToken: signedIn.accessToken, expiresAt } });
  return c.redirect(`${page.settings.baseUrl}/accounts`, 303);
}

/** Connected accounts: record the link on the primary, then link_with the fresh sign-in's ID token, both with the person's token. */
async function linkAnother(c: PageContext, page: Page, attempt: Attempt, url: URL): Promise<Response> {
  const state = c.get('state');
  await page.saveState(c, state);
  const { connections, connectionLabels: labels } = page.settings;
  const ui = page.ui(c);
  const session = requireSession(page, state);
  const other = await page.oidc.finish(url, attempt, true, page.nowSeconds());
  if (other.sub === session.sub) throw new PageError('same_account', 'sameAccount');
  const api = userApi(page, session.accessToken);
  try {
    const user = await api.getUser(session.sub);
    // Written before the link: if the link is made and the answer lost, the record is there for an undo.
    await api.setUserMetadata(session.sub, withRecord(connectedLinkRecord(other.sub, attempt.connection, new Date(page.nowSeconds() * 1000))));
    const identities = await api.linkWith(session.sub, other.idToken).catch(async (error: unknown) => {
      // A refusal proves nothing was linked: the record goes again. Without an answer the link may exist, so it stays.
      if (error instanceof UserApiError && error.httpStatus !== undefined && error.httpStatus < 500) {
        await api.setUserMetadata(session.sub, recordAsBefore(user.user_metadata, other.sub)).catch(() => undefined);
      }
      throw error;
    });
    // Linked back by the person: an earlier "keep apart" for these identities no longer names another account. Best effort:
    // a leftover entry names only identities this user holds, which refuses no link.
    await api.setUserMetadata(session.sub, relinkedPatch(user.user_metadata, identities), 'recordLink').catch(() => undefined);
    return page.view(
      c,
      accountsView({
        ui,
        csrf: state.csrf,
        identities,
        ...(user.email ? { email: user.email } : {}),
        connections,
        labels,
        linkedAt: { ...linkedAtOf(user), [other.sub]: new Date(page.nowSeconds() * 1000).toISOString() },
        notice: { kind: 'linked' },
      }),
    );
  } catch (error) {
    if (error instanceof UserApiError && error.httpStatus === 401) {
      c.set('logCode', logCodeOf(error));
      return page.view(c, signedOutView({ ui, csrf: state.csrf, problem: ui.t.errors.sessionEnded }), 401);
    }
    throw error;
  }
}
