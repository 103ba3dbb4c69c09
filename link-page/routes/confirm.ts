// The confirm view's routes: read the Action's offer, start the sign-in with an offered connection, or decline (not now, never).
import type { Hono } from 'hono';
import type { Decision } from '../../actions/link-page-tokens.ts';
import type { Page, PageContext, PageEnv } from '../context.ts';
import { PageError } from '../errors.ts';
import { signProof, verifyOffer } from '../tokens.ts';
import { confirmView } from '../views/confirm.ts';
import { continueView } from '../views/continue.ts';
import { redirectView } from '../views/redirect.ts';

export function confirmRoutes(app: Hono<PageEnv>, page: Page): void {
  const { baseUrl, tenantHost } = page.settings;

  app.get('/link', async (c) => {
    const offerToken = c.req.query('offer');
    const transaction = c.req.query('state');
    if (offerToken === undefined && transaction === undefined) {
      // Reached again after the offer was read (a reload): the URL no longer carries it.
      const { confirm, csrf } = c.get('state');
      if (!confirm) throw new PageError('offer_invalid', 'There is no linking request to answer. Go back to the application and sign in again.');
      return page.view(c, confirmView({ baseUrl, csrf, offers: confirm.offer.offers }));
    }
    if (!offerToken || !transaction) throw new PageError('offer_invalid', 'This linking request is incomplete. Go back to the application and sign in again.');
    const offer = await verifyOffer(offerToken, page.keys, tenantHost, page.nowSeconds());
    const state = { ...c.get('state'), confirm: { offer, state: transaction } };
    delete state.attempt;
    await page.saveState(c, state);
    // The offer is kept in the cookie; a clean URL keeps it out of history and of anything that logs URLs later.
    return c.redirect(`${baseUrl}/link`, 303);
  });

  app.post('/link/sign-in', async (c) => {
    const state = c.get('state');
    const confirm = state.confirm;
    if (!confirm) throw new PageError('state_missing', 'This linking request has ended. Go back to the application and sign in again.');
    const offered = confirm.offer.offers[Number(c.get('form').account ?? '-1')];
    if (!offered) throw new PageError('bad_request', 'Choose one of the accounts shown.');
    const { url, attempt } = await page.oidc.start({ purpose: 'confirm', connection: offered.connection, fresh: true }, page.nowSeconds());
    await page.saveState(c, { ...state, attempt });
    return page.view(c, redirectView({ baseUrl, url }));
  });

  app.post('/link/decline', async (c) => {
    const decision = c.get('form').decision;
    if (decision !== 'later' && decision !== 'never') throw new PageError('bad_request', 'Choose Not now or Never ask again.');
    return answer(c, page, decision);
  });
}

/** Ends the confirm flow: the signed decision goes back to Auth0's /continue, and the offer is forgotten here. */
export async function answer(c: PageContext, page: Page, decision: Decision, proven?: string): Promise<Response> {
  const state = c.get('state');
  const confirm = state.confirm;
  if (!confirm) throw new PageError('state_missing', 'This linking request has ended. Go back to the application and sign in again.');
  const proof = await signProof(page.keys, {
    offer: confirm.offer,
    state: confirm.state,
    decision,
    ...(proven ? { proven } : {}),
    nowSeconds: page.nowSeconds(),
  });
  const rest = { ...state };
  delete rest.confirm;
  delete rest.attempt;
  await page.saveState(c, rest);
  const message =
    decision === 'link'
      ? 'Both accounts are confirmed as yours. They are linked as you continue.'
      : decision === 'later'
        ? 'We will ask again later.'
        : 'We will not ask again.';
  return page.continueView(c, continueView({ baseUrl: page.settings.baseUrl, continueUrl: page.continueUrl(confirm.state), proof, message }));
}
