import { clock } from '../../lambdas/commons/runtime/clock';
import type { SimAccount } from '../../lib/sim/account';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';

/**
 * ATTACK (issue 34b): the user protects itself (TagUser with its own key), then a tag-normalising
 * pipeline (a drift-remediation bot, THREATS.md) rewrites the same tag's value, as such bots do
 * for every tag they manage. whoTagged keeps only the latest call: is the self-protection, the
 * finding the feature exists to show, still in the record?
 */
it('a self-protection that a bot re-tagged afterwards', async () => {
  const { sim, account, finished } = await startWaitingCase();
  const now = clock.now();
  const user = account.users.get('loaded')!;
  user.tags['iam-janitor:protected'] = 'true';
  const push = (at: Date, identity: Record<string, unknown>, value: string) =>
    (account as SimAccount).cloudTrail.push({
      region: 'us-east-1',
      username: String((identity.arn as string).split('/').pop()),
      eventTime: at,
      eventName: 'TagUser',
      eventSource: 'iam.amazonaws.com',
      userIdentity: identity as never,
      requestParameters: { userName: 'loaded', tags: [{ key: 'iam-janitor:protected', value }] },
    });
  push(
    new Date(now.getTime() - 40 * 60_000),
    { type: 'IAMUser', principalId: user.userId, arn: user.arn },
    'yes',
  );
  push(
    new Date(now.getTime() - 10 * 60_000),
    {
      type: 'AssumedRole',
      principalId: 'AROATAGBOT0000000001:tag-sync',
      arn: `arn:aws:sts::${account.accountId}:assumed-role/TagSync/tag-sync`,
    },
    'true',
  );
  await sim.click(CASE_ID, 'delete', APPROVER);
  await finished;
  const record = (await sim.caseRecord(CASE_ID))!;
  await sim.stop();
  console.log(`outcome ${record.outcome}\n${record.outcomeDetail}`);
  expect(record.outcomeDetail).toContain('protected itself');
}, 120_000);
