import { iamClient } from '../../lambdas/commons/runtime/clients';
import { runScenario } from '../../lib/sim/run-scenario';
import {
  AWS_DENY_ALL,
  aroundTaskCallbacks,
  liveUser,
  oneUser,
  onCase,
  onlyCase,
} from '../helpers/quarantine';

const release = (caseId: string, by = 'oncall') => onCase('release', caseId, '--by', by, '--yes');

/**
 * `release --case` during the watch, run a second time while the first is still in flight
 * (a second terminal, a wrapper's retry of a command that seemed to hang): the first release's
 * SendTaskSuccess was taken, its delivery stamp is not written yet. The second run finds the release
 * stored and undelivered, delivers it again, and Step Functions refuses the answered token: that
 * run must not take back the release the workflow carries out, nor say it was taken back.
 */
describe('release --case run twice during the watch', () => {
  it('keeps the release the workflow received, and says the truth', async () => {
    const said: { code: number; text: string }[] = [];
    let stored: unknown = 'unread';
    let held: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        let again = true;
        aroundTaskCallbacks(sim, async (call, answer) => {
          const answered = answer();
          if (again && call.output?.includes('"released"')) {
            again = false;
            said.push(await release(await onlyCase()));
          }
          return answered;
        });
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          if (++day === 2)
            said.push(
              await release(await onlyCase()).catch((error: unknown) => ({ code: -1, text: String(error) })),
            );
          return watch();
        };
      },
      afterRun: async (sim) => {
        stored = (await sim.caseRecord(await onlyCase()))?.quarantine;
        held = await liveUser(iamClient(), 'idle');
      },
    });
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'released' });
    expect((stored as { decision?: unknown }).decision).toBeDefined();
    expect(held!.policies).not.toContain(AWS_DENY_ALL);
    expect(said.map((s) => s.text).join('\n')).not.toContain('it is taken back and nothing was changed');
  });
});
