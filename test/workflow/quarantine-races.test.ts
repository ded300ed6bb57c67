import { caseStore } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { renameUser } from '../../lib/sim/account-changes';
import { named } from '../../lib/sim/machines';
import { runScenario } from '../../lib/sim/run-scenario';
import {
  AWS_DENY_ALL,
  liveUser,
  oneUser,
  onCase,
  onlyCase,
  aroundTaskCallbacks,
} from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/**
 * A choice is written only where a waiting workflow will receive it, and every ending says what it
 * left on the user: each test writes the race or the change as it happens in AWS, and fails on a
 * main that stored a release nobody carried out, or closed a quarantine as "nothing changed".
 */

const release = (caseId: string, by = 'oncall') => onCase('release', caseId, '--by', by, '--yes');

const tripped = {
  quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
};

describe('a release during the watch', () => {
  it('is delivered by the next watch when its own delivery failed, and the case ends released', async () => {
    let said!: { code: number; text: string };
    let held: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        let refuseNext = false;
        aroundTaskCallbacks(sim, (_call, answer) => {
          if (!refuseNext) return answer();
          refuseNext = false;
          return { code: 'AccessDeniedException', message: 'refused once by the test', status: 400 };
        });
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          if (++day === 2) {
            refuseNext = true;
            said = await release(await onlyCase());
          }
          return watch();
        };
      },
      afterRun: async () => void (held = await liveUser(iamClient(), 'idle')),
    });
    expect(said.code).toBe(1);
    expect(said.text).toContain('the daily watcher delivers it on its next run');
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'released' });
    expect(held!.policies).not.toContain(AWS_DENY_ALL);
  });

  it('is refused once the watch handed the case to its deletion: the user is deleted, and no release sits beside it', async () => {
    let said!: { code: number; text: string };
    let stored: unknown = 'unread';
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) =>
        aroundTaskCallbacks(sim, async (call, answer) => {
          const answered = answer();
          if (call.output?.includes('"silent"')) said = await release(await onlyCase());
          return answered;
        }),
      afterRun: async (sim) => void (stored = (await sim.caseRecord(await onlyCase()))?.quarantine?.decision),
    });
    expect(said.code).toBe(1);
    expect(said.text).toContain(
      "The watch of idle's quarantine ended (in silence: the deletion is under way)",
    );
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'deleted' });
    expect(stored).toBeUndefined();
  });

  it('is refused while Act is still applying the quarantine, changing nothing', async () => {
    let said!: { code: number; text: string };
    let held: Awaited<ReturnType<typeof liveUser>>;
    await runScenario(oneUser(tripped), {
      afterRun: async () => {
        const caseId = await onlyCase();
        // The case as Act leaves it between storing the quarantine and attaching the deny.
        const { rewriteCase } = await import('../helpers/case-table');
        await rewriteCase(caseId, { status: 'decided' });
        said = await release(caseId);
        held = await liveUser(iamClient(), 'idle');
      },
    });
    expect(said).toEqual({
      code: 1,
      text: expect.stringContaining(
        "Case AIDATUJ3LLEAUWYV5EC4Y-2026-11-22 is still applying idle's quarantine",
      ),
    });
    expect(held!.policies).toContain(AWS_DENY_ALL);
  });
});

describe('a choice after a trip', () => {
  it('clicked as its wait ends is not recorded, and release --case then releases the user', async () => {
    let stored: unknown = 'unread';
    let said!: { code: number; text: string };
    const detail = await runScenario(oneUser(tripped), {
      beforeSweep: async (sim) => {
        const expire = sim.expire.bind(sim);
        sim.expire = async (caseId) => {
          const token = sim.tokens.tokenOf(caseId);
          if (!token || (await sim.caseRecord(caseId))?.status !== 'quarantine-tripped')
            return expire(caseId);
          // The deadline passes as the approver clicks: the token dies between their read and their write.
          const timeOut = sim.tokens.detach(token)!;
          await sim.click(caseId, 'release', APPROVER);
          timeOut(named('States.Timeout', 'The wait after the trip timed out'));
          return true;
        };
      },
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        stored = (await sim.caseRecord(caseId))?.quarantine?.decision;
        said = await release(caseId);
      },
    });
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'quarantine-tripped' });
    expect(stored).toBeUndefined();
    expect(said.code).toBe(0);
    expect(said.text).toContain('idle is released');
  });

  it('Release by an approver the user tagged as itself during the quarantine releases nothing', async () => {
    let held: Awaited<ReturnType<typeof liveUser>>;
    let freed!: { code: number; text: string };
    const detail = await runScenario(
      oneUser({
        ...tripped,
        duringQuarantine: {
          idle: { at: '2026-11-22T12:00:00Z', tags: { 'IAM-Janitor:Slack-User-Id': APPROVER } },
        },
        decisions: {
          idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'release', by: APPROVER } },
        },
      }),
      {
        afterRun: async () => {
          held = await liveUser(iamClient(), 'idle');
          freed = await release(await onlyCase());
        },
      },
    );
    const [entry] = detail.cases;
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'refused' });
    expect(held!.policies).toContain(AWS_DENY_ALL);
    const closing = entry!.thread.at(-1)!.text;
    expect(closing).toContain(`tagged iam-janitor:slack-user-id=${APPROVER}`);
    expect(closing).toContain('who decided, is the user');
    expect(closing).toContain('is still quarantined, denied everything');
    // The way out that works: an operator who is not the user.
    expect(freed.code).toBe(0);
  });
});

describe('an ending after the quarantine began', () => {
  it('with a new key created during it says the user is still quarantined, keeps it from a second case, and release frees it', async () => {
    let openBefore: string[] = [];
    let openAfter: string[] = [];
    let held: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(
      oneUser({ duringQuarantine: { idle: { at: '2026-11-25T10:00:00Z', newAccessKey: true } } }),
      {
        afterRun: async () => {
          held = await liveUser(iamClient(), 'idle');
          openBefore = (await caseStore().openCases()).map((open) => open.userName);
          await release(await onlyCase());
          openAfter = (await caseStore().openCases()).map((open) => open.userName);
        },
      },
    );
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'aborted-changed' });
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(closing).toContain('idle was not deleted: the user changed during its quarantine.');
    expect(closing).not.toContain('nothing changed');
    expect(closing).toContain(
      'is still quarantined, denied everything by arn:aws:iam::aws:policy/AWSDenyAll',
    );
    expect(held!.policies).toContain(AWS_DENY_ALL);
    // simulate --json's accountAfter reads IAM as it stands at the end: the deny and both keys.
    expect(detail.report.accountAfter.idle).toMatchObject({
      attachedPolicyArns: [AWS_DENY_ALL],
      tags: {
        'iam-janitor:quarantined-at': expect.any(String),
        'iam-janitor:quarantine-ends': expect.any(String),
      },
    });
    expect(detail.report.accountAfter.idle!.activeCredentials).toHaveLength(3);
    expect(openBefore).toEqual(['idle']);
    expect(openAfter).toEqual([]);
  });

  it('follows a user renamed during it by its id: the record names the new name, and release --case releases it', async () => {
    let said!: { code: number; text: string };
    let renamed: Awaited<ReturnType<typeof liveUser>>;
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        const watch = sim.runWatcher.bind(sim);
        let day = 0;
        sim.runWatcher = async () => {
          // An admin renames the user on day 3: UpdateUser keeps the id, the policies and the tags.
          if (++day === 3) renameUser(sim.aws.account, sim.aws.account.users.get('idle')!, 'idle-renamed');
          return watch();
        };
      },
      afterRun: async () => {
        said = await release(await onlyCase());
        renamed = await liveUser(iamClient(), 'idle-renamed');
      },
    });
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'aborted-changed' });
    const closing = detail.cases[0]!.thread.at(-1)!.text;
    expect(closing).toContain('idle was renamed idle-renamed during its quarantine');
    expect(closing).toContain('The user (renamed idle-renamed) is still quarantined');
    expect(said.code).toBe(0);
    expect(said.text).toContain('idle (now named idle-renamed) is released');
    expect(renamed!.policies).not.toContain(AWS_DENY_ALL);
  });
});
