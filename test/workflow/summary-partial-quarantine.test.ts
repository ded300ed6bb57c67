import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { summaryOf } from '../../lambdas/summary/summary';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';

/**
 * a quarantine whose TagUser is refused after AttachUserPolicy succeeded (an SCP on the
 * iam-janitor: tag keys, a tag quota, any lasting refusal). The case fails with AWSDenyAll on the
 * user and no appliedAt. quarantineHeld says held, the thread says so, but the weekly summary's
 * "left quarantined" list filters on appliedAt, so the one weekly reminder of a user denied
 * everything never names it.
 */
describe('a quarantine cut short after the deny', () => {
  it('is listed in the weekly summary as a user left denied everything', async () => {
    let held: Awaited<ReturnType<typeof liveUser>>;
    let record: CaseRecord | undefined;
    await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        sim.aws.options.beforeIamAction = (action) =>
          action === 'TagUser'
            ? { code: 'AccessDenied', message: 'refused by an SCP (test)', status: 403 }
            : undefined;
      },
      afterRun: async (sim) => {
        held = await liveUser(iamClient(), 'idle');
        record = await sim.caseRecord((await caseHistory().listCases())[0]!.caseId);
      },
    });
    const summary = summaryOf([record!], undefined, new Date('2026-11-01T00:00:00Z'));
    expect(held!.policies).toContain(AWS_DENY_ALL);
    expect(summary.leftQuarantined).toEqual(['idle']);
  });
});
