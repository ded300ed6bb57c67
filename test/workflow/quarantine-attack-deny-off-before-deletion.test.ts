import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import { adminCall } from '../../lib/sim/admin-trail';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * the deny taken off after the watcher's last look and before the deletion's first
 * change. recheckQuarantine stops the deletion (good); this checks what the case then says and
 * holds: every sentence must be true of a user whose deny is off.
 */
describe('the deny taken off between the last watch and the deletion', () => {
  it('stops the deletion, and no text says the user is still denied everything', async () => {
    let after: Awaited<ReturnType<typeof liveUser>>;
    let record: CaseRecord | undefined;
    let detached = false;
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim: Simulation) => {
        const watch = sim.runWatcher.bind(sim);
        sim.runWatcher = async () => {
          const result = (await watch()) as { ended?: string[] };
          if (!detached && (result.ended ?? []).length > 0) {
            detached = true;
            const user = sim.aws.account.users.get('idle')!;
            user.managedPolicies = user.managedPolicies.filter((arn) => arn !== AWS_DENY_ALL);
            adminCall(sim.aws.account, new Date('2026-11-25T09:05:00Z'), 'DetachUserPolicy', {
              userName: 'idle',
              policyArn: AWS_DENY_ALL,
            });
          }
          return result;
        };
      },
      afterRun: async () => {
        after = await liveUser(iamClient(), 'idle');
        record = (await caseHistory().listCases())[0] as CaseRecord | undefined;
      },
    });
    const entry = detail.report.cases[0]!;
    const thread = detail.cases[0]!.thread.map((message) => message.text);
    const text = record?.quarantine ? quarantineText(record.quarantine) : undefined;
    expect(detached).toBe(true);
    expect(entry.outcome).not.toBe('deleted');
    expect(after!.policies).not.toContain(AWS_DENY_ALL);
    expect(thread.at(-1)).not.toContain('denied everything');
    // The record's paragraph ends the denied time where the deletion found the deny gone.
    expect(text).toContain('no longer attached to the user when the deletion looked');
  }, 240_000);
});
