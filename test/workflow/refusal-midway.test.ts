import { MetricName, metrics } from '../../lambdas/commons/runtime/observability';
import { APPROVER, CASE_ID, loadedAccount, startWaitingCase } from '../helpers/sim';

/**
 * An admin tags the user protected while its approved deletion runs, after the credential steps
 * (which IAM guards by the remover role's Deny on the tag) and before the steps IAM cannot guard,
 * which the remover guards itself by a fresh GetUser. The guard refuses after the password, keys
 * and other credentials are deleted: the case ends refused, and every text says what was removed,
 * how to bring it back, and the alarm counts it, as for a failure midway.
 */
describe('a refusal in the middle of a deletion', () => {
  it('says what was removed, gives the undo, and pages', async () => {
    const account = loadedAccount();
    const failed = jest.spyOn(metrics, 'addMetric');
    let deleting = false;
    let tagged = false;
    const { sim, finished } = await startWaitingCase({
      account,
      standin: {
        denyMutationsOnTag: 'iam-janitor:protected',
        beforeIamAction: (action) => {
          if (action.startsWith('Delete')) deleting = true;
          // Between the last credential step IAM guards and the guard's own look at the user.
          if (action === 'GetUser' && deleting && !tagged) {
            tagged = true;
            account.users.get('loaded')!.tags['iam-janitor:protected'] = 'true';
          }
          return undefined;
        },
      },
    });
    await sim.click(CASE_ID, 'delete', APPROVER);
    await finished;
    const record = (await sim.caseRecord(CASE_ID))!;
    const user = account.users.get('loaded');
    const slack = sim.slack.posts.map((post) => post.text).join('\n');
    const comments = JSON.stringify(sim.jira.issues.get(record.jiraKey!)?.comments ?? []);
    await sim.stop();
    expect(record.outcome).toBe('refused');
    const removed = record.interruptedSteps ?? [];
    expect(removed.length).toBeGreaterThan(0);
    expect(user?.accessKeys ?? []).toHaveLength(0);
    // No text says nothing changed, each says how many changes were made before the refusal.
    for (const text of [slack, comments, record.outcomeDetail ?? '']) {
      expect(text).not.toMatch(/nothing (was )?changed|nothing to restore|never changes/);
    }
    expect(slack).toContain(`partly changed: iam-janitor refused to go on after ${removed.length} changes`);
    for (const step of removed) expect(comments).toContain(step);
    // The undo points to the snapshot and the list of what to bring back.
    expect(comments).toMatch(/the snapshot holds the user as it was, and the Done list above/);
    // A half-done removal needs a person: the FailedOutcome alarm's metric counts it.
    expect(failed).toHaveBeenCalledWith(MetricName.FailedOutcomes, expect.anything(), 1);
    failed.mockRestore();
  }, 120_000);
});
