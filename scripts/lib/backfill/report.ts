// How a backfill plan and run are shown: a human table, a JSON result, and a CSV file of every account in the plan.
import type { IneligibleReason } from '../../../actions/policy.ts';
import type { ApplySummary } from './apply.ts';
import { writeCsv } from '../csv.ts';
import { maskEmail } from '../email-mask.ts';
import { columns } from '../columns.ts';
import type { PacerStats } from '../management/pacer.ts';
import type { AccountRef, TenantPlan, PlannedGroup, PlanTotals, PrimaryReason } from './plan.ts';

const REASON_TEXT: Record<IneligibleReason, string> = {
  'no-email': 'no email',
  unverified: 'email not verified',
  'untrusted-connection': 'connection not trusted for silent linking',
  'custom-database': 'custom database (CUSTOM_DATABASES)',
  'password-unproven': 'password account never reset since signup: the person proves it on the linking page',
  'unverified-use': 'used while its email was unverified',
  dormant: 'dormant (no login for DORMANT_DAYS)',
  excluded: 'excluded by an admin (app_metadata.auto_link_exclude)',
  blocked: 'blocked',
  unvouched: 'holds identities someone else may have linked (not by this project)',
  restoring: 'being restored by an undo',
  'unlinked-by-person': 'unlinked by the person on the linking page (user_metadata.auto_link_unlinked_…)',
};

function primaryReasonText(why: PrimaryReason, primaryConnection: string | undefined): string {
  return why === 'primary-connection' ? `oldest on PRIMARY_CONNECTION ${primaryConnection ?? ''}`.trim() : 'oldest eligible account';
}

/** The human view of a plan: totals, then up to `maxGroups` groups with each account's role. */
export function planText(plan: TenantPlan, options: { maxGroups: number; primaryConnection: string | undefined; email?: (email: string) => string }): string {
  const email = options.email ?? maskEmail;
  const lines = [...totalsText(plan.totals), ''];
  const shown = plan.groups.slice(0, options.maxGroups);
  if (shown.length > 0) lines.push(`Groups to link (${plan.groups.length}${shown.length < plan.groups.length ? `, first ${shown.length} shown` : ''}):`);
  const rows: string[][] = [];
  for (const group of shown) {
    rows.push([email(group.email), '', '', '', '']);
    rows.push(accountRow('  primary', group.primary, primaryReasonText(group.why, options.primaryConnection)));
    for (const secondary of group.secondaries) rows.push(accountRow('  link', secondary, ''));
    for (const skipped of group.skipped) rows.push(accountRow('  skip', skipped, REASON_TEXT[skipped.reason]));
  }
  lines.push(...table(rows));
  if (plan.groups.length > shown.length || plan.totals.skipped > 0) {
    lines.push('', 'Every group and every skipped account, with why: --json, or --csv <file>.');
  }
  return lines.join('\n');
}

export function totalsText(totals: PlanTotals): string[] {
  const reasons = (Object.entries(totals.skippedByReason) as Array<[IneligibleReason, number]>).map(([reason, count]) => `${REASON_TEXT[reason]}: ${count}`);
  return [
    `Users read:        ${totals.users}`,
    `Eligible:          ${totals.eligible} (${totals.alone} alone with their email)`,
    `Groups to link:    ${totals.groups}`,
    `Links planned:     ${totals.links}`,
    `Skipped accounts:  ${totals.skipped}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`,
    `Need confirmation: ${totals.confirmGroups} emails (the person links them by proving both accounts at a login; see --json)`,
  ];
}

export function applyText(summary: ApplySummary, stats: PacerStats, seconds: number): string[] {
  const lines = [
    `Groups:            ${summary.groups} (${summary.linkedGroups} linked, ${summary.partialGroups} partly, ${summary.changedGroups} changed since the plan, ${summary.failedGroups} failed, ${summary.finishedBefore} done by an earlier run)`,
    `Links made:        ${summary.linked}${summary.alreadyLinked > 0 ? ` (+${summary.alreadyLinked} found already made)` : ''}${summary.gone > 0 ? `; ${summary.gone} accounts gone before their link` : ''}`,
    `Requests:          ${stats.requests} in ${seconds.toFixed(1)} s (${stats.throttled} answered 429, ${stats.retries} retried, ${(stats.blockedMs / 1000).toFixed(1)} s held after 429s)`,
  ];
  for (const failure of summary.failures.slice(0, 20)) lines.push(`  failed: ${failure.error}`);
  if (summary.failures.length > 20) lines.push(`  … and ${summary.failures.length - 20} more failures (see --json)`);
  return lines;
}

/** Writes one row per account of the plan: email, role, user_id, connection, created_at, why. */
export async function writePlanCsv(
  path: string,
  plan: TenantPlan,
  primaryConnection: string | undefined,
  email: (email: string) => string = maskEmail,
): Promise<void> {
  await writeCsv(path, ['email', 'role', 'user_id', 'connection', 'created_at', 'why'], planRows(plan, primaryConnection, email));
}

function* planRows(plan: TenantPlan, primaryConnection: string | undefined, email: (email: string) => string): Generator<Array<string | undefined>> {
  const shown = (value: string | undefined) => (value === undefined ? undefined : email(value));
  const account = (group: PlannedGroup | undefined, role: string, a: AccountRef, why: string) => [
    shown(group?.email ?? a.email),
    role,
    a.user_id,
    a.connection,
    a.created_at,
    why,
  ];
  for (const group of plan.groups) {
    yield account(group, 'primary', group.primary, primaryReasonText(group.why, primaryConnection));
    for (const s of group.secondaries) yield account(group, 'secondary', s, '');
  }
  for (const s of plan.skipped) yield account(undefined, 'skipped', s, REASON_TEXT[s.reason]);
}

function accountRow(role: string, account: AccountRef, why: string): string[] {
  return [role, account.user_id, account.connection, account.created_at.slice(0, 10), why];
}

/** Rows padded into columns; a row whose later cells are empty is printed as is (a group's email). */
function table(rows: string[][]): string[] {
  return columns(rows, { whole: (row) => row[1] === '' });
}
