import { renameUser } from '../../lib/sim/account-changes';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { recordAttempt } from '../../lib/sim/standins/credential-attempts';
import { oneUser, onDay2 } from '../helpers/quarantine';

/**
 * make the watcher miss an attempt on an SSH key. The watcher decides where to read
 * CloudTrail (configured regions or every enabled one) from the credentials the user holds at the
 * watch, and reads CloudTrail by the user's *current* name. Both are state another admin writes.
 * Each test tries the SSH key during the quarantine (CloudTrail records it, refused with
 * AccessDenied), then changes the user before the next daily watch, as an admin can.
 */
const SSH_KEY = 'APKAIDLE000000000001';
const FAR_REGION = 'ap-southeast-2';

const tryKey = (sim: Simulation, userName: string, region: string) =>
  recordAttempt(sim.aws.account, userName, {
    at: new Date('2026-11-23T16:00:00Z'),
    credential: SSH_KEY,
    region,
  });

function summary(detail: Awaited<ReturnType<typeof runScenario>>) {
  const entry = detail.report.cases[0]!;
  return {
    outcome: entry.outcome,
    attempts: entry.quarantine?.attempts,
    remainingUsers: detail.report.remainingUsers,
    closing: detail.cases[0]!.thread.at(-1)!.text,
  };
}

describe('the watcher misses an SSH-key attempt', () => {
  it('made in a far region by a key deleted before the next watch', async () => {
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          tryKey(s, 'idle', FAR_REGION);
          // An admin deletes the key after it was tried: the watcher now reads only cloudTrailRegions.
          const user = s.aws.account.users.get('idle')!;
          user.sshPublicKeys = [];
        }),
    });
    const seen = summary(detail);
    expect(seen.outcome).toBe('quarantine-tripped');
    expect(seen.remainingUsers).toEqual(['idle']);
  });

  it('made while an admin had the user renamed for a moment, in a configured region', async () => {
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          const account = s.aws.account;
          renameUser(account, account.users.get('idle')!, 'idle-tmp', new Date('2026-11-23T15:59:00Z'));
          tryKey(s, 'idle-tmp', 'eu-west-1');
          renameUser(account, account.users.get('idle-tmp')!, 'idle', new Date('2026-11-23T16:01:00Z'));
        }),
    });
    const seen = summary(detail);
    expect(seen.outcome).toBe('quarantine-tripped');
    expect(seen.remainingUsers).toEqual(['idle']);
  });

  it('after a rename that changes only the letter case (IAM: the same user, found under either)', async () => {
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) =>
        onDay2(sim, (s) => {
          const account = s.aws.account;
          renameUser(account, account.users.get('idle')!, 'IDLE', new Date('2026-11-23T15:59:00Z'));
          tryKey(s, 'IDLE', 'eu-west-1');
        }),
    });
    const seen = summary(detail);
    // Not deleted (the remover's own re-check reads CloudTrail under the live name), but the watcher
    // read it under the case's name and saw nothing: no trip, no Release / Delete now asked, and the
    // quarantine record lists no attempt while the closing line says IDLE acted.
    expect(seen.outcome).not.toBe('deleted');
    expect(seen.outcome).toBe('quarantine-tripped');
    expect(seen.attempts).not.toEqual([]);
  });

  it("made in an opt-in region the member account's owner opts out of before the next watch", async () => {
    const detail = await runScenario(oneUser({}), {
      beforeSweep: async (sim) => {
        // The account opted into Bahrain before the quarantine (AWS: opt-in regions are DISABLED until enabled).
        sim.aws.account.regions = [
          { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
          { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
          { name: 'me-south-1', status: 'ENABLED' },
        ];
        onDay2(sim, (s) => {
          tryKey(s, 'idle', 'me-south-1');
          // Then opts out: ListRegions(ENABLED, ENABLED_BY_DEFAULT) no longer names it.
          s.aws.account.regions = [
            { name: 'us-east-1', status: 'ENABLED_BY_DEFAULT' },
            { name: 'eu-west-1', status: 'ENABLED_BY_DEFAULT' },
            { name: 'me-south-1', status: 'DISABLING' },
          ];
        });
      },
    });
    const seen = summary(detail);
    // A region the quarantine could read at its start and no longer can is a blind spot: never a silent deletion.
    expect(seen.outcome).not.toBe('deleted');
  });
});
