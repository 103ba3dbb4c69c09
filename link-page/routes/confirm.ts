// The confirm view's routes: read the Action's offer (never replacing an open one on a GET), choose between two offers, start
// the sign-in with an offered connection, or decline (not now, never, "this is not me").
import type { Hono } from 'hono';
import type { Decision } from '../../actions/link-page-tokens.ts';
import type { Page, PageContext, PageEnv } from '../context.ts';
import { PageError } from '../errors.ts';
import type { PageState, PendingOffer } from '../page-state.ts';
import { signProof, verifyOffer } from '../tokens.ts';
import { chooseOfferView, confirmView, loginLabel, offeredWhere } from '../views/confirm.ts';
import { continueView, type Outcome } from '../views/continue.ts';
import { redirectView } from '../views/redirect.ts';

const DECLINES = { later: 'later', never: 'never', 'not-me': 'never' } as const satisfies Record<string, Decision>;

export function confirmRoutes(app: Hono<PageEnv>, page: Page): void {
  const { baseUrl, tenantHost, connectionLabels: labels } = page.settings;

  app.get('/link', async (c) => {
    const offerToken = c.req.query('offer');
    const transaction = c.req.query('state');
    const state = c.get('state');
    if (offerToken === undefined && transaction === undefined) {
      // Reached again after the offer was read (a reload): the URL no longer carries it.
      const { confirm, incoming, csrf } = state;
      const ui = page.ui(c);
      if (confirm && incoming) return page.view(c, chooseOfferView({ ui, csrf, earlier: confirm.offer.login, newer: incoming.offer.login, labels }));
      if (!confirm) throw new PageError('offer_invalid', 'noRequest');
      return page.view(c, confirmView({ ui, csrf, offer: confirm.offer, labels }));
    }
    if (!offerToken || !transaction) throw new PageError('offer_invalid', 'requestIncomplete');
    const arriving: PendingOffer = { offer: await verifyOffer(offerToken, page.keys, tenantHost, page.nowSeconds()), state: transaction };
    await page.saveState(c, received(state, arriving, page.nowSeconds()));
    // The offer is kept in the cookie; a clean URL keeps it out of history and of anything that logs URLs later.
    return c.redirect(`${baseUrl}/link`, 303);
  });

  app.post('/link/choose', async (c) => {
    const state = c.get('state');
    const incoming = state.incoming;
    if (!incoming) throw new PageError('state_missing', 'noOtherRequest');
    const choice = c.get('form').choice;
    if (choice !== 'new' && choice !== 'earlier') throw new PageError('bad_request', 'chooseRequest');
    const next: PageState = { ...state };
    delete next.incoming;
    if (choice === 'new') {
      if (incoming.offer.exp <= page.nowSeconds()) {
        await page.saveState(c, next);
        throw new PageError('offer_invalid', 'newRequestExpired');
      }
      next.confirm = incoming;
      delete next.attempt;
    }
    await page.saveState(c, next);
    return c.redirect(`${baseUrl}/link`, 303);
  });

  app.post('/link/sign-in', async (c) => {
    const state = c.get('state');
    const confirm = state.confirm;
    if (!confirm) throw new PageError('state_missing', 'requestEnded');
    const offered = confirm.offer.offers[Number(c.get('form').account ?? '-1')];
    if (!offered) throw new PageError('bad_request', 'chooseAccount');
    const { url, attempt } = await page.oidc.start(
      { purpose: 'confirm', connection: offered.connection, fresh: true, uiLocales: c.get('lang') },
      page.nowSeconds(),
    );
    await page.saveState(c, { ...state, attempt });
    return page.view(c, redirectView({ ui: page.ui(c), url }));
  });

  app.post('/link/decline', async (c) => {
    const choice = c.get('form').decision;
    if (choice !== 'later' && choice !== 'never' && choice !== 'not-me') throw new PageError('bad_request', 'chooseDecline');
    return answer(c, page, DECLINES[choice], undefined, choice === 'not-me');
  });
}

/**
 * The state after an offer arrived by GET. Any site can make a browser send that GET, so it never replaces an open offer
 * of another transaction: that one stays, and the new one waits in `incoming` until the person chooses with a POST.
 * With no open offer (none, or an expired one) the new one is taken, as the Action's redirect needs.
 */
function received(state: PageState, arriving: PendingOffer, nowSeconds: number): PageState {
  const open = state.confirm && state.confirm.offer.exp > nowSeconds ? state.confirm : undefined;
  if (open && open.state === arriving.state && open.offer.sub === arriving.offer.sub) return state;
  if (open) return { ...state, incoming: arriving };
  const next: PageState = { ...state, confirm: arriving };
  delete next.incoming;
  delete next.attempt;
  return next;
}

/** Ends the confirm flow: the signed decision goes back to Auth0's /continue, and the offers are forgotten here. */
export async function answer(c: PageContext, page: Page, decision: Decision, proven?: string, notMe = false): Promise<Response> {
  const state = c.get('state');
  const confirm = state.confirm;
  if (!confirm) throw new PageError('state_missing', 'requestEnded');
  const proof = await signProof(page.keys, {
    offer: confirm.offer,
    state: confirm.state,
    decision,
    ...(proven ? { proven } : {}),
    ...(notMe ? { notMe: true } : {}),
    nowSeconds: page.nowSeconds(),
  });
  const rest = { ...state };
  delete rest.confirm;
  delete rest.incoming;
  delete rest.attempt;
  await page.saveState(c, rest);
  const labels = page.settings.connectionLabels;
  const ui = page.ui(c);
  const login = loginLabel(ui, confirm.offer.login, labels);
  const where = offeredWhere(ui, confirm.offer.offers, labels);
  const outcome: Outcome = decision === 'never' ? { kind: notMe ? 'not-me' : 'never', login, where } : { kind: decision };
  return page.continueView(c, continueView({ ui, continueUrl: page.continueUrl(confirm.state), proof, outcome }));
}
