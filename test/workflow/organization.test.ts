import * as path from 'node:path';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario, parseScenario } from '../../lib/sim/scenario';
import { summaryOf, summaryText } from '../../lambdas/summary/summary';
import { undoAdvice } from '../../lambdas/commons/case/outcome';
import { OrganizationSweepStore } from '../../lambdas/commons/case/organization-sweep-store';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { executionArn, machineArn } from '../../lib/sim/machines';
import { executionStatus } from '../../lambdas/list-accounts/handler';

const example = path.join(__dirname, '..', '..', 'examples', 'organization.json');

describe('examples/organization.json: three accounts, one failing, decided through one Slack app', () => {
  it('opens cases in two accounts, each stamped with its account, reports the failing one, and acts only where decided', async () => {
    const seen: { labels: string[][]; channels: string[]; accountRows: boolean[] } = {
      labels: [],
      channels: [],
      accountRows: [],
    };
    const detail = await runScenario(loadScenario(example), {
      afterRun: async (sim) => {
        seen.labels = [...sim.jira.issues.values()].map((issue) => issue.fields.labels);
        // The organization's sweep record (what the weekly summary reads) names the failed account.
        expect(await sim.sweeps.latestSweep()).toMatchObject({
          failedAccounts: ['333333333333'],
          haltedAccounts: [],
        });
        seen.channels = [...sim.slack.messages.values()].map((message) => message.channel);
        seen.accountRows = [...sim.slack.messages.values()].map((message) =>
          JSON.stringify(message.blocks).includes('*AWS account*'),
        );
        // Nothing ever reached the failing account, and no assumed session reached the hub's IAM.
        expect(sim.aws.member('333333333333').calls).toEqual([]);
        expect(sim.aws.mutatingCalls()).toEqual([]);
        expect(
          sim.aws
            .member('111111111111')
            .mutatingCalls()
            .map((call) => call.params.UserName),
        ).toEqual(expect.arrayContaining(['alice']));
        expect(
          sim.aws
            .member('111111111111')
            .mutatingCalls()
            .some((call) => call.params.UserName !== 'alice'),
        ).toBe(false);
      },
    });
    const { report } = detail;
    expect(report.sweep.accounts).toEqual({
      swept: 2,
      excluded: 0,
      inactive: 0,
      failed: [{ accountId: '333333333333', error: 'AccessDenied' }],
      failedCount: 1,
      halted: [],
      haltedCount: 0,
      // Organizations lists the management account; StackSets never reach it, so it is not swept.
      managementAccountSkipped: '999999999999',
    });
    expect(
      report.cases.map((entry) => [entry.accountId, entry.userName, entry.decidedBy, entry.outcome]),
    ).toEqual([
      ['111111111111', 'alice', 'U0123ABCDEF', 'deleted'],
      ['222222222222', 'alice', 'U0SANDBOX01', 'disabled'],
    ]);
    expect(report.cases.every((entry) => entry.snapshotSaved)).toBe(true);
    // The same name in two accounts: two cases, two tickets, two users; one deleted, one disabled.
    expect(report.remainingUsers).toEqual([
      '111111111111/bob',
      '111111111111/break-glass',
      '222222222222/alice',
      '222222222222/carol',
      '333333333333/frank',
    ]);
    expect(seen.labels).toEqual([
      expect.arrayContaining(['aws-account-111111111111']),
      expect.arrayContaining(['aws-account-222222222222']),
    ]);
    // The sandbox's own channel and approver (accountOverrides), the default channel for prod.
    expect(seen.channels.sort()).toEqual(['C0SANDBOX01', 'C0SIMULATED']);
    // Each approval request names the account it is about.
    expect(seen.accountRows).toEqual([true, true]);
    // Every command to run by hand says in which account: the same user name lives in two.
    const byHand = detail.cases.map(({ record }) => ({
      accountId: record!.candidate.accountId,
      advice: undoAdvice(record!, record!.outcome!, 'iam-janitor-cases'),
    }));
    expect(byHand.filter(({ advice }) => advice.includes('aws iam ')).length).toBeGreaterThan(0);
    for (const { accountId, advice } of byHand.filter(({ advice }) => advice.includes('aws iam ')))
      expect(advice).toMatch(new RegExp(`by hand, with credentials of account ${accountId}`));
    const [prod, sandbox] = detail.cases;
    expect(prod!.run.caseId).toMatch(/^111111111111-AIDA[A-Z2-7]+-2026-11-22$/);
    expect(prod!.issue?.fields.summary).toBe(
      'Inactive IAM user alice in prod-payments (111111111111): review for removal',
    );
    expect(prod!.record?.snapshot?.accountId).toBe('111111111111');
    expect(sandbox!.record?.candidate).toMatchObject({
      accountId: '222222222222',
      accountAlias: 'dev-sandbox',
    });
    // The sandbox's threshold is 30 days (accountOverrides): 52 idle days is a candidate there.
    expect(sandbox!.record?.candidate.reason).toBe('access key 1 last used 52 days ago (threshold 30)');
  });

  it('refuses a decision from an approver of another account, whatever the button says', async () => {
    const scenario = loadScenario(example);
    const sandbox = scenario.accounts!.find((account) => account.accountId === '222222222222')!;
    // The global approver clicks Delete on the sandbox case: only U0SANDBOX01 decides there.
    sandbox.decisions.alice = { action: 'delete', by: 'U0123ABCDEF' };
    const { report, cases } = await runScenario(scenario);
    const entry = report.cases.find((found) => found.accountId === '222222222222')!;
    expect(entry.outcome).toBe('expired');
    expect(report.remainingUsers).toContain('222222222222/alice');
    expect(cases[1]!.ephemeral.map((post) => post.text)).toContainEqual(
      expect.stringContaining('You are not an approver of AWS account 222222222222'),
    );
  });
});

describe('safety in a member account', () => {
  it('never removes a user protected during the wait, nor touches the same name in another account', async () => {
    const scenario = loadScenario(example);
    const prod = scenario.accounts!.find((account) => account.accountId === '111111111111')!;
    // prod's alice is tagged protected while her case waits; the approver still clicks Delete.
    prod.duringApproval.alice = { tags: { 'iam-janitor:protected': 'legal hold' } };
    const seen: { prodChanges: string[]; sandboxChanges: string[] } = { prodChanges: [], sandboxChanges: [] };
    const { report } = await runScenario(scenario, {
      afterRun: async (sim) => {
        seen.prodChanges = sim.aws
          .member('111111111111')
          .mutatingCalls()
          .map((call) => call.action);
        seen.sandboxChanges = sim.aws
          .member('222222222222')
          .mutatingCalls()
          .map((call) => call.action);
      },
    });
    const prodCase = report.cases.find((entry) => entry.accountId === '111111111111')!;
    expect(prodCase).toMatchObject({ decision: 'delete', outcome: 'refused', snapshotSaved: false });
    expect(seen.prodChanges).toEqual([]);
    expect(report.remainingUsers).toContain('111111111111/alice');
    // The sandbox's alice, a different user with the same name, got her own decision only.
    expect(report.cases.find((entry) => entry.accountId === '222222222222')).toMatchObject({
      outcome: 'disabled',
    });
    expect(seen.sandboxChanges.length).toBeGreaterThan(0);
  });
});

describe('the blast-radius guard, per account and for the organization', () => {
  const idle = (userName: string) => ({
    userName,
    createDate: '2024-01-01T00:00:00Z',
    password: true,
    passwordLastUsed: '2026-01-01T00:00:00Z',
  });
  const active = (userName: string) => ({ ...idle(userName), passwordLastUsed: '2026-11-21T00:00:00Z' });
  const scenario = () =>
    parseScenario(
      {
        now: '2026-11-22T09:00:00Z',
        config: { maxCandidateFraction: 0.5 },
        accounts: [
          // 3 of 3 idle: this account's own guard halts it.
          { accountId: '111111111111', users: [idle('a1'), idle('a2'), idle('a3')] },
          // 1 of 3 idle: fine alone; but the organization has 4 of 6 idle (67%).
          { accountId: '222222222222', users: [idle('b1'), active('b2'), active('b3')] },
        ],
      },
      'guard scenario',
    );

  it('halts one account on its own guard, and every account when the organization as a whole is over', async () => {
    let next: unknown;
    const { report } = await runScenario(scenario(), {
      // A halted sweep frees the organization too: the next sweep (after an acknowledgement) runs.
      afterRun: async (sim) =>
        void (next = await new OrganizationSweepStore(documentClient(), CASE_TABLE).takeLease(
          'next',
          executionArn(machineArn('organizationSweep', sim.aws.account.accountId), 'next'),
          new Date(Date.parse(scenario().now) + 3_600_000),
          executionStatus,
        )),
    });
    expect(next).toEqual({ held: true });
    expect(report.sweep.accounts?.halted).toEqual([
      { accountId: '111111111111', haltReason: expect.stringContaining('3 of 3 users (100%)') },
    ]);
    expect(report.sweep.halted).toBe(true);
    expect(report.sweep.haltReason).toMatch(/^organization: 4 of 6 users \(66\.7%\)/);
    expect(report.cases).toEqual([]);
  });

  it('lets only the sound account through when the organization guard is acknowledged', async () => {
    const { report } = await runScenario(scenario(), {
      beforeSweep: (sim) =>
        sim.sweeps.acknowledgeGuard({
          acknowledgedBy: 'security-oncall',
          acknowledgedAt: '2026-11-22T08:00:00Z',
          maxCandidates: 4,
          expiresAt: '2026-11-23T08:00:00Z',
        }),
    });
    expect(report.sweep.halted).toBe(false);
    // The halted account stays halted: its own acknowledgement is its own.
    expect(report.cases.map((entry) => `${entry.accountId}/${entry.userName}`)).toEqual(['222222222222/b1']);
  });
});

describe('the weekly summary of an organization', () => {
  it('names the accounts that failed and those their own guard halted', () => {
    const text = summaryText(
      summaryOf(
        [],
        {
          sweepId: 's',
          finishedAt: '2026-11-22T09:00:00Z',
          usersScanned: 10,
          casesStarted: 1,
          backlog: 0,
          staleCredentials: 0,
          halted: false,
          candidateCount: 1,
          failedAccounts: ['333333333333'],
          haltedAccounts: ['111111111111', '444444444444'],
        },
        new Date('2026-11-15T00:00:00Z'),
      ),
    );
    expect(text).toContain('1 account could not be inventoried: 333333333333');
    expect(text).toContain('2 accounts halted by their own guard: 111111111111, 444444444444');
  });
});
