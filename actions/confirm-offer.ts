// Confirmed linking, the redirect step: whether this login can be sent to the linking page, and the offer it carries.
// The offer lists the accounts the person may prove (user_id, provider, connection), never an email: it travels in a URL.
import type { Config, LinkPageConfig } from './config.ts';
import { deriveLinkKeys, MAX_OFFERS, OFFER_TTL_SECONDS, OFFER_TYP, type LinkKeys, type OfferedAccount } from './link-page-tokens.ts';
import type { Outcome } from './outcome.ts';
import type { PostLoginApi, PostLoginEvent, User } from './types.ts';

/**
 * Protocols of an interactive browser login, where Auth0 can follow api.redirect.sendUserTo. Not a refresh-token
 * exchange, not the password grants, not the other back-channel grants (redirect-with-actions.mdx, restrictions).
 */
const REDIRECTABLE = new Set(['oidc-basic-profile', 'oidc-implicit-profile', 'oidc-hybrid-profile', 'samlp', 'wsfed']);

export type RedirectBlocker = 'no linking page' | 'this login cannot be redirected';

/** Why this login cannot be sent to the page, or undefined when it can. prompt=none fails any redirect (interaction_required). */
export function redirectBlocker(event: PostLoginEvent, config: Config): RedirectBlocker | undefined {
  if (!config.linkPage) return 'no linking page';
  const transaction = event.transaction;
  if (!REDIRECTABLE.has(String(transaction?.protocol)) || transaction?.prompt?.includes('none')) return 'this login cannot be redirected';
  return undefined;
}

const keysBySecret = new Map<string, Promise<LinkKeys>>();

/** The offer and proof keys of LINK_SECRET, derived once per instance. */
export function linkKeys(secret: string): Promise<LinkKeys> {
  let keys = keysBySecret.get(secret);
  if (!keys) keysBySecret.set(secret, (keys = deriveLinkKeys(secret)));
  return keys;
}

/** The api.cache key remembering what this transaction offered, for /continue (best effort: the cache may lose it). */
export function offerCacheKey(event: PostLoginEvent): string | undefined {
  const id = event.transaction?.id;
  return id ? `auto-link-offer:${id}`.slice(0, 64) : undefined;
}

/** Sends the person to the linking page with a signed offer of `accounts` (oldest first, at most MAX_OFFERS). */
export async function sendOffer(event: PostLoginEvent, api: PostLoginApi, page: LinkPageConfig, accounts: User[]): Promise<Outcome> {
  const offers: OfferedAccount[] = accounts
    .slice(0, MAX_OFFERS)
    .map((u) => ({ user_id: u.user_id, provider: u.identities[0]!.provider, connection: u.identities[0]!.connection }));
  const { offerKey } = await linkKeys(page.secret);
  const offer = api.redirect.encodeToken({ secret: offerKey, expiresInSeconds: OFFER_TTL_SECONDS, payload: { typ: OFFER_TYP, offers } });
  const key = offerCacheKey(event);
  if (key) api.cache.set(key, JSON.stringify(offers.map((o) => o.user_id)), { ttl: OFFER_TTL_SECONDS * 1000 });
  api.redirect.sendUserTo(page.url, { query: { offer } });
  return { kind: 'offered', offered: offers.map((o) => o.user_id) };
}
