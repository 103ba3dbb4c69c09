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

/** The Action as `GET /actions/actions/{id}` answers it. */
function actionJson(store: ActionsStore, action: StoredAction): Record<string, unknown> {
  const deployed = store.deployedVersion(action);
  const builtAt = store.builtAt(action);
  return {
    ...actionBase(action),
    code: action.code,
    dependencies: action.dependencies,
    runtime: action.runtime,
    secrets: secretNames(action.secrets),
    ...(deployed ? { deployed_version: versionJson(store, action, deployed) } : {}),
    status: store.status(action),
    ...(builtAt ? { built_at: builtAt } : {}),
  };
}

function versionJson(store: ActionsStore, action: StoredAction, version: Version): Record<string, unknown> {
  return {
    id: version.id,
    action_id: action.id,
    code: version.code,
    dependencies: version.dependencies,
    deployed: store.deployedVersion(action)?.id === version.id,
    runtime: version.runtime,
    secrets: secretNames(version.secrets),
    // Only a built draft can be deployed, so every version is built.
    status: 'built',
    number: version.number,
    errors: [],
    action: actionBase(action),
    built_at: version.created_at,
    created_at: version.created_at,
    updated_at: version.created_at,
    supported_triggers: version.supported_triggers,
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
    action: actionBase(action),
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
    all_changes_deployed: action.allChangesDeployed,
    created_at: action.created_at,
    updated_at: action.updated_at,
  };
}

function bindingJson(store: ActionsStore, triggerId: string, binding: Binding & { action: StoredAction }): Record<string, unknown> {
  return {
    id: binding.id,
    trigger_id: triggerId,
    display_name: binding.display_name,
    action: actionJson(store, binding.action),
    created_at: binding.created_at,
    updated_at: binding.updated_at,
  };
}

function secretNames(secrets: ReadonlyArray<{ name: string; updated_at: string }>): Array<{ name: string; updated_at: string }> {
  return secrets.map(({ name, updated_at }) => ({ name, updated_at }));
}

/** One page (`page` from 0, `per_page`) of a list, with the paging fields Auth0 answers next to it. */
function paged<T>(url: URL, all: readonly T[]): { total: number; page: number; per_page: number; items: T[] } {
  const { page, perPage, start } = pageParams(url, 1);
  return { total: all.length, page, per_page: perPage, items: all.slice(start, start + perPage) };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
