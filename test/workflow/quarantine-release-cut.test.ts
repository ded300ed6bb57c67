import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { runScenario } from '../../lib/sim/run-scenario';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { SimClock } from '../../lib/sim/clock';
import type { Simulation } from '../../lib/sim/engine';
import { adfToText } from '../../lib/sim/render';
import { AWS_DENY_ALL, liveUser, onCase, onlyCase, oneUser } from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/** One idle user whose quarantine trips, and the approver chooses Release. */
const trippedThenReleased = () =>
  oneUser({
    quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    decisions: {
      idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'release', by: APPROVER } },
    },
  });

/** An SCP (or any lasting refusal) stops UntagUser of the quarantine tags, after the deny went. */
const refuseUntag = async (sim: Simulation) => {
  sim.aws.options.beforeIamAction = (action) =>
    action === 'UntagUser'
      ? { code: 'AccessDenied', message: 'refused by an SCP (test)', status: 403 }
      : undefined;
};

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
    const detail = await runScenario(trippedThenReleased(), {
      beforeSweep: refuseUntag,
      afterRun: async (sim) => {
        held = await liveUser(iamClient(), 'idle');
        record = await sim.caseRecord((await caseHistory().listCases())[0]!.caseId);
      },
    });
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

/**
 * Found by the attacker helper (issue 34): once the refusal is lifted, `release` takes off the
 * tags the cut-short run left. The ticket's closing comment never said the user stays
 * quarantined, so the release's comment must not say it did, nor that it took off a deny that IAM
 * no longer held.
 */
describe('release after a release cut short', () => {
  it('says what it really took off, and corrects no closing comment that never said "quarantined"', async () => {
    let run: { code: number; text: string } | undefined;
    let comments: string[] = [];
    let after: Awaited<ReturnType<typeof liveUser>>;
    await runScenario(trippedThenReleased(), {
      beforeSweep: refuseUntag,
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        sim.aws.options.beforeIamAction = undefined; // the SCP is lifted
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        run = await onCase('release', caseId, '--by', 'alice', '--yes');
        comments = sim.jira.issues.get(closed.jiraKey!)!.comments.map((comment) => adfToText(comment));
        after = await liveUser(iamClient(), 'idle');
      },
    });
    expect(run!.code).toBe(0);
    expect(after!.tagKeys.filter((key) => key?.startsWith('iam-janitor:quarantine'))).toEqual([]);
    const closing = comments.find((comment) => comment.trim().startsWith('Outcome:'))!;
    expect(closing).not.toMatch(/stays quarantined|still quarantined/);
    const last = comments.at(-1)!;
    expect(last).toContain('Released by alice');
    expect(last).not.toMatch(/stays quarantined/);
    // The deny was already off (DetachUserPolicy ran in the cut-short run): not said to be removed now.
    expect(last).not.toContain('the deny-all policy and the quarantine tags are removed');
    expect(run!.text).not.toContain('still in place with no end');
  });
});
