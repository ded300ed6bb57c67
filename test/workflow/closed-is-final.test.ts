import { rewriteCase, useCaseTable } from '../helpers/case-table';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import { isClosed } from '../../lambdas/commons/case/lifecycle';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { emptyAccount } from '../../lib/sim/account';
import { openCaseFor } from '../../lib/sim/machines';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { addLoadedUser } from '../helpers/loaded-user';

/**
 * Closed is final. A stale attempt of a waiting step (a Lambda invocation Step Functions retried,
 * whose first run lands after the case closed) must not move a closed case back to a wait: a click
 * would then record a decision on a closed case, and `release --case` would take a closed,
 * quarantined case for one still waiting. Each wait's write is refused, as DynamoDB refuses a
 * write whose condition fails (ConditionalCheckFailedException), and the case stays as it was.
 */
describe('a closed case and a stale wait write', () => {
  useCaseTable();

  const cases = () => new CaseStore(documentClient(), CASE_TABLE);
  const quarantines = () => new QuarantineStore(documentClient(), CASE_TABLE);
  const approver = 'U0123ABCDEF';

  it('an expired case (no decision) does not go back to awaiting a decision', async () => {
    const caseId = 'case-expired-then-stale';
    await openCaseFor(cases(), addLoadedUser(emptyAccount()), caseId);
    await rewriteCase(caseId, { status: 'closed', outcome: 'expired', closedAt: '2026-11-25T09:00:00.000Z' });
    // Closed: the user is free for a future case.
    await cases().release(caseId, (await cases().require(caseId)).candidate);
    await expect(cases().awaitDecision(caseId, 'stale-token')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    const after = (await cases().get(caseId))!;
    const claim = await cases().recordDecision(caseId, {
      decision: 'delete',
      decidedBy: approver,
      decidedAt: '2026-11-25T10:00:00.000Z',
    });
    expect(isClosed(after)).toBe(true);
    expect(after.taskToken).toBeUndefined();
    expect(claim.won).toBe(false);
    expect((await cases().get(caseId))!.decision).toBeUndefined();
  });

  it('a closed tripped case does not go back to awaiting a choice', async () => {
    const caseId = 'case-tripped-closed-then-stale';
    await openCaseFor(cases(), addLoadedUser(emptyAccount()), caseId);
    await rewriteCase(caseId, {
      status: 'closed',
      outcome: 'quarantine-tripped',
      closedAt: '2026-11-25T09:00:00.000Z',
      decision: { decision: 'delete', decidedBy: approver, decidedAt: '2026-11-20T09:00:00.000Z' },
      quarantine: {
        startedAt: '2026-11-20T09:00:00.000Z',
        endsAt: '2026-12-04T09:00:00.000Z',
        policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
        attachedByJanitor: true,
        attempts: [],
        trippedAt: '2026-11-21T09:00:00.000Z',
      },
    });
    await expect(quarantines().awaitTripDecision(caseId, 'stale-token')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await expect(quarantines().awaitEnd(caseId, 'stale-token')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    const after = (await cases().get(caseId))!;
    const claim = await quarantines().recordTripDecision(caseId, {
      decision: 'delete',
      decidedBy: 'U0456GHIJKL',
      decidedAt: '2026-11-25T10:00:00.000Z',
    });
    expect(isClosed(after)).toBe(true);
    expect(claim.won).toBe(false);
  });
});
