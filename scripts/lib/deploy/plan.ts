// The deploy planner: from the tenant's current Action and post-login bindings and the desired Action, what to change. Pure.

/** The post-login trigger this Action is written for. */
export const TRIGGER = { id: 'post-login', version: 'v3' } as const;
export const RUNTIME = 'node22';

/** The Action as read from the tenant (secrets by name only: their values are write-only). */
export interface CurrentAction {
  id: string;
  name: string;
  code: string;
  runtime: string;
  secretNames: string[];
  /** Build status of the draft: pending, building, packaged, built, retrying, failed. */
  status: string;
  /** False when the draft differs from what is deployed. */
  allChangesDeployed: boolean;
  deployedVersion?: { id: string; number: number };
  supportedTriggers: Array<{ id: string; version?: string }>;
}

/** One binding of the post-login trigger, in execution order. */
export interface CurrentBinding {
  actionId: string;
  actionName: string;
  displayName: string;
}

export interface DesiredAction {
  name: string;
  secretNames: string[];
  /** True when the tenant's code carries the stamp of this bundle and these secret values (see stamp.ts). */
  codeAndSecretsUnchanged: boolean;
}

/** Where the Action goes in the post-login flow, among the other Actions (whose order never changes). */
export type Position = { kind: 'first' } | { kind: 'last' } | { kind: 'index'; index: number } | { kind: 'after'; name: string };

export interface PlanOptions {
  position: Position;
  /** Drop secrets that are on the tenant but not in the configuration (a PATCH replaces the whole set). */
  allowDropSecrets: boolean;
  /** Update and deploy even when nothing differs. */
  force: boolean;
  /** Secrets the deploy works out itself (CUSTOM_DATABASES): dropped without allowDropSecrets when it finds none. */
  managedSecrets?: readonly string[];
}

/** What the deploy writes in the bindings: other Actions by id, this one by id when it exists, else by name. */
export interface BindingWrite {
  ref: { type: 'action_id' | 'action_name'; value: string };
  display_name: string;
}

export type ActionStep = 'create' | 'update' | 'deploy' | 'none';

export interface DeployPlan {
  action: ActionStep;
  /** Why the step is needed, for humans (empty for 'none'). */
  reasons: string[];
  secrets: {
    /** Names the Action will have after the deploy. */
    names: string[];
    added: string[];
    /** On the tenant but not in the configuration: dropped only with allowDropSecrets. */
    dropped: string[];
  };
  bindings: {
    /** Action names in execution order. */
    before: string[];
    after: string[];
    changed: boolean;
    write: BindingWrite[];
  };
  /** Set when the plan must not be carried out: the message names the problem and the way out. */
  refusal?: string;
  /** True when carrying out the plan changes anything on the tenant. */
  changes: boolean;
}

export function planDeploy(current: CurrentAction | undefined, bindings: readonly CurrentBinding[], desired: DesiredAction, options: PlanOptions): DeployPlan {
  const secrets = planSecrets(current, desired);
  const { step, reasons } = actionStep(current, desired, secrets, options.force);
  const placement = placeAction(current?.id, bindings, desired.name, options.position);
  const refusals: string[] = [];
  const unasked = secrets.dropped.filter((name) => !options.managedSecrets?.includes(name));
  if (unasked.length > 0 && step === 'update' && !options.allowDropSecrets) {
    refusals.push(
      `the Action "${desired.name}" on the tenant has secret${unasked.length > 1 ? 's' : ''} ${unasked.join(', ')} that the configuration does not set; ` +
        `a deploy replaces the whole set and would delete ${unasked.length > 1 ? 'them' : 'it'}: add ${unasked.length > 1 ? 'them' : 'it'} to the environment / .env, or pass --allow-drop-secrets`,
    );
  }
  if (placement.refusal) refusals.push(placement.refusal);
  const plan: DeployPlan = {
    action: step,
    reasons,
    secrets,
    bindings: { before: placement.before, after: placement.after, changed: placement.changed, write: placement.write },
    changes: step !== 'none' || placement.changed,
  };
  if (refusals.length > 0) plan.refusal = refusals.join('; ');
  return plan;
}

function planSecrets(current: CurrentAction | undefined, desired: DesiredAction): DeployPlan['secrets'] {
  const have = new Set(current?.secretNames ?? []);
  const want = new Set(desired.secretNames);
  return {
    names: [...want].sort(),
    added: [...want].filter((name) => !have.has(name)).sort(),
    dropped: [...have].filter((name) => !want.has(name)).sort(),
  };
}

function actionStep(
  current: CurrentAction | undefined,
  desired: DesiredAction,
  secrets: DeployPlan['secrets'],
  force: boolean,
): { step: ActionStep; reasons: string[] } {
  if (!current) return { step: 'create', reasons: ['no Action of that name on the tenant'] };
  const reasons: string[] = [];
  if (!desired.codeAndSecretsUnchanged) reasons.push('code or secret values changed');
  if (secrets.added.length > 0) reasons.push(`secrets to add: ${secrets.added.join(', ')}`);
  if (secrets.dropped.length > 0) reasons.push(`secrets to drop: ${secrets.dropped.join(', ')}`);
  if (current.runtime !== RUNTIME) reasons.push(`runtime ${current.runtime} → ${RUNTIME}`);
  const trigger = current.supportedTriggers.find((t) => t.id === TRIGGER.id);
  if (trigger?.version !== TRIGGER.version) reasons.push(`trigger ${TRIGGER.id} ${trigger?.version ?? '(none)'} → ${TRIGGER.version}`);
  // A failed draft cannot be deployed: it has to be built again.
  if (current.status === 'failed') reasons.push('the last build failed');
  if (force && reasons.length === 0) reasons.push('--force');
  if (reasons.length > 0) return { step: 'update', reasons };
  if (!current.deployedVersion) return { step: 'deploy', reasons: ['the Action was never deployed'] };
  if (!current.allChangesDeployed) return { step: 'deploy', reasons: ['the draft has changes that are not deployed'] };
  return { step: 'none', reasons: [] };
}

export interface Placement {
  before: string[];
  after: string[];
  changed: boolean;
  write: BindingWrite[];
  refusal?: string;
}

/**
 * The bindings with the Action `name` (id `actionId` once it exists) at `position`; the others keep their order and
 * display names. `changed` is false when it is already bound there.
 */
export function placeAction(actionId: string | undefined, bindings: readonly CurrentBinding[], name: string, position: Position): Placement {
  const isOurs = (b: CurrentBinding): boolean => (actionId !== undefined && b.actionId === actionId) || b.actionName === name;
  const ours = bindings.find(isOurs);
  const others = bindings.filter((b) => !isOurs(b));
  const before = bindings.map((b) => b.actionName);
  const index = insertionIndex(others, position);
  if (typeof index === 'string') return { before, after: before, changed: false, write: [], refusal: index };
  const mine: CurrentBinding = { actionId: actionId ?? '', actionName: name, displayName: ours?.displayName ?? name };
  const ordered = [...others.slice(0, index), mine, ...others.slice(index)];
  const after = ordered.map((b) => b.actionName);
  const key = (b: CurrentBinding): string => b.actionId || `name:${b.actionName}`;
  const changed = ordered.map(key).join('\n') !== bindings.map(key).join('\n');
  const write = ordered.map((b): BindingWrite => ({
    ref: b.actionId ? { type: 'action_id', value: b.actionId } : { type: 'action_name', value: b.actionName },
    display_name: b.displayName,
  }));
  return { before, after, changed, write };
}

/** Index among the other bindings where this Action goes, or a refusal message. */
function insertionIndex(others: readonly CurrentBinding[], position: Position): number | string {
  switch (position.kind) {
    case 'first':
      return 0;
    case 'last':
      return others.length;
    case 'index':
      return Math.min(Math.max(position.index, 1) - 1, others.length);
    case 'after': {
      const at = others.findIndex((b) => b.actionName === position.name);
      if (at < 0) {
        const bound = others.map((b) => b.actionName).join(', ') || 'none';
        return `--after ${position.name}: no other Action of that name is bound to post-login (bound: ${bound}); name one of them or use --position`;
      }
      return at + 1;
    }
  }
}

/** Parses --position (first | last | a 1-based number) and --after into a Position, or returns a message for a UsageError. */
export function parsePosition(position: string | undefined, after: string | undefined): Position | string {
  if (after !== undefined && position !== undefined) return 'give --position or --after, not both';
  if (after !== undefined) return after.trim() ? { kind: 'after', name: after.trim() } : '--after needs the name of a bound Action';
  if (position === undefined || position === 'first') return { kind: 'first' };
  if (position === 'last') return { kind: 'last' };
  const n = Number(position);
  if (Number.isInteger(n) && n >= 1) return { kind: 'index', index: n };
  return `--position must be first, last or a number ≥ 1 (1 = runs first), got "${position}"`;
}
