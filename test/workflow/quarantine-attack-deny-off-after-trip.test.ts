import { iamClient } from '../../lambdas/commons/runtime/clients';
import { adminCall } from '../../lib/sim/admin-trail';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * after a trip nobody watches the deny any more. An admin who takes AWSDenyAll off once
 * the trip message is out (to "unblock" the user while the approvers think) leaves a case that,
 * when no choice comes in time, closes as "left in quarantine, denied everything" and "still
 * quarantined (denied everything)": the words are chosen from the breaches the watcher saw at the
 * trip, never from IAM at the closing.
 */
const KEY = 'AKIAIDLE000000000001';

describe('the deny taken off after the trip, no choice in time', () => {
  it('does not close saying the user is denied everything', async () => {
    let after: Awaited<ReturnType<typeof liveUser>>;
    let detachedAt: string | undefined;
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim: Simulation) => {
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          if (++day === 2)
            recordAttempt(sim.aws.account, 'idle', {
              at: new Date('2026-11-23T08:00:00Z'),
              credential: KEY,
              region: 'eu-west-1',
            });
          const result = await watch();
          // The trip is posted; the admin takes the deny off while the approvers think.
          if (day === 2 && !detachedAt) {
            detachedAt = '2026-11-23T12:00:00.000Z';
            const user = sim.aws.account.users.get('idle')!;
            user.managedPolicies = user.managedPolicies.filter((arn) => arn !== AWS_DENY_ALL);
            adminCall(sim.aws.account, new Date(detachedAt), 'DetachUserPolicy', {
              userName: 'idle',
              policyArn: AWS_DENY_ALL,
            });
          }
          return result;
        };
      },
      afterRun: async () => void (after = await liveUser(iamClient(), 'idle')),
    });
    const entry = detail.report.cases[0]!;
    const thread = detail.cases[0]!.thread.map((message) => message.text);
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(after!.policies).not.toContain(AWS_DENY_ALL);
    // Nothing looks at the user after the trip: the closing says what held then, never that it holds now.
    expect(thread.at(-1)).not.toMatch(/is (still quarantined, )?denied everything/);
    expect(thread.at(-1)).toContain('when its quarantine tripped');
  }, 240_000);
});
