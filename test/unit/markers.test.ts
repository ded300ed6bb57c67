import type { IAMClient } from '@aws-sdk/client-iam';
import { act } from '../../lambdas/act/act';
import type { UserCase } from '../../lambdas/commons/case/history';
import { runInventory } from '../../lambdas/inventory/inventory';
import type { SimAccount } from '../../lib/sim/account';
import { deleteInput, setUp, stopStandin } from '../helpers/removal';
import { POLICY } from '../helpers/report';

/**
 * A marker tag alone is never a verdict: `disabled` holds only while the case table holds the
 * Disable that wrote the tag and the live user has no way in (THREATS.md: the subject and any admin
 * can write tags and turn credentials back on).
 */
afterEach(stopStandin);

const CASE_ID = 'case-of-loaded';

/** Disables the loaded user as the remover does, and keeps the case as the table would hold it. */
async function disableThroughCase(iam: IAMClient, account: SimAccount): Promise<UserCase> {
  const result = await act(deleteInput(iam, { action: 'disable' }));
  const user = account.users.get('loaded')!;
  return {
    caseId: CASE_ID,
    userId: user.userId,
    candidate: {
      userName: 'loaded',
      userId: user.userId,
      arn: user.arn,
      reason: 'idle',
      lastActivity: null,
      lastActivitySource: 'user_creation_time',
      idleDays: 90,
      kind: 'user',
      subjectId: user.userId,
    },
    outcome: result.outcome,
    decision: { decision: 'disable', decidedBy: 'U0APPROVER1', decidedAt: new Date().toISOString() },
    removed: result.done,
  };
}

function inventory(iam: IAMClient, cases: readonly UserCase[]) {
  return runInventory({
    iam,
    policy: POLICY,
    now: new Date(),
    report: { pollIntervalMs: 5 },
    userCases: async (userIds) =>
      new Map(userIds.map((userId) => [userId, cases.filter((found) => found.userId === userId)])),
  });
}

const verdictOf = (result: Awaited<ReturnType<typeof inventory>>, userName = 'loaded') =>
  result.users.find((user) => user.userName === userName);

describe('disabled-at', () => {
  it('keeps a user iam-janitor disabled, with no way in left, disabled and names the case', async () => {
    const { account, iam } = await setUp();
    const disabled = await disableThroughCase(iam, account);
    const result = await inventory(iam, [disabled]);
    expect(verdictOf(result)).toMatchObject({ verdict: 'disabled' });
    expect(verdictOf(result)?.reason).toContain(`decided in case ${CASE_ID} by U0APPROVER1`);
    expect(result.candidates.map((candidate) => candidate.userName)).not.toContain('loaded');
    expect(result.markerWarnings).toEqual([]);
  });

  it('makes a user that tagged itself disabled-at (another letter case, any value) a candidate', async () => {
    // GIVEN the subject, with an idle active key, tags itself as iam-janitor would
    const { account, iam } = await setUp();
    account.users.get('loaded')!.tags['IAM-Janitor:Disabled-At'] = 'forever';
    const result = await inventory(iam, []);
    expect(verdictOf(result)).toMatchObject({ verdict: 'inactive' });
    expect(result.candidates.map((candidate) => candidate.userName)).toContain('loaded');
    expect(result.markerWarnings).toEqual([
      {
        userName: 'loaded',
        warning:
          'tag IAM-Janitor:Disabled-At="forever" ignored: no Disable in the case table wrote it; the user is judged from its last uses',
      },
    ]);
  });

  it('judges again a user iam-janitor disabled whose key an admin turned back on', async () => {
    const { account, iam } = await setUp();
    const disabled = await disableThroughCase(iam, account);
    // GIVEN another admin re-activates the key (UpdateAccessKey Status=Active)
    account.users.get('loaded')!.accessKeys[0]!.status = 'Active';
    const result = await inventory(iam, [disabled]);
    expect(verdictOf(result)).toMatchObject({ verdict: 'inactive' });
    expect(result.candidates.map((candidate) => candidate.userName)).toContain('loaded');
    expect(result.markerWarnings[0]?.warning).toMatch(
      new RegExp(`case ${CASE_ID} disabled the user, but access key 1 is active again`),
    );
  });

  it('judges again a disabled user whose SSH key is on again, which the credential report never shows', async () => {
    const { account, iam } = await setUp();
    const disabled = await disableThroughCase(iam, account);
    const user = account.users.get('loaded')!;
    user.sshPublicKeys[0]!.status = 'Active';
    const result = await inventory(iam, [disabled]);
    expect(verdictOf(result)).toMatchObject({ verdict: 'inactive' });
    expect(result.markerWarnings[0]?.warning).toContain(
      `but SSH public key ${user.sshPublicKeys[0]!.id} is active again`,
    );
  });

  it('ignores a disabled-at whose value no recorded Disable wrote (a later tag over the real one)', async () => {
    const { account, iam } = await setUp();
    const disabled = await disableThroughCase(iam, account);
    account.users.get('loaded')!.tags['iam-janitor:disabled-at'] = '2001-01-01T00:00:00.000Z';
    const result = await inventory(iam, [{ ...disabled }]);
    expect(verdictOf(result)?.verdict).not.toBe('disabled');
  });
});

describe('quarantine and MFA markers', () => {
  it('reports quarantine tags and a deactivated-for tag no case wrote, and judges the user anyway', async () => {
    const { account, iam } = await setUp();
    const tags = account.users.get('loaded')!.tags;
    tags['iam-janitor:quarantined-at'] = '2026-01-01T00:00:00.000Z';
    tags['iam-janitor:quarantine-ends'] = '2999-01-01T00:00:00.000Z';
    tags['iam-janitor:deactivated-for'] = 'AIDAOTHER';
    const result = await inventory(iam, []);
    expect(verdictOf(result)).toMatchObject({ verdict: 'inactive' });
    expect(result.markerWarnings.map((entry) => entry.warning)).toEqual([
      'tag iam-janitor:quarantined-at="2026-01-01T00:00:00.000Z" ignored: no quarantine in the case table wrote it',
      'tag iam-janitor:quarantine-ends="2999-01-01T00:00:00.000Z" ignored: no quarantine in the case table wrote it',
      'tag iam-janitor:deactivated-for="AIDAOTHER" ignored: iam-janitor writes it on MFA devices only, never on a user',
    ]);
  });
});
