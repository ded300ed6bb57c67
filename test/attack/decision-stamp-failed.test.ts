import { APPROVER, CASE_ID, startWaitingCase } from '../helpers/sim';
import { CaseStore } from '../../lambdas/commons/case/case-store';

/**
 * ATTACK: the approval decision's SendTaskSuccess is taken, but its delivery stamp
 * (`markDelivered`) fails (a DynamoDB throttle): the click's request fails, Slack shows the
 * approver an error, and they click Delete again while Act runs. Checked: one action, and what the
 * repeat click is told.
 */
describe('an approval whose delivery stamp failed, clicked again', () => {
  afterEach(() => jest.restoreAllMocks());

  it('deletes once, and tells the truth to the repeat click', async () => {
    const { sim, finished, account } = await startWaitingCase();
    jest.spyOn(CaseStore.prototype, 'markDelivered').mockRejectedValueOnce(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const first = await sim.click(CASE_ID, 'delete', APPROVER).catch((error: unknown) => String(error));
    const again = await sim.click(CASE_ID, 'delete', APPROVER).catch((error: unknown) => String(error));
    const run = await finished;
    const record = await sim.caseRecord(CASE_ID);
    const told = sim.slack.posts
      .filter((post) => post.method === 'chat.postEphemeral')
      .map((post) => post.text);
    console.log('ATTACK decision-stamp-failed', {
      first: typeof first === 'string' ? first : first.statusCode,
      again: typeof again === 'string' ? again : again.statusCode,
      acts: run.states.filter((state) => state === 'Act').length,
      outcome: record?.outcome,
      decisionDeliveredAt: record?.decisionDeliveredAt,
      told,
    });
    await sim.stop();
    expect(account.users.has('loaded')).toBe(false);
    expect(run.states.filter((state) => state === 'Act')).toHaveLength(1);
    // Held: one action. Observed (low): the first click's request fails (Slack shows an error for a
    // decision that went through), and the repeat is told its decision may still be delivered.
    expect(told.join('\n')).toMatch(/or a decision already reached it/);
  });
});
