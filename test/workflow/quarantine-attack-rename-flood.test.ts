import { renameUser } from '../../lib/sim/account-changes';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { oneUser, onDay2 } from '../helpers/quarantine';

/**
 * the watcher finds the names a quarantined user held from CloudTrail's UpdateUser events
 * in us-east-1, reading at most 500 of them (newest first). It turns a truncated read of the
 * user's own events into a blind spot, but not a truncated read of the renames: any principal in
 * the account can add UpdateUser events (a pipeline updating other users' paths, or any call
 * refused with AccessDenied, which CloudTrail records as well). 600 of them after an admin's
 * rename-and-back hide the rename, so the SSH key tried under the other name is never looked up.
 */
const SSH_KEY = 'APKAIDLE000000000001';

/** UpdateUser calls about another user, each refused: anyone in the account can make them. */
function floodUpdateUser(sim: Simulation, count: number, from: Date) {
  for (let index = 0; index < count; index++)
    sim.aws.account.cloudTrail.push({
      region: 'us-east-1',
      username: 'pipeline',
      eventTime: new Date(from.getTime() + index * 1000),
      eventName: 'UpdateUser',
      eventSource: 'iam.amazonaws.com',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAPIPELINE000000001:pipeline',
        arn: `arn:aws:sts::${sim.aws.account.accountId}:assumed-role/Pipeline/pipeline`,
      },
      requestParameters: { userName: `someone-${index}`, newPath: '/team/' },
      errorCode: 'AccessDenied',
    });
}

describe('a flood of UpdateUser events', () => {
  it('does not hide a rename during which the SSH key was tried', async () => {
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          const account = s.aws.account;
          renameUser(account, account.users.get('idle')!, 'idle-tmp', new Date('2026-11-23T15:59:00Z'));
          recordAttempt(account, 'idle-tmp', {
            at: new Date('2026-11-23T16:00:00Z'),
            credential: SSH_KEY,
            region: 'eu-west-1',
          });
          renameUser(account, account.users.get('idle-tmp')!, 'idle', new Date('2026-11-23T16:01:00Z'));
          floodUpdateUser(s, 600, new Date('2026-11-23T17:00:00Z'));
        }),
    });
    const entry = detail.report.cases[0]!;
    // The rename cannot be ruled out: either the attempt is found or the read is a blind spot.
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(detail.report.remainingUsers).toEqual(['idle']);
    // LookupEvents pages are paced (the rate limiter), and the flood is read on every watch.
  }, 240_000);
});
