// What the linking page shows of the tenant, read for its settings: the brand from Universal Login (GET /api/v2/branding:
// logo_url, colors.primary, colors.page_background; scope read:branding), the tenant's name and picture (GET
// /api/v2/tenants/settings: friendly_name, picture_url; scope read:tenant_settings), and the connections' display names
// (read:connections). Best effort: a scope the deployer lacks or a value the page would refuse only leaves that setting
// out, with a warning; the page then uses its defaults. None of these is a secret.
import { ManagementError, type ManagementClient } from 'auth0';
import { SettingsError } from '../../../link-page/errors.ts';
import { readBrand } from '../../../link-page/brand.ts';

export interface TenantLook {
  /** LINK_PAGE_BRAND_NAME, LINK_PAGE_LOGO_URL, LINK_PAGE_PRIMARY_COLOR, LINK_PAGE_BACKGROUND_COLOR, LINK_PAGE_CONNECTION_LABELS, as found. */
  env: Record<string, string>;
  warnings: string[];
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

export async function readTenantLook(client: ManagementClient): Promise<TenantLook> {
  const env: Record<string, string> = {};
  const warnings: string[] = [];
  const attempt = async <T>(what: string, scope: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      const denied = error instanceof ManagementError && error.statusCode === 403;
      warnings.push(
        denied
          ? `the deployer may not read ${what} (grant it ${scope}): the linking page's settings leave it out`
          : `could not read ${what}: left out of the linking page's settings`,
      );
      return undefined;
    }
  };
  const branding = await attempt(
    'the Universal Login branding',
    'read:branding',
    async () => (await client.branding.get()) as { logo_url?: string; colors?: { primary?: string; page_background?: unknown } },
  );
  const tenant = await attempt(
    'the tenant settings',
    'read:tenant_settings',
    async () =>
      (await client.tenants.settings.get({ fields: 'friendly_name,picture_url', include_fields: true })) as { friendly_name?: string; picture_url?: string },
  );
  const candidates: Record<string, string | undefined> = {
    LINK_PAGE_BRAND_NAME: tenant?.friendly_name,
    LINK_PAGE_LOGO_URL: branding?.logo_url || tenant?.picture_url,
    LINK_PAGE_PRIMARY_COLOR: branding?.colors?.primary,
    // A gradient (an object) has no single colour to take.
    LINK_PAGE_BACKGROUND_COLOR: typeof branding?.colors?.page_background === 'string' ? branding.colors.page_background : undefined,
  };
  for (const [name, value] of Object.entries(candidates)) {
    if (!value?.trim()) continue;
    if (name.endsWith('_COLOR') && !COLOR.test(value.trim())) {
      warnings.push(`${name}: the tenant's colour is not #rrggbb, so the page keeps its own`);
      continue;
    }
    try {
      readBrand({ [name]: value });
      env[name] = value.trim();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      warnings.push(`${name}: the tenant's value is not one the page accepts (${error.message.slice(name.length + 1)}), so it is left out`);
    }
  }
  const labels = await attempt('the connections', 'read:connections', () => connectionLabels(client));
  if (labels) env.LINK_PAGE_CONNECTION_LABELS = labels;
  if (env.LINK_PAGE_CONNECTION_LABELS === '') delete env.LINK_PAGE_CONNECTION_LABELS;
  return { env, warnings };
}

/** `name=Display name` for every connection whose display name differs from its name and fits the setting's format. */
async function connectionLabels(client: ManagementClient): Promise<string> {
  const pairs: string[] = [];
  for await (const connection of await client.connections.list({ fields: 'name,display_name', include_fields: true, take: 100 })) {
    const { name, display_name: label } = connection as { name?: string; display_name?: string };
    if (!name || !label || label.trim() === name || /[,\u0000-\u001f]/.test(label) || label.trim().length > 80) continue;
    pairs.push(`${name}=${label.trim()}`);
  }
  return pairs.join(',');
}
