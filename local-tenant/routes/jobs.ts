// Users-export jobs: POST /api/v2/jobs/users-exports, GET /api/v2/jobs/{id}, and the download of the finished file.
// Scopes: the export needs read:users (manage-users/user-migration/bulk-user-exports.mdx, "Required Scopes: read:users");
// reading a job takes create:users or read:users (auth0-PHP's Jobs::get lists both). The download URL is pre-signed
// like Auth0's and is not a Management API call, so it takes no token and the rate limit does not count it.
import { readJsonObject } from '../request-input.ts';
import type { RouteGroup } from '../route.ts';

export const jobRoutes: RouteGroup = [
  {
    method: 'POST',
    path: '/api/v2/jobs/users-exports',
    scopes: ['read:users'],
    async handle({ request, jobs }) {
      // 200, as a real tenant answered (auth0/go-auth0 test/data/recordings, TestJobManager_ExportUsers).
      return { body: jobs.createExport(await readJsonObject(request)) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/jobs/:id',
    scopes: ['create:users', 'read:users'],
    handle({ params, jobs, domain }) {
      return { body: jobs.view(params.id!, domain) };
    },
  },
  {
    method: 'GET',
    path: '/exports/:id/:file',
    scopes: 'none',
    handle({ params, url, jobs }) {
      return { body: null, stream: jobs.download(params.id!, url.searchParams.get('sig')), headers: { 'content-type': 'application/gzip' } };
    },
  },
];
