// `npm run declines`: flags, credentials, listing the tenant's declines and clearing them (clearDeclines), for scripts/declines.ts and tests.
import { DECLINED_KEY } from '../../../actions/decline-memory.ts';
import { CliError, dateFlag, numberFlag, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import { writeCsv } from '../csv.ts';
import type { Env } from '../env.ts';
import { credentialsFromEnv, describeApiError } from '../management/client.ts';
import { pacedTenantApi, type TenantApi } from '../management/tenant-api.ts';
import { openUserSource, type SourceOptions } from '../management/user-source.ts';
import { checkOutputPath } from '../output-path.ts';
import { createProgress } from '../progress.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { clearDeclines, declinesOf, type ClearItem, type ClearStatus } from './clear.ts';
import { byDate, CSV_HEADER, csvRow, declineRowOf, madeSince, rowLines, totalsLine, totalsOf, type DeclineRow } from './report.ts';

const DEFAULT_SHOWN = 50;
const DEFAULT_CONCURRENCY = 8;
/** What the listing reads of each user: its id and the decline record, never the email (identities: an export line must be a user). */
const FIELDS = ['user_id', 'identities', 'app_metadata'] as const;

const options = {
  since: { type: 'string' },
  csv: { type: 'string' },
  show: { type: 'string' },
  clear: { type: 'string', multiple: true },
  'clear-all': { type: 'boolean' },
  'clear-expired': { type: 'boolean' },
  apply: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  concurrency: { type: 'string' },
} as const;

export const declinesSpec: CommandSpec<typeof options> = {
  usage: 'npm run declines -- [--since <date>] [--csv <file>] [--clear <user_id>… | --clear-all | --clear-expired [--apply]]',
  summary:
    `Lists every user who answered "Not now" or "Never" on the linking page (app_metadata.${DECLINED_KEY}): the decision, ` +
    'when, until when ("Not now" only; past it the record is expired and the Action asks again) and the offered user_ids. ' +
    'While a decline holds, the Action does not ask that person again; "Never" holds until it is cleared here. ' +
    `Clearing removes only that key (PATCH app_metadata {"${DECLINED_KEY}": null}), so the Action asks at the person's next ` +
    'interactive login; a dry run unless --apply. Listing needs read:users (the whole tenant is read: paging, or a ' +
    'users-export job past 1000 users); clearing also update:users.',
  options,
  values: { since: '<date>', csv: '<file>', show: '<n>', clear: '<user_id>', concurrency: '<n>' },
  descriptions: {
    since: 'only declines made at or after this ISO date or time (e.g. 2025-06-01 or 2025-06-01T10:00:00Z); narrows --clear-all and --clear-expired too',
    csv: 'also write every decline listed (user_id, decision, at, until, expired, offers) to this CSV file',
    show: `declines listed in the human report (default ${DEFAULT_SHOWN}; --json and --csv list all)`,
    clear: 'clear the decline of this user (repeat the flag for more); refused, with nothing changed, if one holds none',
    'clear-all': 'clear every decline listed',
    'clear-expired': 'clear only the expired "Not now" records (the Action ignores them already)',
    apply: 'make the changes (default: dry run, nothing is changed)',
    'dry-run': 'show what would be cleared (the default; cannot be combined with --apply)',
    concurrency: `users cleared at once, at most (default ${DEFAULT_CONCURRENCY})`,
  },
  environment: [
    'AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   an application granted read:users (and update:users to clear)',
    'AUTH0_BASE_URL   where AUTH0_DOMAIN is really served (the local tenant), e.g. http://127.0.0.1:4010',
  ],
  examples: [
    'npm run declines',
    'npm run declines -- --since 2025-06-01 --csv declines.csv',
    'npm run declines -- --clear "waad|7c1e52d0-8f3b-4a6e-9d21-0b5f3a9c4e11" --apply',
    'npm run declines -- --clear-expired --apply',
  ],
};

export type DeclinesFlags = ParsedValues<typeof options>;

export interface DeclinesDeps {
  env: Env;
  /** The fetch the SDK and the export download use (tests: the in-process tenant); AUTH0_BASE_URL routing goes on top. */
  fetch?: Fetch;
  progressStream?: NodeJS.WriteStream;
  signal?: AbortSignal;
  pollMs?: SourceOptions['pollMs'];
  /** The clock that tells an expired "Not now" (tests). */
  now?: () => Date;
}

/** What to clear: nothing (a listing), named users, every listed decline, or the expired ones. */
type Selection = { list: true } | { users: string[] } | { all: true } | { expired: true };

export function declinesCommand(deps: DeclinesDeps): (flags: DeclinesFlags) => Promise<CommandReport> {
  return async (flags) => {
    const selection = selectionOf(flags);
    const since = flags.since === undefined ? undefined : dateFlag('since', flags.since);
    if ('users' in selection && since) throw new UsageError('--since narrows a listing, --clear-all or --clear-expired; --clear names users already');
    if (flags.apply && flags['dry-run']) throw new UsageError('--apply and --dry-run exclude each other: drop one');
    if ('list' in selection && (flags.apply || flags['dry-run']))
      throw new UsageError(`--${flags.apply ? 'apply' : 'dry-run'} goes with --clear, --clear-all or --clear-expired`);
    const shown = numberFlag('show', flags.show, DEFAULT_SHOWN, { min: 0, integer: true });
    const concurrency = numberFlag('concurrency', flags.concurrency, DEFAULT_CONCURRENCY, { min: 1, max: 64, integer: true });
    if (flags.csv !== undefined) checkOutputPath('csv', flags.csv);
    const dryRun = !flags.apply;
    const now = (deps.now ?? (() => new Date()))().getTime();
    const credentials = credentialsFromEnv(deps.env, 'npm run declines');
    const api = pacedTenantApi(credentials, { concurrency, signal: deps.signal, fetch: deps.fetch });
    const progress = (label: string) => createProgress({ label, silent: flags.json ?? false, ...(deps.progressStream ? { stream: deps.progressStream } : {}) });
    const started = Date.now();

    const interrupted = () => deps.signal?.aborted === true;
    let rows: DeclineRow[];
    let via: 'paging' | 'export' | 'users';
    let items: ClearItem[] | undefined;
    try {
      if ('users' in selection) {
        const bar = progress('reading the users');
        rows = await declinesOf(api, selection.users, now, { concurrency, signal: deps.signal, onProgress: (n) => bar.update(n, selection.users.length) });
        bar.finish();
        via = 'users';
      } else {
        const read = await readDeclines(api, now, since, progress('reading declines'), deps);
        rows = 'expired' in selection ? read.rows.filter((r) => r.expired) : read.rows;
        via = read.via;
      }
      if (interrupted()) throw new CliError('interrupted before anything was changed: run the same command again');
      if (!('list' in selection) && !dryRun) {
        const bar = progress('clearing declines');
        items = await clearDeclines(api, rows, 'expired' in selection, now, {
          concurrency,
          signal: deps.signal,
          onProgress: (n) => bar.update(n, rows.length),
        });
        bar.finish();
      }
    } catch (error) {
      if (error instanceof CliError || error instanceof UsageError) throw error;
      if (interrupted()) throw new CliError('interrupted: run the same command again to finish (what is cleared stays cleared)');
      throw new CliError(describeApiError(error, 'list' in selection ? 'reading the declines' : 'clearing declines'));
    }
    rows.sort(byDate);
    if (flags.csv !== undefined) await writeCsv(flags.csv, CSV_HEADER, rows.map(csvRow));
    return commandReport({
      rows,
      items,
      selection,
      dryRun,
      since,
      shown,
      via,
      csv: flags.csv,
      api,
      seconds: (Date.now() - started) / 1000,
      interrupted: interrupted(),
    });
  };
}

function selectionOf(flags: DeclinesFlags): Selection {
  const given = [
    flags.clear ? '--clear' : undefined,
    flags['clear-all'] ? '--clear-all' : undefined,
    flags['clear-expired'] ? '--clear-expired' : undefined,
  ].filter((flag) => flag !== undefined);
  if (given.length > 1) throw new UsageError(`name what to clear with one of --clear, --clear-all, --clear-expired (got ${given.join(', ')})`);
  if (flags.clear) {
    const bad = flags.clear.find((id) => !/^[^|\s]+\|\S+$/.test(id));
    if (bad !== undefined) throw new UsageError(`--clear takes a user_id such as google-oauth2|1234, got "${bad}"`);
    return { users: flags.clear };
  }
  if (flags['clear-all']) return { all: true };
  if (flags['clear-expired']) return { expired: true };
  return { list: true };
}

/** Every decline of the tenant made since `since`, reading it whole (paging, or an export job). */
async function readDeclines(
  api: TenantApi,
  now: number,
  since: Date | undefined,
  bar: ReturnType<typeof createProgress>,
  deps: DeclinesDeps,
): Promise<{ rows: DeclineRow[]; via: 'paging' | 'export' }> {
  const rows: DeclineRow[] = [];
  try {
    const source = await openUserSource(api, {
      fields: FIELDS,
      ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    let read = 0;
    for await (const user of source.users) {
      bar.update(++read, source.total);
      const row = declineRowOf(user, now);
      if (row && madeSince(row, since)) rows.push(row);
    }
    return { rows, via: source.via };
  } finally {
    bar.finish();
  }
}

const STATUS_TEXT: Record<ClearStatus, string> = {
  cleared: 'cleared',
  gone: 'already gone (the user or its record was removed since the tenant was read)',
  kept: 'kept: a new decline replaced the expired one since the tenant was read',
  failed: 'failed',
};

interface ReportInput {
  rows: DeclineRow[];
  items: ClearItem[] | undefined;
  selection: Selection;
  dryRun: boolean;
  since: Date | undefined;
  shown: number;
  via: 'paging' | 'export' | 'users';
  csv: string | undefined;
  api: TenantApi;
  seconds: number;
  interrupted: boolean;
}

function commandReport(input: ReportInput): CommandReport {
  const { rows, items, selection, dryRun, since, shown, csv, api, seconds } = input;
  const totals = totalsOf(rows);
  const lines = rowLines(rows, shown).map((line) => `  ${line}`);
  if (lines.length > 0) lines.push('');
  lines.push(totalsLine(totals, since));
  const clearing = !('list' in selection);
  const count = (status: ClearStatus) => (items ?? []).filter((i) => i.status === status).length;
  const failed = (items ?? []).filter((i) => i.status === 'failed');
  if (clearing) {
    const what = (n: number) => ('expired' in selection ? `expired "Not now" record${n === 1 ? '' : 's'}` : `decline${n === 1 ? '' : 's'}`);
    if (rows.length === 0) lines.push(`Nothing to clear: no ${what(0)}${since ? ` since ${since.toISOString()}` : ''}.`);
    else if (dryRun)
      lines.push(`Dry run: nothing was changed. Run again with --apply to clear ${rows.length === 1 ? 'this' : `these ${rows.length}`} ${what(rows.length)}.`);
    else {
      for (const item of (items ?? []).filter((i) => i.status !== 'cleared').slice(0, DEFAULT_SHOWN))
        lines.push(`  ${item.user_id}: ${STATUS_TEXT[item.status]}${item.error ? `: ${item.error}` : ''}`);
      lines.push(
        `Cleared ${count('cleared')} of ${rows.length} ${what(rows.length)}` +
          `${count('gone') ? `; ${count('gone')} already gone` : ''}${count('kept') ? `; ${count('kept')} kept (declined again)` : ''}` +
          `${failed.length ? `; ${failed.length} failed (run again to retry them)` : ''}. ` +
          (count('cleared') ? 'The Action asks these people again at their next interactive login.' : ''),
      );
    }
    lines.push(`Requests: ${api.pacer.stats.requests} in ${seconds.toFixed(1)} s (${api.pacer.stats.throttled} answered 429)`);
  }
  if (input.interrupted) lines.push('Interrupted: run the same command again to finish (what is cleared stays cleared).');
  if (csv !== undefined) lines.push(`Every decline listed written to ${csv}.`);
  const exitCode = input.interrupted || failed.length > 0 ? 1 : 0;
  return {
    summary: lines.join('\n').trimEnd(),
    result: {
      ok: exitCode === 0,
      since: since?.toISOString() ?? null,
      via: input.via,
      totals,
      declines: rows,
      ...(clearing ? { clear: { dryRun, items: items ?? rows.map((r) => ({ user_id: r.user_id, status: 'cleared' as const })) } } : {}),
      requests: api.pacer.stats,
    },
    exitCode,
  };
}
