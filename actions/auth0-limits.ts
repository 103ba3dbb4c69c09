// Auth0's limit on an Action's code (customize/actions/limitations.mdx: code ≤ 100 kB), read by the build's check and by the local tenant's Actions store.

/** Auth0's limit on an Action's code, counted in bytes of the deployed file. */
export const ACTION_SIZE_LIMIT = 100_000;
