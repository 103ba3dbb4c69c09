// The confirm view: who is signing in now and which account they are asked to prove, what linking gives, and the ways out
// (not now, never, "this is not me"); and the choice between two offers when a second one arrives while one is open.
// Its words are the catalogue's `confirm` section (link-page/i18n/).
import type { LoginSide, OfferClaims } from '../../actions/link-page-tokens.ts';
import { fill, fillStrong } from '../i18n/catalogue.ts';
import { html } from '../html.ts';
import { layout, postForm } from '../layout.ts';
import { orList, type Ui } from '../ui.ts';
import { connectionLabel, type ConnectionLabels } from './connection-label.ts';

export interface ConfirmInput {
  ui: Ui;
  csrf: string;
  offer: Pick<OfferClaims, 'login' | 'offers'>;
  labels: ConnectionLabels;
  problem?: string;
}

/** The login side's connection as the person knows it. */
export function loginLabel(ui: Ui, login: LoginSide, labels: ConnectionLabels): string {
  return connectionLabel(login.connection, labels, { t: ui.t, provider: login.provider });
}

export function confirmView(input: ConfirmInput): string {
  const { ui, csrf, offer, labels, problem } = input;
  const { baseUrl } = ui;
  const TEXT = ui.t.confirm;
  const login = loginLabel(ui, offer.login, labels);
  const hint = offer.login.hint;
  const where = offeredWhere(ui, offer.offers, labels);
  const body = html`
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
    <p>${fillStrong(TEXT.signingIn, { login, hint })}</p>
    <p>${fillStrong(TEXT.other, { where })}</p>
    <p>${fill(TEXT.gives, { login, hint, where })}</p>
    <p class="note">${fill(TEXT.fresh, { where })}</p>
    <h2>${TEXT.linkHeading}</h2>
    ${offer.offers.map((offered, index) =>
      postForm(
        `${baseUrl}/link/sign-in`,
        csrf,
        { account: String(index) },
        html`<button class="primary" type="submit">
          ${fill(TEXT.prove, { label: connectionLabel(offered.connection, labels, { t: ui.t, provider: offered.provider }) })}
        </button>`,
      ),
    )}
    <h2>${TEXT.apartHeading}</h2>
    <form method="post" action="${baseUrl}/link/decline" class="choices">
      <input type="hidden" name="csrf" value="${csrf}" />
      <button type="submit" name="decision" value="later">${TEXT.later}</button>
      <button type="submit" name="decision" value="never">${TEXT.never}</button>
    </form>
    <h2>${TEXT.notMeHeading}</h2>
    <p>${fill(TEXT.notMe, { login, where })}</p>
    ${postForm(`${baseUrl}/link/decline`, csrf, { decision: 'not-me' }, html`<button class="danger" type="submit">${fill(TEXT.notMeButton, { login })}</button>`)}
  `;
  return layout(ui, { title: TEXT.title }, body);
}

/** The connections of the accounts to prove, "Google or GitHub": only their connections, since whoever holds the login must learn nothing else of them. */
export function offeredWhere(ui: Ui, offers: OfferClaims['offers'], labels: ConnectionLabels): string {
  return orList(ui, [...new Set(offers.map((o) => connectionLabel(o.connection, labels, { t: ui.t, provider: o.provider })))]);
}

/** Two offers: the one this browser holds and one that arrived since. Only the person's POST replaces the earlier one. */
export function chooseOfferView(input: { ui: Ui; csrf: string; earlier: LoginSide; newer: LoginSide; labels: ConnectionLabels }): string {
  const { ui, csrf, earlier, newer, labels } = input;
  const TEXT = ui.t.confirm;
  const earlierLogin = loginLabel(ui, earlier, labels);
  const newerLogin = loginLabel(ui, newer, labels);
  const body = html`
    <p>${TEXT.chooseIntro}</p>
    <ul>
      <li>${TEXT.earlier}${fillStrong(TEXT.request, { login: earlierLogin, hint: earlier.hint })}</li>
      <li>${TEXT.newer}${fillStrong(TEXT.request, { login: newerLogin, hint: newer.hint })}</li>
    </ul>
    <p class="note">${fill(TEXT.chooseWarning, { login: newerLogin })}</p>
    <form method="post" action="${ui.baseUrl}/link/choose" class="choices">
      <input type="hidden" name="csrf" value="${csrf}" />
      <button class="primary" type="submit" name="choice" value="earlier">${fill(TEXT.keepEarlier, { login: earlierLogin })}</button>
      <button type="submit" name="choice" value="new">${fill(TEXT.takeNew, { login: newerLogin })}</button>
    </form>
  `;
  return layout(ui, { title: TEXT.chooseTitle }, body);
}
