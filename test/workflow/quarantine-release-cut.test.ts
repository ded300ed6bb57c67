import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/**
 * Found by the attacker helper: a Release (after a trip) whose run is cut short after DetachUserPolicy and before
 * UntagUser. The failed run's changes are recorded as interruptedSteps, but quarantineHeld recognised
 * only the deletion's words ("detach managed policy …"), not the release's ("detach the
 * deny-all policy …"). So the record, thread and ticket said the user is "still quarantined, denied
 * everything by AWSDenyAll" while IAM holds no deny at all.
 */
describe('a release cut short after it took the deny off', () => {
  it('is not reported as still denied everything', async () => {
    let held: Awaited<ReturnType<typeof liveUser>>;
    let record: CaseRecord | undefined;
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
        decisions: {
          idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'release', by: APPROVER } },
        },
      }),
      {
        beforeSweep: async (sim) => {
          // An SCP (or any lasting refusal) stops UntagUser of the quarantine tags, after the deny went.
          sim.aws.options.beforeIamAction = (action) =>
            action === 'UntagUser'
              ? { code: 'AccessDenied', message: 'refused by an SCP (test)', status: 403 }
              : undefined;
        },
        afterRun: async (sim) => {
          held = await liveUser(iamClient(), 'idle');
          record = await sim.caseRecord((await caseHistory().listCases())[0]!.caseId);
        },
      },
    );
    const [entry] = detail.cases;
    const closing = entry!.thread.at(-1)!.text;
    const comment = JSON.stringify(entry!.issue!.comments.at(-1));
    // IAM: the deny is gone (the release's first step ran).
    expect(held!.policies).not.toContain(AWS_DENY_ALL);
    // So no text may say the user is still denied everything.
    expect(quarantineHeld(record!)).toBe(false);
    expect(closing).not.toContain('still quarantined, denied everything');
    expect(closing).not.toContain('The deletion was cut short');
    expect(comment).not.toContain('is still quarantined (denied everything)');
  });
});
