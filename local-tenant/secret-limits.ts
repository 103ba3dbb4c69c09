// Auth0's limits on an Action's secrets (customize/actions/limitations.mdx), shared by the Actions store and the runtime.
export const SECRET_LIMITS = {
  /** Secrets per Action. */
  count: 30,
  /** Characters in a secret's name. */
  name: 128,
  /** Characters in a secret's value. */
  value: 4096,
} as const;
