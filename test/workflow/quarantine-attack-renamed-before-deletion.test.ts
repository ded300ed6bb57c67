import { iamClient } from '../../lambdas/commons/runtime/clients';
import { addUser } from '../../lib/sim/account';
import { renameUser } from '../../lib/sim/account-changes';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * between the watcher's last look (silent) and the deletion, an admin renames the
 * quarantined user and creates another user under its old name. The deletion must touch neither,
 * and the closing must say where the quarantined user is (still denied, under its new name), not
 * that it "was deleted and created again".
 */
describe('renamed, and its name given to a new user, before the deletion', () => {
  it('deletes nobody and says the quarantined user is still quarantined under its new name', async () => {
    let moved: Awaited<ReturnType<typeof liveUser>>;
    let newcomer: Awaited<ReturnType<typeof liveUser>>;
    let done = false;
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim: Simulation) => {
        const watch = sim.runWatcher.bind(sim);
        sim.runWatcher = async () => {
          const result = (await watch()) as { ended?: string[] };
          if (!done && (result.ended ?? []).length > 0) {
            done = true;
            const account = sim.aws.account;
            renameUser(account, account.users.get('idle')!, 'idle-moved', new Date('2026-11-25T09:02:00Z'));
            // IAM never gives a new user an id it gave before (the stand-in's addUser derives the id
            // from the name, so a re-created user would get the old one: set it as IAM would).
            addUser(account, {
              userName: 'idle',
              userId: 'AIDANEWCOMER000000001',
              createDate: new Date('2026-11-25T09:03:00Z'),
            });
          }
          return result;
        };
      },
      afterRun: async () => {
        moved = await liveUser(iamClient(), 'idle-moved');
        newcomer = await liveUser(iamClient(), 'idle');
      },
    });
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(done).toBe(true);
    expect(moved?.policies).toContain(AWS_DENY_ALL);
    expect(newcomer).toBeDefined();
    expect(closing).not.toContain('deleted and created again');
    expect(closing).toContain('idle-moved');
  }, 240_000);
});
