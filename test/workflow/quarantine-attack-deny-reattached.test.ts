import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { quarantineText } from '../../lambdas/commons/case/quarantine-text';
import type { SimAccount } from '../../lib/sim/account';
import { adminCall } from '../../lib/sim/admin-trail';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser, onDay2 } from '../helpers/quarantine';

/**
 * the watcher sees the deny only as it is at the watch (`denyAttached(live)`); it asks
 * CloudTrail who detached it only when it is off. An admin who takes AWSDenyAll off and puts it
 * back between two daily watches leaves a DetachUserPolicy event in CloudTrail and a user that
 * worked normally for hours, yet the quarantine runs on to a deletion, and the record says the
 * user was "denied everything" for the whole quarantine. And after a deny-detached trip, an admin
 * who puts the deny back before Release leaves a release text that says it "was already off"
 * although the release took it off.
 */
function setDeny(account: SimAccount, on: boolean, at: Date) {
  const user = account.users.get('idle')!;
  user.managedPolicies = on
    ? [...user.managedPolicies, AWS_DENY_ALL]
    : user.managedPolicies.filter((arn) => arn !== AWS_DENY_ALL);
  adminCall(account, at, on ? 'AttachUserPolicy' : 'DetachUserPolicy', {
    userName: 'idle',
    policyArn: AWS_DENY_ALL,
  });
}

async function recordOf(): Promise<CaseRecord | undefined> {
  const cases = await caseHistory().listCases();
  return cases[0] as CaseRecord | undefined;
}

describe('the deny taken off and put back', () => {
  it('between two watches trips the quarantine, and no text says "denied everything" over that time', async () => {
    let record: CaseRecord | undefined;
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          setDeny(s.aws.account, false, new Date('2026-11-23T10:00:00Z'));
          setDeny(s.aws.account, true, new Date('2026-11-23T14:00:00Z'));
        }),
      afterRun: async () => void (record = await recordOf()),
    });
    const entry = detail.report.cases[0]!;
    const text = record?.quarantine ? quarantineText(record.quarantine) : undefined;
    expect(entry.outcome).toBe('quarantine-tripped');
    expect(detail.report.remainingUsers).toEqual(['idle']);
    expect(text).not.toMatch(/denied everything \([^)]*\) from [^;]* until 2026-11-25/);
  }, 240_000);

  it('off, on, and off again: the record does not say "denied everything" up to the second detach', async () => {
    let record: CaseRecord | undefined;
    const detail = await runScenario(oneUser({}, 3), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          setDeny(s.aws.account, false, new Date('2026-11-23T10:00:00Z'));
          setDeny(s.aws.account, true, new Date('2026-11-23T14:00:00Z'));
          setDeny(s.aws.account, false, new Date('2026-11-23T18:00:00Z'));
        }),
      afterRun: async () => void (record = await recordOf()),
    });
    const entry = detail.report.cases[0]!;
    const text = record?.quarantine ? quarantineText(record.quarantine) : undefined;
    expect(entry.outcome).toBe('quarantine-tripped');
    // The user was not denied from 10:00 to 14:00: the span must end at the first detach.
    expect(text).not.toContain('until 2026-11-23 18:00 UTC');
  }, 240_000);

  it('put back by an admin before Release: the release text says the release took it off', async () => {
    let after: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(
      oneUser(
        {
          duringQuarantine: { idle: { at: '2026-11-23T10:00:00Z', detachPolicyArns: [AWS_DENY_ALL] } },
          decisions: {
            idle: { action: 'delete', by: 'U0123ABCDEF', afterTrip: { action: 'release' } },
          },
        } as never,
        3,
      ),
      {
        beforeSweep: async (sim) => {
          const click = sim.click.bind(sim);
          // The trip message says iam-janitor does not put the deny back: an admin does, then Release.
          sim.click = async (caseId, decision, userId, overrides) => {
            if (decision === 'release') setDeny(sim.aws.account, true, new Date('2026-11-24T08:00:00Z'));
            return click(caseId, decision, userId, overrides);
          };
        },
        afterRun: async () => void (after = await liveUser(iamClient(), 'idle')),
      },
    );
    const entry = detail.report.cases[0]!;
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(entry.outcome).toBe('released');
    expect(after!.policies).not.toContain(AWS_DENY_ALL);
    expect(closing).not.toContain('was already off');
  }, 240_000);
});
