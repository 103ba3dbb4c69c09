// Reads a users-export file the way the backfill does once it has downloaded it — the NDJSON reader feeding the
// planner — in a process of its own, sampling memory as it goes; prints one JSON line: the samples and the plan's totals.
// Usage: node export-memory-child.ts <file.ndjson.gz> <users in the file>
import type { User } from '../../../actions/types.ts';
import { partitionsFor, planTenant, type PlanTotals } from '../backfill/plan.ts';
import { readNdjson } from '../ndjson.ts';

export type ExportPhase = 'reading' | 'planning' | 'done';

export interface MemorySample {
  ms: number;
  phase: ExportPhase;
  /** Users read so far. */
  read: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface ExportMemoryReport {
  read: number;
  partitions: number;
  totals: PlanTotals;
  samples: MemorySample[];
}

const SAMPLE_EVERY_MS = 100;

async function measure(file: string, expected: number): Promise<ExportMemoryReport> {
  const started = performance.now();
  const samples: MemorySample[] = [];
  let read = 0;
  let phase: ExportPhase = 'reading';
  const sample = (): void => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ ms: performance.now() - started, phase, read, rssBytes: rss, heapUsedBytes: heapUsed });
  };
  // The timer alone misses a busy loop that never yields; a sample per 1 % of the file catches those stretches.
  const every = Math.max(1, Math.floor(expected / 100));
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  async function* users(): AsyncGenerator<User> {
    for await (const { value } of readNdjson(file)) {
      read += 1;
      if (read % every === 0) sample();
      yield value as User;
    }
    phase = 'planning';
    sample();
  }
  const partitions = partitionsFor(expected);
  try {
    const plan = await planTenant(users(), { trust: { connections: undefined } }, { partitions });
    phase = 'done';
    sample();
    return { read, partitions, totals: plan.totals, samples };
  } finally {
    clearInterval(timer);
  }
}

const [file, users] = process.argv.slice(2);
if (!file || !users || !(Number(users) > 0)) {
  process.stderr.write('usage: node export-memory-child.ts <file.ndjson.gz> <users in the file>\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measure(file, Number(users)))}\n`);
