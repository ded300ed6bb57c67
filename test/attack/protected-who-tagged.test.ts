import { clock } from '../../lambdas/commons/runtime/clock';
import type { SimAccount } from '../../lib/sim/account';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';

/**
 * ATTACKS (issue 34b) on "a refusal for the protected tag names who put the tag on". Each one
 * changes the user and CloudTrail while the approval waits, then the approver clicks Delete and
 * the quarantine is refused for the protected tag; the test prints the refusal's sentence.
 */

const MIN = 60_000;

function call(
  account: SimAccount,
  at: Date,
  eventName: string,
  identity: Record<string, unknown>,
  parameters: Record<string, unknown>,
) {
  account.cloudTrail.push({
    region: 'us-east-1',
    username: String((identity.arn as string).split('/').pop()),
    eventTime: at,
    eventName,
    eventSource: 'iam.amazonaws.com',
    userIdentity: identity as never,
    requestParameters: parameters,
  });
}

async function refusalAfter(change: (account: SimAccount, now: Date) => void) {
  const { sim, account, finished } = await startWaitingCase();
  change(account, clock.now());
  await sim.click(CASE_ID, 'delete', APPROVER);
  await finished;
  const record = (await sim.caseRecord(CASE_ID))!;
  await sim.stop();
  console.log(`outcome ${record.outcome}\n${record.outcomeDetail}`);
  return record;
}

const carol = (account: SimAccount) => ({
  type: 'AssumedRole',
  principalId: 'AROAADMINROLE00000001:carol',
  arn: `arn:aws:sts::${account.accountId}:assumed-role/Admin/carol`,
});

describe('who put the protected tag on', () => {
  it('does not blame the admin whose last call took the tag OFF (the re-tag is not in CloudTrail yet)', async () => {
    const record = await refusalAfter((account, now) => {
      const tag = [{ key: 'iam-janitor:protected', value: 'ticket-123' }];
      // carol tags it, then untags it again (both delivered) ...
      call(account, new Date(now.getTime() - 30 * MIN), 'TagUser', carol(account), {
        userName: 'loaded',
        tags: tag,
      });
      call(account, new Date(now.getTime() - 20 * MIN), 'UntagUser', carol(account), {
        userName: 'loaded',
        tagKeys: ['iam-janitor:protected'],
      });
      // ... and a minute ago someone put it back; CloudTrail delivers that call minutes late.
      account.users.get('loaded')!.tags['iam-janitor:protected'] = 'mine';
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).not.toMatch(/put on by arn:aws:sts::\d+:assumed-role\/Admin\/carol/);
  }, 120_000);

  it('says the user protected itself when it used a federation token of its own (sessionIssuer is the user)', async () => {
    const record = await refusalAfter((account, now) => {
      const user = account.users.get('loaded')!;
      user.tags['iam-janitor:protected'] = 'keep';
      // The user's own long-term key made a federation token (console federation: IAM calls work
      // there), named like a team; the TagUser call's userIdentity is a FederatedUser whose
      // sessionIssuer is the IAM user itself, by its id.
      call(
        account,
        new Date(now.getTime() - 5 * MIN),
        'TagUser',
        {
          type: 'FederatedUser',
          principalId: `${account.accountId}:security-team`,
          arn: `arn:aws:sts::${account.accountId}:federated-user/security-team`,
          sessionContext: {
            sessionIssuer: {
              type: 'IAMUser',
              principalId: user.userId,
              arn: user.arn,
              accountId: account.accountId,
              userName: user.userName,
            },
          },
        },
        { userName: 'loaded', tags: [{ key: 'iam-janitor:protected', value: 'keep' }] },
      );
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toContain('The user protected itself');
  }, 120_000);
});
