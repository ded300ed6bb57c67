import { rewriteCase } from '../helpers/case-table';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import { isClosed } from '../../lambdas/commons/case/lifecycle';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { emptyAccount } from '../../lib/sim/account';
import { openCaseFor } from '../../lib/sim/machines';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { addLoadedUser } from '../helpers/loaded-user';
import { pointClientsAt } from '../helpers/standin';

/**
 * ATTACK: the wait transitions (`awaitDecision`, `awaitEnd`, `awaitTripDecision`) carry no status
 * condition, so a late write of a stale attempt of a waiting step (a Lambda invocation Step
 * Functions retried, whose first run lands after the case closed) moves a closed case back to a
 * waiting status. The lifecycle's own header says `closed` is final ("The outcome is written, once";
 * `isClosed`: "nothing resumes the case again"). Then a click records a decision on a closed case,
 * and `release --case` treats a closed, quarantined case as still waiting.
 */
describe('a closed case and a stale wait write', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  beforeAll(async () => {
    dynamo = await startDynamo();
    pointClientsAt({ dynamodb: dynamo.url });
    process.env.CASE_TABLE_NAME = CASE_TABLE;
  });
  afterAll(() => dynamo.stop());

  const cases = () => new CaseStore(documentClient(), CASE_TABLE);
  const quarantines = () => new QuarantineStore(documentClient(), CASE_TABLE);
  const approver = 'U0123ABCDEF';

  it('an expired case (no decision) does not go back to awaiting a decision', async () => {
    const caseId = 'case-expired-then-stale';
    await openCaseFor(cases(), addLoadedUser(emptyAccount()), caseId);
    await rewriteCase(caseId, { status: 'closed', outcome: 'expired', closedAt: '2026-11-25T09:00:00.000Z' });
    // Closed: the user is free for a future case.
    await cases().release(caseId, (await cases().require(caseId)).candidate);
    const after = await cases().awaitDecision(caseId, 'stale-token');
    const claim = await cases().recordDecision(caseId, {
      decision: 'delete',
      decidedBy: approver,
      decidedAt: '2026-11-25T10:00:00.000Z',
    });
    const record = (await cases().get(caseId))!;
    console.log('ATTACK closed→awaiting', {
      statusAfterStaleWrite: after.status,
      claimWon: claim.won,
      status: record.status,
      outcome: record.outcome,
      decision: record.decision?.decision,
    });
    expect(isClosed(after)).toBe(true);
    expect(claim.won).toBe(false);
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
    const after = await quarantines().awaitTripDecision(caseId, 'stale-token');
    const claim = await quarantines().recordTripDecision(caseId, {
      decision: 'delete',
      decidedBy: 'U0456GHIJKL',
      decidedAt: '2026-11-25T10:00:00.000Z',
    });
    console.log('ATTACK closed→tripped', { statusAfterStaleWrite: after.status, claimWon: claim.won });
    expect(isClosed(after)).toBe(true);
    expect(claim.won).toBe(false);
  });
});
