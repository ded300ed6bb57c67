import { CASE_ID } from '../helpers/sim';
import { auditRow } from '../../lib/audit/rows';
import { SECOND, jiraText, trippedCase } from '../helpers/quarantine-trip';

/**
 * An approver clicks Release on the trip message; Step Functions answers the SendTaskSuccess with a
 * server error (ServiceUnavailable), so the choice is written to the record but never delivered.
 * Nobody clicks again before the wait ends, and the case closes `quarantine-tripped`. No text may
 * name that Release as chosen without saying it was never carried out: Slack says nobody chose in
 * time, and Jira and `cases` must agree with it.
 */
describe('a Release chosen but never delivered', () => {
  it('is named as never carried out wherever it is named', async () => {
    const { record, jira, slack } = await trippedCase(async (sim) => {
      const deliver = sim.aws.options.onTaskCallback!;
      sim.aws.options.onTaskCallback = async (call) =>
        call.output?.includes('"release"')
          ? { code: 'ServiceUnavailable', message: 'try later', status: 503 }
          : deliver(call);
      await sim.click(CASE_ID, 'release', SECOND);
      sim.aws.options.onTaskCallback = deliver;
    });
    expect(record.outcome).toBe('quarantine-tripped');
    expect(record.quarantine?.decision?.decision).toBe('release');
    expect(record.quarantine?.decisionDeliveredAt).toBeUndefined();
    expect(slack.posts.map((post) => post.text).join('\n')).toContain(
      'no approver chose Release or Delete now in time',
    );
    const cases = auditRow(record).quarantine ?? '';
    for (const text of [jiraText(jira), cases]) {
      const named = /After the trip, Release was chosen by[^".]*/.exec(text)?.[0];
      expect(named).toBeDefined();
      expect(named).toContain('never carried out');
    }
  }, 120_000);

  it("stays recorded when the approver's repeat is refused, and the approver is told so", async () => {
    const { record, slack } = await trippedCase(async (sim) => {
      const deliver = sim.aws.options.onTaskCallback!;
      const refusals = [
        // A refusal the SDK does not retry: the first delivery fails, the choice stays recorded.
        { code: 'InvalidOutput', message: 'refused', status: 400 },
        // Step Functions' answer to a token it no longer waits on, answered or expired alike.
        { code: 'TaskTimedOut', message: 'Task Timed Out', status: 400 },
      ];
      sim.aws.options.onTaskCallback = async (call) =>
        call.output?.includes('"release"') && refusals.length > 0 ? refusals.shift()! : deliver(call);
      await sim.click(CASE_ID, 'release', SECOND);
      await sim.click(CASE_ID, 'release', SECOND);
      sim.aws.options.onTaskCallback = deliver;
    });
    expect(record.outcome).toBe('quarantine-tripped');
    expect(record.quarantine?.decision?.decision).toBe('release');
    const told = slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text);
    expect(told.join('\n')).toContain('Step Functions refused this repeat');
    expect(told.join('\n')).not.toContain('not recorded');
  });
});
