// The view that hands the decision back to Auth0: a POST of link_proof to /continue. A link or "not now" is sent by script
// (or the button without JavaScript); "never" and "this is not me" stop here first, so the person reads what was decided
// and who can clear it. Its words are the catalogue's `continue` section.
import { fill } from '../i18n/catalogue.ts';
import { html } from '../html.ts';
import { layout } from '../layout.ts';
import type { Ui } from '../ui.ts';

/** What the person decided, as this view words it. */
export type Outcome = { kind: 'link' } | { kind: 'later' } | { kind: 'never' | 'not-me'; login: string; where: string };

export function continueView(input: { ui: Ui; continueUrl: string; proof: string; outcome: Outcome }): string {
  const { ui, continueUrl, proof, outcome } = input;
  const TEXT = ui.t.continue;
  const stops = outcome.kind === 'never' || outcome.kind === 'not-me';
  const head = stops ? undefined : html`<script src="${ui.baseUrl}/static/auto-submit.js" defer></script>`;
  const [title, message, more] =
    outcome.kind === 'never'
      ? [TEXT.neverTitle, fill(TEXT.never, { login: outcome.login, where: outcome.where }), TEXT.neverChangeMind]
      : outcome.kind === 'not-me'
        ? [TEXT.notMeTitle, fill(TEXT.notMe, { login: outcome.login }), TEXT.notMeAfter]
        : [TEXT.title, TEXT[outcome.kind], undefined];
  const body = html`
    <p role="status">${message}</p>
    ${more ? html`<p>${more}</p>` : ''}
    <form method="post" action="${continueUrl}" ${stops ? '' : html`data-auto-submit`}>
      <input type="hidden" name="link_proof" value="${proof}" />
      <button class="primary" type="submit">${TEXT.button}</button>
    </form>
  `;
  return layout(ui, { title, ...(head ? { head } : {}) }, body);
}
