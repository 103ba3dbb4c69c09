// The linking policy's settings for the scripts, read from the environment exactly as the Action reads its secrets.
import { describeInvalid, readConfig, type Config, type EndSessions } from '../../../actions/config.ts';
import type { PolicyOptions } from '../../../actions/policy.ts';
import { CliError } from '../cli.ts';
import type { Env } from '../env.ts';

/**
 * TRUSTED_CONNECTIONS, CUSTOM_DATABASES, DORMANT_DAYS and PRIMARY_CONNECTION through the Action's own parser (actions/config.ts), so the backfill trusts
 * exactly what the Action trusts. The scripts link whatever LINK_MODE the Action runs in, hence LINK_MODE is not read.
 */
export function policyFromEnv(env: Env): PolicyOptions {
  const config = scriptConfig(env);
  return { trust: config.trust, primaryConnection: config.primaryConnection };
}

/** END_SESSIONS, read as the Action reads it: what of a password account's sessions ends before the backfill links it. */
export function endSessionsFromEnv(env: Env): EndSessions {
  return scriptConfig(env).endSessions;
}

/** The Action's config of this environment, as the scripts use it, or a CliError naming the variable to fix. */
function scriptConfig(env: Env): Config {
  // The linking page's settings are the Action's alone (the scripts cannot ask anyone to confirm), and the deploy's
  // environment has LINK_PAGE_URL without LINK_SECRET, which it derives: an env shared with deploy must work here.
  const result = readConfig({ ...env, LINK_MODE: 'link', LINK_PAGE_URL: undefined, LINK_SECRET: undefined, LINK_LATER_DAYS: undefined });
  if (result.status === 'invalid') throw new CliError(describeInvalid(result).replace(/^secret /, 'environment variable '));
  if (result.status !== 'ready') throw new Error('the Action config reader ignored LINK_MODE=link');
  return result.config;
}

/** Settings a journal's plan was made under: resuming under others would apply a plan the policy no longer makes. */
export function settingsOf(policy: PolicyOptions): string {
  const trusted = policy.trust.connections ? [...policy.trust.connections].sort() : 'default kinds';
  // Dormancy's days, not its moment: a resumed run judges dormancy at its own time.
  const custom = policy.trust.customDatabases ? [...policy.trust.customDatabases].sort() : [];
  return JSON.stringify({
    trusted,
    primaryConnection: policy.primaryConnection ?? null,
    customDatabases: custom,
    dormantDays: policy.trust.dormancy?.days ?? null,
  });
}
