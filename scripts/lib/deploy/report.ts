// What a deploy says: the short human summary and the JSON result for CI. Secret names only, never a value.
import type { ActionClient } from './action-client.ts';
import type { DeployResult, RollbackResult } from './execute.ts';

export interface DeployReport {
  ok: true;
  dryRun: boolean;
  changed: boolean;
  action: { name: string; id?: string; step: string; reasons: string[]; version?: number };
  secrets: { names: string[]; added: string[]; dropped: string[] };
  bindings: { trigger: 'post-login'; before: string[]; after: string[]; changed: boolean };
  bundleBytes: number;
  client?: { name: string; clientId: string; created: boolean; grantCreated: boolean };
  warnings: string[];
}

export function deployReport(name: string, result: DeployResult, bundleBytes: number, client: ActionClient | undefined): DeployReport {
  const { plan } = result;
  const report: DeployReport = {
    ok: true,
    dryRun: result.dryRun,
    changed: plan.changes,
    action: { name, step: plan.action, reasons: plan.reasons },
    secrets: plan.secrets,
    bindings: { trigger: 'post-login', before: plan.bindings.before, after: plan.bindings.after, changed: plan.bindings.changed },
    bundleBytes,
    warnings: client?.warnings ?? [],
  };
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
      `  Action application "${c.name}": ${verb}${c.grantCreated ? ', granted read:users update:users' : ''}${c.created && report.dryRun ? '' : ` (client id ${c.clientId})`}`,
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
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
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
