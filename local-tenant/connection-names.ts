// Connection names every new Auth0 tenant has, shared by the generator, the demo, the benchmarks and the tests.

/** The database connection Auth0 creates with a tenant (strategy `auth0`). */
export const DATABASE_CONNECTION = 'Username-Password-Authentication';
