// Writes a benchmark report: the latest JSON and Markdown, a JSON per run named by time and commit (to compare
// commits), and, when asked, the committed summary bench/results.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderMarkdown, type BenchReport } from './report.ts';

export interface WrittenFiles {
  json: string;
  markdown: string;
  run: string;
  recorded?: string;
}

export async function writeReport(report: BenchReport, outDir: string, recordPath?: string): Promise<WrittenFiles> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = `${report.machine.date.replace(/[:.]/g, '-')}-${(report.machine.commit ?? 'unknown').replace(/[^a-z0-9+-]/gi, '_')}`;
  const files: WrittenFiles = { json: join(outDir, 'results.json'), markdown: join(outDir, 'results.md'), run: join(outDir, 'runs', `${stamp}.json`) };
  await mkdir(dirname(files.run), { recursive: true });
  await writeFile(files.json, json);
  await writeFile(files.markdown, renderMarkdown(report));
  await writeFile(files.run, json);
  if (recordPath) {
    await mkdir(dirname(recordPath), { recursive: true });
    await writeFile(recordPath, json);
    files.recorded = recordPath;
  }
  return files;
}
