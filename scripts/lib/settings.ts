// Every setting the scripts read from the environment or .env, in one list, and the deployer's scopes: the deploy's help,
// .env.example and the README are checked against it (test/project-files.test.ts), so a new setting cannot be left out.
import { SECRET_SOURCES } from './deploy/secrets.ts';

/** The admin's application on the tenant, and where the tenant is really served (the local tenant only). */
export const TENANT_SETTINGS = ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_BASE_URL'] as const;

/** Every variable a script reads: the tenant settings and the variable behind each of the Action's secrets. */
export const SCRIPT_SETTINGS: readonly string[] = [...new Set<string>([...TENANT_SETTINGS, ...Object.values(SECRET_SOURCES)])];

/** What the deployer's application (AUTH0_CLIENT_ID) needs on the Management API, by what the deploy is asked to do. */
export const DEPLOYER_SCOPES = {
  /** Create, update, deploy and bind the Action; read:connections finds the custom databases. */
  deploy: ['read:actions', 'create:actions', 'update:actions', 'read:connections'],
  /** --create-client: the Action's own application and its grant. */
  createClient: ['create:clients', 'read:clients', 'read:client_keys', 'create:client_grants', 'read:client_grants'],
  /** LINK_PAGE_URL: the linking page's application, whose client secret LINK_SECRET is derived from. */
  linkPage: ['create:clients', 'read:clients', 'read:client_keys', 'update:clients'],
  /** LINK_PAGE_URL, optional: the page's brand settings from Universal Login's branding and the tenant settings. */
  brand: ['read:branding', 'read:tenant_settings'],
} as const;
