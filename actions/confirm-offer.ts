// Confirmed linking, the redirect step: whether this login can be sent to the linking page, and the offer it carries.
// The offered user ids stay server-side in the transaction's metadata (kept across the redirect, read on /continue); the URL
// carries only the sealed offer (link-page-tokens.ts), which names them by keyed hash and holds no email.
import type { Config, LinkPageConfig } from './config.ts';
import { maskedEmail } from './email.ts';
import { deriveLinkKeys, MAX_OFFERS, OFFER_TTL_SECONDS, offerPayload, type LinkKeys } from './link-page-tokens.ts';
import type { Outcome } from './outcome.ts';
import type { PostLoginApi, PostLoginEvent, User } from './types.ts';

/**
 * Protocols of an interactive browser login, where Auth0 can follow api.redirect.sendUserTo. Not a refresh-token
 * exchange, not the password grants, not the other back-channel grants (redirect-with-actions.mdx, restrictions).
 */
const REDIRECTABLE = new Set(['oidc-basic-profile', 'oidc-implicit-profile', 'oidc-hybrid-profile', 'samlp', 'wsfed']);

export type RedirectBlocker = 'no linking page' | 'this login cannot be redirected' | 'the application did not start this login';

/**
 * Why this login cannot be sent to the page, or undefined when it can. prompt=none fails any redirect (interaction_required).
 * A login the application did not start (IdP-initiated SSO, which carries no application `state`) is never offered a link:
 * whoever runs that IdP can sign a victim's browser in as their own account and have the victim prove theirs (login CSRF).
 */
export function redirectBlocker(event: PostLoginEvent, config: Config): RedirectBlocker | undefined {
  if (!config.linkPage) return 'no linking page';
  const transaction = event.transaction;
  if (!REDIRECTABLE.has(String(transaction?.protocol)) || transaction?.prompt?.includes('none')) return 'this login cannot be redirected';
  if (typeof transaction?.state !== 'string' || transaction.state === '') return 'the application did not start this login';
  return undefined;
}

const keysBySecret = new Map<string, Promise<LinkKeys>>();

/** The offer and proof keys of LINK_SECRET, derived once per instance. */
export function linkKeys(secret: string): Promise<LinkKeys> {
  let keys = keysBySecret.get(secret);
  if (!keys) keysBySecret.set(secret, (keys = deriveLinkKeys(secret)));
  return keys;
}

/**
 * The transaction metadata key of the offered user ids (a JSON array): Auth0 keeps transaction metadata across the redirect,
 * where api.cache is best effort and may lose it (limitations.mdx). The one list /continue accepts a proof for.
 */
export const OFFER_METADATA_KEY = 'auto_link_offer';

/** The user ids this transaction offered, or undefined when it offered none or the record is unreadable. */
export function offeredIds(event: PostLoginEvent): string[] | undefined {
  const value = event.transaction?.metadata?.[OFFER_METADATA_KEY];
  if (typeof value !== 'string') return undefined;
  try {
    const ids: unknown = JSON.parse(value);
    return Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the person to the linking page with a sealed offer of `accounts` (oldest first, at most MAX_OFFERS). */
export async function sendOffer(event: PostLoginEvent, api: PostLoginApi, page: LinkPageConfig, accounts: User[]): Promise<Outcome> {
  const chosen = accounts.slice(0, MAX_OFFERS);
  const keys = await linkKeys(page.secret);
  // The account signing in now, as the page names it: the person must see which account a link would give access to.
  const login = { provider: event.connection.strategy, connection: event.connection.name, hint: maskedEmail(event.user.email ?? '') };
  const offers = chosen.map((u) => ({ user_id: u.user_id, provider: u.identities[0]!.provider, connection: u.identities[0]!.connection }));
  const payload = await offerPayload(keys, event.user.user_id, login, offers);
  const offer = api.redirect.encodeToken({ secret: keys.offerKey, expiresInSeconds: OFFER_TTL_SECONDS, payload });
  api.transaction.setMetadata(OFFER_METADATA_KEY, JSON.stringify(chosen.map((u) => u.user_id)));
  api.redirect.sendUserTo(page.url, { query: { offer } });
  return { kind: 'offered', offered: chosen.map((u) => u.user_id) };
}
