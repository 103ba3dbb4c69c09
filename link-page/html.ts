// The views' HTML templates are Hono's (`hono/html`): every interpolated value is escaped unless it is already markup (a
// nested template, or Hono's `raw`); arrays of fragments are joined, and false, null and undefined print nothing.
import { html as honoHtml } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Escaped markup, as a view builds and nests it. */
export type Html = HtmlEscapedString;

/** Hono's `html` tagged template, kept synchronous: no view interpolates a promise. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const out = honoHtml(strings, ...values);
  if (out instanceof Promise) throw new TypeError('a view interpolated a promise: the views render synchronously');
  return out;
}
