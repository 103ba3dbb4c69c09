// A --require preload that points tools nobody here wrote (auth0-deploy-cli) at the local tenant, as the scripts are:
// the global fetch sends https://$AUTH0_DOMAIN/… to $AUTH0_BASE_URL. Does nothing when either is unset.
//   NODE_OPTIONS="--require ./scripts/lib/routed-fetch-preload.cjs" AUTH0_DOMAIN=… AUTH0_BASE_URL=… npx a0deploy import …
// Plain CommonJS on purpose: NODE_OPTIONS reaches every Node process the line starts, npx itself included, which runs on
// the machine's Node (20 here), and Node 20 cannot load TypeScript. test/docs-commands.test.ts and test/export.test.ts
// exercise it through the real a0deploy.
'use strict';

const { routedFetch } = require('./routed-fetch.cjs');

const domain = process.env.AUTH0_DOMAIN?.trim()
  .replace(/^https:\/\//i, '')
  .replace(/\/+$/, '');
const baseUrl = process.env.AUTH0_BASE_URL?.trim();

if (domain && baseUrl && typeof globalThis.fetch === 'function') globalThis.fetch = routedFetch(domain, baseUrl, globalThis.fetch);
