// The view that hands the decision back to Auth0: a POST of link_proof to /continue. A link or "not now" is sent by script
// (or the button without JavaScript); "never" and "this is not me" stop here first, so the person reads what was decided.
import { html } from '../html.ts';
import { layout } from '../layout.ts';

/** What the person decided, as this view words it. */
export type Outcome = { kind: 'link' } | { kind: 'later' } | { kind: 'never' | 'not-me'; login: string; where: string };

/** Every word this view shows, in one place (issue 19 moves them to a catalogue). */
const TEXT = {
  title: 'Returning to the application',
  button: 'Continue to the application',
  link: 'Both accounts are confirmed as yours. They are linked as you continue.',
  later: 'We will ask again later.',
  neverTitle: 'We will not ask again',
  never: (login: string, where: string) =>
    `We will not ask you again to link your ${login} sign-in with your ${where} account. Your answer is saved as you continue.`,
  neverUndo: "If you change your mind later, ask the site's support: they can allow linking these accounts again.",
  notMeTitle: 'Nothing was linked',
  notMe: (login: string) => `Thank you. This sign-in with ${login} will never be offered for linking to your account again: that is saved as you continue.`,
  notMeAfter:
    'Continuing ends that sign-in without signing you in: the application will say the sign-in was refused. If you close this page instead, nothing is saved and nothing is linked.',
} as const;

export function continueView(input: { baseUrl: string; continueUrl: string; proof: string; outcome: Outcome }): string {
  const { baseUrl, continueUrl, proof, outcome } = input;
  const stops = outcome.kind === 'never' || outcome.kind === 'not-me';
  const head = stops ? undefined : html`<script src="${baseUrl}/static/auto-submit.js" defer></script>`;
  const [title, message, more] =
    outcome.kind === 'never'
      ? [TEXT.neverTitle, TEXT.never(outcome.login, outcome.where), TEXT.neverUndo]
      : outcome.kind === 'not-me'
        ? [TEXT.notMeTitle, TEXT.notMe(outcome.login), TEXT.notMeAfter]
        : [TEXT.title, TEXT[outcome.kind], undefined];
  const body = html`
    <p role="status">${message}</p>
    ${more ? html`<p>${more}</p>` : ''}
    <form method="post" action="${continueUrl}" ${stops ? '' : html`data-auto-submit`}>
      <input type="hidden" name="link_proof" value="${proof}" />
      <button class="primary" type="submit">${TEXT.button}</button>
    </form>
  `;
  return layout({ title, baseUrl, ...(head ? { head } : {}) }, body);
}
