import * as path from 'node:path';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { OrganizationSweepStore } from '../../lambdas/commons/case/organization-sweep-store';
import { summaryOf, summaryText } from '../../lambdas/summary/summary';
import { Simulation } from '../../lib/sim/engine';
import { invoked } from '../../lib/sim/handlers';
import { executionArn, machineArn } from '../../lib/sim/machines';
import { executionStatus } from '../../lambdas/list-accounts/handler';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { HUB, organizationOf, organizationSimulation } from '../../lib/sim/organization-simulation';

const example = path.join(__dirname, '..', '..', 'examples', 'organization.json');
const HOUR = 3_600_000;
const leases = () => new OrganizationSweepStore(documentClient(), CASE_TABLE);
const sweepArn = (name: string) => executionArn(machineArn('organizationSweep', HUB), name);

/** A sweep's ListAccounts step, as the machine calls it: the lease is taken or refused there. */
const listAccounts = (name: string, at: Date) =>
  invoked('list-accounts')({
    sweepId: name,
    executionArn: sweepArn(name),
    startedAt: at.toISOString(),
  }) as Promise<{ overlapping?: { sweepId: string; since: string } }>;

/** Another sweep of the organization, as Step Functions knows it: started, its lease taken, maybe over. */
async function otherSweep(
  sim: Simulation,
  name: string,
  since: Date,
  ended?: 'FAILED' | 'ABORTED' | 'TIMED_OUT',
) {
  sim.aws.executions.started(sweepArn(name), since);
  expect(await listAccounts(name, since)).not.toHaveProperty('overlapping');
  if (ended) sim.aws.executions.ended(sweepArn(name), ended, new Date(+since + HOUR));
}

describe('two organization sweeps never overlap', () => {
  const scenario = loadScenario(example);
  const now = new Date(scenario.now);
  const memberCalls = (sim: Simulation) =>
    ['111111111111', '222222222222'].reduce(
      (sum, accountId) => sum + sim.aws.member(accountId).calls.length,
      0,
    );

  it('stops, touching nothing, while another sweep still runs, even one that began more than a day ago', async () => {
    let before = 0;
    let after = -1;
    const since = new Date(+now - 25 * HOUR);
    const detail = await runScenario(scenario, {
      // Yesterday's sweep of a large organization, still inventorying when today's begins.
      beforeSweep: async (sim) => {
        await otherSweep(sim, 'sweep-still-running', since);
        before = memberCalls(sim);
      },
      afterRun: async (sim) => void (after = memberCalls(sim)),
    });
    expect(detail.report.sweep.overlapping).toEqual({
      sweepId: 'sweep-still-running',
      since: since.toISOString(),
    });
    expect(detail.report.cases).toEqual([]);
    // Not one call reached a member account after the preview: no inventory ran.
    expect(after).toBe(before);
  });

  it.each(['FAILED', 'ABORTED', 'TIMED_OUT'] as const)(
    'runs over the lease of a sweep that ended %s an hour ago, which nothing released',
    async (status) => {
      let next: unknown;
      const detail = await runScenario(scenario, {
        beforeSweep: (sim) => otherSweep(sim, 'sweep-that-ended', new Date(+now - 2 * HOUR), status),
        // This sweep succeeded: the next one runs at once.
        afterRun: async () => void (next = await listAccounts('the-next-sweep', new Date(+now + HOUR))),
      });
      expect(detail.report.sweep.overlapping).toBeUndefined();
      expect(detail.report.cases.length).toBeGreaterThan(0);
      expect(next).not.toHaveProperty('overlapping');
    },
  );
});

describe('the organization guard reads every result from the case table', () => {
  let sim: Simulation;
  const now = new Date('2026-11-22T09:00:00Z');
  // Twenty-five accounts, none of which the sweep could inventory.
  const accountIds = Array.from({ length: 25 }, (_, index) => String(200000000000 + index));

  // Each test its own simulation: the suite's cleanup stops what a test leaves running.
  beforeEach(async () => {
    sim = organizationSimulation(organizationOf('o-lease000001', 'r-leas'), {
      excludeOrganizationalUnitIds: ['ou-leas-00000000'],
    });
    await sim.start();
  });
  afterEach(() => sim.stop());

  it('counts an account with no result as failed, names 20 and counts all', async () => {
    const store = leases();
    expect(await store.takeLease('sweep-a', sweepArn('sweep-a'), now, executionStatus)).toEqual({
      held: true,
    });
    const pages = await store.writeAccountPages(
      'sweep-a',
      accountIds.map((accountId) => ({ accountId, name: accountId })),
      now,
    );
    // The first account's iteration ended where its Catch could not record it.
    for (const accountId of accountIds.slice(1))
      await store.recordAccountResult('sweep-a', { accountId, failed: true, error: 'AccessDenied' }, now);
    const output = (await invoked('organization-guard')({
      sweepId: 'sweep-a',
      startedAt: now.toISOString(),
      pages,
      excluded: 0,
      inactive: 0,
      managementAccountId: null,
    })) as { failedAccounts: { accountId: string; error: string }[]; failedAccountCount: number };
    expect(output.failedAccountCount).toBe(25);
    expect(output.failedAccounts).toHaveLength(20);
    expect(output.failedAccounts[0]).toEqual({ accountId: accountIds[0], error: 'NoResultRecorded' });

    const text = summaryText(summaryOf([], await sim.sweeps.latestSweep(), new Date(+now - 7 * 24 * HOUR)));
    expect(text).toContain('25 accounts could not be inventoried:');
    expect(text).toContain('and 5 more');
  });

  it('believes a holder Step Functions does not know for an hour (DescribeExecution is eventually consistent), then takes over', async () => {
    // Taken by an execution Step Functions does not answer for yet (or forgot, 90 days after it closed).
    const store = leases();
    await store.takeLease('just-started', sweepArn('just-started'), now, async () => 'unknown');
    const take = (name: string, at: Date) => store.takeLease(name, sweepArn(name), at, executionStatus);
    expect(await take('ten-minutes-later', new Date(+now + HOUR / 6))).toEqual({
      held: false,
      holder: 'just-started',
      since: now.toISOString(),
    });
    expect(await take('two-hours-later', new Date(+now + 2 * HOUR))).toEqual({ held: true });
  });

  it('trusts no lease dated after now: an unknown holder from the future is taken over', async () => {
    const store = leases();
    await store.takeLease(
      'from-the-future',
      sweepArn('from-the-future'),
      new Date(+now + 365 * 24 * HOUR),
      async () => 'unknown',
    );
    expect(await store.takeLease('today', sweepArn('today'), now, executionStatus)).toEqual({ held: true });
  });

  it('holds nothing once a sweep failed in its listing: the next sweep runs', async () => {
    // The config excludes an OU the organization does not have: Organizations answers ParentNotFound.
    sim.aws.executions.started(sweepArn('sweep-b'), now);
    await expect(listAccounts('sweep-b', now)).rejects.toThrow();
    sim.aws.executions.ended(sweepArn('sweep-b'), 'FAILED', now);
    const store = leases();
    expect(
      await store.takeLease('sweep-c', sweepArn('sweep-c'), new Date(+now + HOUR), executionStatus),
    ).toEqual({
      held: true,
    });
  });
});
