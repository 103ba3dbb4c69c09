// `npm start -- --keep` prints how to use the tenant it keeps running: every printed command is run here as printed, in
// one shell with the printed exports, and must succeed; the deploy with --create-client is a no-op the second time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';

let kept: ChildProcess | undefined;
afterAll(() => {
  kept?.kill('SIGINT');
});

/** Starts `npm start -- --keep` on a free port and resolves with what it printed once the instructions are out. */
function startKept(extra: string[] = []): Promise<string> {
  kept?.kill('SIGINT');
  return new Promise((resolve, reject) => {
    kept = spawn(process.execPath, ['scripts/start.ts', '--keep', ...extra], { env: { PATH: process.env.PATH } });
    let out = '';
    kept.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('In code:')) resolve(out);
    });
    kept.on('error', reject);
    kept.on('close', (code) => reject(new Error(`npm start -- --keep exited ${code} before printing its instructions:\n${out}`)));
  });
}

describe('npm start -- --keep', () => {
  it('prints commands that all work as printed', async () => {
    const printed = await startKept();
    // The commands are the indented lines of the block that ends with "In code:" (the sign-in lines after it are prose).
    const lines = printed
      .slice(0, printed.indexOf('In code:'))
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim());
    const exports = lines.filter((line) => line.startsWith('export '));
    const commands = lines.filter((line) => !line.startsWith('export '));
    expect(exports).toHaveLength(3);
    expect(commands.filter((c) => c.startsWith('npm run deploy'))).toHaveLength(2);

    const outputs: string[] = [];
    for (const command of commands) {
      // Each command as printed, after the printed exports, in one bash (the curl lines share $TOKEN).
      const script = [...exports, ...commands.slice(0, commands.indexOf(command)).filter((c) => c.startsWith('TOKEN=')), command].join('\n');
      const run = spawnSync('bash', ['-e', '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
      outputs.push(run.stdout);
    }
    const [dryRun, deploy] = outputs;
    expect(dryRun).toContain('Action "auto-link": leave unchanged');
    expect(deploy).toContain('nothing changed on the tenant');
    const again = spawnSync('bash', ['-e', '-c', [...exports, commands[1]!].join('\n')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing changed on the tenant');
    expect(outputs[2]).toContain('5 links into 4 primaries: 3 by the Action, 2 confirmed on the linking page, 0 on connected accounts, 0 by the backfill.');
    expect(outputs[3]).toContain('Nothing to do');
    expect(outputs.at(-1)).toContain('"user_id":"auth0|65f0a1b2c3d4e5f601234567"');
    expect(outputs.join('\n')).not.toMatch(/client_secret"?\s*[:=]\s*"?[A-Za-z0-9_-]{20,}/);
  }, 300_000);

  it('--seed adds accounts still to link: the backfill links them and npm run links lists them with the demo’s', async () => {
    const printed = await startKept(['--seed', 'local-tenant/seeds/pending.json']);
    expect(printed).toContain('Seeded 4 more accounts from local-tenant/seeds/pending.json');
    const exports = printed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('export '));
    const run = (command: string) => {
      const result = spawnSync('bash', ['-e', '-c', [...exports, command].join('\n')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<string, unknown>;
    };
    expect(run('npm run -s backfill -- --json')).toMatchObject({ totals: { groups: 2, links: 2 } });
    const journal = `/tmp/auto-link-keep-${process.pid}.ndjson`;
    expect(run(`npm run -s backfill -- --apply --journal ${journal} --json`)).toMatchObject({ ok: true, applied: { linked: 2 } });
    expect(run('npm run -s links -- --json')).toMatchObject({ totals: { links: 7, byAction: 3, byConfirmed: 2, byBackfill: 2 } });
  }, 300_000);

  it('replays one login from the command line as docs/local-tenant.md prints it: a seeded person’s first login links her accounts', async () => {
    const printed = await startKept(['--seed', 'local-tenant/seeds/pending.json']);
    const baseUrl = /AUTH0_BASE_URL=(\S+)/.exec(printed)![1]!;
    const documented = /^curl -sf .*$/m.exec(readFileSync('docs/local-tenant.md', 'utf8'))![0];
    const line = documented.replace('http://127.0.0.1:4010', baseUrl).replace('ana.silva@example.com', 'gina.moreau@example.com');
    const result = spawnSync('bash', ['-e', '-c', line], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(result.status, result.stderr).toBe(0);
    const { id_token } = JSON.parse(result.stdout) as { id_token: string };
    const claims = JSON.parse(Buffer.from(id_token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims['https://auto-link/linked']).toEqual(['google-oauth2|108800112233445566770']);
  }, 120_000);
});
