import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { oneUser } from '../helpers/quarantine';

/**
 * the watcher names a region it can no longer read a blind spot only when an earlier
 * watch read it (`quarantine.watchedRegions`). The member account's owner who opts into a region
 * after one watch, tries the SSH key there and opts out before the next watch leaves an event in a
 * region no watch ever read and none can read now (AWS refuses calls to a disabled region), and
 * nothing marks the gap: the Account API's EnableRegion/DisableRegion calls are in CloudTrail, but
 * the watcher does not look at them, and its silence deletes the user.
 */
const SSH_KEY = 'APKAIDLE000000000001';
const base = [
  { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' as const },
  { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' as const },
];

describe('an opt-in region enabled and disabled between two watches', () => {
  it('is not read as silence', async () => {
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim: Simulation) => {
        sim.aws.account.regions = [...base, { name: 'me-south-1', status: 'DISABLED' }];
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          if (++day === 2) {
            const account = sim.aws.account;
            account.regions = [...base, { name: 'me-south-1', status: 'ENABLED' }];
            recordAttempt(account, 'idle', {
              at: new Date('2026-11-23T08:00:00Z'),
              credential: SSH_KEY,
              region: 'me-south-1',
            });
            account.regions = [...base, { name: 'me-south-1', status: 'DISABLING' }];
          }
          return watch();
        };
      },
    });
    const entry = detail.report.cases[0]!;
    expect(entry.outcome).not.toBe('deleted');
    expect(detail.report.remainingUsers).toEqual(['idle']);
  }, 240_000);
});
