import { rewriteCase, useCaseTable } from '../helpers/case-table';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { resetClients } from '../../lambdas/commons/runtime/per-container';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { handler } from '../../lambdas/act/handler';
import { emptyAccount, type SimUser } from '../../lib/sim/account';
import { openCaseFor } from '../../lib/sim/machines';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { addLoadedUser } from '../helpers/loaded-user';
import { AWS_DENY_ALL } from '../helpers/quarantine';
import { VALID_CONFIG } from '../helpers/stack';
import { startStandin } from '../helpers/standin';

/**
 * The deletion after a quarantine snapshots the user right before its first change, beside the
 * snapshot from before the quarantine, and a retried run keeps the first complete one.
 */
describe('the deletion that ends a quarantine', () => {
  let standin: AwsStandin | undefined;

  useCaseTable();
  afterEach(async () => standin?.stop());

  const decision = {
    decision: 'delete' as const,
    decidedBy: 'U0123ABCDEF',
    decidedAt: '2026-11-22T09:00:00.000Z',
  };

  /** A loaded user as the quarantine left it: AWSDenyAll attached by it, its two tags (one in another case). */
  async function quarantinedCase(caseId: string): Promise<SimUser> {
    const account = emptyAccount();
    const user = addLoadedUser(account);
    user.managedPolicies.push(AWS_DENY_ALL);
    user.tags['iam-janitor:quarantined-at'] = '2026-11-22T09:00:00.000Z';
    user.tags['IAM-Janitor:Quarantine-Ends'] = '2026-12-06T09:00:00.000Z';
    standin = await startStandin(account);
    process.env.JANITOR_CONFIG = JSON.stringify({ ...VALID_CONFIG, quarantineDays: 14 });
    resetConfigCache();
    resetClients();
    await openCaseFor(new CaseStore(documentClient(), CASE_TABLE), user, caseId);
    await rewriteCase(caseId, {
      decision,
      quarantine: {
        startedAt: '2026-11-22T09:00:00.000Z',
        endsAt: '2026-12-06T09:00:00.000Z',
        policyArn: AWS_DENY_ALL,
        attachedByJanitor: true,
        attempts: [],
        appliedAt: '2026-11-22T09:00:01.000Z',
        verdict: 'silent',
      },
    });
    return user;
  }

  it('stores the user as it was right before, less the deny and tags of the quarantine; a retry keeps it', async () => {
    // GIVEN the first run fails at its last step, after it removed everything else
    const caseId = 'case-deletion-snapshot';
    const user = await quarantinedCase(caseId);
    const groups = [...user.groups];
    const policiesBefore = user.managedPolicies.filter((arn) => arn !== AWS_DENY_ALL);
    standin!.options.beforeIamAction = (action) =>
      action === 'DeleteUser'
        ? { code: 'ServiceFailure', message: 'refused once by the test', status: 500 }
        : undefined;
    await expect(handler({ caseId, decision, step: 'quarantine-over' })).rejects.toThrow();
    // WHEN the run is retried and finishes
    standin!.options.beforeIamAction = undefined;
    await handler({ caseId, decision, step: 'quarantine-over' });
    // THEN the fresh snapshot is the first run's, complete, without the quarantine's marks
    const record = await new CaseStore(documentClient(), CASE_TABLE).require(caseId);
    expect(record.deletionSnapshot?.groups).toEqual(groups);
    expect(record.deletionSnapshot?.managedPolicies).toEqual(policiesBefore);
    expect(Object.keys(record.deletionSnapshot?.tags ?? {})).toEqual([
      'team',
      'owner',
      'cost-center',
      'env',
      'note',
    ]);
    // AND nothing was written in place of the snapshot from before the quarantine
    expect(record.snapshot).toBeUndefined();
  });
});
