import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { accountResultKey } from '../../lambdas/commons/case/organization-sweep-store';
import type { OrganizationSweepOutput } from '../../lambdas/organization-guard/handler';
import { Simulation } from '../../lib/sim/engine';
import { generateScenario } from '../../lib/sim/generate';
import { invoked } from '../../lib/sim/handlers';
import { named } from '../../lib/sim/machines';
import { buildAccount } from '../../lib/sim/scenario-accounts';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import type { SimOrganization } from '../../lib/sim/standins/organization-standin';
import { organizationOf, organizationSimulation } from '../../lib/sim/organization-simulation';

const NOW = new Date('2026-11-23T08:00:00Z');
/** DynamoDB's TTL reads epoch seconds; the sweep's items are kept a week (ARCHITECTURE.md). */
const A_WEEK_LATER = Math.floor(NOW.getTime() / 1000) + 7 * 24 * 3600;

/** Three accounts with idle users, and a fourth whose member roles the StackSet has not reached. */
function organization(): SimOrganization {
  const member = (index: number) => {
    const accountId = String(500000000000 + index);
    const scenario = generateScenario({
      users: 2,
      inactiveFraction: 0.5,
      idleDays: 120 + index,
      now: NOW.toISOString(),
    });
    return {
      accountId,
      name: `acct-${index}`,
      parentId: 'r-rslt',
      account: buildAccount({ ...scenario, accountId }),
    };
  };
  return organizationOf('o-results0001', 'r-rslt', [
    member(0),
    member(1),
    member(2),
    { ...member(3), memberRoles: false },
  ]);
}

describe("each account's result, and the guard that reads them", () => {
  let sim: Simulation;
  let guardInput: unknown;
  let failOnce: string | undefined;
  const org = organization();
  beforeEach(async () => {
    guardInput = undefined;
    failOnce = undefined;
    sim = organizationSimulation(
      org,
      { maxCandidateFraction: 1, cloudTrailRegions: [] },
      {
        onSweepTask: (state, input) => {
          if (state === 'OrganizationGuard') guardInput = input;
          // The inventory recorded its result, then its Lambda failed on the way out (a timeout).
          const accountId = (input as { account?: { accountId: string } }).account?.accountId;
          if (state === 'InventoryAccount' && accountId === failOnce) {
            failOnce = undefined;
            throw named('Sandbox.Timedout', 'Task timed out after 300.00 seconds');
          }
        },
      },
    );
    await sim.start();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  it('keeps a result the inventory recorded before it failed, and dates a failure like every item of the sweep', async () => {
    failOnce = org.members[1]!.accountId;
    const { output } = await sim.runSweep(NOW, { startCases: false });
    const sweep = output as OrganizationSweepOutput;
    // Only the account with no member roles failed; the one that failed after its result is swept.
    expect(sweep.failedAccounts).toEqual([
      { accountId: org.members[3]!.accountId, error: expect.any(String) },
    ]);
    expect(sweep.accountsSwept).toBe(3);
    const failure = await documentClient().send(
      new GetCommand({
        TableName: CASE_TABLE,
        Key: { pk: accountResultKey(sweep.sweepId, org.members[3]!.accountId) },
      }),
    );
    expect(failure.Item).toMatchObject({ failed: true, expiresAt: A_WEEK_LATER });
  });

  it('goes on past an iteration that failed outside every Catch (ToleratedFailurePercentage 100), counting it failed', async () => {
    // The account's inventory failed, and so did the write of its failure: DynamoDB refused it.
    const send = DynamoDBClient.prototype.send;
    jest.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(function (
      this: DynamoDBClient,
      command: unknown,
    ) {
      const item = (command as PutItemCommand).input?.Item;
      if (
        command instanceof PutItemCommand &&
        item?.failed &&
        item.accountId?.S === org.members[3]!.accountId
      )
        return Promise.reject(named('AccessDeniedException', 'not authorized to perform: dynamodb:PutItem'));
      return (send as (command: unknown) => Promise<unknown>).call(this, command);
    } as never);
    const { output } = await sim.runSweep(NOW, { startCases: false });
    const sweep = output as OrganizationSweepOutput;
    expect(sweep.failedAccounts).toEqual([
      { accountId: org.members[3]!.accountId, error: 'NoResultRecorded' },
    ]);
    expect(sweep.accountsSwept).toBe(3);
    expect(sweep.candidates.length).toBeGreaterThan(0);
  });

  it('answers a retry with its first decision, after that run used up the stashes', async () => {
    const { output } = await sim.runSweep(NOW, { startCases: false });
    const first = output as OrganizationSweepOutput;
    expect(first.candidates.length).toBeGreaterThan(0);
    // Lambda.ServiceException after the function returned: Step Functions invokes it again.
    const again = await invoked('organization-guard')(guardInput);
    expect(again).toEqual(first);
  });
});
