// The step between a sign-in button and the tenant: a meta refresh (no form submission, so form-action stays 'self') and a link.
import { html } from '../html.ts';
import { layout } from '../layout.ts';
import type { Ui } from '../ui.ts';

export function redirectView(input: { ui: Ui; url: string }): string {
  const head = html`<meta http-equiv="refresh" content="0;url=${input.url}" />`;
  const body = html`<p><a href="${input.url}">${input.ui.t.redirect.link}</a></p>`;
  return layout(input.ui, { title: input.ui.t.redirect.title, head }, body);
}
