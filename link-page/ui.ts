// What every view renders with: the page's base URL, the person's language and its catalogue, and the brand.
import type { Brand } from './brand.ts';
import { CATALOGUES, DEFAULT_LANG, type Catalogue, type Lang } from './i18n/catalogue.ts';

export interface Ui {
  baseUrl: string;
  lang: Lang;
  t: Catalogue;
  brand: Brand;
}

export function uiOf(input: { baseUrl: string; brand?: Brand; lang?: Lang }): Ui {
  const lang = input.lang ?? DEFAULT_LANG;
  return { baseUrl: input.baseUrl, lang, t: CATALOGUES[lang], brand: input.brand ?? {} };
}

/** A date as the person's language writes it ("3 June 2025", "3. Juni 2025"), in UTC: the page does not know their time zone. */
export function formatDate(ui: Ui, iso: string): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Intl.DateTimeFormat(ui.lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** "Google or GitHub", "Google oder GitHub", "Google ou GitHub". */
export function orList(ui: Ui, items: string[]): string {
  return new Intl.ListFormat(ui.lang, { type: 'disjunction' }).format(items);
}
