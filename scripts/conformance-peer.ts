// A second opinion, not run by CI: replays the conformance cases (test/conformance/) against @simulacrum/auth0-simulator,
// another local Auth0, and against the local tenant, and prints where each differs from the recorded real tenant.
// The simulator is no dependency of this project: install it elsewhere and name the folder, e.g.
//   npm install --prefix /tmp/sim @simulacrum/auth0-simulator
//   node scripts/conformance-peer.ts /tmp/sim
// It serves HTTPS only, with a certificate from ~/.simulacrum/certs: this script points HOME at a temporary folder holding
// a self-signed one (made with the openssl command) and accepts it for this process only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCassettes, type Cassette, type Interaction } from '../test/conformance/cassettes.ts';
import { declarationOf } from '../test/conformance/declared.ts';
import { isConformanceCase, LocalTarget } from '../test/conformance/local-target.ts';
import { replayCassette, type Answer, type CaseResult, type ReplayContext, type SentRequest, type Target } from '../test/conformance/replay.ts';
import type { Difference } from '../test/conformance/shape.ts';

interface Listening {
  port: number | undefined;
  ensureClose(): Promise<void>;
}

/** The simulator as a replay target: one instance for every cassette; it has no Management API to seed through. */
class PeerTarget implements Target {
  private token: string | undefined;
  private readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async prepare(): Promise<void> {}

  /** The simulator has no route to create users, connections or Actions: the recorded set-up steps are skipped. */
  async setup(): Promise<void> {}

  async authorization(interaction: Interaction, context: ReplayContext): Promise<string | undefined> {
    void context;
    if (interaction.request.path === '/oauth/token') return undefined;
    if (this.token === undefined) {
      const answer = await this.send({
        method: 'POST',
        path: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'test-client_id',
          client_secret: 'test-client_secret',
          audience: 'https://peer/api/v2/',
        }),
      });
      try {
        this.token = (JSON.parse(answer.text) as { access_token?: string }).access_token ?? '';
      } catch {
        this.token = '';
      }
    }
    return this.token ? `Bearer ${this.token}` : undefined;
  }

  async send(request: SentRequest): Promise<Answer> {
    const response = await fetch(`${this.base}${request.path}`, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, text: await response.text() };
  }

  tick(): void {}
}

async function startSimulator(prefix: string): Promise<{ base: string; close: () => Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'simulacrum-home-'));
  const certs = join(home, '.simulacrum', 'certs');
  mkdirSync(certs, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(certs, 'localhost-key.pem'),
      '-out',
      join(certs, 'localhost.pem'),
    ],
    {
      stdio: 'ignore',
    },
  );
  process.env.HOME = home;
  // The certificate is the one just made; accept it for this process, whose only HTTPS peer is the simulator.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const entry = pathToFileURL(join(resolve(prefix), 'node_modules/@simulacrum/auth0-simulator/dist/index.mjs')).href;
  const { simulation } = (await import(entry)) as {
    simulation: (args: { options: Record<string, unknown> }) => { listen(port: number, host: string): Promise<Listening> };
  };
  const listening = await simulation({ options: { clientId: 'test-client_id', audience: 'https://peer/api/v2/' } }).listen(0, '127.0.0.1');
  return { base: `https://127.0.0.1:${listening.port}`, close: () => listening.ensureClose() };
}

function summary(results: CaseResult[], declared: boolean): { passed: number; failing: Map<string, Difference[]> } {
  const failing = new Map<string, Difference[]>();
  for (const r of results) {
    const differences = declared ? r.differences.filter((d) => declarationOf(d) === undefined) : r.differences;
    if (differences.length > 0) failing.set(r.interaction.name, differences);
  }
  return { passed: results.length - failing.size, failing };
}

async function main(): Promise<void> {
  const prefix = process.argv[2];
  if (!prefix || prefix === '--help') {
    process.stdout.write('usage: node scripts/conformance-peer.ts <folder where @simulacrum/auth0-simulator is installed>\n');
    process.exitCode = prefix ? 0 : 2;
    return;
  }
  const cassettes: Cassette[] = readCassettes();
  const simulator = await startSimulator(prefix);
  const peer = new PeerTarget(simulator.base);
  const local = new LocalTarget();
  const peerResults: CaseResult[] = [];
  const localResults: CaseResult[] = [];
  try {
    for (const cassette of cassettes) {
      peerResults.push(...(await replayCassette(cassette, peer, isConformanceCase)));
      localResults.push(...(await replayCassette(cassette, local, isConformanceCase)));
    }
  } finally {
    await local.close();
    await simulator.close();
  }
  const peerSummary = summary(peerResults, false);
  const localRaw = summary(localResults, false);
  const localUndeclared = summary(localResults, true);
  const lines = [
    `${peerResults.length} recorded cases.`,
    `local tenant: ${localRaw.passed} match the recording as they are, ${localUndeclared.passed} with its declared differences.`,
    `@simulacrum/auth0-simulator: ${peerSummary.passed} match the recording.`,
    '',
    'Where the two disagree (status as the recording, the local tenant, the simulator answered):',
  ];
  for (const result of peerResults) {
    const name = result.interaction.name;
    const localOk = !localRaw.failing.has(name);
    const peerOk = !peerSummary.failing.has(name);
    if (localOk === peerOk && localOk) continue;
    const localStatus = localResults.find((r) => r.interaction.name === name)!.differences.find((d) => d.kind === 'status');
    const peerStatus = result.differences.find((d) => d.kind === 'status');
    const recorded = result.interaction.response.status;
    const show = (d: Difference | undefined, ok: boolean): string => (ok ? 'matches' : d ? `status ${statusOf(d)}` : `${recorded}, body differs`);
    lines.push(`  ${name.padEnd(72)} recorded ${recorded}; local ${show(localStatus, localOk)}; simulator ${show(peerStatus, peerOk)}`);
  }
  lines.push('', "The simulator's other answers than a 404 (status, then the start of its body):");
  for (const result of peerResults) {
    const status = result.differences.find((d) => d.kind === 'status');
    if (status && statusOf(status) !== '404') lines.push(`  ${result.interaction.name}: ${String(status.actual).slice(0, 160).replace(/\s+/g, ' ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The status a `status` difference reports (its `actual` is the status, then the start of the body). */
function statusOf(difference: Difference): string {
  return String(difference.actual).split(' ')[0]!;
}

await main();
