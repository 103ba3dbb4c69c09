// The page's brand: a name, a logo and two colours from the settings (npm run deploy prints them from the tenant's Universal
// Login branding), and the theme stylesheet made from them. The colours reach the page only through that served stylesheet
// (style-src 'self'), and the logo's origin is the only one img-src allows besides the page's own.
import { SettingsError } from './errors.ts';

export interface Brand {
  /** LINK_PAGE_BRAND_NAME: the company or application, shown in the header and the window title. */
  name?: string;
  /** LINK_PAGE_LOGO_URL: an https image. */
  logoUrl?: string;
  /** LINK_PAGE_PRIMARY_COLOR: buttons, links and focus rings (Universal Login's colors.primary). */
  primaryColor?: string;
  /** LINK_PAGE_BACKGROUND_COLOR: the page around the content (Universal Login's colors.page_background). */
  backgroundColor?: string;
}

export const BRAND_VARIABLES = ['LINK_PAGE_BRAND_NAME', 'LINK_PAGE_LOGO_URL', 'LINK_PAGE_PRIMARY_COLOR', 'LINK_PAGE_BACKGROUND_COLOR'] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** The brand settings, each checked; a SettingsError names the first malformed one (never its value). */
export function readBrand(env: Env): Brand {
  const brand: Brand = {};
  const name = env.LINK_PAGE_BRAND_NAME?.trim();
  if (name) {
    if (name.length > 80 || /[\u0000-\u001f]/.test(name)) throw new SettingsError('LINK_PAGE_BRAND_NAME', 'is malformed: use a name of at most 80 characters');
    brand.name = name;
  }
  const logo = env.LINK_PAGE_LOGO_URL?.trim();
  if (logo) brand.logoUrl = readLogoUrl(logo);
  const primary = readColor(env, 'LINK_PAGE_PRIMARY_COLOR');
  if (primary) brand.primaryColor = primary;
  const background = readColor(env, 'LINK_PAGE_BACKGROUND_COLOR');
  if (background) brand.backgroundColor = background;
  return brand;
}

function readLogoUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username !== '' || url.password !== '' || value.length > 2000) {
    throw new SettingsError('LINK_PAGE_LOGO_URL', 'is malformed: use an https URL of the logo image');
  }
  return url.href;
}

function readColor(env: Env, name: 'LINK_PAGE_PRIMARY_COLOR' | 'LINK_PAGE_BACKGROUND_COLOR'): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) throw new SettingsError(name, 'is malformed: use a colour as #rrggbb, e.g. #0b57d0');
  return value.toLowerCase();
}

/** The origin img-src must allow for the logo, if there is one. */
export function logoOrigin(brand: Brand): string | undefined {
  return brand.logoUrl ? new URL(brand.logoUrl).origin : undefined;
}

const INK = '#1b1f24';
const WHITE = '#ffffff';

/**
 * The theme stylesheet (/static/theme.css): the brand's colours as the custom properties styles.css uses, with the text
 * colours that go with them chosen for contrast (WCAG AA, 4.5:1), whatever colours the tenant has.
 */
export function themeCss(brand: Brand): string {
  const lines: string[] = [];
  if (brand.primaryColor) {
    const primary = brand.primaryColor;
    // Text on the primary colour: white or near-black, whichever reads better.
    lines.push(`--accent: ${primary};`, `--accent-ink: ${contrast(primary, WHITE) >= contrast(primary, INK) ? WHITE : INK};`);
    // The primary colour as text on white (links, outlined buttons) only when it is readable there.
    lines.push(`--accent-text: ${contrast(primary, WHITE) >= 4.5 ? primary : INK};`);
  }
  if (brand.backgroundColor) {
    const page = brand.backgroundColor;
    lines.push(`--page: ${page};`, `--page-ink: ${contrast(page, WHITE) >= contrast(page, INK) ? WHITE : INK};`);
  }
  const rules = lines.length === 0 ? '' : `:root {\n  ${lines.join('\n  ')}\n}\n`;
  return `/* The tenant's brand (LINK_PAGE_PRIMARY_COLOR, LINK_PAGE_BACKGROUND_COLOR): custom properties of styles.css. */\n${rules}`;
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
