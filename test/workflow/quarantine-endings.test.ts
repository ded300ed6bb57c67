import { caseStore } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { addUser } from '../../lib/sim/account';
import { renameUser } from '../../lib/sim/account-changes';
import { openCaseFor } from '../../lib/sim/machines';
import { runScenario } from '../../lib/sim/run-scenario';
import { AWS_DENY_ALL, liveUser, oneUser, onCase, onlyCase } from '../helpers/quarantine';

/**
 * An ending says what it left on the user, whatever happened before it: a deletion cut short after
 * it took the deny off, or a deny that was on the user before the quarantine. Each test writes the
 * state as IAM would hold it and reads the words the record, the thread and `release` print.
 */

const release = (caseId: string) => onCase('release', caseId, '--by', 'oncall', '--yes');

const tripped = {
  quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
};

describe('a deletion cut short after its quarantine', () => {
  it('that took the deny off is recorded as partly changed, not as still quarantined, and frees the user', async () => {
    let held: Awaited<ReturnType<typeof liveUser>>;
    let open: string[] = ['unread'];
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        // IAM refuses the last step: the credentials and the deny are already gone by then.
        sim.aws.options.beforeIamAction = (action) =>
          action === 'DeleteUser'
            ? {
                code: 'DeleteConflict',
                message: 'Cannot delete entity, must remove tokens from principal first.',
                status: 409,
              }
            : undefined;
      },
      afterRun: async () => {
        held = await liveUser(iamClient(), 'idle');
        open = (await caseStore().openCases()).map((entry) => entry.userName);
      },
    });
    const [entry] = detail.cases;
    expect(detail.report.cases[0]).toMatchObject({ outcome: 'failed' });
    // IAM: the user is still there, without the deny or its key.
    expect(held!.policies).not.toContain(AWS_DENY_ALL);
    expect(detail.report.accountAfter.idle!.activeCredentials).toEqual([]);
    const closing = entry!.thread.at(-1)!.text;
    expect(closing).toMatch(
      /idle was partly changed: the case failed after \d+ changes, listed in the ticket/,
    );
    expect(closing).not.toContain('still quarantined');
    expect(closing).not.toContain('not deleted: the case failed');
    const comment = JSON.stringify(entry!.issue!.comments.at(-1));
    expect(comment).toContain(`detach managed policy ${AWS_DENY_ALL}`);
    expect(comment).toContain('delete access key AKIAIDLE000000000001');
    expect(comment).not.toContain('Nothing was changed in IAM');
    expect(open).toEqual([]);
  });
});

describe('a quarantine of a user that held AWSDenyAll before it', () => {
  it('is released without a word that the deny is gone or that the credentials work again', async () => {
    let said!: { code: number; text: string };
    let after: Awaited<ReturnType<typeof liveUser>>;
    await runScenario(oneUser({ ...tripped, user: { managedPolicies: [AWS_DENY_ALL] } }), {
      afterRun: async () => {
        said = await release(await onlyCase());
        after = await liveUser(iamClient(), 'idle');
      },
    });
    expect(said.code).toBe(0);
    // An admin attached it before iam-janitor came: the release leaves it, and says so.
    expect(after!.policies).toContain(AWS_DENY_ALL);
    expect(said.text).not.toContain('detach the deny-all policy');
    expect(said.text).not.toContain('every credential works again');
    expect(said.text).toContain(`${AWS_DENY_ALL} stays, as it was on the user before the quarantine`);
  });
});

describe('the open marker of a user left quarantined', () => {
  it('follows the user by id through a rename, and leaves a new user under the old name free for review', async () => {
    const tries: string[] = [];
    await runScenario(oneUser(tripped), {
      afterRun: async (sim) => {
        const account = sim.aws.account;
        renameUser(account, account.users.get('idle')!, 'idle-renamed');
        // IAM gives a user created under an old name a new id.
        const newcomer = addUser(account, {
          userName: 'idle',
          userId: 'AIDANEWIDLE000000001',
          createDate: new Date('2026-11-30T09:00:00Z'),
        });
        for (const [user, caseId] of [
          [account.users.get('idle-renamed')!, 'second-case-for-the-renamed-user'],
          [newcomer, 'first-case-for-the-new-idle'],
        ] as const) {
          try {
            await openCaseFor(caseStore(), user, caseId);
            tries.push(`${caseId}: opened`);
          } catch (error) {
            tries.push(`${caseId}: ${(error as Error).name}`);
          }
        }
      },
    });
    expect(tries).toEqual([
      'second-case-for-the-renamed-user: CaseAlreadyOpenError',
      'first-case-for-the-new-idle: opened',
    ]);
  });
});
