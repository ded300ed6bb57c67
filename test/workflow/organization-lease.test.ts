import * as path from 'node:path';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { OrganizationSweepStore } from '../../lambdas/commons/case/organization-sweep-store';
import { summaryOf, summaryText } from '../../lambdas/summary/summary';
import { emptyAccount } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import { invoked } from '../../lib/sim/handlers';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';
import { SIM_BASE_CONFIG } from '../../lib/sim/scenario-report';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';

const example = path.join(__dirname, '..', '..', 'examples', 'organization.json');
const HOUR = 3_600_000;
const leases = () => new OrganizationSweepStore(documentClient(), CASE_TABLE);

describe('two organization sweeps never overlap', () => {
  const scenario = loadScenario(example);
  const now = new Date(scenario.now);

  it('stops, touching nothing, while another sweep still holds the organization', async () => {
    const memberCalls = (sim: Simulation) =>
      ['111111111111', '222222222222'].reduce(
        (sum, accountId) => sum + sim.aws.member(accountId).calls.length,
        0,
      );
    let before = 0;
    let after = -1;
    const detail = await runScenario(scenario, {
      // A sweep that began two hours ago and is still inventorying.
      beforeSweep: async (sim) => {
        await leases().takeLease('sweep-still-running', new Date(+now - 2 * HOUR));
        before = memberCalls(sim);
      },
      afterRun: async (sim) => void (after = memberCalls(sim)),
    });
    expect(detail.report.sweep.overlapping).toEqual({
      sweepId: 'sweep-still-running',
      since: new Date(+now - 2 * HOUR).toISOString(),
    });
    expect(detail.report.cases).toEqual([]);
    // Not one call reached a member account after the preview: no inventory ran.
    expect(after).toBe(before);
  });

  it('runs over a lease its holder never released a day ago, and frees it once its guard is done', async () => {
    let next: unknown;
    const detail = await runScenario(scenario, {
      // A sweep that failed before its guard yesterday never released the organization.
      beforeSweep: async () =>
        void (await leases().takeLease('sweep-that-crashed', new Date(+now - 24 * HOUR))),
      afterRun: async () => void (next = await leases().takeLease('the-next-sweep', new Date(+now + HOUR))),
    });
    expect(detail.report.sweep.overlapping).toBeUndefined();
    expect(detail.report.cases.length).toBeGreaterThan(0);
    expect(next).toEqual({ held: true });
  });
});

describe('the organization guard reads every result from the case table', () => {
  let sim: Simulation;
  const now = new Date('2026-11-22T09:00:00Z');
  // Twenty-five accounts, none of which the sweep could inventory.
  const accountIds = Array.from({ length: 25 }, (_, index) => String(200000000000 + index));

  // Each test its own simulation: the suite's cleanup stops what a test leaves running.
  beforeEach(async () => {
    sim = new Simulation({
      account: emptyAccount('999999999999'),
      organization: {
        id: 'o-lease000001',
        managementAccountId: '999999999999',
        rootId: 'r-leas',
        units: [],
        members: [],
        memberRoleNames: ['iam-janitor-member-reader', 'iam-janitor-member-remover'],
        externalId: 'iam-janitor',
      },
      config: {
        ...SIM_BASE_CONFIG,
        deploymentMode: 'organization',
        organizationId: 'o-lease000001',
        memberOrganizationalUnitIds: ['r-leas'],
        excludeOrganizationalUnitIds: ['ou-leas-00000000'],
      },
    });
    await sim.start();
  });
  afterEach(() => sim.stop());

  it('counts an account with no result as failed, names 20 and counts all', async () => {
    const store = leases();
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

  it('frees the lease when the listing fails, so that the next sweep need not wait', async () => {
    // The config excludes an OU the organization does not have: Organizations answers ParentNotFound.
    await expect(
      invoked('list-accounts')({ sweepId: 'sweep-b', startedAt: now.toISOString() }),
    ).rejects.toThrow();
    expect(await leases().takeLease('sweep-c', new Date(+now + HOUR))).toEqual({ held: true });
  });
});
