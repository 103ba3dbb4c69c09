// `npm run backfill`: flags, credentials, the run and its report, for scripts/backfill.ts and tests.
import { CliError, numberFlag, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import type { Env } from '../env.ts';
import { credentialsFromEnv } from '../management/client.ts';
import { createProgress } from '../progress.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { applyText, planText, totalsText, writePlanCsv } from './report.ts';
import { runBackfill, type BackfillOptions, type BackfillResult } from './run.ts';
import { endSessionsFromEnv, policyFromEnv } from './settings.ts';
import { pacedTenantApi } from '../management/tenant-api.ts';
import { checkOutputPath } from '../output-path.ts';
import { emailShown, maskEmails, SHOW_EMAILS, SHOW_EMAILS_DESCRIPTION } from '../email-mask.ts';

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_SHOWN_GROUPS = 50;

const options = {
  apply: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  journal: { type: 'string' },
  csv: { type: 'string' },
  concurrency: { type: 'string' },
  show: { type: 'string' },
  ...SHOW_EMAILS,
} as const;

export const backfillSpec: CommandSpec<typeof options> = {
  usage: 'npm run backfill -- [--apply] [options]',
  summary:
    'Reads every user of the tenant and groups the accounts sharing a verified email with the same policy as the Action ' +
    '(same trust rules, same primary, same exclusions). By default a dry run: reports each group, its primary and why, ' +
    'each skipped account and why, and totals; changes nothing. With --apply it links every group, writing the same ' +
    'audit record on the primary as the Action before linking, paced by the tenant rate limit, with a journal so an ' +
    'interrupted run resumes where it stopped when run again with the same --journal.',
  options,
  values: { journal: '<file>', csv: '<file>', concurrency: '<n>', show: '<n>' },
  descriptions: {
    apply: 'link the groups (default: dry run, nothing is changed)',
    'dry-run': 'report only (the default; cannot be combined with --apply)',
    journal: 'with --apply: the journal file; an existing unfinished one is resumed (default backfill-<domain>.journal.ndjson)',
    csv: 'also write every account of the plan (email, role, user_id, connection, created_at, why) to this CSV file',
    'show-emails': SHOW_EMAILS_DESCRIPTION,
    concurrency: `groups linked at once, at most (default ${DEFAULT_CONCURRENCY}; the rate limit paces requests further)`,
    show: `groups listed in the human report (default ${DEFAULT_SHOWN_GROUPS}; --json and --csv list all)`,
  },
  environment: [
    'AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   an application granted read:users (and update:users for --apply)',
    'TRUSTED_CONNECTIONS, PRIMARY_CONNECTION   the same trust settings as the Action (see README)',
    'AUTH0_BASE_URL   where AUTH0_DOMAIN is really served (the local tenant), e.g. http://127.0.0.1:4010',
  ],
  examples: [
    'npm run backfill',
    'npm run backfill -- --csv plan.csv',
    'npm run backfill -- --apply',
    'npm run backfill -- --apply --journal backfill.journal.ndjson --json',
  ],
};

export type BackfillFlags = ParsedValues<typeof options>;

export interface BackfillDeps {
  env: Env;
  /** The fetch the SDK and the export download use (tests: the in-process tenant); AUTH0_BASE_URL routing goes on top. */
  fetch?: Fetch;
  progressStream?: NodeJS.WriteStream;
  signal?: AbortSignal;
  /** Test hooks and knobs passed to the run. */
  run?: Pick<BackfillOptions, 'pollMs' | 'partitions' | 'onLinked' | 'now'>;
}

/** The default journal of a tenant: in the working directory, named after the domain. */
export function defaultJournal(domain: string): string {
  return `backfill-${domain.replace(/[^a-z0-9.-]/gi, '_')}.journal.ndjson`;
}

export function backfillCommand(deps: BackfillDeps): (flags: BackfillFlags) => Promise<CommandReport> {
  return async (flags) => {
    if (flags.apply && flags['dry-run']) throw new UsageError('--apply and --dry-run exclude each other: drop one');
    if (!flags.apply && flags.journal !== undefined) throw new UsageError('--journal goes with --apply (a dry run changes nothing and keeps no journal)');
    const concurrency = numberFlag('concurrency', flags.concurrency, DEFAULT_CONCURRENCY, { min: 1, max: 64, integer: true });
    const shown = numberFlag('show', flags.show, DEFAULT_SHOWN_GROUPS, { min: 0, integer: true });
    const credentials = credentialsFromEnv(deps.env, 'npm run backfill');
    const policy = policyFromEnv(deps.env);
    const endSessions = endSessionsFromEnv(deps.env);
    const journalPath = flags.apply ? (flags.journal ?? defaultJournal(credentials.domain)) : undefined;
    // Before any request: a path that cannot be written would otherwise fail only after every user was read.
    if (journalPath !== undefined) checkOutputPath('journal', journalPath);
    if (flags.csv !== undefined) checkOutputPath('csv', flags.csv);
    const api = pacedTenantApi(credentials, { concurrency, signal: deps.signal, fetch: deps.fetch });
    const silent = flags.json ?? false;
    let result: BackfillResult;
    try {
      result = await runBackfill(api, {
        apply: flags.apply ?? false,
        journalPath,
        domain: credentials.domain,
        policy,
        endSessions,
        concurrency,
        listSkipped: (flags.json ?? false) || flags.csv !== undefined,
        ...deps.run,
        ...(deps.signal ? { signal: deps.signal } : {}),
        progress: (label, total) => createProgress({ label, total, silent, ...(deps.progressStream ? { stream: deps.progressStream } : {}) }),
      });
    } catch (error) {
      if (deps.signal?.aborted)
        throw new CliError(`interrupted before linking started; nothing was changed${journalPath ? ` (run again to start over: ${journalPath})` : ''}`);
      throw error;
    }
    if (flags.csv !== undefined) {
      if (!result.plan)
        throw new CliError(`--csv writes the plan, and a resumed run takes its plan from ${journalPath}: run the dry run with --csv for the file`);
      await writePlanCsv(flags.csv, result.plan, policy.primaryConnection, emailShown(flags['show-emails']));
    }
    const report = commandReport(result, shown, policy.primaryConnection, flags.csv, emailShown(flags['show-emails']));
    return flags['show-emails'] ? report : { ...report, result: maskEmails(report.result) };
  };
}

function commandReport(
  result: BackfillResult,
  shown: number,
  primaryConnection: string | undefined,
  csv: string | undefined,
  email: (email: string) => string,
): CommandReport {
  if (result.finishedBefore !== undefined) return finishedReport(result);
  const applied = result.applied;
  const read = `Read via ${result.via === 'journal' ? `the plan in ${result.journal} (resumed)` : result.via === 'export' ? 'a users-export job' : 'paging'}.`;
  if (!applied) {
    const lines = [planText(result.plan!, { maxGroups: shown, primaryConnection, email }), '', read];
    if (csv) lines.push(`Every account written to ${csv}.`);
    lines.push(
      result.totals.links === 0
        ? 'Nothing to do: no group has an account to link. Nothing was changed.'
        : 'Dry run: nothing was changed. Run again with --apply to link these groups.',
    );
    return {
      summary: lines.join('\n'),
      result: {
        ok: true,
        mode: 'dry-run',
        via: result.via,
        totals: result.totals,
        groups: result.plan!.groups,
        skipped: result.plan!.skipped,
        confirm: result.plan!.confirm,
        requests: result.requests,
        seconds: result.seconds,
      },
    };
  }
  const lines = [...totalsText(result.totals), ...applyText(applied, result.requests, result.seconds), read, `Journal: ${result.journal}`];
  let exitCode = 0;
  if (applied.interrupted) {
    exitCode = 1;
    lines.push(`Interrupted: run the same command again to resume from ${result.journal}.`);
  } else if (applied.failures.length > 0) {
    exitCode = 1;
    lines.push(`${applied.failures.length} groups failed: run the same command again to retry them (the journal keeps what is done).`);
  } else if (result.totals.links === 0) {
    lines.push('Nothing to do: no group has an account to link.');
  } else {
    lines.push('Done: every planned group is settled.');
  }
  return {
    summary: lines.join('\n'),
    result: {
      ok: exitCode === 0,
      mode: 'apply',
      via: result.via,
      journal: result.journal,
      nothingToDo: result.totals.links === 0,
      totals: result.totals,
      applied,
      requests: result.requests,
      seconds: result.seconds,
    },
    exitCode,
  };
}

/** A rerun on a finished journal: nothing applied, the old plan not shown as if it were the tenant's, and how to start afresh. */
function finishedReport(result: BackfillResult): CommandReport {
  const fresh = `${result.journal!.replace(/(\.journal)?\.ndjson$/, '')}-${new Date().toISOString().slice(0, 10)}.journal.ndjson`;
  const lines = [
    `${result.journal} records a backfill that finished at ${result.finishedBefore}: nothing is left to apply from it, and nothing was changed.`,
    `The tenant was not read again (one request checked the credentials). To link accounts made since, plan afresh with \`npm run backfill\`, then apply with a new journal: npm run backfill -- --apply --journal ${fresh}`,
  ];
  return {
    summary: lines.join('\n'),
    result: {
      ok: true,
      mode: 'apply',
      journal: result.journal,
      finishedBefore: result.finishedBefore,
      nothingToDo: true,
      requests: result.requests,
      seconds: result.seconds,
    },
  };
}
