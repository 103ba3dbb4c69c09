// The deploy's part in confirmed linking: from LINK_PAGE_URL, the page's application, the Action's secrets derived from it, and what the page needs.
import type { ManagementClient } from 'auth0';
import { linkSecretFromClientSecret } from '../../../actions/link-page-tokens.ts';
import { SettingsError } from '../../../link-page/errors.ts';
import { callbackUrl, readBaseUrl, signedOutUrl } from '../../../link-page/settings.ts';
import { CliError } from '../cli.ts';
import type { Env } from '../env.ts';
import { ensureLinkPageApp, type LinkPageApp } from './link-page-app.ts';
import { readTenantLook } from './link-page-brand.ts';

/** Stands in for LINK_SECRET in a dry run that would create the application: long enough for the Action's check, never sent. */
const LINK_SECRET_TO_BE_DERIVED = "(derived from the new application's client secret)";

export interface LinkPageSetup {
  app: LinkPageApp;
  /** The Action's secrets: the page's URL, its application, and LINK_SECRET derived from that application's client secret. */
  secrets: { LINK_PAGE_URL: string; LINK_PAGE_CLIENT_ID: string; LINK_SECRET: string };
  /** The page's environment (docs/linking-page.md), non-secret values only; its client secret is named, never given. */
  pageEnv: Record<string, string>;
  /** What the page's look could not take from the tenant (a scope missing, a value the page refuses). */
  warnings: string[];
}

/** The linking page set up for the Action, or undefined when LINK_PAGE_URL is unset (no confirmed linking). */
export async function setUpLinkPage(
  client: ManagementClient,
  input: { env: Env; domain: string; baseUrl?: string; appName: string; dryRun: boolean },
): Promise<LinkPageSetup | undefined> {
  const pageUrl = input.env.LINK_PAGE_URL?.trim();
  if (!pageUrl) return undefined;
  let base: string;
  try {
    base = readBaseUrl(pageUrl);
  } catch (error) {
    if (error instanceof SettingsError) throw new CliError(`${error.message} (the linking page's confirm URL, see docs/linking-page.md)`);
    throw error;
  }
  const app = await ensureLinkPageApp(client, {
    name: input.appName,
    callbackUrl: callbackUrl(base),
    logoutUrl: signedOutUrl(base),
    dryRun: input.dryRun,
  });
  const linkSecret = app.clientSecret === undefined ? LINK_SECRET_TO_BE_DERIVED : await linkSecretFromClientSecret(app.clientSecret);
  const pageEnv: Record<string, string> = { AUTH0_DOMAIN: input.domain, LINK_PAGE_URL: pageUrl, LINK_PAGE_CLIENT_ID: app.clientId };
  // The local tenant serves https://{domain} elsewhere; the page must be told where, as the deploy was.
  if (input.baseUrl) pageEnv.AUTH0_BASE_URL = new URL(input.baseUrl).origin;
  // The tenant's brand and connection names, for the page to look like the tenant's login (page settings, never secrets).
  const look = await readTenantLook(client);
  Object.assign(pageEnv, look.env);
  return { app, secrets: { LINK_PAGE_URL: pageUrl, LINK_PAGE_CLIENT_ID: app.clientId, LINK_SECRET: linkSecret }, pageEnv, warnings: look.warnings };
}
