// A view with one message: an error a person can act on, or a short confirmation, and a way on (a link back).
import { html } from '../html.ts';
import { layout } from '../layout.ts';
import type { Ui } from '../ui.ts';

export function messageView(input: { ui: Ui; title: string; message: string; error?: boolean; back?: { href: string; label: string } }): string {
  const { ui, title, message, error, back } = input;
  const body = html`<p class="${error ? 'error' : ''}" ${error ? html`role="alert"` : ''}>${message}</p>
    ${back ? html`<p><a class="button" href="${back.href}">${back.label}</a></p>` : ''}`;
  return layout(ui, { title }, body);
}
