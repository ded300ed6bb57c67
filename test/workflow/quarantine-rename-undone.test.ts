import { caseHistory, caseStore } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { renameUser } from '../../lib/sim/account-changes';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * the watcher's "changed" verdict. attemptsSince finds the name gone (an admin renamed the
 * user), then locateUser looks again; if the name is back on the same id by then (renamed back
 * a moment later), locateUser answers `same`, which watch() treats like `gone`: the verdict is
 * `changed` with no renamedTo, quarantineHeld() is false, the case says "kept, with nothing
 * changed" and frees the open marker, while IAM still holds AWSDenyAll and both tags on the user.
 */
describe("a rename undone between the watcher's two reads", () => {
  it('does not close the case as "nothing changed" with the deny still on the user', async () => {
    let held: Awaited<ReturnType<typeof liveUser>>;
    let open: string[] = ['unread'];
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        const account = sim.aws.account;
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        let renamedBack = false;
        let reads = 0;
        sim.aws.options.beforeIamAction = (action, params) => {
          // The admin undoes the rename right after the watcher's first GetUser missed it: the
          // second GetUser (locateUser's) finds the same id under the case's name.
          if (
            day === 2 &&
            !renamedBack &&
            action === 'GetUser' &&
            params.UserName === 'idle' &&
            ++reads === 2
          ) {
            renameUser(account, account.users.get('idle-tmp')!, 'idle');
            renamedBack = true;
          }
          return undefined;
        };
        sim.runWatcher = async () => {
          if (++day === 2) renameUser(account, account.users.get('idle')!, 'idle-tmp');
          return watch();
        };
      },
      afterRun: async () => {
        held = await liveUser(iamClient(), 'idle');
        open = (await caseStore().openCases()).map((entry) => entry.userName);
        void (await caseHistory().listCases());
      },
    });
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(held!.policies).toContain(AWS_DENY_ALL);
    expect(closing).not.toContain('nothing changed');
    expect(open).toEqual(['idle']);
  });
});
