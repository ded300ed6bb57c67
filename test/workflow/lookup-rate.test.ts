import { addUser, emptyAccount } from '../../lib/sim/account';
import { Simulation } from '../../lib/sim/engine';
import { APPROVER, candidateFor } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';
import { ago } from '../helpers/standin';

describe('CloudTrail lookup rate', () => {
  // Real time, as in AWS; and the scenario runner's pace, where the stand-in's window shrinks alike.
  it.each([
    [1, 1000],
    [0.1, 100],
  ])(
    'at pace %s, keeps 20 concurrent cases in one region to 2 lookups in any %s ms window, and none fails',
    async (lookupPace, windowMs) => {
      const account = emptyAccount();
      for (let index = 0; index < 20; index++) {
        addUser(account, {
          userName: `idle-${index}`,
          createDate: ago(400),
          password: { createDate: ago(400), lastUsed: ago(100) },
        });
        account.cloudTrail.push({
          region: 'us-east-1',
          username: `idle-${index}`,
          eventTime: ago(95),
          eventName: 'ConsoleLogin',
          eventSource: 'signin.amazonaws.com',
        });
      }
      const sim: Simulation = new Simulation({
        account,
        config: { ...VALID_CONFIG, cloudTrailRegions: [] },
        approvalTimeoutSeconds: 5,
        lookupPace,
        onApprovalRequested: async (caseId) => void (await sim.click(caseId, 'keep', APPROVER)),
      });
      await sim.start();
      const runs = await Promise.all(
        [...account.users.keys()].map((userName) =>
          sim.runCase(candidateFor(account, userName), `${userName}-case`),
        ),
      );
      await sim.stop();

      const lookups = sim.aws.callsOf('LookupEvents');
      expect(lookups.filter((call) => call.error)).toEqual([]);
      expect(lookups).toHaveLength(20);
      const times = lookups.map((call) => call.at).sort((a, b) => a - b);
      const busiest = Math.max(
        ...times.map((start) => times.filter((time) => time >= start && time < start + windowMs).length),
      );
      expect(busiest).toBeLessThanOrEqual(2);
      expect(runs.map((run) => run.output && (run.output as { outcome?: string }).outcome)).toEqual(
        Array(20).fill('kept'),
      );
    },
    60_000,
  );
});
