// Management API Actions routes: actions (list, get, create, update, deploy), versions (list, get, roll back) and trigger bindings.
// Shapes and scopes from Auth0's Management API reference (docs-v2 main/docs/api/management/v2/actions/*.mdx) and the
// `auth0` SDK's types; secret values never leave the store: secrets are answered as `{name, updated_at}`.
import { TRIGGERS, type ActionsStore, type Binding, type StoredAction, type Version } from '../actions-store.ts';
import { boolParam, pageParams, readJsonObject } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const actionRoutes: RouteGroup = [
  {
    method: 'GET',
    path: '/api/v2/actions/actions',
    scopes: ['read:actions'],
    handle({ url, actions: store }) {
      const deployed = url.searchParams.has('deployed') ? boolParam(url, 'deployed', false) : undefined;
      const actions = store.list({
        ...optional('actionName', url.searchParams.get('actionName')),
        ...optional('triggerId', url.searchParams.get('triggerId')),
        ...(deployed === undefined ? {} : { deployed }),
      });
      const { items, ...paging } = paged(url, actions);
      return { body: { ...paging, actions: items.map((a) => actionJson(store, a)) } };
    },
  },
  {
    method: 'POST',
    path: '/api/v2/actions/actions',
    scopes: ['create:actions'],
    async handle({ request, actions: store }) {
      return { status: 201, body: actionJson(store, store.create(await readJsonObject(request))) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/actions/actions/:id',
    scopes: ['read:actions'],
    handle({ params, actions: store }) {
      return { body: actionJson(store, store.require(params.id!)) };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/actions/actions/:id',
    scopes: ['update:actions'],
    async handle({ request, params, actions: store }) {
      return { body: actionJson(store, store.update(params.id!, await readJsonObject(request))) };
    },
  },
  {
    method: 'POST',
    path: '/api/v2/actions/actions/:id/deploy',
    scopes: ['create:actions'],
    handle({ params, actions: store }) {
      // 200 with the new version still `deployed: false`: it goes live a little later (auth0-deploy-cli#385,
      // terraform-provider-auth0#1590, which polls `deployed_version.deployed` before binding).
      const version = store.deploy(params.id!);
      return { body: versionJson(store, store.require(params.id!), version) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/actions/actions/:actionId/versions',
    scopes: ['read:actions'],
    handle({ url, params, actions: store }) {
      const action = store.require(params.actionId!);
      const { items, ...paging } = paged(url, store.versions(action.id));
      return { body: { ...paging, versions: items.map((v) => versionJson(store, action, v)) } };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/actions/actions/:actionId/versions/:id',
    scopes: ['read:actions'],
    handle({ params, actions: store }) {
      const action = store.require(params.actionId!);
      // `draft` names the draft, with its build status and errors, as Auth0's dashboard asks for it; the API reference
      // documents version ids only, so this is the local tenant's reading.
      if (params.id === 'draft') return { body: draftJson(store, action) };
      return { body: versionJson(store, action, store.version(action, params.id!)) };
    },
  },
  {
    method: 'POST',
    path: '/api/v2/actions/actions/:actionId/versions/:id/deploy',
    scopes: ['create:actions'],
    async handle({ request, params, actions: store }) {
      const body = await readJsonObject(request);
      const version = store.deployVersion(params.actionId!, params.id!, body.update_draft === true);
      return { body: versionJson(store, store.require(params.actionId!), version) };
    },
  },
  {
    // GET /actions/triggers: every trigger with its current version (auth0-deploy-cli lists them before reading each
    // trigger's bindings). Versions as Auth0 answers them today: post-login v3, the others v2.
    method: 'GET',
    path: '/api/v2/actions/triggers',
    scopes: ['read:actions'],
    handle() {
      const triggers = [...TRIGGERS].map((id) => ({
        id,
        version: id === 'post-login' ? 'v3' : 'v2',
        status: 'CURRENT',
        runtimes: ['node18', 'node22'],
        default_runtime: 'node22',
        compatible_triggers: [],
        binding_policy: 'trigger-bound',
      }));
      return { body: { triggers } };
    },
  },
  {
    // GET /actions/modules: the tenant's shared Action modules; this tenant has none, so an empty page.
    method: 'GET',
    path: '/api/v2/actions/modules',
    scopes: ['read:actions'],
    handle({ url }) {
      const { page, perPage } = pageParams(url);
      return { body: { modules: [], total: 0, page, per_page: perPage } };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/actions/triggers/:triggerId/bindings',
    scopes: ['read:actions'],
    handle({ url, params, actions: store }) {
      const { items, ...paging } = paged(url, store.bindingsOf(params.triggerId!));
      return { body: { ...paging, bindings: items.map((b) => bindingJson(store, params.triggerId!, b)) } };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v2/actions/triggers/:triggerId/bindings',
    scopes: ['update:actions'],
    async handle({ request, params, actions: store }) {
      const body = await readJsonObject(request);
      const bindings = store.setBindings(params.triggerId!, body.bindings);
      return { body: { bindings: bindings.map((b) => bindingJson(store, params.triggerId!, b)) } };
    },
  },
];

/**
 * The Action as `GET /actions/actions/{id}` answers it: with `current_version` (a summary of its newest version) once it
 * has one, and `deployed_version` (the live version, without its `action`) once one is live, as a real tenant answers
 * (auth0/go-auth0 test/data/recordings, TestActionManager_CreateWithDeploy.yaml).
 */
function actionJson(store: ActionsStore, action: StoredAction): Record<string, unknown> {
  const deployed = store.deployedVersion(action);
  const current = action.versions.at(-1);
  return {
    ...actionBase(action),
    code: action.code,
    // A dependency's registry_url is echoed until the build ends, and gone from the built Action and its versions
    // (auth0/go-auth0 test/data/recordings, TestActionManager_Bindings.yaml #0–#3).
    dependencies: store.status(action) === 'built' ? action.dependencies.map(({ name, version }) => ({ name, version })) : action.dependencies,
    runtime: action.runtime,
    secrets: secretNames(action.secrets),
    ...(current ? { current_version: currentVersionJson(current) } : {}),
    ...(deployed ? { deployed_version: versionFields(store, action, deployed) } : {}),
    // No built_at: a real tenant's built Action has none (TestActionManager_Bindings.yaml #3); its versions do.
    status: store.status(action),
  };
}

/**
 * A version as the version routes and a deploy answer it: its fields and a summary of its Action whose
 * `all_changes_deployed` reads false, as every recorded answer of a real tenant shows it, even right after a deploy
 * (auth0/go-auth0 test/data/recordings, TestActionManager_Deploy.yaml, _Version.yaml, _Versions.yaml).
 */
function versionJson(store: ActionsStore, action: StoredAction, version: Version): Record<string, unknown> {
  return { ...versionFields(store, action, version), action: actionSummary(action) };
}

/** A version's own fields. `built_at` appears once it is live: a deploy answers without it (the recordings above). */
function versionFields(store: ActionsStore, action: StoredAction, version: Version): Record<string, unknown> {
  const deployed = store.deployedVersion(action)?.id === version.id;
  return {
    id: version.id,
    code: version.code,
    dependencies: version.dependencies,
    deployed,
    number: version.number,
    // Only a built draft can be deployed, so every version is built.
    ...(version.liveAt <= store.clock() ? { built_at: new Date(version.liveAt).toISOString() } : {}),
    secrets: secretNames(version.secrets),
    status: 'built',
    created_at: version.created_at,
    updated_at: version.created_at,
    runtime: version.runtime,
    supported_triggers: version.supported_triggers,
  };
}

/** `current_version`: the newest version in brief, its status in capitals as Auth0 writes it there. */
function currentVersionJson(version: Version): Record<string, unknown> {
  return {
    id: version.id,
    code: version.code,
    runtime: version.runtime,
    status: 'BUILT',
    number: version.number,
    build_time: version.created_at,
    created_at: version.created_at,
    updated_at: version.created_at,
  };
}

function draftJson(store: ActionsStore, action: StoredAction): Record<string, unknown> {
  const builtAt = store.builtAt(action);
  return {
    id: 'draft',
    action_id: action.id,
    code: action.code,
    dependencies: action.dependencies,
    deployed: false,
    runtime: action.runtime,
    secrets: secretNames(action.secrets),
    status: store.status(action),
    errors: store.buildErrors(action),
    action: actionSummary(action),
    ...(builtAt ? { built_at: builtAt } : {}),
    created_at: action.updated_at,
    updated_at: action.updated_at,
    supported_triggers: action.supported_triggers,
  };
}

function actionBase(action: StoredAction): Record<string, unknown> {
  return {
    id: action.id,
    name: action.name,
    supported_triggers: action.supported_triggers,
    created_at: action.created_at,
    updated_at: action.updated_at,
    all_changes_deployed: action.allChangesDeployed,
  };
}

/** The Action as a version embeds it: no code, and `all_changes_deployed` false (see versionJson). */
function actionSummary(action: StoredAction): Record<string, unknown> {
  return { ...actionBase(action), all_changes_deployed: false };
}

/**
 * A binding embeds a summary of its Action, not the Action: id, name, triggers, dates, `current_version`,
 * `deployed_version`, and `all_changes_deployed` that reads false even right after a deploy (auth0/go-auth0
 * test/data/recordings, TestActionManager_Bindings.yaml).
 */
function bindingJson(store: ActionsStore, triggerId: string, binding: Binding & { action: StoredAction }): Record<string, unknown> {
  const { action } = binding;
  const deployed = store.deployedVersion(action);
  const current = action.versions.at(-1);
  return {
    id: binding.id,
    trigger_id: triggerId,
    action: {
      ...actionSummary(action),
      ...(current ? { current_version: currentVersionJson(current) } : {}),
      ...(deployed ? { deployed_version: versionFields(store, action, deployed) } : {}),
      all_changes_deployed: false,
    },
    created_at: binding.created_at,
    updated_at: binding.updated_at,
    display_name: binding.display_name,
  };
}

function secretNames(secrets: ReadonlyArray<{ name: string; updated_at: string }>): Array<{ name: string; updated_at: string }> {
  return secrets.map(({ name, updated_at }) => ({ name, updated_at }));
}

/**
 * One page (`page` from 0, `per_page`) of a list, with the paging fields Auth0 answers next to it: `total` and
 * `per_page`, and `page` only when the request named one (a real tenant's answer to `?per_page=50` has no `page`:
 * auth0/go-auth0 test/data/recordings, TestActionManager_List.yaml, _Versions.yaml, _Bindings.yaml).
 */
function paged<T>(url: URL, all: readonly T[]): { total: number; page?: number; per_page: number; items: T[] } {
  const { page, perPage, start } = pageParams(url, 1);
  return { total: all.length, ...(url.searchParams.has('page') ? { page } : {}), per_page: perPage, items: all.slice(start, start + perPage) };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
