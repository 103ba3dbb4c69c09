// A view with one message: an error a person can act on, or a short confirmation, with an optional way on.
import { html, type Html } from '../html.ts';
import { layout } from '../layout.ts';

export function messageView(input: { baseUrl: string; title: string; message: string; error?: boolean; next?: Html }): string {
  const { baseUrl, title, message, error, next } = input;
  const body = html`<p class="${error ? 'error' : ''}" ${error ? html`role="alert"` : ''}>${message}</p>
    ${next}`;
  return layout({ title, baseUrl }, body);
}
