// A fetch that sends requests meant for https://{domain} to another origin (the local tenant on loopback), like a hosts-file entry.
// The `auth0` SDK and the Action only know `https://{domain}`; AUTH0_BASE_URL names where that domain is really served.
// Plain CommonJS, the one definition for the scripts (typed by routed-fetch.d.cts) and for routed-fetch-preload.cjs,
// which tools nobody here wrote load with NODE_OPTIONS on any Node.
'use strict';

/** `fetch` with every `https://{domain}/…` URL rewritten onto `baseUrl`; other URLs pass through unchanged. */
function routedFetch(domain, baseUrl, inner = globalThis.fetch) {
  const from = `https://${domain}/`;
  const to = `${new URL(baseUrl).origin}/`;
  const route = (url) => (url.startsWith(from) ? to + url.slice(from.length) : url);
  return (input, init) => {
    if (typeof input === 'string') return inner(route(input), init);
    if (input instanceof URL) return inner(route(input.href), init);
    const routed = route(input.url);
    return inner(routed === input.url ? input : new Request(routed, input), init);
  };
}

exports.routedFetch = routedFetch;
