// The local tenant's Actions: drafts with write-only secrets and a timed build, deployed versions, and the bindings of each trigger.
// Semantics from docs/auth0-behaviour.md ("Deploying an Action", with its public sources) and the Management API reference as the `auth0` SDK
// (7.1.0) types it. Where Auth0 is silent the choice is named in a comment.
import { randomUUID } from 'node:crypto';
import { Script } from 'node:vm';
import { ACTION_SIZE_LIMIT, SECRET_LIMITS } from '../actions/auth0-limits.ts';
import { ApiError } from './api-error.ts';

/** One build error, as `ActionVersion.errors[]` carries it. */
export interface ActionError {
  id: string;
  msg: string;
  url?: string;
}

export interface ActionTrigger {
  id: string;
  version?: string;
}

/** An npm dependency declared with the Action, as the Management API takes it (`dependencies: [{name, version}]`). */
export interface ActionDependency {
  name: string;
  version: string;
  /** Echoed while the draft builds, then dropped, as a real tenant does (routes/actions.ts). */
  registry_url?: string;
}

interface Secret {
  name: string;
  value: string;
  updated_at: string;
}

export interface Version {
  id: string;
  number: number;
  code: string;
  runtime: string;
  dependencies: ActionDependency[];
  supported_triggers: ActionTrigger[];
  /** A copy of the secrets at deploy time: secrets are tied to versions ("auth0 actions deploy" docs of auth0-cli). */
  secrets: Secret[];
  created_at: string;
  /** When the version goes live (store clock, ms): a deploy answers before its version is deployed. */
  liveAt: number;
}

export interface StoredAction {
  id: string;
  name: string;
  supported_triggers: ActionTrigger[];
  code: string;
  runtime: string;
  dependencies: ActionDependency[];
  secrets: Secret[];
  created_at: string;
  updated_at: string;
  /** When the current draft's build started (store clock, ms) and how it will end. */
  buildStartedAt: number;
  buildErrors: ActionError[];
  versions: Version[];
  /** The version deployed last; it is live from its `liveAt`, and until then the one before it stays live. */
  deployedVersionId: string | undefined;
  allChangesDeployed: boolean;
}

export interface Binding {
  id: string;
  actionId: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

/** The body of `POST /actions/actions` and `PATCH /actions/actions/{id}`, as received (checked here). */
export type ActionInput = Record<string, unknown>;

/** A binding reference of `PATCH /actions/triggers/{triggerId}/bindings`. */
export interface BindingInput {
  ref?: { type?: unknown; value?: unknown };
  display_name?: unknown;
}

/** A deployed Action bound to a trigger, with what the runtime needs to run it. */
export interface BoundAction {
  actionId: string;
  name: string;
  versionId: string;
  versionNumber: number;
  code: string;
  runtime: string;
  secrets: Record<string, string>;
}

/** Triggers the local tenant knows; only post-login runs, the others are accepted as Auth0 accepts them. */
export const TRIGGERS: ReadonlySet<string> = new Set([
  'post-login',
  'credentials-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
]);

/**
 * Auth0's timing, shortened: builds have been seen to take 30–45 s, and a deploy answers with a version that is not
 * deployed yet and goes live a little later (auth0-deploy-cli#385, terraform-provider-auth0#1590). A few seconds each
 * keeps every wait a deploy must make without making a local run slow.
 */
export const DEFAULT_BUILD_DELAY_MS = 4000;
export const DEFAULT_DEPLOY_DELAY_MS = 1500;

export interface ActionsStoreOptions {
  /** How long a build takes, in ms: `pending` for the first third (at most 1 s), then `building`. Default DEFAULT_BUILD_DELAY_MS. */
  buildDelayMs?: number;
  /** How long after its deploy a version goes live, in ms. Default DEFAULT_DEPLOY_DELAY_MS. */
  deployDelayMs?: number;
  /** Clock in epoch ms; the tenant passes its own, which tests may drive or speed up. */
  now?: () => number;
}

export class ActionsStore {
  private readonly actions = new Map<string, StoredAction>();
  private readonly bindings = new Map<string, Binding[]>();
  private buildDelayMs: number;
  private deployDelayMs: number;
  private forcedErrors: ActionError[] | undefined;
  private readonly now: () => number;

  constructor(options: ActionsStoreOptions = {}) {
    this.buildDelayMs = checkedDelay('buildDelayMs', options.buildDelayMs ?? DEFAULT_BUILD_DELAY_MS);
    this.deployDelayMs = checkedDelay('deployDelayMs', options.deployDelayMs ?? DEFAULT_DEPLOY_DELAY_MS);
    this.now = options.now ?? Date.now;
  }

  /** The store's clock, epoch ms (the tenant's). */
  clock(): number {
    return this.now();
  }

  /** Builds from now on take `ms` (Infinity: they never finish, to test a deploy's timeout). */
  setBuildDelay(ms: number): void {
    this.buildDelayMs = checkedDelay('buildDelayMs', ms);
  }

  /** Versions deployed from now on go live `ms` after their deploy (Infinity: never, to test a deploy's wait). */
  setDeployDelay(ms: number): void {
    this.deployDelayMs = checkedDelay('deployDelayMs', ms);
  }

  /** Builds from now on fail with these errors (as a dependency that does not install would); undefined: builds succeed again. */
  failBuilds(errors: ActionError[] | undefined): void {
    this.forcedErrors = errors;
  }

  // --- actions -----------------------------------------------------------------------------

  /** `GET /actions/actions`: exact name match (Auth0 matches the name as given), trigger, deployed; in creation order. */
  list(filter: { actionName?: string; triggerId?: string; deployed?: boolean } = {}): StoredAction[] {
    return [...this.actions.values()].filter(
      (a) =>
        (filter.actionName === undefined || a.name === filter.actionName) &&
        (filter.triggerId === undefined || a.supported_triggers.some((t) => t.id === filter.triggerId)) &&
        (filter.deployed === undefined || (this.deployedVersion(a) !== undefined) === filter.deployed),
    );
  }

  require(id: string): StoredAction {
    const action = this.actions.get(id);
    // A real tenant's words, and no errorCode (auth0/go-auth0 test/data/recordings, TestActionManager_Delete.yaml).
    if (!action) throw new ApiError(404, 'That action does not exist.');
    return action;
  }

  create(body: ActionInput): StoredAction {
    if (typeof body.name !== 'string' || body.name.trim() === '') throw invalid('name is required');
    if (!Array.isArray(body.supported_triggers) || body.supported_triggers.length === 0) throw invalid('supported_triggers is required');
    // Auth0 keeps Action names unique in a tenant; the exact wording of its 409 is a guess.
    if ([...this.actions.values()].some((a) => a.name === body.name))
      throw new ApiError(409, `An action with the name '${body.name}' already exists.`, 'conflict');
    const at = this.iso();
    const action: StoredAction = {
      id: randomUUID(),
      name: body.name,
      supported_triggers: triggersOf(body.supported_triggers),
      code: codeOf(body.code ?? ''),
      runtime: runtimeOf(body.runtime ?? 'node22'),
      dependencies: dependenciesOf(body.dependencies ?? []),
      secrets: secretsOf(body.secrets ?? [], at),
      created_at: at,
      updated_at: at,
      buildStartedAt: 0,
      buildErrors: [],
      versions: [],
      deployedVersionId: undefined,
      allChangesDeployed: false,
    };
    this.startBuild(action);
    this.actions.set(action.id, action);
    return action;
  }

  /** `PATCH /actions/actions/{id}`: the fields sent replace the draft's; `secrets`, when sent, replaces the whole set. */
  update(id: string, body: ActionInput): StoredAction {
    const action = this.require(id);
    const at = this.iso();
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name.trim() === '') throw invalid('name must be a non-empty string');
      if ([...this.actions.values()].some((a) => a.name === body.name && a.id !== id))
        throw new ApiError(409, `An action with the name '${body.name}' already exists.`, 'conflict');
      action.name = body.name;
    }
    if (body.supported_triggers !== undefined) action.supported_triggers = triggersOf(body.supported_triggers);
    if (body.code !== undefined) action.code = codeOf(body.code);
    if (body.runtime !== undefined) action.runtime = runtimeOf(body.runtime);
    if (body.dependencies !== undefined) action.dependencies = dependenciesOf(body.dependencies);
    if (body.secrets !== undefined) action.secrets = secretsOf(body.secrets, at);
    action.updated_at = at;
    action.allChangesDeployed = false;
    this.startBuild(action);
    return action;
  }

  /** The draft's build status, from the time its build started. */
  status(action: StoredAction): 'pending' | 'building' | 'built' | 'failed' {
    const elapsed = this.now() - action.buildStartedAt;
    if (elapsed >= this.buildDelayMs) return action.buildErrors.length > 0 ? 'failed' : 'built';
    return elapsed < Math.min(this.buildDelayMs / 3, 1000) ? 'pending' : 'building';
  }

  /** When the draft's build finished, if it has. */
  builtAt(action: StoredAction): string | undefined {
    return this.status(action) === 'built' ? new Date(action.buildStartedAt + this.buildDelayMs).toISOString() : undefined;
  }

  buildErrors(action: StoredAction): ActionError[] {
    return this.status(action) === 'failed' ? action.buildErrors : [];
  }

  // --- versions ----------------------------------------------------------------------------

  /** `POST /actions/actions/{id}/deploy`: the built draft becomes a new version, which goes live after the deploy delay. */
  deploy(id: string): Version {
    const action = this.require(id);
    if (this.status(action) !== 'built') throw new ApiError(400, "A draft must be in the 'built' state before it can be deployed.", 'invalid_state');
    const version = this.addVersion(action, {
      code: action.code,
      runtime: action.runtime,
      dependencies: action.dependencies,
      supported_triggers: action.supported_triggers,
      secrets: action.secrets,
    });
    action.allChangesDeployed = true;
    return version;
  }

  /**
   * `POST /actions/actions/{id}/versions/{versionId}/deploy`: "Creates a new, deployed action version that is identical
   * to the specified version" (SDK docs); the draft is left alone unless `updateDraft`.
   */
  deployVersion(id: string, versionId: string, updateDraft: boolean): Version {
    const action = this.require(id);
    const source = this.version(action, versionId);
    const version = this.addVersion(action, source);
    if (updateDraft) {
      action.code = source.code;
      action.runtime = source.runtime;
      action.dependencies = [...source.dependencies];
      action.secrets = source.secrets.map((s) => ({ ...s }));
      action.buildStartedAt = this.now() - this.buildDelayMs;
      action.buildErrors = [];
      action.updated_at = version.created_at;
    }
    action.allChangesDeployed = updateDraft || sameDraft(action, source);
    return version;
  }

  /** Versions, newest first (the dashboard's order; the API's order is not documented). */
  versions(id: string): Version[] {
    return [...this.require(id).versions].reverse();
  }

  version(action: StoredAction, versionId: string): Version {
    const version = action.versions.find((v) => v.id === versionId);
    if (!version) throw new ApiError(404, 'The version does not exist.', 'not_found');
    return version;
  }

  /** The live version: the newest deployed one whose deploy has taken effect. */
  deployedVersion(action: StoredAction): Version | undefined {
    const now = this.now();
    const last = action.versions.findIndex((v) => v.id === action.deployedVersionId);
    for (let i = last; i >= 0; i -= 1) if (action.versions[i]!.liveAt <= now) return action.versions[i];
    return undefined;
  }

  // --- bindings ----------------------------------------------------------------------------

  /** The trigger's bindings in execution order. */
  bindingsOf(triggerId: string): Array<Binding & { action: StoredAction }> {
    requireTrigger(triggerId);
    return (this.bindings.get(triggerId) ?? []).map((b) => ({ ...b, action: this.require(b.actionId) }));
  }

  /**
   * `PATCH /actions/triggers/{triggerId}/bindings`: the list replaces the whole one, in that order. Each ref names a
   * deployed Action supporting the trigger by action_id, action_name or an existing binding_id. An Action bound
   * already keeps its binding id.
   */
  setBindings(triggerId: string, refs: unknown): Array<Binding & { action: StoredAction }> {
    requireTrigger(triggerId);
    if (!Array.isArray(refs)) throw invalid('bindings must be an array');
    const existing = this.bindings.get(triggerId) ?? [];
    const at = this.iso();
    const next: Binding[] = (refs as BindingInput[]).map((input) => {
      const action = this.resolveRef(existing, input);
      if (!action.supported_triggers.some((t) => t.id === triggerId)) throw invalid(`the action '${action.name}' does not support the trigger ${triggerId}`);
      // Auth0's answer while no version is live yet (auth0-deploy-cli#385).
      if (this.deployedVersion(action) === undefined)
        throw new ApiError(400, 'Trying to create a binding for an action that has not been deployed yet.', 'invalid_body');
      const kept = existing.find((b) => b.actionId === action.id);
      const displayName = typeof input.display_name === 'string' && input.display_name !== '' ? input.display_name : (kept?.display_name ?? action.name);
      return kept
        ? { ...kept, display_name: displayName, updated_at: kept.display_name === displayName ? kept.updated_at : at }
        : { id: randomUUID(), actionId: action.id, display_name: displayName, created_at: at, updated_at: at };
    });
    const ids = next.map((b) => b.actionId);
    if (new Set(ids).size !== ids.length) throw invalid('an action may be bound to a trigger only once');
    this.bindings.set(triggerId, next);
    return this.bindingsOf(triggerId);
  }

  /** The live versions of the Actions bound to a trigger, in execution order, with their secret values: what a login runs. */
  boundActions(triggerId: string): BoundAction[] {
    return this.bindingsOf(triggerId).flatMap(({ action }) => {
      // An Action is bound only once a version is live, so every bound Action has one.
      const version = this.deployedVersion(action);
      if (!version) return [];
      return {
        actionId: action.id,
        name: action.name,
        versionId: version.id,
        versionNumber: version.number,
        code: version.code,
        runtime: version.runtime,
        secrets: Object.fromEntries(version.secrets.map((s) => [s.name, s.value])),
      };
    });
  }

  // --- internals ---------------------------------------------------------------------------

  private resolveRef(existing: Binding[], input: BindingInput): StoredAction {
    const type = input?.ref?.type;
    const value = input?.ref?.value;
    if (typeof value !== 'string' || value === '') throw invalid('each binding needs ref.value');
    if (type === 'action_id') return this.require(value);
    if (type === 'action_name') {
      const action = [...this.actions.values()].find((a) => a.name === value);
      if (!action) throw new ApiError(404, `The action '${value}' does not exist.`, 'not_found');
      return action;
    }
    if (type === 'binding_id') {
      const binding = existing.find((b) => b.id === value);
      if (!binding) throw new ApiError(404, `The binding '${value}' does not exist.`, 'not_found');
      return this.require(binding.actionId);
    }
    throw invalid('ref.type must be action_id, action_name or binding_id');
  }

  private addVersion(action: StoredAction, from: Omit<Version, 'id' | 'number' | 'created_at' | 'liveAt'>): Version {
    const version: Version = {
      id: randomUUID(),
      number: action.versions.length + 1,
      code: from.code,
      runtime: from.runtime,
      dependencies: from.dependencies.map(({ name, version }) => ({ name, version })),
      supported_triggers: from.supported_triggers.map((t) => ({ ...t })),
      secrets: from.secrets.map((s) => ({ ...s })),
      created_at: this.iso(),
      liveAt: this.now() + this.deployDelayMs,
    };
    action.versions.push(version);
    action.deployedVersionId = version.id;
    return version;
  }

  private startBuild(action: StoredAction): void {
    action.buildStartedAt = this.now();
    action.buildErrors = this.forcedErrors ? this.forcedErrors.map((e) => ({ ...e })) : checkBuild(action.code);
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

/**
 * What the local build checks: the code must compile as a CommonJS script and fit the 100 kB limit. Auth0's build also
 * installs dependencies; the local tenant installs none (tests make a build fail with failBuilds()).
 */
function checkBuild(code: string): ActionError[] {
  const errors: ActionError[] = [];
  const bytes = Buffer.byteLength(code);
  if (bytes > ACTION_SIZE_LIMIT) errors.push({ id: 'code_too_large', msg: `The code is ${bytes} bytes; the limit is ${ACTION_SIZE_LIMIT} bytes.` });
  try {
    new Script(`(function (exports, require, module) {\n${code}\n})`, { filename: 'action.js' });
  } catch (error) {
    errors.push({ id: 'invalid_code', msg: `${(error as Error).name}: ${(error as Error).message}` });
  }
  return errors;
}

function checkedDelay(name: string, ms: number): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) throw new Error(`${name} must be a number of ms ≥ 0, got ${String(ms)}`);
  return ms;
}

function sameDraft(action: StoredAction, version: Version): boolean {
  return action.code === version.code && action.runtime === version.runtime && JSON.stringify(action.secrets) === JSON.stringify(version.secrets);
}

function invalid(detail: string): ApiError {
  return new ApiError(400, `Payload validation error: ${detail}.`, 'invalid_body');
}

function requireTrigger(triggerId: string): void {
  if (!TRIGGERS.has(triggerId)) throw new ApiError(404, `The trigger '${triggerId}' does not exist.`, 'not_found');
}

function triggersOf(value: unknown): ActionTrigger[] {
  if (!Array.isArray(value)) throw invalid('supported_triggers must be an array');
  return value.map((t: { id?: unknown; version?: unknown }) => {
    if (typeof t?.id !== 'string' || !TRIGGERS.has(t.id)) throw invalid(`unknown trigger ${JSON.stringify(t?.id)}`);
    return typeof t.version === 'string' ? { id: t.id, version: t.version } : { id: t.id };
  });
}

function codeOf(value: unknown): string {
  if (typeof value !== 'string') throw invalid('code must be a string');
  return value;
}

function runtimeOf(value: unknown): string {
  if (typeof value !== 'string' || !/^node\d+$/.test(value)) throw invalid('runtime must be e.g. node22');
  return value;
}

function dependenciesOf(value: unknown): ActionDependency[] {
  if (!Array.isArray(value)) throw invalid('dependencies must be an array');
  return value.map((d: { name?: unknown; version?: unknown; registry_url?: unknown }) => {
    if (typeof d?.name !== 'string' || typeof d.version !== 'string') throw invalid('each dependency needs a name and a version');
    return typeof d.registry_url === 'string' ? { name: d.name, version: d.version, registry_url: d.registry_url } : { name: d.name, version: d.version };
  });
}

/** Secrets of a create or update: each needs a name and a value (the local tenant does not keep a value sent without one). */
function secretsOf(value: unknown, at: string): Secret[] {
  if (!Array.isArray(value)) throw invalid('secrets must be an array');
  if (value.length > SECRET_LIMITS.count) throw invalid(`at most ${SECRET_LIMITS.count} secrets`);
  const names = new Set<string>();
  return value.map((s: { name?: unknown; value?: unknown }) => {
    if (typeof s?.name !== 'string' || s.name === '' || s.name.length > SECRET_LIMITS.name)
      throw invalid(`each secret needs a name of 1 to ${SECRET_LIMITS.name} characters`);
    if (typeof s.value !== 'string' || s.value.length > SECRET_LIMITS.value)
      throw invalid(`secret ${s.name} needs a value of at most ${SECRET_LIMITS.value} characters`);
    if (names.has(s.name)) throw invalid(`secret ${s.name} is given twice`);
    names.add(s.name);
    return { name: s.name, value: s.value, updated_at: at };
  });
}
