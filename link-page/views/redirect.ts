// The step between a sign-in button and the tenant: a meta refresh (no form submission, so form-action stays 'self') and a link.
import { html } from '../html.ts';
import { layout } from '../layout.ts';

export function redirectView(input: { baseUrl: string; url: string }): string {
  const head = html`<meta http-equiv="refresh" content="0;url=${input.url}" />`;
  const body = html`<p><a href="${input.url}">Continue to sign in</a></p>`;
  return layout({ title: 'Signing in', baseUrl: input.baseUrl, head }, body);
}
