import { CASE_ID } from '../helpers/sim';
import { SECOND, jiraText, trippedCase } from '../helpers/quarantine-trip';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';

/**
 * ATTACK: SendTaskSuccess takes the approver's Delete now after a trip, but the delivery stamp
 * (`markChoiceDelivered`) fails once (a DynamoDB throttle). The approver, seeing an error, clicks
 * Delete now again (or Slack retries the failed request). The repeat is a "repeat of an undelivered
 * choice", so it is delivered again; Step Functions refuses the answered token, and decide RETRACTS
 * the Delete now while the workflow deletes the user. Expected: the record keeps the choice that
 * deleted the user, and nothing tells the approver that nothing changed.
 */
describe('a delivery stamp that failed, then the same click again', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps the Delete now that the workflow carried out', async () => {
    const original = QuarantineStore.prototype.markChoiceDelivered;
    let failed = false;
    jest.spyOn(QuarantineStore.prototype, 'markChoiceDelivered').mockImplementation(function (
      this: QuarantineStore,
      ...args
    ) {
      if (!failed) {
        failed = true;
        return Promise.reject(
          Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
            name: 'ProvisionedThroughputExceededException',
          }),
        );
      }
      return original.apply(this, args);
    });
    const errors: string[] = [];
    const { record, jira, slack } = await trippedCase(async (sim) => {
      await sim.click(CASE_ID, 'delete', SECOND).catch((error: unknown) => errors.push(String(error)));
      // The approver clicks Delete now again (or Slack retries the request that failed).
      await sim.click(CASE_ID, 'delete', SECOND).catch((error: unknown) => errors.push(String(error)));
    });
    const texts = [...slack.posts.map((post) => post.text), jiraText(jira)].join('\n');
    console.log('ATTACK stamp-failed', {
      outcome: record.outcome,
      decision: record.quarantine?.decision,
      delivered: record.quarantine?.decisionDeliveredAt,
      errors,
      saysNotRecorded: /not recorded and nothing changed/.test(JSON.stringify(slack)),
      saysNobodyChose: /no approver chose/.test(texts),
      told: slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
      thread: slack.posts
        .filter((post) => post.method !== 'chat.postEphemeral')
        .map((post) => post.text)
        .slice(-3),
    });
    expect(record.outcome).toBe('deleted');
    expect(record.quarantine?.decision?.decision).toBe('delete');
  });
});
