import { CASE_ID } from '../helpers/sim';
import { auditRow } from '../../lib/audit/rows';
import { SECOND, jiraText, trippedCase } from '../helpers/quarantine-trip';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';

/**
 * ATTACK: SendTaskSuccess takes the approver's Delete now after a trip, and only the delivery stamp
 * (`markChoiceDelivered`) fails (a DynamoDB throttle; or the SendTaskSuccess response was lost
 * after Step Functions applied it, which the resumer cannot tell from a refusal). Nobody clicks
 * again. The workflow deletes the user. Expected: no text says the Delete now was never carried out.
 */
describe('a delivery stamp that failed for a Delete now that was carried out', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is not named as never carried out', async () => {
    jest.spyOn(QuarantineStore.prototype, 'markChoiceDelivered').mockRejectedValueOnce(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const { record, jira, slack } = await trippedCase(async (sim) => {
      await sim.click(CASE_ID, 'delete', SECOND).catch(() => undefined);
    });
    const cases = auditRow(record).quarantine ?? '';
    const named = /After the trip, Delete now was chosen by[^"]*/.exec(jiraText(jira))?.[0];
    console.log('ATTACK stamp-failed-no-repeat', {
      outcome: record.outcome,
      jira: named,
      cases,
      thread: slack.posts.map((post) => post.text).slice(-2),
    });
    expect(record.outcome).toBe('deleted');
    expect(named ?? '').not.toContain('never carried out');
    expect(cases).not.toContain('never carried out');
  });
});
