// The types of routed-fetch.cjs, for the TypeScript that imports it.
export type Fetch = typeof fetch;

/** `fetch` with every `https://{domain}/…` URL rewritten onto `baseUrl`; other URLs pass through unchanged. */
export declare function routedFetch(domain: string, baseUrl: string, inner?: Fetch): Fetch;
