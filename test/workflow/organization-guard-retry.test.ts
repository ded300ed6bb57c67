import { SFNClient } from '@aws-sdk/client-sfn';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { OrganizationSweepStore } from '../../lambdas/commons/case/organization-sweep-store';
import type { OrganizationSweepOutput } from '../../lambdas/organization-guard/handler';
import { executionStatus } from '../../lambdas/list-accounts/handler';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import type { Simulation } from '../../lib/sim/engine';
import { HUB, organizationOf, organizationSimulation } from '../../lib/sim/organization-simulation';
import { invoked } from '../../lib/sim/handlers';
import { executionArn, machineArn, named } from '../../lib/sim/machines';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';

/**
 * The organization guard's decision survives its own failures: a retry after the decision was saved
 * finishes using up what it names (the acknowledgement is for one sweep), and a sweep redriven after
 * another took the organization decides nothing. The lease check says what failed when Step
 * Functions cannot answer.
 */
const NOW = new Date('2026-11-23T08:00:00Z');
const ACCOUNT = '500000000001';
const sweepArn = (name: string) => executionArn(machineArn('organizationSweep', HUB), name);
const acknowledgement = {
  acknowledgedBy: 'security-oncall',
  acknowledgedAt: '2026-11-23T07:00:00Z',
  maxCandidates: 100,
  expiresAt: '2026-11-30T08:00:00Z',
};

describe("the organization guard's decision, retried and overtaken", () => {
  let sim: Simulation;
  const store = () => new OrganizationSweepStore(documentClient(), CASE_TABLE);
  beforeEach(async () => {
    sim = organizationSimulation(organizationOf('o-guardretry1', 'r-grtr'), { maxCandidateFraction: 0.2 });
    await sim.start();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  /** A sweep that holds the organization, with one account of 10 users, 9 idle: over the fraction. */
  async function sweptOneAccount(sweepId: string) {
    sim.aws.executions.started(sweepArn(sweepId), NOW);
    expect(await store().takeLease(sweepId, sweepArn(sweepId), NOW, executionStatus)).toEqual({ held: true });
    const pages = await store().writeAccountPages(sweepId, [{ accountId: ACCOUNT, name: 'a' }], NOW);
    await store().recordAccountResult(
      sweepId,
      {
        accountId: ACCOUNT,
        accountAlias: 'a',
        usersScanned: 10,
        population: { users: 10, userCandidates: 9, credentials: 0, credentialCandidates: 0 },
        candidateCount: 9,
        stashed: 0,
        staleCredentials: 0,
        halted: false,
        rootWarnings: 0,
        skippedReportRows: 0,
      },
      NOW,
    );
    const input = {
      sweepId,
      startedAt: NOW.toISOString(),
      pages,
      excluded: 0,
      inactive: 0,
      managementAccountId: null,
    };
    return () => invoked('organization-guard')(input) as Promise<OrganizationSweepOutput>;
  }

  it('uses the acknowledgement up on the retry of a guard that died after saving its decision', async () => {
    await sim.sweeps.acknowledgeGuard(acknowledgement);
    // The first run's DeleteItem of the acknowledgement fails after its decision was saved.
    jest
      .spyOn(SweepStore.prototype, 'consumeAcknowledgement')
      .mockRejectedValueOnce(
        named('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
      );
    const guardA = await sweptOneAccount('sweep-a');
    await expect(guardA()).rejects.toThrow();
    const retried = await guardA();
    expect(retried).toMatchObject({ halted: false, acknowledgedBy: 'security-oncall' });
    expect(await sim.sweeps.guardAcknowledgement()).toBeUndefined();
    // The next sweep finds no acknowledgement: its guard halts.
    sim.aws.executions.ended(sweepArn('sweep-a'), 'SUCCEEDED', NOW);
    const b = await (await sweptOneAccount('sweep-b'))();
    expect(b).toMatchObject({ halted: true });
    expect(b.acknowledgedBy).toBeUndefined();
  });

  it('decides nothing for a sweep redriven after another took the organization', async () => {
    const guardA = await sweptOneAccount('sweep-a');
    // Sweep A failed in a page; sweep B found it over and took the lease; then A was redriven.
    sim.aws.executions.ended(sweepArn('sweep-a'), 'FAILED', NOW);
    await sweptOneAccount('sweep-b');
    await sim.sweeps.acknowledgeGuard(acknowledgement);
    await expect(guardA()).rejects.toMatchObject({
      name: 'SweepOvertaken',
      message: expect.stringContaining('sweep sweep-b took it'),
    });
    // Nothing used up, nothing decided: the acknowledgement waits for B.
    expect(await sim.sweeps.guardAcknowledgement()).toEqual(acknowledgement);
    expect(await store().guardDecision('sweep-a')).toBeUndefined();
  });
});

describe('the lease check, when Step Functions cannot answer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('fails naming Step Functions, the holder and the error, not the listing', async () => {
    jest
      .spyOn(SFNClient.prototype, 'send')
      .mockRejectedValue(
        named('AccessDeniedException', 'not authorized to perform: states:DescribeExecution') as never,
      );
    await expect(executionStatus(sweepArn('sweep-a'))).rejects.toMatchObject({
      name: 'LeaseCheckFailed',
      message: expect.stringMatching(
        /^Could not ask Step Functions whether .*:sweep-a, which holds the organization's lease, still runs \(DescribeExecution: AccessDeniedException: .*\)\. No account was listed/,
      ),
    });
  });

  it('takes a holder that is no execution name (written by hand) as one Step Functions does not know', async () => {
    jest
      .spyOn(SFNClient.prototype, 'send')
      .mockRejectedValue(named('InvalidArn', "Invalid Arn: 'x'") as never);
    expect(await executionStatus('arn:aws:states:us-east-1:999999999999:execution:m:do not sweep')).toBe(
      'unknown',
    );
  });
});
