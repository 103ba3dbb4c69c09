// The page's languages: the catalogues, choosing one for a request (ui_locales, then Accept-Language with its q-values,
// then English), and filling a catalogue text's {placeholders}, as text or as HTML with each value in <strong>.
import { html, type Html } from '../html.ts';
import { de } from './de.ts';
import { en, type Catalogue } from './en.ts';
import { fr } from './fr.ts';

export type { Catalogue } from './en.ts';

export const CATALOGUES = { en, de, fr } as const satisfies Record<string, Catalogue>;
export type Lang = keyof typeof CATALOGUES;
export const LANGS = Object.keys(CATALOGUES) as Lang[];
export const DEFAULT_LANG: Lang = 'en';

function supported(tag: string): Lang | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (LANGS as string[]).includes(primary) ? (primary as Lang) : undefined;
}

/** The first supported language of `ui_locales` (OIDC: space-separated, in order of preference). */
export function fromUiLocales(value: string | undefined): Lang | undefined {
  for (const tag of (value ?? '').split(/\s+/)) {
    const lang = tag ? supported(tag) : undefined;
    if (lang) return lang;
  }
  return undefined;
}

/** The supported language the browser prefers most (`Accept-Language`, q-values honoured, q=0 meaning "not this"). */
export function fromAcceptLanguage(value: string | undefined): Lang | undefined {
  const ranked = (value ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { lang: supported(tag), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.lang !== undefined && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang;
}

/** `{name}` placeholders of a catalogue text. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

/** A catalogue text with its placeholders filled in, as plain text. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A catalogue text as HTML, each value escaped and emphasised: "You are signing in with <strong>Google</strong>". */
export function fillStrong(text: string, values: Record<string, string>): Html {
  const parts = text.split(/\{(\w+)\}/g);
  return html`${parts.map((part, i) => (i % 2 === 0 ? part : html`<strong>${values[part] ?? `{${part}}`}</strong>`))}`;
}
