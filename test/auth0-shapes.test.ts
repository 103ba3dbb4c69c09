// The project's readers of fields that a real tenant leaves out, fed the answers it recorded (go-auth0 v1.45.0 cassettes
// in test/conformance/recordings): users without app_metadata/user_metadata keys, and bindings whose Action is a summary.
import { ManagementClient } from 'auth0';
import { describe, expect, it } from 'vitest';
import { isDeclined } from '../actions/decline-memory.ts';
import { dropRecordsPatch, isChecked, isExcluded, linkRecordFor, linkRecords, restoringIds } from '../actions/link-record.ts';
import { eligibility, pairAnswer, planGroups, planLogin } from '../actions/policy.ts';
import { hasPasswordEvidence, unverifiedLoginMark, usedUnverified } from '../actions/risk-signs.ts';
import type { User } from '../actions/types.ts';
import { relinkedPatch, unlinkedAsBefore, unlinkedByPerson } from '../actions/unlink-choice.ts';
import { recordAsBefore, userMetadataRecords, withoutRecord } from '../link-page/audit.ts';
import { policyView } from '../scripts/lib/backfill/plan.ts';
import { readAction, readBindings } from '../scripts/lib/deploy/read-tenant.ts';
import { readCassette, RECORDINGS_DIR } from './conformance/cassettes.ts';

/** The recorded answer of an interaction, parsed. */
function recorded(cassette: string, id: number): unknown {
  const interaction = readCassette(`${RECORDINGS_DIR}${cassette}.yaml`).interactions.find((i) => i.id === id)!;
  return JSON.parse(interaction.response.body);
}

/** A user as users-by-email answered it for a user with no metadata: no app_metadata or user_metadata key. */
const bare = (recorded('TestJobManager_ImportUsers', 3) as User[])[0]!;
const TRUST = { connections: undefined };

describe("readers of a user's metadata, given a user Auth0 answers without any", () => {
  it('the recording is what these tests rely on: no metadata keys at all', () => {
    expect(bare).not.toHaveProperty('app_metadata');
    expect(bare).not.toHaveProperty('user_metadata');
    expect(bare).toMatchObject({ email_verified: true, identities: [{ provider: 'auth0' }] });
  });

  it('the Action and the backfill: marks, records, exclusion, declines, unlink choices and the policy', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isDeclined(bare, now.getTime())).toBe(false);
    expect(unverifiedLoginMark(bare, now)).toEqual({ at: now.toISOString() });
    expect(usedUnverified(bare)).toBe(false);
    expect(typeof hasPasswordEvidence(bare)).toBe('boolean');
    expect(linkRecords(bare)).toEqual([]);
    expect(dropRecordsPatch(bare, ['auth0|x'])).toEqual({});
    expect(restoringIds(bare)).toEqual([]);
    expect(isChecked(bare)).toBe(false);
    expect(isExcluded(bare)).toBe(false);
    expect(unlinkedByPerson(bare, bare)).toBe(false);
    // The audit record of a secondary without metadata keeps empty objects to restore.
    expect(linkRecordFor(bare, 'action', now)).toMatchObject({ app_metadata: {}, user_metadata: {} });
    expect(eligibility(bare, TRUST).eligible).toBeTypeOf('boolean');
    const other: User = {
      ...bare,
      user_id: 'google-oauth2|1',
      identities: [{ provider: 'google-oauth2', user_id: '1', connection: 'google-oauth2', isSocial: true }],
    };
    expect(pairAnswer(bare, other, TRUST).answer).toMatch(/silent|confirm|never/);
    expect(planGroups([policyView(bare), policyView(other)], { trust: TRUST }).groups.length).toBeLessThanOrEqual(1);
    expect(planLogin(other, [bare, other], { trust: TRUST })).toBeDefined();
    expect(policyView(bare)).not.toHaveProperty('app_metadata');
  });

  it("the linking page: the person's unlink choices and connected-account records", () => {
    expect(userMetadataRecords(bare.user_metadata)).toEqual([]);
    expect(unlinkedAsBefore(bare.user_metadata, 'github', '1')).toEqual({ [Object.keys(unlinkedAsBefore(undefined, 'github', '1'))[0]!]: null });
    expect(relinkedPatch(bare.user_metadata, bare.identities)).toEqual({});
    expect(Object.values(recordAsBefore(bare.user_metadata, 'github|1'))).toEqual([null]);
    expect(withoutRecord(bare.user_metadata, 'github', '1')).toEqual({});
  });
});

/** The unmodified SDK, answered with a recorded body for the one request each test makes. */
function sdkAnswering(body: unknown): ManagementClient {
  const answer = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/oauth/token')) return Response.json({ access_token: 'x', expires_in: 86400, token_type: 'Bearer' });
    return Response.json(body);
  };
  return new ManagementClient({ domain: 'recorded.example', clientId: 'id', clientSecret: 'secret', maxRetries: 0, fetch: answer as typeof fetch });
}

describe("the deploy's reads, given the recorded answers", () => {
  it('reads the bindings from a binding that embeds an Action summary (no code, all_changes_deployed false)', async () => {
    const answer = recorded('TestActionManager_Bindings', 7) as { bindings: Array<{ action: Record<string, unknown>; display_name: string }> };
    expect(answer.bindings[0]!.action).not.toHaveProperty('code');
    expect(answer.bindings[0]!.action.all_changes_deployed).toBe(false);
    const bindings = await readBindings(sdkAnswering(answer));
    expect(bindings).toEqual([
      { actionId: answer.bindings[0]!.action.id, actionName: answer.bindings[0]!.action.name, displayName: answer.bindings[0]!.display_name },
    ]);
  });

  it('reads an Action from the list answer without `page`', async () => {
    const answer = recorded('TestActionManager_List', 1) as { actions: Array<{ name: string; id: string }> };
    expect(answer).not.toHaveProperty('page');
    const action = await readAction(sdkAnswering(answer), answer.actions[0]!.name);
    expect(action).toMatchObject({ id: answer.actions[0]!.id, status: 'building', allChangesDeployed: false });
  });
});
