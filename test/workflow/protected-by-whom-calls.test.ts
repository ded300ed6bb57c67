import { clock } from '../../lambdas/commons/runtime/clock';
import type { SimAccount } from '../../lib/sim/account';
import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';

/**
 * Found by the attacker helper (issue 34): the refusal for a protected tag put on while the
 * approval waited names who put it on from CloudTrail's IAM calls (TagUser's `requestParameters:
 * {userName, tags: [{key, value}]}`, UntagUser's `{userName, tagKeys}`), and never blames the wrong
 * caller: not one whose tag was taken off since, not a bot that only rewrote the value of a tag the
 * user put on itself. Each test changes the user and CloudTrail, then Delete is clicked.
 */

const MIN = 60_000;

function call(account: SimAccount, at: Date, eventName: string, identity: object, parameters: object) {
  const arn = (identity as { arn: string }).arn;
  account.cloudTrail.push({
    region: 'us-east-1',
    username: String(arn.split('/').pop()),
    eventTime: at,
    eventName,
    eventSource: 'iam.amazonaws.com',
    userIdentity: identity as never,
    requestParameters: parameters as never,
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
  return { record, slack };
}

/** An admin's role session (userIdentity of an AssumedRole, as CloudTrail's reference shows it). */
const role = (account: SimAccount, name: string, roleName = 'Admin') => ({
  type: 'AssumedRole',
  principalId: `AROAADMINROLE00000001:${name}`,
  arn: `arn:aws:sts::${account.accountId}:assumed-role/${roleName}/${name}`,
});

const protectedTag = (value: string) => [{ key: 'iam-janitor:protected', value }];

describe('who put the protected tag on, from CloudTrail', () => {
  it('does not name the admin whose tag was taken off since (the re-tag is not in CloudTrail yet)', async () => {
    const { record } = await refusalAfter((account, now) => {
      const carol = role(account, 'carol');
      call(account, new Date(now.getTime() - 30 * MIN), 'TagUser', carol, {
        userName: 'loaded',
        tags: protectedTag('ticket-123'),
      });
      call(account, new Date(now.getTime() - 20 * MIN), 'UntagUser', carol, {
        userName: 'loaded',
        tagKeys: ['iam-janitor:protected'],
      });
      account.users.get('loaded')!.tags['iam-janitor:protected'] = 'mine';
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).not.toMatch(/put on by arn:aws:sts::\d+:assumed-role\/Admin\/carol/);
    expect(record.outcomeDetail).toContain('not known');
  }, 120_000);

  it('says the user protected itself through a federation token its own keys made (sessionIssuer)', async () => {
    const { record } = await refusalAfter((account, now) => {
      const user = account.users.get('loaded')!;
      user.tags['iam-janitor:protected'] = 'keep';
      // GetFederationToken takes an IAM user's long-term keys; the session's issuer is that user.
      const federated = {
        type: 'FederatedUser',
        principalId: `${account.accountId}:security-team`,
        arn: `arn:aws:sts::${account.accountId}:federated-user/security-team`,
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            principalId: user.userId,
            arn: user.arn,
            userName: user.userName,
          },
        },
      };
      call(account, new Date(now.getTime() - 5 * MIN), 'TagUser', federated, {
        userName: 'loaded',
        tags: protectedTag('keep'),
      });
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toContain('The user protected itself');
  }, 120_000);

  it('says the user protected itself when a tag bot rewrote the value since, and names the bot', async () => {
    const { record } = await refusalAfter((account, now) => {
      const user = account.users.get('loaded')!;
      user.tags['iam-janitor:protected'] = 'true';
      const self = { type: 'IAMUser', principalId: user.userId, arn: user.arn };
      call(account, new Date(now.getTime() - 40 * MIN), 'TagUser', self, {
        userName: 'loaded',
        tags: protectedTag('yes'),
      });
      call(account, new Date(now.getTime() - 10 * MIN), 'TagUser', role(account, 'tag-sync', 'TagSync'), {
        userName: 'loaded',
        tags: protectedTag('true'),
      });
    });
    expect(record.outcomeDetail).toContain('protected itself');
    expect(record.outcomeDetail).toContain('assumed-role/TagSync/tag-sync');
  }, 120_000);

  it('ignores the protected tag put on another user, and another tag put on this one', async () => {
    const { record } = await refusalAfter((account, now) => {
      account.users.get('loaded')!.tags['iam-janitor:protected'] = 'x';
      call(account, new Date(now.getTime() - 9 * MIN), 'TagUser', role(account, 'carol'), {
        userName: 'loaded-old',
        tags: protectedTag('x'),
      });
      call(account, new Date(now.getTime() - 8 * MIN), 'TagUser', role(account, 'dave'), {
        userName: 'LOADED',
        tags: [{ key: 'team', value: 'ops' }],
      });
    });
    expect(record.outcomeDetail).not.toMatch(/carol|dave/);
    expect(record.outcomeDetail).toContain('not known');
  }, 120_000);

  it('names the caller of a TagUser in another letter case, of the name and of the key', async () => {
    const { record } = await refusalAfter((account, now) => {
      account.users.get('loaded')!.tags['IAM-JANITOR:PROTECTED'] = 'x';
      call(account, new Date(now.getTime() - 8 * MIN), 'TagUser', role(account, 'dave'), {
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
        'TagUser',
        { type: 'IAMUser', principalId: 'AIDAMALLORY000000001', arn },
        { userName: 'loaded', tags: protectedTag('x') },
      );
    });
    expect(record.outcomeDetail).toContain('<!channel>');
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    expect(slack).not.toContain('<https://evil.example');
  }, 120_000);
});
