import type { QuarantineRecord } from '../../lambdas/commons/case/record';
import { caseHistory } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { DAY_MS } from '../../lambdas/commons/runtime/time';
import { main } from '../../lib/cli/main';
import { SimClock } from '../../lib/sim/clock';
import { Simulation } from '../../lib/sim/engine';
import { watchQuarantine } from '../../lib/sim/quarantine-watch';
import { runScenario } from '../../lib/sim/run-scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';
import { APPROVER, CASE_ID, candidateFor, loadedAccount } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

describe('iam-janitor release', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await main(['release', ...args, '--table', CASE_TABLE, '--yes'], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void out.push(text),
    });
    return { code, text: out.join('\n') };
  };

  it('releases a user left quarantined after a trip, and writes who did it to the case', async () => {
    let released!: { code: number; text: string };
    let after: Awaited<ReturnType<typeof liveUser>>;
    let again!: { code: number; text: string };
    const detail = await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
      }),
      {
        afterRun: async () => {
          const caseId = (await caseHistory().listCases())[0]!.caseId;
          released = await run(['--case', caseId, '--by', 'alice']);
          after = await liveUser(iamClient(), 'idle');
          again = await run(['--case', caseId]);
        },
      },
    );
    expect(detail.report.cases[0]!.outcome).toBe('quarantine-tripped');
    expect(released.code).toBe(0);
    expect(released.text).toContain('  - detach the deny-all policy arn:aws:iam::aws:policy/AWSDenyAll');
    expect(released.text).toContain('idle is released');
    expect(after!.policies).toEqual([]);
    expect(after!.tagKeys.filter((key) => key?.startsWith('iam-janitor:quarantine'))).toEqual([]);
    expect(again.code).toBe(0);
    // Run again, it changes nothing and brings the trip message up to date (it already was).
    expect(again.text).toMatch(
      /^idle was already released at .* by alice; nothing was changed\.\nThe trip message in Slack now says idle was released by alice at .*, with no button left\.$/,
    );
  });

  it('records the user as gone, not as released, when someone else deleted it since', async () => {
    let released!: { code: number; text: string };
    let quarantine: QuarantineRecord | undefined;
    let again!: { code: number; text: string };
    await runScenario(
      oneUser({
        quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
      }),
      {
        afterRun: async (sim) => {
          const caseId = (await caseHistory().listCases())[0]!.caseId;
          sim.aws.account.users.delete('idle');
          released = await run(['--case', caseId, '--by', 'alice']);
          quarantine = (await sim.caseRecord(caseId))?.quarantine;
          again = await run(['--case', caseId]);
        },
      },
    );
    expect(released).toEqual({
      code: 0,
      text: expect.stringContaining(
        'idle (IAM user AIDATUJ3LLEAUWYV5EC4Y) no longer exists under any name: nothing to release. The case now records the user as gone.',
      ),
    });
    // Nobody released it: alice's name is not written as its releaser.
    expect(quarantine?.releasedAt).toBeUndefined();
    expect(quarantine?.releasedBy).toBeUndefined();
    expect(quarantine?.userGoneAt).toBeDefined();
    expect(again.code).toBe(0);
    expect(again.text).toMatch(/was found deleted at .*: nothing is left to release; nothing was changed\.$/);
  });

  it('refuses a user deleted after its quarantine, and an unknown case, saying what to do instead', async () => {
    const outcomes: { code: number; text: string }[] = [];
    await runScenario(oneUser({}), {
      afterRun: async () => {
        const caseId = (await caseHistory().listCases())[0]!.caseId;
        outcomes.push(await run(['--case', caseId]), await run(['--case', 'no-such-case']));
      },
    });
    expect(outcomes[0]!.code).toBe(1);
    expect(outcomes[0]!.text).toMatch(
      /idle was deleted when its quarantine ended; nothing to release\. Bring it back with: iam-janitor restore --case /,
    );
    expect(outcomes[1]).toEqual({
      code: 1,
      text: `iam-janitor release: There is no case no-such-case in ${CASE_TABLE}.`,
    });
  });
});

describe('iam-janitor release during the wait', () => {
  it('goes through the waiting case: the remover releases, the case ends released, nothing is deleted', async () => {
    const account = loadedAccount();
    const statuses = account.users.get('loaded')!.accessKeys.map((key) => key.status);
    const simClock = new SimClock(new Date());
    const said: string[] = [];
    const sim: Simulation = new Simulation({
      account,
      config: { ...VALID_CONFIG, quarantineDays: 5, approverSlackUserIds: [APPROVER] },
      clock: simClock,
      onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'delete', APPROVER)),
      onQuarantine: (caseId, taskToken) =>
        watchQuarantine(sim, caseId, taskToken, async (day) => {
          if (
            day.getTime() - Date.parse((await sim.caseRecord(caseId))!.quarantine!.startedAt) !==
            2 * DAY_MS
          )
            return;
          const code = await main(
            ['release', '--case', caseId, '--table', CASE_TABLE, '--by', 'oncall', '--yes'],
            {
              stdout: (text) => void said.push(text),
              stderr: (text) => void said.push(text),
            },
          );
          said.push(`exit ${code}`);
        }),
    });
    await sim.start();
    try {
      const run = await sim.runCase(candidateFor(account, 'loaded'), CASE_ID);
      expect(run.states.slice(-4)).toEqual([
        'QuarantineVerdict',
        'ReleaseRequested',
        'ActAfterTrip',
        'RecordOutcome',
      ]);
      const record = (await sim.caseRecord(CASE_ID))!;
      expect(record).toMatchObject({
        outcome: 'released',
        quarantine: { releasedBy: 'oncall', decision: { decision: 'release', decidedBy: 'oncall' } },
      });
      expect(said.at(-1)).toBe('exit 0');
      expect(said.join('\n')).toContain(
        'The case is still open: its workflow removes the deny and the tags from IAM user',
      );
      const user = account.users.get('loaded')!;
      expect(user.managedPolicies).not.toContain(AWS_DENY_ALL);
      // Every credential as it was: a quarantine never touches one, and a release has none to give back.
      expect(user.accessKeys.map((key) => key.status)).toEqual(statuses);
    } finally {
      await sim.stop();
    }
  });
});
