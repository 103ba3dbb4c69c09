// Every shell command in README.md and docs/*.md, as printed: the runnable ones are run against the local tenant that
// `npm start -- --keep --port 4010` (itself a documented command) keeps running, with the documented exports, and must
// exit 0. The replay keeps that tenant on free ports (`--port 0`) and puts the ports it printed where the docs print 4010
// (the tenant) and 4011 (the linking page), so that a run never needs a fixed port. A block is left out of the run only
// when a marker before it says why: `real-tenant` and `flags-only` blocks are checked for scripts and flags that exist
// (against each script's --help), `env-file` blocks must parse as .env, `ci` blocks must be what CI runs, and `tested by`
// names the test that runs it. `with config.json` blocks are run too, with the a0deploy config.json the page shows
// written for the kept tenant. Every line runs with the machine's own Node first on PATH (Node 20 here), as a person
// types it: npm scripts then switch to the project's Node 22 themselves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDotenv } from '../scripts/lib/env.ts';
import { DEMO_DOMAIN, LOCAL_ACTION_APP, LOCAL_ADMIN } from '../scripts/lib/start/tenant.ts';

interface Block {
  where: string;
  marker: string | undefined;
  lines: string[];
}

const PAGES = [
  'README.md',
  'local-tenant/README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

/** The fenced sh/bash blocks of a page, each with the replay marker on the line before it, joined continuation lines. */
function shellBlocks(page: string): Block[] {
  const text = readFileSync(page, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(text[i]!)) continue;
    const before = text
      .slice(0, i)
      .reverse()
      .find((l) => l.trim() !== '');
    const marker = /^<!-- replay: (.+?) -->$/.exec(before ?? '')?.[1];
    const lines: string[] = [];
    for (i++; i < text.length && !text[i]!.startsWith('```'); i++) lines.push(text[i]!);
    blocks.push({
      where: `${page}:${i}`,
      marker,
      lines: lines
        .join('\n')
        .replace(/\\\n\s*/g, '')
        .split('\n'),
    });
  }
  return blocks;
}

const BLOCKS = PAGES.flatMap(shellBlocks);
/** The command of a line, without its trailing comment. */
const command = (line: string): string => line.replace(/\s+#\s.*$/, '').trim();
const commands = (block: Block): string[] => block.lines.map(command).filter((c) => c !== '' && !c.startsWith('#'));

/** Files the documented commands write in the working tree, removed after each command; the journal (which a later
 *  documented undo reads) at the end. */
const WRITTEN = ['plan.csv', 'links.csv', 'declines.csv', 'tenant', 'tenant-yaml', 'infra', 'config.json'];
const JOURNAL = 'backfill-demo-tenant.local.journal.ndjson';
const clean = () => WRITTEN.forEach((f) => rmSync(f, { recursive: true, force: true }));

let kept: ChildProcess | undefined;
afterAll(() => {
  // npm runs the script under a shell: signal the whole process group, or the tenant outlives the test.
  if (kept?.pid) process.kill(-kept.pid, 'SIGINT');
  clean();
  rmSync(JOURNAL, { force: true });
});

/** PATH as in a person's shell: without the node_modules/.bin entries npm puts first for this test run (their Node 22). */
const PATH = (process.env.PATH ?? '')
  .split(':')
  .filter((dir) => !dir.endsWith('node_modules/.bin'))
  .join(':');

/** The documented ports, 4010 (the tenant) and 4011 (its linking page), and the free ones the replayed tenant printed instead. */
interface Ports {
  tenant: string;
  page: string;
}

/** `line` with the documented ports replaced by the kept tenant's. */
function onPorts(line: string, ports: Ports): string {
  return line.replaceAll('127.0.0.1:4010', `127.0.0.1:${ports.tenant}`).replaceAll('127.0.0.1:4011', `127.0.0.1:${ports.page}`);
}

/** a0deploy's config.json (docs/pipelines.md) for the kept tenant: the deployer and the Action's application are its fixed local ones. */
function writeA0deployConfig(ports: Ports): void {
  const mappings = {
    AUTO_LINK_AUTH0_DOMAIN: DEMO_DOMAIN,
    AUTO_LINK_AUTH0_CLIENT_ID: LOCAL_ACTION_APP.client_id,
    AUTO_LINK_AUTH0_CLIENT_SECRET: LOCAL_ACTION_APP.client_secret,
    AUTO_LINK_LINK_PAGE_URL: onPorts('http://127.0.0.1:4011/link', ports),
    AUTO_LINK_LINK_PAGE_CLIENT_ID: 'replayed-docs',
    AUTO_LINK_LINK_SECRET: 'replayed-docs-link-secret-long-enough-0123456789',
  };
  const config = {
    AUTH0_DOMAIN: DEMO_DOMAIN,
    AUTH0_CLIENT_ID: LOCAL_ADMIN.client_id,
    AUTH0_CLIENT_SECRET: LOCAL_ADMIN.client_secret,
    AUTH0_INCLUDED_ONLY: ['actions', 'triggers'],
    AUTH0_KEYWORD_REPLACE_MAPPINGS: mappings,
  };
  writeFileSync('config.json', JSON.stringify(config));
}

/** Runs `line` as printed (bash), with `exports` before it; resolves with its exit code and output. */
function sh(line: string, exports: string[] = []): { code: number | null; out: string } {
  const run = spawnSync('bash', ['-c', [...exports, line].join('\n')], { encoding: 'utf8', env: { PATH, HOME: process.env.HOME } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/** Starts a command that serves until stopped; exit code 0 when it printed its first output and was still running. */
function serves(line: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn('bash', ['-c', `exec ${line}`], { env: { PATH }, detached: true });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (proc.exitCode === null) {
        proc.removeAllListeners('close');
        proc.once('close', () => resolve({ code: 0, out }));
        process.kill(-proc.pid!, 'SIGINT');
      }
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Every `--flag` of an `npm run x -- …` line is one `npm run x -- --help` lists. */
function flagProblems(line: string): string[] {
  const match = /^npm run (\S+)(?: -- (.*))?$/.exec(line);
  if (!match) return /^npm (ci|test|start)\b/.test(line) ? [] : [`${line}: not an npm script`];
  const [, script, args = ''] = match;
  if (!(script! in pkg.scripts)) return [`${line}: no script "${script}"`];
  const help = sh(`npm run -s ${script} -- --help`).out;
  return [...args.matchAll(/(?:^|\s)(--[a-z-]+)/g)]
    .map((m) => m[1]!)
    .filter((flag) => !help.includes(flag))
    .map((flag) => `${line}: ${script} has no ${flag}`);
}

/** Blocks the replay runs: those without a marker, and those that need only the a0deploy config.json. */
const isReplayed = (block: Block): boolean => block.marker === undefined || block.marker.startsWith('with config.json');

describe('commands in README.md and docs/', () => {
  it('has blocks, and every marker is one this test knows', () => {
    expect(BLOCKS.length).toBeGreaterThan(8);
    const known = /^(real-tenant|env-file|ci \(|flags-only \(|with config\.json \(|tested by test\/[\w.-]+\.test\.ts)/;
    expect(BLOCKS.filter((b) => b.marker !== undefined && !known.test(b.marker)).map((b) => `${b.where}: ${b.marker}`)).toEqual([]);
    for (const block of BLOCKS.filter((b) => b.marker?.startsWith('tested by')))
      expect(existsSync(block.marker!.slice('tested by '.length).split(' ')[0]!)).toBe(true);
  });

  it('real-tenant and flags-only blocks name scripts and flags that exist', () => {
    const lines = BLOCKS.filter((b) => b.marker === 'real-tenant' || b.marker?.startsWith('flags-only')).flatMap(commands);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.flatMap(flagProblems)).toEqual([]);
  }, 600_000);

  it('env-file blocks parse as .env; ci blocks are what CI runs', () => {
    for (const block of BLOCKS.filter((b) => b.marker === 'env-file')) expect(Object.keys(parseDotenv(block.lines.join('\n'))).length).toBeGreaterThan(0);
    const ci = `${readFileSync('.ci/run', 'utf8')}\n${JSON.stringify(parseYaml(readFileSync('.github/workflows/ci.yml', 'utf8')))}`;
    // npm ci and npm test are what CI runs; anything else in such a block must be replayed by the run below.
    const replayedElsewhere = BLOCKS.filter(isReplayed).flatMap(commands);
    for (const block of BLOCKS.filter((b) => b.marker?.startsWith('ci ')))
      for (const part of commands(block).flatMap((c) => c.split('&&').map((p) => p.trim())))
        if (part === 'npm ci' || part === 'npm test') expect(ci).toContain(part);
        else expect(replayedElsewhere).toContain(part);
  });

  it('runs every other command as printed against the kept local tenant, each exiting 0', async () => {
    const runnable = BLOCKS.filter(isReplayed);
    expect(runnable.some((b) => b.marker?.startsWith('with config.json') && b.lines.join('\n').includes('npx a0deploy import'))).toBe(true);
    const all = runnable.flatMap((b) => commands(b).map((c, i, list) => ({ where: b.where, command: c, block: b, last: i === list.length - 1 })));
    const keep = all.find((c) => c.command.startsWith('npm start -- --keep'));
    expect(keep, 'the docs print how to keep the local tenant running').toBeDefined();
    const documentedExports = all.filter((c) => c.command.startsWith('export ')).map((c) => c.command);
    expect(documentedExports.join('\n')).toContain('AUTH0_BASE_URL=http://127.0.0.1:4010');
    expect(keep!.command).toContain('--port 4010');

    // Kept on free ports: the tenant and the page listen first, then print where (the exports of its instructions).
    const ports = await new Promise<Ports>((resolve, reject) => {
      kept = spawn('bash', ['-c', `exec ${keep!.command.replace('--port 4010', '--port 0')}`], { env: { PATH }, detached: true });
      let out = '';
      let err = '';
      kept.stdout!.on('data', (d) => {
        out += d;
        const tenant = /AUTH0_BASE_URL=http:\/\/127\.0\.0\.1:(\d+)\s/.exec(out)?.[1];
        const page = /LINK_PAGE_URL=http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
        if (out.includes('Ctrl-C stops it') && tenant && page) resolve({ tenant, page });
      });
      kept.stderr!.on('data', (d) => (err += d));
      kept.on('close', (code) => reject(new Error(`${keep!.command} exited ${code}:\n${out}\n${err}`)));
    });

    const exports = documentedExports.map((line) => onPorts(line, ports));
    const failures: string[] = [];
    const replayed: string[] = [];
    for (const { where, command: line, block, last } of all) {
      // Files a block writes stay for its later lines (an export, then its import); they go at the block's end.
      if (line === keep!.command || line.startsWith('export ') || line === 'npm test') {
        // `npm test` is this run itself (CI runs it); everything else runs here.
        if (last) clean();
        continue;
      }
      if (block.marker?.startsWith('with config.json')) writeA0deployConfig(ports);
      // Another kept tenant (e.g. --keep --json) runs until stopped: it passes when it prints and keeps running.
      const run = line.includes('--keep') ? await serves(onPorts(line, ports)) : sh(onPorts(line, ports), exports);
      replayed.push(`${line} → ${run.code}`);
      if (run.code !== 0) failures.push(`${where}: ${line} exited ${run.code}\n${run.out.slice(-800)}`);
      if (last) clean();
    }
    expect(failures).toEqual([]);
    expect(replayed.length).toBeGreaterThan(15);
  }, 1_200_000);
});
