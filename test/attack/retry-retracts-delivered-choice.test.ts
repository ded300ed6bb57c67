import { CASE_ID } from '../helpers/sim';
import { SECOND, trippedCase } from '../helpers/quarantine-trip';

/**
 * ATTACK: a quick double click (the interleaving decision-delivery.test.ts drives for the approval
 * decision), or Slack re-sending the click as a new signed request. The approver's
 * Release after a trip reaches Step Functions (SendTaskSuccess took it), and before the resumer
 * writes `quarantine.decisionDeliveredAt` the retry of the same click arrives. The retry is a
 * "repeat" of an undelivered choice, so it delivers again; Step Functions refuses the answered token
 * (TaskTimedOut), and decide's tellUndelivered then RETRACTS the choice, though the workflow is
 * carrying it out. The first request's delivery stamp then fails its condition.
 * Expected (the promise): the record keeps the Release the workflow received, stamped delivered.
 */
describe('a repeat click of a delivered after-trip choice', () => {
  it('never takes back a choice the workflow received', async () => {
    const replies: string[] = [];
    const errors: unknown[] = [];
    const { record, slack } = await trippedCase(async (sim) => {
      const deliver = sim.aws.options.onTaskCallback!;
      let retried = false;
      sim.aws.options.onTaskCallback = async (call) => {
        const answer = await deliver(call);
        if (!retried && call.output?.includes('"release"')) {
          retried = true;
          // Slack's retry of the same click, while the first request is still in flight.
          const retry = await sim.click(CASE_ID, 'release', SECOND);
          replies.push(JSON.stringify(retry));
        }
        return answer;
      };
      try {
        const first = await sim.click(CASE_ID, 'release', SECOND);
        replies.push(JSON.stringify(first));
      } catch (error) {
        errors.push(error);
      }
      sim.aws.options.onTaskCallback = deliver;
    });
    console.log('ATTACK retry-retracts', {
      outcome: record.outcome,
      quarantine: {
        decision: record.quarantine?.decision,
        delivered: record.quarantine?.decisionDeliveredAt,
        releasedAt: record.quarantine?.releasedAt,
        releasedBy: record.quarantine?.releasedBy,
      },
      replies,
      errors: errors.map(String),
      told: slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    });
    expect(record.quarantine?.decision?.decision).toBe('release');
    expect(record.quarantine?.decisionDeliveredAt).toBeDefined();
  });
});
