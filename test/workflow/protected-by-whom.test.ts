import type { SimAccount } from '../../lib/sim/account';
import { runScenario } from '../../lib/sim/run-scenario';
import { clock } from '../../lambdas/commons/runtime/clock';
import { formatTime } from '../../lambdas/commons/runtime/text';
import { oneUser } from '../helpers/quarantine';
import { silentQuarantine } from '../helpers/quarantine-trip';

/**
 * A protected tag put on a user while its case waits refuses the case, whoever put it (THREATS.md:
 * the subject can tag itself). The refusal must say who did, as CloudTrail records the TagUser
 * call: a user that protected itself is a finding, not an ordinary refusal. Identity comes from
 * the event's userIdentity, never from the name a role session chose.
 */

/** The case of a user tagged protected during the decision's wait, `tagsBy` the user or the admin. */
async function taggedDuringApproval(tagsBy?: 'self') {
  const detail = await runScenario(
    oneUser({
      // Another letter case than the config's key: IAM's tag keys are case-insensitive.
      duringApproval: { idle: { tags: { 'IAM-Janitor:Protected': 'mine' }, ...(tagsBy ? { tagsBy } : {}) } },
    } as never),
  );
  const entry = detail.cases[0]!;
  return { record: entry.record!, after: detail.report.accountAfter };
}

/** The TagUser call as the simulated account's CloudTrail holds it. */
function tagCall(account: SimAccount) {
  return account.cloudTrail.find((event) => event.eventName === 'TagUser')!;
}

describe('a user protected while its case waits', () => {
  it('says the user protected itself when its own credentials made the TagUser call', async () => {
    let taggedAt = '';
    const detail = await runScenario(
      oneUser({
        duringApproval: { idle: { tags: { 'IAM-Janitor:Protected': 'mine' }, tagsBy: 'self' } },
      } as never),
      { afterRun: async (sim) => void (taggedAt = tagCall(sim.aws.account).eventTime.toISOString()) },
    );
    const record = detail.cases[0]!.record!;
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toContain(
      `The user protected itself: it put the tag on with its own credentials at ${formatTime(taggedAt)}`,
    );
    // Refused before any change: the user keeps its key, and no deny went on.
    const user = detail.report.accountAfter.idle!;
    expect(user.attachedPolicyArns).toEqual([]);
    expect(user.activeCredentials).toContain('AKIAIDLE000000000001');
  }, 120_000);

  it("names the admin's role session that made the call, and does not say the user did", async () => {
    const { record } = await taggedDuringApproval();
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toMatch(
      /It was put on by arn:aws:sts::\d{12}:assumed-role\/Admin\/console-admin at /,
    );
    expect(record.outcomeDetail).not.toContain('protected itself');
  }, 120_000);

  it('does not take a role session named as the user for the user, nor a refused call for the one that tagged', async () => {
    const { record } = await silentQuarantine((account, day) => {
      if (day !== 1) return;
      const user = account.users.get('loaded')!;
      user.tags['iam-janitor:protected'] = 'dev';
      const session = `arn:aws:sts::${account.accountId}:assumed-role/Dev/loaded`;
      const call = (
        at: Date,
        identity: { type: 'IAMUser' | 'AssumedRole'; principalId: string; arn: string },
      ) => ({
        region: 'us-east-1',
        username: 'loaded',
        eventTime: at,
        eventName: 'TagUser',
        eventSource: 'iam.amazonaws.com',
        userIdentity: identity,
        requestParameters: { userName: 'LOADED', tags: [{ key: 'iam-janitor:protected', value: 'dev' }] },
      });
      const now = clock.now();
      account.cloudTrail.push(
        call(now, { type: 'AssumedRole', principalId: 'AROADEV000000000001:loaded', arn: session }),
      );
      // Another admin's try a minute later, refused by IAM: it put nothing on.
      const other = `arn:aws:sts::${account.accountId}:assumed-role/ReadOnly/bob`;
      account.cloudTrail.push({
        ...call(new Date(now.getTime() + 60_000), {
          type: 'AssumedRole',
          principalId: 'AROAREADONLY00000001:bob',
          arn: other,
        }),
        errorCode: 'AccessDenied',
      });
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toContain('It was put on by arn:aws:sts::');
    expect(record.outcomeDetail).toContain(':assumed-role/Dev/loaded at ');
    expect(record.outcomeDetail).not.toContain('ReadOnly');
    expect(record.outcomeDetail).not.toContain('protected itself');
  }, 120_000);

  it('says who put the tag on is not known when CloudTrail holds no call that did', async () => {
    const { record } = await silentQuarantine((account, day) => {
      if (day === 1) account.users.get('loaded')!.tags['iam-janitor:protected'] = 'break-glass';
    });
    expect(record.outcome).toBe('refused');
    expect(record.outcomeDetail).toMatch(
      /CloudTrail shows no TagUser call that put it on since .* \(it records calls minutes late\): who put it on is not known/,
    );
  }, 120_000);
});
