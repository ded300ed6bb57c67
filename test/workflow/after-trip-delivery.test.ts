import { CASE_ID } from '../helpers/sim';
import { auditRow } from '../../lib/audit/rows';
import { SECOND, jiraText, trippedCase } from '../helpers/quarantine-trip';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';

const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
  });

/** Every ephemeral reply the approver was told. */
const toldOf = (slack: Awaited<ReturnType<typeof trippedCase>>['slack']) =>
  slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text);

/**
 * A choice after a trip that Step Functions took (SendTaskSuccess answered) is the one the workflow
 * carries out, whatever became of the Slack request's delivery stamp: a repeat of the same click,
 * which Step Functions refuses (TaskTimedOut, alike for an answered token and an ended wait), never
 * takes it back, and ActAfterTrip records its own receipt of it.
 */
describe('an after-trip choice the workflow received', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is kept when Slack retries the click before the first request stamped it', async () => {
    const { record, slack } = await trippedCase(async (sim) => {
      const deliver = sim.aws.options.onTaskCallback!;
      let retried = false;
      sim.aws.options.onTaskCallback = async (call) => {
        const answer = await deliver(call);
        if (!retried && call.output?.includes('"release"')) {
          retried = true;
          // Slack's retry of the same click, while the first request is still in flight.
          await sim.click(CASE_ID, 'release', SECOND);
        }
        return answer;
      };
      await sim.click(CASE_ID, 'release', SECOND);
      sim.aws.options.onTaskCallback = deliver;
    });
    expect(record.outcome).toBe('released');
    expect(record.quarantine?.decision?.decision).toBe('release');
    expect(record.quarantine?.decisionDeliveredAt).toBeDefined();
    expect(toldOf(slack).join('\n')).not.toContain('not recorded');
  });

  it('is kept when its stamp failed and the approver clicks Delete now again', async () => {
    const original = QuarantineStore.prototype.markChoiceDelivered;
    let failed = false;
    jest.spyOn(QuarantineStore.prototype, 'markChoiceDelivered').mockImplementation(function (
      this: QuarantineStore,
      ...args
    ) {
      if (failed) return original.apply(this, args);
      failed = true;
      return Promise.reject(throttled());
    });
    const { record, slack } = await trippedCase(async (sim) => {
      await sim.click(CASE_ID, 'delete', SECOND);
      await sim.click(CASE_ID, 'delete', SECOND);
    });
    expect(record.outcome).toBe('deleted');
    expect(record.quarantine?.decision?.decision).toBe('delete');
    expect(record.quarantine?.decisionDeliveredAt).toBeDefined();
    expect(toldOf(slack).join('\n')).not.toContain('nothing changed');
  });

  it('is named as carried out when the stamp never got written (the workflow wrote its receipt)', async () => {
    jest.spyOn(QuarantineStore.prototype, 'markChoiceDelivered').mockRejectedValue(throttled());
    const { record, jira } = await trippedCase(async (sim) => {
      await sim.click(CASE_ID, 'delete', SECOND);
    });
    expect(record.outcome).toBe('deleted');
    expect(record.quarantine?.decisionDeliveredAt).toBeDefined();
    const named = /After the trip, Delete now was chosen by[^"]*/.exec(jiraText(jira))?.[0];
    expect(named).toBeDefined();
    expect(named).not.toContain('never carried out');
    expect(auditRow(record).quarantine ?? '').not.toContain('never carried out');
  });
});
