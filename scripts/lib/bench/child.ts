// Runs a benchmark helper script in a fresh Node process and reads the one JSON line it prints on stdout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `script` (a .ts file, Node strips its types) with `args`, writes `stdin` to it, and parses its stdout as JSON. */
export function runJsonChild<T>(script: string, args: string[] = [], stdin = ''): Promise<T> {
  return new Promise((resolve, reject) => {
    // No compile cache: every run must load its code as a new process meeting it the first time would.
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    const child = spawn(process.execPath, [script, ...args], { cwd: PROJECT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const name = script.split('/').pop();
      if (code !== 0) return reject(new Error(`${name} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${name} printed no JSON result: ${out.slice(0, 200)}`));
      }
    });
    child.stdin.end(stdin);
  });
}
