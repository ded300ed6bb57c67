import { refuseSelfDecision } from '../../lambdas/act/recheck';
import { APPROVER, CASE_ID, loadedAccount, startWaitingCase } from '../helpers/sim';

/**
 * Nobody decides about themselves. IAM matches tag keys in any case, so the identity tag is found
 * in any case too; and it is read live by the remover, so a tag added while the case waited counts.
 */
describe('no self-decision', () => {
  const ephemeral = (sim: Awaited<ReturnType<typeof startWaitingCase>>['sim']) =>
    sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text);

  it('refuses the click of the approver named by the identity tag written in another case', async () => {
    const account = loadedAccount();
    account.users.get('loaded')!.tags['IAM-Janitor:Slack-User-Id'] = APPROVER;
    const { sim, finished } = await startWaitingCase({ account });
    await sim.click(CASE_ID, 'delete', APPROVER);
    expect(ephemeral(sim)).toEqual([
      'You cannot decide a case about yourself (loaded is tagged with your Slack id); another approver must.',
    ]);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    await finished;
    expect(account.users.has('loaded')).toBe(true);
    await sim.stop();
  });

  it.each([
    ['a Slack id', APPROVER],
    ['an e-mail', `${APPROVER.toLowerCase()}@Example.com`],
  ])(
    'refuses in the remover when %s naming the approver is tagged while the case waits',
    async (_label, value) => {
      const { sim, finished, account } = await startWaitingCase();
      // GIVEN the evidence saved at opening held no identity tag; the tag lands during the wait
      account.users.get('loaded')!.tags['IAM-JANITOR:slack-user-id'] = value;
      await sim.click(CASE_ID, 'delete', APPROVER);
      expect(ephemeral(sim)).toEqual([]);
      const run = await finished;
      // THEN the remover read the tag live and changed nothing
      expect(run.states).toContain('Act');
      expect(account.users.has('loaded')).toBe(true);
      expect(sim.aws.mutatingCalls()).toEqual([]);
      const record = await sim.caseRecord(CASE_ID);
      expect(record?.outcome).toBe('refused');
      expect(record?.snapshot).toBeUndefined();
      expect(record?.outcomeDetail).toMatch(/who decided, is the user; nothing was changed/);
      await sim.stop();
    },
  );

  it('deletes when the tag added during the wait names someone else (the twin of the refusals)', async () => {
    const { sim, finished, account } = await startWaitingCase();
    account.users.get('loaded')!.tags['iam-janitor:slack-user-id'] = 'U0456GHIJKL';
    await sim.click(CASE_ID, 'delete', APPROVER);
    await finished;
    expect(account.users.has('loaded')).toBe(false);
    expect((await sim.caseRecord(CASE_ID))?.outcome).toBe('deleted');
    await sim.stop();
  });

  it('refuses an e-mail tag when a decider e-mail is unknown, since it cannot be ruled out', () => {
    const deciders = { identityTagKey: 'iam-janitor:slack-user-id', people: [{ slackId: APPROVER }] };
    expect(() =>
      refuseSelfDecision(
        { userName: 'loaded', tags: { 'Iam-Janitor:Slack-User-Id': 'x@example.com' } },
        deciders,
      ),
    ).toThrow(
      expect.objectContaining({ name: 'SelfDecisionError', message: expect.stringMatching(/is unknown/) }),
    );
    expect(() =>
      refuseSelfDecision({ userName: 'loaded', tags: { team: 'x@example.com' } }, deciders),
    ).not.toThrow();
  });
});
