// The page in the person's language and the tenant's brand: every catalogue complete, the language chosen from ui_locales or
// Accept-Language (q-values honoured), errors and the 404 in plain words with a way back, the brand's name, logo and colours
// through the served stylesheet under the strict CSP, and a malformed brand setting refused with one line naming it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { contrast, themeCss } from '../link-page/brand.ts';
import { SettingsError } from '../link-page/errors.ts';
import { CATALOGUES, fromAcceptLanguage, fromUiLocales, LANGS, placeholders, type Catalogue } from '../link-page/i18n/catalogue.ts';
import { readSettings } from '../link-page/settings.ts';
import { IN_MEMORY_BASE_URL, offerToken, pageInMemory, pageSettings, visibleText } from './support/link-page.ts';
import { BrowserlessAgent } from '../local-tenant/index.ts';

const TENANT = 'http://127.0.0.1:9';
const ISSUER = 'tenant.local';
const OFFERS = [{ user_id: 'google-oauth2|1234', provider: 'google-oauth2', connection: 'google-oauth2' }];
const BRAND = {
  LINK_PAGE_BRAND_NAME: 'Contoso Travel',
  LINK_PAGE_LOGO_URL: 'https://cdn.contoso.example/logo.svg',
  LINK_PAGE_PRIMARY_COLOR: '#FFD000',
  LINK_PAGE_BACKGROUND_COLOR: '#102a43',
};

function entries(catalogue: Catalogue): Array<[string, string]> {
  return Object.entries(catalogue).flatMap(([section, texts]) =>
    Object.entries(texts as Record<string, string>).map(([key, text]): [string, string] => [`${section}.${key}`, text]),
  );
}

async function inMemory(env: Record<string, string> = {}) {
  return pageInMemory(pageSettings({ domain: ISSUER, localOrigin: TENANT, baseUrl: IN_MEMORY_BASE_URL, env }));
}

/** A browser with `headers` on every request that followed the Action's redirect; the confirm view it then shows. */
async function confirmIn(page: Awaited<ReturnType<typeof inMemory>>, headers: Record<string, string>, query: Record<string, string> = {}) {
  const agent = new BrowserlessAgent(page.fetch);
  const offer = await offerToken({ issuer: ISSUER, sub: 'waad|entra-1', offers: OFFERS });
  const arrived = await agent.request(`${page.url}/link?${new URLSearchParams({ offer, state: 'tx', ...query })}`, { headers });
  expect(arrived.status).toBe(303);
  const view = await agent.request(`${page.url}/link`, { headers });
  return { agent, view, html: await view.text() };
}

describe('catalogues', () => {
  it('every catalogue has every key of the English one, no other, and the same placeholders', () => {
    const english = new Map(entries(CATALOGUES.en));
    expect(LANGS.length).toBeGreaterThanOrEqual(3);
    for (const lang of LANGS) {
      const texts = new Map(entries(CATALOGUES[lang]));
      expect([...texts.keys()].sort(), lang).toEqual([...english.keys()].sort());
      for (const [key, text] of texts) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(english.get(key)!));
      }
    }
  });

  it('chooses from ui_locales first, then Accept-Language by q-value, else English', () => {
    expect(fromUiLocales('es fr-CA de')).toBe('fr');
    expect(fromUiLocales('es')).toBeUndefined();
    expect(fromAcceptLanguage('de-CH, de;q=0.9, en;q=0.8')).toBe('de');
    expect(fromAcceptLanguage('en;q=0.5, fr;q=0.9')).toBe('fr');
    expect(fromAcceptLanguage('es, fr;q=0.1, de;q=0.2')).toBe('de');
    expect(fromAcceptLanguage('de;q=0, en;q=0.1')).toBe('en');
    expect(fromAcceptLanguage('*')).toBeUndefined();
    expect(fromAcceptLanguage(undefined)).toBeUndefined();
  });
});

describe('the page in the person’s language', () => {
  it('Accept-Language: de renders the confirm view in German, <html lang="de">', async () => {
    const page = await inMemory();
    const { view, html } = await confirmIn(page, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(html).toContain('<html lang="de">');
    expect(view.headers.get('content-language')).toBe('de');
    const text = visibleText(html);
    expect(text).toContain('Konten verknüpfen?');
    expect(text).toContain('Mit Google anmelden und verknüpfen');
    expect(text).toContain('Nie wieder fragen');
    expect(text).not.toContain('Never ask again');
  });

  it('ui_locales on the page’s URL wins over Accept-Language and stays after the query is dropped; and the sign-in asks for it', async () => {
    const page = await inMemory();
    const { agent, html } = await confirmIn(page, { 'accept-language': 'de' }, { ui_locales: 'fr-FR' });
    expect(html).toContain('<html lang="fr">');
    expect(visibleText(html)).toContain('Ne plus me demander');
    const decline = await agent.request(`${page.url}/link/decline`, {
      method: 'POST',
      headers: { 'accept-language': 'de', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, decision: 'never' }),
    });
    const answered = visibleText(await decline.text());
    expect(answered).toContain('Nous ne vous le demanderons plus');
    expect(answered).toContain('l’assistance du site');
  });

  it('no supported language: English', async () => {
    const { html } = await confirmIn(await inMemory(), { 'accept-language': 'ja, es;q=0.8' });
    expect(html).toContain('<html lang="en">');
    expect(visibleText(html)).toContain('Link your accounts?');
  });

  it('a forged offer: plain words for the person, the reason in the log line only, and a way on', async () => {
    const page = await inMemory();
    const agent = new BrowserlessAgent(page.fetch);
    const response = await agent.request(`${page.url}/link?offer=forged.token.value&state=tx`, { headers: { 'accept-language': 'fr' } });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(visibleText(html)).toContain('Cette demande d’association ne peut plus être utilisée');
    expect(html).not.toMatch(/Action|signed|token|offer/i);
    expect(html).toContain(`href="${page.url}/accounts"`);
    expect(page.logs.at(-1)).toMatch(/^link-page GET \/link 400 \d+ms offer_invalid \(.+\)$/);
    expect(page.logs.join('\n')).not.toContain('forged.token.value');
  });

  it('a page that does not exist: the page’s 404 in the person’s language, with a way back', async () => {
    const page = await inMemory();
    const response = await page.app.request(`${page.url}/nowhere`, { headers: { 'accept-language': 'de' } });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('/static/styles.css');
    expect(visibleText(html)).toContain('Seite nicht gefunden');
    expect(html).toContain(`<a class="button" href="${page.url}/accounts">Zu Ihren verbundenen Konten</a>`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('the brand', () => {
  it('shows the name and logo, colours through the served stylesheet, and allows only the logo’s origin for images', async () => {
    const page = await inMemory(BRAND);
    const response = await page.app.request(`${page.url}/accounts`);
    const html = await response.text();
    expect(html).toContain('<title>Connected accounts · Contoso Travel</title>');
    expect(html).toMatch(/<img class="logo" src="https:\/\/cdn\.contoso\.example\/logo\.svg" alt="Contoso Travel logo" \/>/);
    expect(visibleText(html)).toContain('Contoso Travel');
    expect(html).toContain(`<link rel="stylesheet" href="${page.url}/static/theme.css" />`);
    expect(html).not.toMatch(/style=|<style/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' https://cdn.contoso.example;");
    expect(csp).toContain("style-src 'self';");

    const theme = await page.app.request(`${page.url}/static/theme.css`);
    expect(theme.headers.get('content-type')).toContain('text/css');
    const css = await theme.text();
    expect(css).toContain('--accent: #ffd000;');
    // A light primary colour: dark text on its buttons, and not used as text on white.
    expect(css).toContain('--accent-ink: #1b1f24;');
    expect(css).toContain('--accent-text: #1b1f24;');
    expect(css).toContain('--page: #102a43;');
    expect(css).toContain('--page-ink: #ffffff;');
  });

  it('without brand settings: the product name in the person’s language, no logo, images from the page only', async () => {
    const page = await inMemory();
    const response = await page.app.request(`${page.url}/accounts`, { headers: { 'accept-language': 'fr' } });
    const html = await response.text();
    expect(html).toContain('Association de comptes');
    expect(html).not.toContain('<img');
    expect(response.headers.get('content-security-policy')).toContain("img-src 'self';");
  });

  it('text colours chosen for contrast whatever the brand’s colours', () => {
    for (const primary of ['#0b57d0', '#ffd000', '#00ff00', '#222222', '#ffffff']) {
      const css = themeCss({ primaryColor: primary });
      const ink = /--accent-ink: (#\w+)/.exec(css)![1]!;
      const text = /--accent-text: (#\w+)/.exec(css)![1]!;
      expect(contrast(primary, ink), primary).toBeGreaterThanOrEqual(4.5);
      expect(contrast(text, '#ffffff'), primary).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each([
    [{ LINK_PAGE_PRIMARY_COLOR: 'blue' }, 'LINK_PAGE_PRIMARY_COLOR is malformed: use a colour as #rrggbb'],
    [{ LINK_PAGE_BACKGROUND_COLOR: '#fff' }, 'LINK_PAGE_BACKGROUND_COLOR is malformed: use a colour as #rrggbb'],
    [{ LINK_PAGE_LOGO_URL: 'http://cdn.contoso.example/logo.svg' }, 'LINK_PAGE_LOGO_URL is malformed: use an https URL'],
    [{ LINK_PAGE_LOGO_URL: 'javascript:alert(1)' }, 'LINK_PAGE_LOGO_URL is malformed: use an https URL'],
    [{ LINK_PAGE_BRAND_NAME: 'x'.repeat(81) }, 'LINK_PAGE_BRAND_NAME is malformed'],
  ])('refuses %o with one line naming the setting', (change, line) => {
    const base = pageSettings({ domain: ISSUER });
    expect(base.brand).toEqual({});
    const error = (() => {
      try {
        pageSettings({ domain: ISSUER, env: change });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message.startsWith(line)).toBe(true);
  });

  it('npm run link-page with an http logo URL prints one line naming the setting and exits 1, as every command does for a bad setting', () => {
    const run = spawnSync(process.execPath, ['link-page/main.ts'], {
      env: {
        PATH: process.env.PATH,
        AUTH0_DOMAIN: 'my-tenant.eu.auth0.com',
        LINK_PAGE_CLIENT_ID: 'page-client',
        LINK_PAGE_CLIENT_SECRET: 'page-client-secret-value',
        LINK_PAGE_URL: 'https://link.example.com/link',
        LINK_PAGE_LOGO_URL: 'http://cdn.contoso.example/logo.svg',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: LINK_PAGE_LOGO_URL is malformed: use an https URL of the logo image (set in the environment or .env; see docs/linking-page.md)',
    ]);
  });

  it('reads the brand settings', () => {
    const settings = readSettings({
      AUTH0_DOMAIN: 'my-tenant.eu.auth0.com',
      LINK_PAGE_CLIENT_ID: 'c',
      LINK_PAGE_CLIENT_SECRET: 's',
      LINK_PAGE_URL: 'https://link.example.com/link',
      ...BRAND,
    });
    expect(settings.brand).toEqual({
      name: 'Contoso Travel',
      logoUrl: 'https://cdn.contoso.example/logo.svg',
      primaryColor: '#ffd000',
      backgroundColor: '#102a43',
    });
  });
});
