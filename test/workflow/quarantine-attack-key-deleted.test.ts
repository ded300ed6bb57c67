import { runScenario } from '../../lib/sim/run-scenario';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { oneUser, onDay2 } from '../helpers/quarantine';

/**
 * an access key's attempt is dated by IAM (its last use), so the watcher reads CloudTrail
 * in every enabled region only for a user holding an SSH key or a service-specific credential
 * (regions.ts, holdsUndatedCredentials). An admin who deletes the access key after it was tried
 * in a region outside cloudTrailRegions takes its last use with it: IAM no longer dates the
 * attempt, CloudTrail holds it only in the far region, which is never read, and a credential
 * removed during the quarantine is no change the watcher or the deletion's re-check looks at.
 */
const KEY = 'AKIAIDLE000000000001';
const FAR_REGION = 'ap-southeast-2';

describe('an access key tried in a far region, then deleted by an admin', () => {
  it('trips the quarantine; the user is not deleted as "no attempt was seen"', async () => {
    const detail = await runScenario(oneUser({ user: { sshPublicKeys: [] } }, 3), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          const account = s.aws.account;
          recordAttempt(account, 'idle', {
            at: new Date('2026-11-23T08:00:00Z'),
            credential: KEY,
            region: FAR_REGION,
          });
          const user = account.users.get('idle')!;
          user.accessKeys = user.accessKeys.filter((key) => key.id !== KEY);
        }),
    });
    const entry = detail.report.cases[0]!;
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(detail.report.remainingUsers).toEqual(['idle']);
  }, 240_000);
});
