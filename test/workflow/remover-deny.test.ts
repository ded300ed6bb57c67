import { iamClient } from '../../lambdas/commons/runtime/clients';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * `simulate` applies the remover role's Deny on protected users as IAM does: a user tagged
 * protected during its quarantine (in another letter case: IAM matches tag keys in conditions
 * without regard to case) cannot be released by the remover, whose DetachUserPolicy and UntagUser
 * IAM refuses. The record must say what IAM let happen, and the user still holds AWSDenyAll.
 */
describe('the remover’s Deny in a simulation', () => {
  it('refuses the release of a user protected during the quarantine, and the record says so', async () => {
    let after: Awaited<ReturnType<typeof liveUser>> | undefined;
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
        duringQuarantine: { idle: { at: '2026-11-22T12:00:00Z', tags: { 'IAM-Janitor:Protected': 'yes' } } },
        decisions: {
          idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: 'release', by: 'U0456GHIJKL' } },
        },
        config: {
          quarantineDays: 14,
          maxCandidateFraction: 1,
          cloudTrailRegions: ['eu-west-1'],
          approverSlackUserIds: ['U0123ABCDEF', 'U0456GHIJKL'],
        },
      } as Parameters<typeof oneUser>[0]),
      { afterRun: async () => void (after = await liveUser(iamClient(), 'idle')) },
    );
    // THEN IAM refused the release: the case failed on that refusal, and the user is still denied
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'failed', quarantine: { afterTrip: 'release' } });
    expect(detail.cases[0]!.record!.outcomeDetail).toMatch(
      /not authorized to perform: iam:DetachUserPolicy on resource: .*user\/idle with an explicit deny/,
    );
    expect(after?.policies).toContain(AWS_DENY_ALL);
    // Every sentence true: nothing says the user was released.
    const comments = JSON.stringify(detail.cases[0]!.issue!.comments);
    // ("never released on its own", in the trip's comment, is a promise, not a report.)
    expect(comments.replace(/never released on its own/g, '')).not.toMatch(/\breleased\b/i);
    expect(detail.changes.find((entry) => entry.userName === 'idle')!.changes).not.toContainEqual(
      expect.stringMatching(/detached|untagged/),
    );
  });
});
