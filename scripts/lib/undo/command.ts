// `npm run undo`: flags, credentials, finding the links to take back and taking them back (undoLinks), for scripts/undo.ts and tests.
import { CliError, dateFlag, numberFlag, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import type { Env } from '../env.ts';
import { credentialsFromEnv, describeApiError, isTenantFailure } from '../management/client.ts';
import { checkInputFile } from '../output-path.ts';
import { createProgress } from '../progress.ts';
import type { Fetch } from '../routed-fetch.cjs';
import type { Pacer } from '../management/pacer.ts';
import { pacedTenantApi } from '../management/tenant-api.ts';
import type { SourceOptions } from '../management/user-source.ts';
import { findTargets, type TargetSelector } from './targets.ts';
import { undoLinks, type UndoItem, type UndoStatus } from './undo.ts';

const DEFAULT_CONCURRENCY = 8;
const SHOWN_ITEMS = 50;

const options = {
  user: { type: 'string' },
  journal: { type: 'string' },
  since: { type: 'string' },
  apply: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  exclude: { type: 'boolean' },
  concurrency: { type: 'string' },
} as const;

export const undoSpec: CommandSpec<typeof options> = {
  usage: 'npm run undo -- (--user <id> | --journal <file> | --since <date>) [--apply] [options]',
  summary:
    'Takes back links made by the Action or the backfill: unlinks each secondary identity from its primary, writes back ' +
    'on the re-created user the metadata its audit record kept, and removes the audit record entry. By default a dry run ' +
    'that lists what would be undone; --apply does it. Run it again after an interruption: what is done is skipped.',
  options,
  values: { user: '<user_id>', journal: '<file>', since: '<date>', concurrency: '<n>' },
  descriptions: {
    user: 'undo the link of this secondary account (its user_id before the link, e.g. google-oauth2|1234)',
    journal: 'undo every link a backfill journal records',
    since: 'undo every link recorded on or after this ISO date or time (e.g. 2025-06-01 or 2025-06-01T10:00:00Z)',
    apply: 'make the changes (default: dry run, nothing is changed)',
    'dry-run': 'list what would be undone (the default; cannot be combined with --apply)',
    exclude: 'also set app_metadata.auto_link_exclude on each restored account, so that the Action does not link it again',
    concurrency: `primaries worked on at once, at most (default ${DEFAULT_CONCURRENCY})`,
  },
  environment: [
    'AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   an application granted read:users and update:users',
    'AUTH0_BASE_URL   where AUTH0_DOMAIN is really served (the local tenant), e.g. http://127.0.0.1:4010',
  ],
  examples: [
    'npm run undo -- --user "google-oauth2|1234"',
    'npm run undo -- --journal backfill-my-tenant.eu.auth0.com.journal.ndjson --apply',
    'npm run undo -- --since 2025-06-01 --apply --exclude',
  ],
};

export type UndoFlags = ParsedValues<typeof options>;

export interface UndoDeps {
  env: Env;
  fetch?: Fetch;
  progressStream?: NodeJS.WriteStream;
  signal?: AbortSignal;
  pollMs?: SourceOptions['pollMs'];
}

export function undoCommand(deps: UndoDeps): (flags: UndoFlags) => Promise<CommandReport> {
  return async (flags) => {
    const selector = selectorOf(flags);
    if (flags.apply && flags['dry-run']) throw new UsageError('--apply and --dry-run exclude each other: drop one');
    const dryRun = !flags.apply;
    const concurrency = numberFlag('concurrency', flags.concurrency, DEFAULT_CONCURRENCY, { min: 1, max: 64, integer: true });
    // Before any request: a journal that is not a file would otherwise fail after the token request, as if the tenant had.
    if ('journal' in selector) checkInputFile('journal', selector.journal, 'the journal file of a backfill --apply, e.g. backfill-<domain>.journal.ndjson');
    const credentials = credentialsFromEnv(deps.env, 'npm run undo');
    const api = pacedTenantApi(credentials, { concurrency, signal: deps.signal, fetch: deps.fetch });
    const progress = (label: string, total: number) =>
      createProgress({ label, total, silent: flags.json ?? false, ...(deps.progressStream ? { stream: deps.progressStream } : {}) });
    const started = Date.now();
    try {
      const reading = progress('searching audit records', 0);
      const targets = await findTargets(api, selector, {
        onRead: (read, total) => reading.update(read, total),
        ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      reading.finish();
      const total = targets.reduce((n, t) => n + t.secondaries.length, 0);
      const bar = progress(dryRun ? 'checking' : 'undoing', total);
      const summary = await undoLinks(api, targets, {
        dryRun,
        exclude: flags.exclude ?? false,
        concurrency,
        onProgress: (settled) => bar.update(settled),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      bar.finish();
      return commandReport(summary.items, summary.interrupted, dryRun, flags.exclude ?? false, api.pacer, (Date.now() - started) / 1000);
    } catch (error) {
      if (error instanceof CliError || error instanceof UsageError) throw error;
      if (deps.signal?.aborted) throw new CliError('interrupted: run the same command again to finish (what is done is skipped)');
      if (!isTenantFailure(error)) throw error;
      throw new CliError(describeApiError(error, 'the undo'));
    }
  };
}

function selectorOf(flags: UndoFlags): TargetSelector {
  const given = (['user', 'journal', 'since'] as const).filter((name) => flags[name] !== undefined);
  if (given.length !== 1)
    throw new UsageError(`name what to undo with exactly one of --user, --journal, --since${given.length > 1 ? ` (got --${given.join(', --')})` : ''}`);
  if (flags.user !== undefined) {
    if (!/^[^|\s]+\|\S+$/.test(flags.user)) throw new UsageError(`--user takes a user_id such as google-oauth2|1234, got "${flags.user}"`);
    return { user: flags.user };
  }
  if (flags.journal !== undefined) return { journal: flags.journal };
  return { since: dateFlag('since', flags.since!) };
}

const STATUS_TEXT: Record<UndoStatus, string> = {
  undone: 'undone',
  'no-record': 'no audit record (already undone, or not linked by the Action or the backfill)',
  'primary-missing': 'primary no longer exists',
  'secondary-missing': 'not on the primary and no such user: linked elsewhere or deleted; audit entry kept',
  failed: 'failed',
};

function commandReport(items: UndoItem[], interrupted: boolean, dryRun: boolean, exclude: boolean, pacer: Pacer, seconds: number): CommandReport {
  const count = (status: UndoStatus) => items.filter((i) => i.status === status).length;
  const problems = items.filter((i) => i.status === 'primary-missing' || i.status === 'secondary-missing' || i.status === 'failed');
  const lines: string[] = [];
  for (const item of items.slice(0, SHOWN_ITEMS)) {
    const what = item.status === 'undone' ? (dryRun ? 'would undo' : 'undone') : STATUS_TEXT[item.status];
    const restored =
      item.restored && item.status === 'undone'
        ? ` (restores app_metadata: ${item.restored.app_metadata.join(', ') || '-'}; user_metadata: ${item.restored.user_metadata.join(', ') || '-'})`
        : '';
    lines.push(
      `  ${item.secondary} from ${item.primary}${item.linked_at ? `, linked ${item.linked_at} by ${item.by}` : ''}: ${what}${restored}${item.error ? `: ${item.error}` : ''}`,
    );
  }
  if (items.length > SHOWN_ITEMS) lines.push(`  … and ${items.length - SHOWN_ITEMS} more (see --json)`);
  lines.push(
    '',
    `Links ${dryRun ? 'to undo' : 'undone'}: ${count('undone')} of ${items.length}; no audit record: ${count('no-record')}; problems: ${problems.length}`,
    `Requests: ${pacer.stats.requests} in ${seconds.toFixed(1)} s (${pacer.stats.throttled} answered 429)`,
  );
  if (dryRun) lines.push('Dry run: nothing was changed. Run again with --apply to undo these links.');
  else if (interrupted) lines.push('Interrupted: run the same command again to finish (what is done is skipped).');
  else if (count('undone') > 0 && !exclude)
    lines.push('Note: while the Action is deployed, a restored account that logs in is linked again; use --exclude, or turn the Action off (LINK_MODE=off).');
  const exitCode = interrupted || problems.length > 0 ? 1 : 0;
  return {
    summary: lines.join('\n'),
    result: { ok: exitCode === 0, dryRun, items, requests: pacer.stats, seconds },
    exitCode,
  };
}
