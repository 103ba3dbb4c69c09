// What a deploy says: the short human summary and the JSON result for CI. Secret names only, never a value.
import { ACTION_CLIENT_SCOPES, type ActionClient } from './action-client.ts';
import type { DeployResult, RollbackResult } from './execute.ts';
import type { LinkPageSetup } from './link-page.ts';

export interface DeployReport {
  ok: true;
  dryRun: boolean;
  changed: boolean;
  action: { name: string; id?: string; step: string; reasons: string[]; version?: number };
  secrets: { names: string[]; added: string[]; dropped: string[] };
  bindings: { trigger: 'post-login'; before: string[]; after: string[]; changed: boolean };
  bundleBytes: number;
  client?: { name: string; clientId: string; created: boolean; grantCreated: boolean };
  /** The custom database connections found on the tenant, passed to the Action as CUSTOM_DATABASES. */
  customDatabases: string[];
  /** The linking page's application and the page's environment (non-secret values), when LINK_PAGE_URL is set. */
  linkPage?: { name: string; clientId: string; created: boolean; changes: string[]; callbackUrl: string; env: Record<string, string> };
  warnings: string[];
}

/** What the deploy found or set up besides the Action. */
export interface DeployExtras {
  customDatabases: string[];
  linkPage: LinkPageSetup | undefined;
}

export function deployReport(
  name: string,
  result: DeployResult,
  bundleBytes: number,
  client: ActionClient | undefined,
  extras: DeployExtras = { customDatabases: [], linkPage: undefined },
): DeployReport {
  const { plan } = result;
  const report: DeployReport = {
    ok: true,
    dryRun: result.dryRun,
    changed: plan.changes,
    action: { name, step: plan.action, reasons: plan.reasons },
    secrets: plan.secrets,
    bindings: { trigger: 'post-login', before: plan.bindings.before, after: plan.bindings.after, changed: plan.bindings.changed },
    bundleBytes,
    customDatabases: extras.customDatabases,
    warnings: [...(client?.warnings ?? [])],
  };
  const page = extras.linkPage;
  if (page) {
    const { app } = page;
    report.linkPage = { name: app.name, clientId: app.clientId, created: app.created, changes: app.changes, callbackUrl: app.callbackUrl, env: page.pageEnv };
    if (app.created || app.changes.length > 0) report.changed = true;
    report.warnings.push(...page.warnings);
  }
  if (result.actionId) report.action.id = result.actionId;
  if (result.version !== undefined) report.action.version = result.version;
  if (client) report.client = { name: client.name, clientId: client.clientId, created: client.created, grantCreated: client.grantCreated };
  return report;
}

const DONE: Record<string, string> = { create: 'created', update: 'updated', deploy: 'deployed its draft', none: 'unchanged' };
const PLANNED: Record<string, string> = { create: 'create', update: 'update', deploy: 'deploy the draft of', none: 'leave unchanged' };

export function deploySummary(report: DeployReport): string {
  const { action, bindings, secrets } = report;
  const lines: string[] = [];
  const why = action.reasons.length > 0 ? ` (${action.reasons.join('; ')})` : '';
  if (report.dryRun) {
    lines.push(`Dry run: nothing was changed. The deploy would:`);
    lines.push(`  Action "${action.name}": ${PLANNED[action.step]}${why}`);
  } else if (!report.changed) {
    lines.push(
      `Action "${action.name}" is up to date (version ${action.version ?? '?'} deployed, ${where(bindings.after, action.name)}): nothing changed on the tenant.`,
    );
  } else {
    const deployed = action.step === 'none' ? '' : `, built and deployed as version ${action.version ?? '?'}`;
    lines.push(`Action "${action.name}": ${DONE[action.step]}${why}${deployed}.`);
  }
  if (report.client) {
    const c = report.client;
    const verb = report.dryRun ? (c.created ? 'would create' : 'would reuse') : c.created ? 'created' : 'reused';
    lines.push(
      `  Action application "${c.name}": ${verb}${c.grantCreated ? `, granted ${ACTION_CLIENT_SCOPES.join(' ')}` : ''}${c.created && report.dryRun ? '' : ` (client id ${c.clientId})`}`,
    );
  }
  if (report.changed || report.dryRun) {
    lines.push(
      `  Secrets: ${secrets.names.join(', ') || 'none'}${secrets.added.length ? ` (new: ${secrets.added.join(', ')})` : ''}${secrets.dropped.length ? ` (dropped: ${secrets.dropped.join(', ')})` : ''}`,
    );
    const order = (names: string[]): string => names.join(' → ') || '(none)';
    lines.push(
      bindings.changed
        ? `  post-login flow: ${order(bindings.before)}  ⇒  ${order(bindings.after)}`
        : `  post-login flow: unchanged (${order(bindings.after)})`,
    );
  }
  lines.push(
    report.customDatabases.length > 0
      ? `  Custom databases (not trusted silently): ${report.customDatabases.join(', ')}`
      : '  Custom databases: none on the tenant',
  );
  if (report.linkPage) lines.push(...linkPageLines(report.linkPage, report.dryRun));
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

/** The page's application, then the page's environment: names and non-secret values; the client secret is only named. */
function linkPageLines(page: NonNullable<DeployReport['linkPage']>, dryRun: boolean): string[] {
  const done = page.created ? (dryRun ? 'would create' : 'created') : page.changes.length > 0 ? (dryRun ? 'would update' : 'updated') : 'reused as it is';
  const changes = page.changes.length > 0 ? ` (${page.changes.join('; ')})` : '';
  const lines = [`  Linking page application "${page.name}": ${done}${changes}, callback ${page.callbackUrl}`];
  lines.push('  The linking page needs (docs/linking-page.md):');
  for (const [variable, value] of Object.entries(page.env)) lines.push(`    ${variable}=${value}`);
  lines.push(`    LINK_PAGE_CLIENT_SECRET: the client secret of "${page.name}": read it in the Auth0 dashboard (Applications) or your secret store`);
  lines.push('    LINK_SECRET: leave it unset; the page derives it from the client secret, as the deploy did for the Action');
  return lines;
}

export function rollbackSummary(name: string, result: RollbackResult, dryRun: boolean): string {
  if (dryRun) return `Dry run: nothing was changed. The rollback would deploy version ${result.to} of "${name}" again in place of version ${result.from}.`;
  return `Action "${name}": rolled back from version ${result.from} to the code of version ${result.to} (deployed as version ${result.version ?? '?'}). Its bindings are unchanged; the next deploy deploys the configuration again.`;
}

function where(order: string[], name: string): string {
  const index = order.indexOf(name);
  return index < 0 ? 'not bound to post-login' : `bound ${ordinal(index + 1)} of ${order.length} in post-login`;
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
