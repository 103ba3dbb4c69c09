// POST /login/callback?connection=NAME: Auth0's SAML ACS accepting an IdP-initiated response (api/authentication/saml/
// idp-initiated-sso.mdx), here the stand-in IdP's (stand-in-idp.ts). The connection must accept IdP-initiated requests
// (`options.idpinitiated: {enabled: true, client_id, client_protocol: 'oidc', client_authorizequery}`, the shape of
// auth0/go-auth0 management/connection.go ConnectionOptionsSAMLIdpInitiated); the user is logged in to that default
// application at the first of its Allowed Callback URLs, or the query's redirect_uri, with the query's scope
// (authenticate/protocols/saml/saml-sso-integrations/identity-provider-initiated-single-sign-on.mdx). The post-login flow
// runs; there is no application `state`, so event.transaction.state is absent (a guess: Auth0 does not describe the event
// of an IdP-initiated login). Auth0's default answer is an ID token in the fragment; the local tenant serves the code flow
// only and asks for `response_type=code` in client_authorizequery. Error texts are the local tenant's.
import type { RouteGroup } from '../route.ts';
import { isAllowedCallback } from './applications.ts';
import { completeLogin } from './complete-login.ts';
import { errorPage, readForm } from './html.ts';
import { standInOwner, verifyAssertion } from './stand-in-idp.ts';
import type { AuthorizeRequest } from './store.ts';

interface IdpInitiated {
  enabled?: boolean;
  client_id?: string;
  client_protocol?: string;
  client_authorizequery?: string;
}

export const idpInitiatedRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/login/callback',
    scopes: 'none',
    async handle({ request, url, state, actions }) {
      const form = await readForm(request);
      const name = url.searchParams.get('connection') ?? form.connection ?? '';
      const connection = state.connection(name);
      const settings = state.connectionOptions(name)?.idpinitiated as IdpInitiated | undefined;
      if (!connection || connection.strategy !== 'samlp') return errorPage(400, 'invalid_request', `No SAML connection named ${name}.`);
      if (settings?.enabled !== true || !settings.client_id) {
        return errorPage(400, 'invalid_request', `IdP-initiated login is not enabled for the connection ${name}.`);
      }
      const profile = verifyAssertion(state, name, form.SAMLResponse ?? '');
      if (!profile) return errorPage(400, 'invalid_request', 'The SAML response is not valid for this connection (signature or expiry).');
      const client = state.client(settings.client_id);
      if (!client || client.callbacks === undefined) return errorPage(400, 'invalid_request', `The default application ${settings.client_id} does not exist.`);
      if (settings.client_protocol !== 'oidc' && settings.client_protocol !== 'oauth2') {
        return errorPage(
          400,
          'invalid_request',
          `The local tenant answers IdP-initiated logins with OpenID Connect only, not ${String(settings.client_protocol)}.`,
        );
      }
      const query = new URLSearchParams(settings.client_authorizequery ?? '');
      if (query.get('response_type') !== 'code') {
        return errorPage(400, 'unsupported_response_type', 'The local tenant serves the code flow only: set response_type=code in client_authorizequery.');
      }
      const redirectUri = query.get('redirect_uri') ?? client.callbacks[0];
      if (redirectUri === undefined || !isAllowedCallback(client, redirectUri)) {
        return errorPage(400, 'invalid_request', `Callback URL mismatch. ${redirectUri ?? '(none)'} is not in the list of allowed callback URLs.`);
      }
      const authorize: AuthorizeRequest = {
        clientId: client.client_id,
        redirectUri,
        responseType: 'code',
        responseMode: 'query',
        scopes: (query.get('scope') ?? 'openid').split(/[ ,]/).filter((s) => s !== ''),
        prompt: [],
        query: Object.fromEntries(query),
        connection: name,
      };
      const transaction = state.authentication.startTransaction(authorize);
      const owner = standInOwner(state, connection, profile);
      const identity = owner.identities.find((i) => i.provider === connection.strategy && String(i.user_id) === profile.user_id)!;
      const authTime = Math.floor(state.now().getTime() / 1000);
      return completeLogin(
        state,
        transaction,
        { identity: { provider: identity.provider, user_id: String(identity.user_id) }, method: 'federated', authTime },
        { actions, request, url, body: { connection: name } },
      );
    },
  },
];
