// Replays recorded interactions against a tenant under test (the local tenant, or a peer simulator): the ones whose route
// the local tenant serves are the conformance cases and are compared; the others (creating users, deleting what a
// recorded test made) are set up on the target instead. Recorded ids are mapped to the ones the target made.
import type { Cassette, Interaction } from './cassettes.ts';
import { compareJson, dedupe, typeOf, type Difference } from './shape.ts';

export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

/** What the replay knows while it runs one cassette: the id map, and per-cassette placeholders. */
export class ReplayContext {
  /** Recorded value → the target's value (ids the target made itself, placeholders of hand-written cassettes). */
  readonly ids = new Map<string, string>();

  map(value: unknown): unknown {
    return typeof value === 'string' && this.ids.has(value) ? this.ids.get(value) : value;
  }

  /** `text` with every recorded id replaced, also percent-encoded as in a path (`auth0%7C…`). */
  mapText(text: string): string {
    let out = text;
    for (const [from, to] of [...this.ids].sort((a, b) => b[0].length - a[0].length)) {
      out = out.split(from).join(to);
      const encoded = encodeURIComponent(from);
      if (encoded !== from) out = out.split(encoded).join(encodeURIComponent(to));
    }
    return out;
  }

  /** Learns the target's ids from an answer to the same request: values of id keys that differ at the same place. */
  learn(recorded: unknown, actual: unknown): void {
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((item, index) => this.learn(item, actual[index]));
      return;
    }
    if (typeOf(recorded) !== 'object' || typeOf(actual) !== 'object') return;
    const r = recorded as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(r)) {
      if (ID_KEYS.has(key) && typeof value === 'string' && typeof a[key] === 'string' && value !== a[key] && !this.ids.has(value)) {
        this.ids.set(value, a[key] as string);
      } else {
        this.learn(value, a[key]);
      }
    }
  }
}

const ID_KEYS = new Set(['id', 'client_id', 'user_id', 'action_id']);

export interface Target {
  /** Before the cassette's first interaction: seeds what every recorded tenant had, and the cassette's placeholders. */
  prepare(cassette: Cassette, context: ReplayContext): Promise<void>;
  /** Does a recorded step that is not a case (creating a user, deleting what the test made). */
  setup(interaction: Interaction, context: ReplayContext): Promise<void>;
  /** The Authorization header for a case (the recorder dropped the real one). */
  authorization(interaction: Interaction, context: ReplayContext): Promise<string | undefined>;
  send(request: SentRequest): Promise<Answer>;
  /** One step of the target's clock between interactions: the recorded tests polled between them. */
  tick(): void;
}

export interface CaseResult {
  interaction: Interaction;
  differences: Difference[];
}

/** Replays one cassette; `isCase` says which interactions are compared (the rest are set up). */
export async function replayCassette(cassette: Cassette, target: Target, isCase: (method: string, path: string) => boolean): Promise<CaseResult[]> {
  const context = new ReplayContext();
  await target.prepare(cassette, context);
  const results: CaseResult[] = [];
  for (const interaction of cassette.interactions) {
    target.tick();
    const { request } = interaction;
    if (!isCase(request.method, request.path.split('?')[0]!)) {
      await target.setup(interaction, context);
      continue;
    }
    const headers: Record<string, string> = {};
    const body = request.body === '' || request.body === 'null' ? undefined : context.mapText(request.body);
    if (body !== undefined && request.contentType) headers['content-type'] = request.contentType;
    const authorization = await target.authorization(interaction, context);
    if (authorization) headers.authorization = authorization;
    const answer = await target.send({ method: request.method, path: context.mapText(request.path), headers, body });
    results.push({ interaction, differences: compareAnswer(interaction, answer, context) });
  }
  return results;
}

function compareAnswer(interaction: Interaction, answer: Answer, context: ReplayContext): Difference[] {
  const { response } = interaction;
  const out: Difference[] = [];
  if (answer.status !== response.status) {
    // Another status is one difference: its body says why, and is not compared key by key with the recorded one.
    out.push({
      interaction: interaction.name,
      path: 'status',
      kind: 'status',
      recorded: response.status,
      actual: `${answer.status} ${answer.text.slice(0, 300)}`,
    });
    return out;
  }
  if (normalType(answer.contentType) !== normalType(response.contentType)) {
    out.push({ interaction: interaction.name, path: 'content-type', kind: 'content-type', recorded: response.contentType, actual: answer.contentType });
  }
  const recorded = parse(response.body);
  const actual = parse(answer.text);
  if (recorded.json && actual.json) {
    out.push(
      ...compareJson(recorded.value, actual.value, { interaction: interaction.name, mapValue: (v) => context.map(v), allValues: response.status >= 400 }),
    );
    context.learn(recorded.value, actual.value);
  } else if (recorded.json !== actual.json || (!recorded.json && response.body.trim() !== answer.text.trim())) {
    out.push({
      interaction: interaction.name,
      path: 'body',
      kind: 'type',
      recorded: recorded.json ? 'json' : response.body,
      actual: actual.json ? 'json' : answer.text,
    });
  }
  return dedupe(out);
}

/** The media type in lower case without spaces; the charset is compared too. */
function normalType(value: string | undefined): string {
  return (value ?? '').toLowerCase().replace(/\s+/g, '');
}

function parse(text: string): { json: boolean; value: unknown } {
  if (text.trim() === '') return { json: false, value: undefined };
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false, value: text };
  }
}
