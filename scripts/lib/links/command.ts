// `npm run links`: flags, credentials, reading the tenant's audit records and the report, for scripts/links.ts and tests.
import { CliError, dateFlag, numberFlag, UsageError, type CommandReport, type CommandSpec, type ParsedValues } from '../cli.ts';
import { writeCsv } from '../csv.ts';
import type { Env } from '../env.ts';
import { credentialsFromEnv, describeApiError } from '../management/client.ts';
import { pacedTenantApi } from '../management/tenant-api.ts';
import { openUserSource } from '../management/user-source.ts';
import { checkOutputPath } from '../output-path.ts';
import { createProgress } from '../progress.ts';
import type { Fetch } from '../routed-fetch.cjs';
import { CSV_HEADER, csvRow, idMapOf, linkRowsOf, linksText, totalsOf, type LinkRow } from './report.ts';

const DEFAULT_SHOWN = 50;
/** What the report reads of each user: who holds which identities, and the audit record. */
const FIELDS = ['user_id', 'identities', 'app_metadata'] as const;

const options = {
  since: { type: 'string' },
  csv: { type: 'string' },
  show: { type: 'string' },
} as const;

export const linksSpec: CommandSpec<typeof options> = {
  usage: 'npm run links -- [--since <date>] [--csv <file>] [--json]',
  summary:
    'Lists every link the Action and the backfill made, from the audit records they write on each primary ' +
    '(the app_metadata auto_links_<hash> keys): when, by whom, the former user_id and the primary it now belongs to. The id map ' +
    '(former user_id → primary) is what an application needs to move data it keeps under the old id. Reads only; ' +
    'needs read:users. Reads the whole tenant (paging, or a users-export job past 1000 users).',
  options,
  values: { since: '<date>', csv: '<file>', show: '<n>' },
  descriptions: {
    since: 'only links made at or after this ISO date or time (e.g. 2025-06-01 or 2025-06-01T10:00:00Z)',
    csv: 'also write every link (linked_at, by, former_user_id, primary_user_id, connection, moved_identities, in_place) to this CSV file',
    show: `links listed in the human report (default ${DEFAULT_SHOWN}; --json and --csv list all)`,
  },
  environment: [
    'AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   an application granted read:users',
    'AUTH0_BASE_URL   where AUTH0_DOMAIN is really served (the local tenant), e.g. http://127.0.0.1:4010',
  ],
  examples: ['npm run links', 'npm run links -- --since 2025-06-01 --csv links.csv', 'npm run links -- --json'],
};

export type LinksFlags = ParsedValues<typeof options>;

export interface LinksDeps {
  env: Env;
  /** The fetch the SDK and the export download use (tests: the in-process tenant); AUTH0_BASE_URL routing goes on top. */
  fetch?: Fetch;
  progressStream?: NodeJS.WriteStream;
  pollMs?: { first: number; max: number };
}

export function linksCommand(deps: LinksDeps): (flags: LinksFlags) => Promise<CommandReport> {
  return async (flags) => {
    const since = flags.since === undefined ? undefined : dateFlag('since', flags.since);
    const shown = numberFlag('show', flags.show, DEFAULT_SHOWN, { min: 0, integer: true });
    if (flags.csv !== undefined) checkOutputPath('csv', flags.csv);
    const credentials = credentialsFromEnv(deps.env, 'npm run links');
    const api = pacedTenantApi(credentials, { concurrency: 4, fetch: deps.fetch });
    const bar = createProgress({
      label: 'reading audit records',
      silent: flags.json ?? false,
      ...(deps.progressStream ? { stream: deps.progressStream } : {}),
    });
    const rows: LinkRow[] = [];
    let via: 'paging' | 'export';
    try {
      const source = await openUserSource(api, { fields: FIELDS, ...(deps.pollMs ? { pollMs: deps.pollMs } : {}) });
      via = source.via;
      let read = 0;
      for await (const user of source.users) {
        bar.update(++read, source.total);
        rows.push(...linkRowsOf(user, since));
      }
    } catch (error) {
      if (error instanceof CliError || error instanceof UsageError) throw error;
      throw new CliError(describeApiError(error, "reading the tenant's audit records"));
    } finally {
      bar.finish();
    }
    rows.sort((a, b) => (a.linked_at < b.linked_at ? -1 : a.linked_at > b.linked_at ? 1 : a.former_user_id < b.former_user_id ? -1 : 1));
    const totals = totalsOf(rows);
    if (flags.csv !== undefined) await writeCsv(flags.csv, CSV_HEADER, rows.map(csvRow));
    const summary = linksText(rows, totals, shown, since) + (flags.csv !== undefined ? `\nEvery link written to ${flags.csv}.` : '');
    return {
      summary,
      result: { ok: true, since: since?.toISOString() ?? null, via, totals, links: rows, idMap: idMapOf(rows), requests: api.pacer.stats },
    };
  };
}
