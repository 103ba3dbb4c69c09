// The confirm view: who is signing in now and which account they are asked to prove, what linking gives, and the ways out
// (not now, never, "this is not me"); and the choice between two offers when a second one arrives while one is open.
import type { LoginSide, OfferClaims } from '../../actions/link-page-tokens.ts';
import { html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { connectionLabel, type ConnectionLabels } from './connection-label.ts';

/** Every word these views show, in one place (issue 19 moves them to a catalogue). */
const TEXT = {
  title: 'Link your accounts?',
  signingIn: (login: string, hint: string) => html`You are signing in with <strong>${login}</strong> as <strong>${hint}</strong>.`,
  other: (where: string) => html`An account with the same email address already exists. You sign in to it with <strong>${where}</strong>.`,
  gives: (login: string, hint: string, where: string) =>
    `If you link them, anyone who can sign in with ${login} as ${hint} will then be able to sign in to your ${where} account, and the other way round. Link them only if both are yours.`,
  fresh: (where: string) => `To link, you sign in to your ${where} account once more, even if you did recently. Nothing is linked unless you do.`,
  linkHeading: 'Link them',
  prove: (label: string) => `Sign in with ${label} to link`,
  apartHeading: 'Or keep them apart',
  later: 'Not now',
  never: 'Never ask again',
  notMeHeading: 'Did you not start this sign-in?',
  notMe: (login: string, where: string) =>
    `If you did not just sign in with ${login}, someone may be trying to get into your account: do not sign in with ${where} here. Tell us, and this sign-in will never be offered for linking to your account again.`,
  notMeButton: (login: string) => `This is not me: I did not sign in with ${login}`,
  or: ' or ',
  chooseTitle: 'Which sign-in is yours?',
  chooseIntro: 'This browser already has a request to link accounts open, and a new one has arrived. Answer only the one for the sign-in you started.',
  earlier: 'Earlier request: ',
  newer: 'New request: ',
  request: (login: string, hint: string) => html`signing in with <strong>${login}</strong> as <strong>${hint}</strong>`,
  chooseWarning: (login: string) => `If you did not just start a sign-in with ${login}, someone else may have sent you here: keep the earlier request.`,
  keepEarlier: (login: string) => `Keep the earlier request: ${login}`,
  takeNew: (login: string) => `Switch to the new request: ${login}`,
} as const;

export interface ConfirmInput {
  baseUrl: string;
  csrf: string;
  offer: Pick<OfferClaims, 'login' | 'offers'>;
  labels: ConnectionLabels;
  problem?: string;
}

export function confirmView(input: ConfirmInput): string {
  const { baseUrl, csrf, offer, labels, problem } = input;
  const login = connectionLabel(offer.login.connection, labels);
  const hint = offer.login.hint;
  const where = offeredWhere(offer.offers, labels);
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>${TEXT.signingIn(login, hint)}</p>
    <p>${TEXT.other(where)}</p>
    <p>${TEXT.gives(login, hint, where)}</p>
    <p class="note">${TEXT.fresh(where)}</p>
    <h2>${TEXT.linkHeading}</h2>
    ${offer.offers.map((offered, index) =>
      postForm(
        `${baseUrl}/link/sign-in`,
        csrf,
        { account: String(index) },
        html`<button class="primary" type="submit">${TEXT.prove(connectionLabel(offered.connection, labels))}</button>`,
      ),
    )}
    <h2>${TEXT.apartHeading}</h2>
    <form method="post" action="${baseUrl}/link/decline" class="choices">
      <input type="hidden" name="csrf" value="${csrf}" />
      <button type="submit" name="decision" value="later">${TEXT.later}</button>
      <button type="submit" name="decision" value="never">${TEXT.never}</button>
    </form>
    <h2>${TEXT.notMeHeading}</h2>
    <p>${TEXT.notMe(login, where)}</p>
    ${postForm(`${baseUrl}/link/decline`, csrf, { decision: 'not-me' }, html`<button class="danger" type="submit">${TEXT.notMeButton(login)}</button>`)}
  `;
  return layout({ title: TEXT.title, baseUrl }, body);
}

/** The connections of the accounts to prove, "Google or GitHub": only their connections, since whoever holds the login must learn nothing else of them. */
export function offeredWhere(offers: OfferClaims['offers'], labels: ConnectionLabels): string {
  return [...new Set(offers.map((o) => connectionLabel(o.connection, labels)))].join(TEXT.or);
}

/** Two offers: the one this browser holds and one that arrived since. Only the person's POST replaces the earlier one. */
export function chooseOfferView(input: { baseUrl: string; csrf: string; earlier: LoginSide; newer: LoginSide; labels: ConnectionLabels }): string {
  const { baseUrl, csrf, earlier, newer, labels } = input;
  const earlierLogin = connectionLabel(earlier.connection, labels);
  const newerLogin = connectionLabel(newer.connection, labels);
  const body = html`
    <p>${TEXT.chooseIntro}</p>
    <ul>
      <li>${TEXT.earlier}${TEXT.request(earlierLogin, earlier.hint)}</li>
      <li>${TEXT.newer}${TEXT.request(newerLogin, newer.hint)}</li>
    </ul>
    <p class="note">${TEXT.chooseWarning(newerLogin)}</p>
    <form method="post" action="${baseUrl}/link/choose" class="choices">
      <input type="hidden" name="csrf" value="${csrf}" />
      <button class="primary" type="submit" name="choice" value="earlier">${TEXT.keepEarlier(earlierLogin)}</button>
      <button type="submit" name="choice" value="new">${TEXT.takeNew(newerLogin)}</button>
    </form>
  `;
  return layout({ title: TEXT.chooseTitle, baseUrl }, body);
}
