// The backfill from start to end: read the tenant (or the plan of an interrupted run from its journal), plan it with
// the Action's policy, report it, and with `apply` journal the plan and link every group.
import type { EndSessions } from '../../../actions/config.ts';
import { existsSync, rmSync } from 'node:fs';
import { POLICY_FIELDS, type PolicyOptions } from '../../../actions/policy.ts';
import { CliError } from '../cli.ts';
import { describeApiError, isTenantFailure } from '../management/client.ts';
import type { Progress } from '../progress.ts';
import { applyGroups, type ApplySummary } from './apply.ts';
import { Journal, JOURNAL_VERSION, loadJournal, type GroupToApply } from './journal.ts';
import type { PacerStats } from '../management/pacer.ts';
import { partitionsFor, planTenant, type TenantPlan, type PlanTotals } from './plan.ts';
import { settingsOf } from './settings.ts';
import type { TenantApi } from '../management/tenant-api.ts';
import { openUserSource, type SourceOptions } from '../management/user-source.ts';

export interface BackfillOptions {
  apply: boolean;
  /** The journal of an --apply run (required with apply); resumed when it exists. */
  journalPath: string | undefined;
  domain: string;
  policy: PolicyOptions;
  /** What of a password account's sessions ends before its link (END_SESSIONS); default sso-and-refresh, as the Action's. */
  endSessions?: EndSessions;
  /** Groups applied at once. */
  concurrency: number;
  /** Partition count for planning; default from the tenant's size. */
  partitions?: number;
  /** Keep every skipped account in the plan (for a listing: JSON, CSV); otherwise only their counts. */
  listSkipped?: boolean;
  pollMs?: SourceOptions['pollMs'];
  signal?: AbortSignal;
  now?: () => Date;
  progress?: (label: string, total: number) => Progress;
  /** Test hook: called after each journaled link. */
  onLinked?: (secondary: string) => void;
}

export interface BackfillResult {
  mode: 'dry-run' | 'apply';
  /** How the users were read; `journal` when an earlier run was resumed from its plan. */
  via: 'paging' | 'export' | 'journal';
  totals: PlanTotals;
  /** The full plan, when the tenant was read (not on a resume). */
  plan: TenantPlan | undefined;
  journal: string | undefined;
  /** The journal already recorded a finished run (at this time): nothing was applied, only the credentials checked. */
  finishedBefore?: string;
  applied: ApplySummary | undefined;
  requests: PacerStats;
  seconds: number;
}

export async function runBackfill(api: TenantApi, options: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now();
  const noProgress: Progress = { update() {}, finish() {} };
  const progress = options.progress ?? (() => noProgress);
  const resumed = options.apply && options.journalPath !== undefined ? await resumable(options.journalPath, options) : undefined;

  let plan: TenantPlan | undefined;
  let via: BackfillResult['via'] = 'journal';
  let groups: GroupToApply[];
  let totals: PlanTotals;
  if (resumed) {
    ({ groups } = resumed);
    totals = resumed.totals!;
  } else {
    ({ plan, via } = await readAndPlan(api, options, progress).catch((error: unknown) => {
      if (isTenantFailure(error)) throw new CliError(describeApiError(error, "reading the tenant's users"));
      throw error;
    }));
    totals = plan.totals;
    groups = plan.groups.map((g) => ({ email: g.email, primary: g.primary.user_id, secondaries: g.secondaries.map((s) => s.user_id) }));
  }
  const result: BackfillResult = {
    mode: options.apply ? 'apply' : 'dry-run',
    via,
    totals,
    plan,
    journal: options.journalPath,
    applied: undefined,
    requests: api.pacer.stats,
    seconds: 0,
  };
  if (!options.apply) return { ...result, seconds: (Date.now() - started) / 1000 };
  if (resumed?.finished) {
    // Nothing is left to apply from a finished journal, and its plan is not the tenant's now. One request still checks
    // that the credentials reach this tenant, so a wrong secret fails here as it would on a fresh run.
    await api.listUsers(0, 1, ['user_id']).catch((error: unknown) => {
      if (isTenantFailure(error)) throw new CliError(describeApiError(error, 'checking the credentials against the tenant'));
      throw error;
    });
    return { ...result, finishedBefore: resumed.finishedAt ?? 'an unknown time', seconds: (Date.now() - started) / 1000 };
  }
  if (options.journalPath === undefined) throw new Error('runBackfill: apply needs a journalPath (resuming and undo depend on it)');

  const journal = resumed ? Journal.reopen(options.journalPath) : Journal.create(options.journalPath);
  try {
    if (!resumed) {
      journal.append({ type: 'run', version: JOURNAL_VERSION, domain: options.domain, settings: settingsOf(options.policy), at: new Date().toISOString() });
      for (const group of groups) journal.append({ type: 'planned', ...group });
      journal.append({ type: 'plan-complete', totals }, { durable: true });
    }
    const bar = progress('linking', totals.links);
    const applied = await applyGroups(
      api,
      journal,
      groups,
      { finished: resumed?.finishedGroups ?? new Set(), linked: new Set(resumed?.links.map((l) => l.secondary)) },
      {
        policy: options.policy,
        endSessions: options.endSessions ?? 'sso-and-refresh',
        concurrency: options.concurrency,
        onProgress: (settled) => bar.update(settled),
        ...(options.now ? { now: options.now } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onLinked ? { onLinked: options.onLinked } : {}),
      },
    );
    bar.finish();
    if (!applied.interrupted && applied.failures.length === 0) journal.append({ type: 'finished', at: new Date().toISOString() }, { durable: true });
    return { ...result, applied, seconds: (Date.now() - started) / 1000 };
  } finally {
    journal.close();
  }
}

/** Reads every user and plans them, with a progress bar on the reading. */
async function readAndPlan(
  api: TenantApi,
  options: BackfillOptions,
  progress: (label: string, total: number) => Progress,
): Promise<{ plan: TenantPlan; via: 'paging' | 'export' }> {
  const source = await openUserSource(api, {
    // What the policy reads, user_metadata included: the person's unlink choice is kept there.
    fields: POLICY_FIELDS,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const bar = progress(source.via === 'export' ? 'reading the users export' : 'reading users', source.total);
  let read = 0;
  const counted = async function* () {
    for await (const user of source.users) {
      bar.update(++read);
      yield user;
    }
  };
  const plan = await planTenant(counted(), options.policy, {
    partitions: options.partitions ?? partitionsFor(source.total),
    listSkipped: options.listSkipped ?? false,
  });
  bar.finish();
  return { plan, via: source.via };
}

/** The journal's state when it holds a whole plan to resume; a journal whose plan was cut short is started afresh. */
async function resumable(path: string, options: BackfillOptions): Promise<Awaited<ReturnType<typeof loadJournal>> | undefined> {
  if (!existsSync(path)) return undefined;
  const state = await loadJournal(path);
  if (state.header && state.header.domain !== options.domain) {
    throw new CliError(`journal ${path} is for tenant ${state.header.domain}, not ${options.domain}: use another --journal`);
  }
  if (state.totals === undefined) {
    // Nothing was applied before the plan was whole: the file holds nothing worth keeping.
    rmSync(path);
    return undefined;
  }
  if (state.header && state.header.settings !== settingsOf(options.policy)) {
    throw new CliError(
      `journal ${path} was planned with other trust settings (${state.header.settings}); set TRUSTED_CONNECTIONS / PRIMARY_CONNECTION as then, or use another --journal`,
    );
  }
  // A finished run is returned too: runBackfill applies nothing from it and says so.
  return state;
}
