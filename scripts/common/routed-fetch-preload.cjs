// A --require preload that points tools nobody here wrote (auth0-deploy-cli) at the local tenant, as the scripts are:
// the global fetch sends https://$AUTH0_DOMAIN/… to $AUTH0_BASE_URL (routedFetch). Does nothing when either is unset.
//   NODE_OPTIONS="--require ./scripts/common/routed-fetch-preload.cjs" AUTH0_DOMAIN=… AUTH0_BASE_URL=… npx a0deploy import …
const { routedFetch } = require('./routed-fetch.ts');

const domain = process.env.AUTH0_DOMAIN?.trim()
  .replace(/^https:\/\//i, '')
  .replace(/\/+$/, '');
const baseUrl = process.env.AUTH0_BASE_URL?.trim();
if (domain && baseUrl) globalThis.fetch = routedFetch(domain, baseUrl, globalThis.fetch);
