// The backfill's journal: an append-only NDJSON file of what was planned and done, so an interrupted run resumes
// where it stopped and an undo knows every link made. Each record is written with one write() call: a killed
// process loses nothing it wrote; the file is fsync'd after the plan, at the end, and at most a second apart in
// between, so a machine crash loses at most the last second — which resuming re-checks against the tenant anyway.
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { CliError } from '../cli.ts';
import { NdjsonError, readNdjson } from '../ndjson.ts';
import type { CheckedMark } from '../../../actions/link-record.ts';
import type { PlanTotals } from './plan.ts';

export const JOURNAL_VERSION = 1;

export type JournalRecord =
  /** First line: which tenant and which policy settings the plan was made for. */
  | { type: 'run'; version: number; domain: string; settings: string; at: string }
  | { type: 'planned'; email: string; primary: string; secondaries: string[] }
  /** The plan is whole: applying may start (a journal without this line is restarted from scratch). */
  | { type: 'plan-complete'; totals: PlanTotals }
  /** The audit record and the checked mark are about to be written on the primary (before its links); `checked_before`
   *  is the mark it has (null: none), which undo puts back. The first such line of a primary is the one that counts. */
  | { type: 'patching'; email: string; primary: string; secondaries: string[]; checked_before: CheckedMark | null; at: string }
  /** `verified`: the link was found already made on the tenant (a run stopped after linking, before this line). */
  | { type: 'linked'; email: string; primary: string; secondary: string; at: string; verified?: boolean }
  | { type: 'group-done'; email: string; primary: string; outcome: GroupResult; note?: string }
  | { type: 'group-failed'; email: string; primary: string; error: string }
  | { type: 'finished'; at: string };

/** linked: every planned link is made; changed: the tenant changed since the plan and the policy now says otherwise. */
export type GroupResult = 'linked' | 'partial' | 'changed';

const SYNC_EVERY_MS = 1000;

/** A group to apply, as the journal records it. */
export interface GroupToApply {
  email: string;
  primary: string;
  secondaries: string[];
}

/** What a journal says: the plan, and how far applying it got. */
export interface JournalState {
  header: Extract<JournalRecord, { type: 'run' }> | undefined;
  groups: GroupToApply[];
  /** Set once the plan is whole. */
  totals: PlanTotals | undefined;
  /** Emails of groups finished (linked, partly linked, or changed since the plan). */
  finishedGroups: Set<string>;
  /** Every link made or found made, in order. */
  links: Array<{ primary: string; secondary: string }>;
  /** The checked mark each patched primary had before the backfill's first patch (null: none). */
  checkedBefore: Map<string, CheckedMark | null>;
  finished: boolean;
  /** When the run finished, from its `finished` line. */
  finishedAt: string | undefined;
}

/** Reads a whole journal into its state. */
export async function loadJournal(path: string): Promise<JournalState> {
  const state: JournalState = {
    header: undefined,
    groups: [],
    totals: undefined,
    finishedGroups: new Set(),
    links: [],
    checkedBefore: new Map(),
    finished: false,
    finishedAt: undefined,
  };
  for await (const record of readJournal(path)) {
    switch (record.type) {
      case 'run':
        state.header = record;
        break;
      case 'planned':
        state.groups.push({ email: record.email, primary: record.primary, secondaries: record.secondaries });
        break;
      case 'plan-complete':
        state.totals = record.totals;
        break;
      case 'patching':
        if (!state.checkedBefore.has(record.primary)) state.checkedBefore.set(record.primary, record.checked_before ?? null);
        break;
      case 'linked':
        state.links.push({ primary: record.primary, secondary: record.secondary });
        break;
      case 'group-done':
        state.finishedGroups.add(record.email);
        break;
      case 'finished':
        state.finished = true;
        state.finishedAt = record.at;
        break;
      default:
        break;
    }
  }
  if (state.header?.version !== undefined && state.header.version !== JOURNAL_VERSION) {
    throw new CliError(`journal ${path} has version ${state.header.version}; this backfill reads version ${JOURNAL_VERSION}`);
  }
  return state;
}

export class Journal {
  readonly path: string;
  private fd: number | undefined;
  private lastSync = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  /** A new journal; refuses to overwrite an existing file. */
  static create(path: string): Journal {
    try {
      return new Journal(path, openSync(path, 'wx'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new CliError(`journal ${path} already exists: resume it with --apply, or choose another --journal`);
      throw new CliError(`cannot create journal ${path}: ${(error as Error).message}`);
    }
  }

  /** An existing journal opened for appending, after dropping a last line a crash left half-written. */
  static reopen(path: string): Journal {
    const fd = openSync(path, 'r+');
    dropTornTail(fd);
    return new Journal(path, openSync(path, 'a'));
  }

  append(record: JournalRecord, options: { durable?: boolean } = {}): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    const now = Date.now();
    if (options.durable || now - this.lastSync >= SYNC_EVERY_MS) {
      fdatasyncSync(this.fd);
      this.lastSync = now;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every record of a journal file, in order; a half-written last line is ignored. */
async function* readJournal(path: string): AsyncGenerator<JournalRecord> {
  if (!existsSync(path)) throw new CliError(`journal ${path} does not exist: check the path`);
  try {
    for await (const { value } of readNdjson(path)) yield value as JournalRecord;
  } catch (error) {
    if (!(error instanceof NdjsonError)) throw error;
    // Only a last line without its newline may be torn (a crash during its write); anything else is a damaged file.
    if (error.lineNumber === newlines(path) + 1) return;
    throw new CliError(`journal ${path} is damaged at line ${error.lineNumber}; it cannot be used`);
  }
}

/** The number of newline bytes in a file. */
function newlines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let count = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      for (let i = chunk.indexOf(0x0a); i >= 0 && i < read; i = chunk.indexOf(0x0a, i + 1)) count += 1;
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/** Truncates the file after its last newline (closing `fd`). */
function dropTornTail(fd: number): void {
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(fd, chunk, 0, end - start, start);
      const index = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (index >= 0) {
        if (start + index + 1 < size) ftruncateSync(fd, start + index + 1);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
  } finally {
    closeSync(fd);
  }
}
