import { clock } from '../../lambdas/commons/runtime/clock';
import type { SimAccount } from '../../lib/sim/account';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';

/** What held (issue 34b): other users, other keys, letter case, and markup in a principal's ARN. */

const MIN = 60_000;

function call(
  account: SimAccount,
  at: Date,
  identity: Record<string, unknown>,
  parameters: Record<string, unknown>,
) {
  account.cloudTrail.push({
    region: 'us-east-1',
    username: String((identity.arn as string).split('/').pop()),
    eventTime: at,
    eventName: 'TagUser',
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
  const slack = sim.slack.posts
    .map((post) => `${post.text}\n${JSON.stringify(post.blocks ?? [])}`)
    .join('\n');
  await sim.stop();
  console.log(`outcome ${record.outcome}\n${record.outcomeDetail}`);
  return { record, slack };
}

const role = (account: SimAccount, name: string) => ({
  type: 'AssumedRole',
  principalId: `AROAADMINROLE00000001:${name}`,
  arn: `arn:aws:sts::${account.accountId}:assumed-role/Admin/${name}`,
});

it('ignores the protected tag put on another user, and another tag put on this one', async () => {
  const { record } = await refusalAfter((account, now) => {
    account.users.get('loaded')!.tags['iam-janitor:protected'] = 'x';
    call(account, new Date(now.getTime() - 9 * MIN), role(account, 'carol'), {
      userName: 'loaded-old',
      tags: [{ key: 'iam-janitor:protected', value: 'x' }],
    });
    call(account, new Date(now.getTime() - 8 * MIN), role(account, 'dave'), {
      userName: 'LOADED',
      tags: [{ key: 'team', value: 'ops' }],
    });
  });
  expect(record.outcomeDetail).toMatch(/CloudTrail shows no TagUser call that put it on/);
}, 120_000);

it('names the caller of a TagUser in another letter case, of the name and of the key', async () => {
  const { record } = await refusalAfter((account, now) => {
    account.users.get('loaded')!.tags['IAM-JANITOR:PROTECTED'] = 'x';
    call(account, new Date(now.getTime() - 8 * MIN), role(account, 'dave'), {
      userName: 'Loaded',
      tags: [{ key: 'Iam-Janitor:Protected', value: 'x' }],
    });
  });
  expect(record.outcomeDetail).toContain('assumed-role/Admin/dave');
}, 120_000);

it('keeps markup in an IAM user ARN (paths take any of ! through ~) inert in Slack', async () => {
  const { record, slack } = await refusalAfter((account, now) => {
    account.users.get('loaded')!.tags['iam-janitor:protected'] = 'x';
    const arn = `arn:aws:iam::${account.accountId}:user/<!channel>/<https://evil.example|ok>/mallory`;
    call(
      account,
      new Date(now.getTime() - 8 * MIN),
      { type: 'IAMUser', principalId: 'AIDAMALLORY000000001', arn },
      { userName: 'loaded', tags: [{ key: 'iam-janitor:protected', value: 'x' }] },
    );
  });
  expect(record.outcomeDetail).toContain('<!channel>');
  expect(slack).toContain('&lt;!channel&gt;');
  expect(slack).not.toContain('<!channel>');
  expect(slack).not.toContain('<https://evil.example');
}, 120_000);
