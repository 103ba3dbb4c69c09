// The Action in auth0-deploy-cli's directory and YAML formats, merged into an existing deploy-cli folder or tenant.yaml:
// its own files are written, every other Action and every other binding is kept, and post-login gets it where asked.
// deploy-cli's triggers file replaces the whole binding list on import, so the list written is the folder's own plus this one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { CliError } from '../cli.ts';
import { placeAction, type CurrentBinding, type Position } from '../deploy/plan.ts';
import type { ActionExport } from './action-spec.ts';

export interface TriggerEntry {
  action_name: string;
  display_name: string;
}

/** The Action as deploy-cli describes it; `code` is the path of its code file, relative to the folder or the YAML file. */
export function deployCliAction(action: ActionExport): Record<string, unknown> {
  return {
    name: action.name,
    code: `./actions/${action.name}/code.js`,
    runtime: action.runtime,
    dependencies: [],
    secrets: action.secrets.map((s) => ({ name: s.name, value: `##${s.keyword}##` })),
    supported_triggers: [action.trigger],
    deployed: true,
  };
}

/** The post-login list with this Action placed, the others kept in their order with their display names. */
export function placeTrigger(entries: readonly TriggerEntry[], name: string, position: Position): TriggerEntry[] | string {
  const current: CurrentBinding[] = entries.map((e) => ({ actionId: '', actionName: e.action_name, displayName: e.display_name }));
  const placement = placeAction(undefined, current, name, position);
  if (placement.refusal) return placement.refusal;
  return placement.write.map((w) => ({ action_name: w.ref.value, display_name: w.display_name }));
}

export interface WrittenFiles {
  files: string[];
  postLogin: string[];
}

/** Writes the directory format into `dir` (an existing deploy-cli export, or a new folder). */
export function writeDirectory(dir: string, action: ActionExport, position: Position): WrittenFiles {
  const triggersFile = join(dir, 'triggers', 'triggers.json');
  const triggers = existsSync(triggersFile) ? (readJson(triggersFile) as Record<string, TriggerEntry[]>) : {};
  const postLogin = placed(triggers['post-login'] ?? [], action.name, position);
  const actionFile = join(dir, 'actions', `${action.name}.json`);
  const codeFile = join(dir, 'actions', action.name, 'code.js');
  write(codeFile, action.code);
  write(actionFile, `${JSON.stringify(deployCliAction(action), null, 2)}\n`);
  write(triggersFile, `${JSON.stringify({ ...triggers, 'post-login': postLogin }, null, 2)}\n`);
  return { files: [actionFile, codeFile, triggersFile], postLogin: postLogin.map((e) => e.action_name) };
}

/** Writes the YAML format: `file` (an existing tenant.yaml, comments kept, or a new one) and the code file beside it. */
export function writeYaml(file: string, action: ActionExport, position: Position): WrittenFiles {
  const doc = existsSync(file) ? parseDocument(readFileSync(file, 'utf8')) : new Document({});
  if (doc.errors.length > 0) throw new CliError(`--out ${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new CliError(`--out ${file} is not a deploy-cli tenant file (its top level is not a mapping)`);
  const actions = doc.get('actions');
  const list = isSeq(actions) ? actions : new YAMLSeq();
  const ours = doc.createNode(deployCliAction(action));
  const at = list.items.findIndex((item) => isMap(item) && item.get('name') === action.name);
  if (at >= 0) list.items[at] = ours;
  else list.items.push(ours);
  doc.set('actions', list);
  const triggers = doc.get('triggers');
  const current = isMap(triggers) ? ((triggers.toJSON() as Record<string, TriggerEntry[]>)['post-login'] ?? []) : [];
  const postLogin = placed(current, action.name, position);
  const map = isMap(triggers) ? triggers : new YAMLMap();
  map.set('post-login', doc.createNode(postLogin));
  doc.set('triggers', map);
  const codeFile = join(dirname(file), 'actions', action.name, 'code.js');
  write(codeFile, action.code);
  write(file, doc.toString());
  return { files: [file, codeFile], postLogin: postLogin.map((e) => e.action_name) };
}

function placed(entries: readonly TriggerEntry[], name: string, position: Position): TriggerEntry[] {
  const result = placeTrigger(entries, name, position);
  if (typeof result === 'string') throw new CliError(result);
  return result;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}): fix it, or export into another --out`);
  }
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
