import * as path from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { memberRoleArn } from '../../lambdas/commons/runtime/member-role';
import { inAccount } from '../../lambdas/commons/iam/member-account';
import { candidateOf, emptyAccount } from '../../lib/sim/account';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import type { CaseRun } from '../../lib/sim/engine-options';
import type { SimMemberAccount } from '../../lib/sim/standins/organization-standin';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';

const example = (name: string) => path.join(__dirname, '..', '..', 'examples', `${name}.json`);
const HUB_CREDENTIALS = { accessKeyId: 'AKIAHUBFUNCTIONROLE0', secretAccessKey: 'hub' };

/**
 * Organization mode's exclusions hold at every door, not only in the sweep's listing: offboard,
 * the context step and the remover each refuse an excluded, suspended or management account.
 */
describe('examples/safety-organization.json', () => {
  it('deletes only the plain user: not the one protected in another case, not the approver, not an excluded or suspended account', async () => {
    const touched: Record<string, string[]> = {};
    const { report } = await runScenario(loadScenario(example('safety-organization')), {
      afterRun: async (sim) => {
        for (const accountId of ['111111111111', '222222222222', '333333333333'])
          touched[accountId] = sim.aws
            .member(accountId)
            .mutatingCalls()
            .map((call) => `${call.action} ${call.params.UserName ?? call.params.SerialNumber ?? ''}`.trim());
      },
    });
    expect(report.cases.map((entry) => [entry.userName, entry.decision, entry.outcome])).toEqual([
      ['plain', 'delete', 'deleted'],
      // The click of the approver the identity tag names is refused: nobody decided, nothing changed.
      ['approver-own', null, 'expired'],
    ]);
    expect(report.remainingUsers).toEqual([
      '111111111111/approver-own',
      '111111111111/guarded',
      '222222222222/tinkerer',
      '333333333333/contractor',
    ]);
    expect(report.offboardRefused).toEqual([
      {
        userName: '222222222222/tinkerer',
        reason: expect.stringMatching(/under ou-sim1-sbox0001, listed in excludeOrganizationalUnitIds/),
      },
      { userName: '333333333333/contractor', reason: expect.stringMatching(/is SUSPENDED, not ACTIVE/) },
    ]);
    expect(touched['222222222222']).toEqual([]);
    expect(touched['333333333333']).toEqual([]);
    expect(touched['111111111111']!.every((change) => change.endsWith('plain'))).toBe(true);
    // The management account is left out of the sweep, and the output says so.
    expect(report.sweep.accounts).toMatchObject({ swept: 1, managementAccountSkipped: '999999999999' });
  });
});

describe('the doors of the case workflow', () => {
  it('the context step refuses a case whose account is under an excluded OU, before reading anything there', async () => {
    const scenario = loadScenario(example('safety-organization'));
    scenario.offboard = [];
    let run: CaseRun | undefined;
    let reads = -1;
    await runScenario(scenario, {
      beforeSweep: async (sim) => {
        // GIVEN a case started for a user of the excluded sandbox (as a hand-made execution could)
        const sandbox = sim.aws.organization!.member('222222222222')!;
        const candidate = inAccount(candidateOf(sandbox.account.users.get('tinkerer')!), {
          accountId: '222222222222',
          accountAlias: 'sandbox',
        });
        run = await sim.runCase(candidate, `${candidate.subjectId}-by-hand`);
        reads = sim.aws.member('222222222222').calls.length;
      },
    });
    expect(run!.states).toEqual(['GatherContext', 'Refused', 'RecordOutcome']);
    expect(reads).toBe(0);
  });

  it('the remover refuses a case whose account was suspended while the case waited', async () => {
    const scenario = loadScenario(example('safety-organization'));
    scenario.offboard = [];
    scenario.accounts![0]!.decisions = { plain: { action: 'delete', by: 'U0123ABCDEF' } };
    const detail = await runScenario(scenario, {
      beforeSweep: async (sim) => {
        // The account is closed after the request is posted, before the approver clicks.
        sim.slack.loseAnswer = async (post) => {
          if (post.text.includes('plain')) {
            (sim.aws.organization!.member('111111111111') as { state?: SimMemberAccount['state'] }).state =
              'SUSPENDED';
          }
          return false;
        };
      },
    });
    const plain = detail.cases.find((entry) => entry.run.userName === 'plain')!;
    // A refusal, not a failure: nothing pages for it.
    expect(plain.record?.outcome).toBe('refused');
    expect(plain.record?.snapshot).toBeUndefined();
    expect(plain.record?.outcomeDetail).toMatch(/AWS account 111111111111 is SUSPENDED, not ACTIVE/);
    expect(detail.report.remainingUsers).toContain('111111111111/plain');
  });
});

describe('member role ARNs', () => {
  const before = process.env.JANITOR_PARTITION;
  afterEach(() => {
    if (before === undefined) delete process.env.JANITOR_PARTITION;
    else process.env.JANITOR_PARTITION = before;
  });

  it('are built in the partition the stack runs in, so AssumeRole works in aws-cn and aws-us-gov', () => {
    process.env.JANITOR_PARTITION = 'aws-us-gov';
    expect(memberRoleArn('111122223333', 'iam-janitor-member-reader')).toBe(
      'arn:aws-us-gov:iam::111122223333:role/iam-janitor-member-reader',
    );
  });
});

describe('the Organizations and STS stand-ins, as the references describe them', () => {
  let hub: AwsStandin;
  afterEach(() => hub?.stop());

  async function start() {
    const member = (accountId: string, state?: SimMemberAccount['state']): SimMemberAccount => ({
      accountId,
      name: accountId,
      parentId: 'r-sim1',
      ...(state ? { state } : {}),
      account: emptyAccount(accountId),
    });
    hub = new AwsStandin(emptyAccount('999999999999'), {
      organization: {
        id: 'o-simulated01',
        managementAccountId: '999999999999',
        rootId: 'r-sim1',
        units: [],
        members: [member('111111111111'), member('444444444444', 'SUSPENDED')],
        memberRoleNames: ['iam-janitor-member-reader'],
        externalId: 'iam-janitor',
      },
    });
    await hub.start();
  }

  it('lists the management account with the members', async () => {
    await start();
    const org = new OrganizationsClient({
      endpoint: hub.url,
      region: 'us-east-1',
      credentials: HUB_CREDENTIALS,
    });
    const { Accounts } = await org.send(new ListAccountsCommand({}));
    expect(Accounts?.map((account) => account.Id).sort()).toEqual([
      '111111111111',
      '444444444444',
      '999999999999',
    ]);
  });

  it('refuses AssumeRole into a suspended account, and allows it into an active one', async () => {
    await start();
    const sts = new STSClient({
      endpoint: hub.url,
      region: 'us-east-1',
      credentials: HUB_CREDENTIALS,
      maxAttempts: 1,
    });
    const assume = (accountId: string) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${accountId}:role/iam-janitor-member-reader`,
          RoleSessionName: 'test',
          ExternalId: 'iam-janitor',
        }),
      );
    await expect(assume('444444444444')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assume('111111111111')).resolves.toMatchObject({ Credentials: expect.anything() });
  });
});
