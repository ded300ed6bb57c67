import * as path from 'node:path';
import { runScenario } from '../../lib/sim/run-scenario';
import { loadScenario } from '../../lib/sim/scenario';

/**
 * The simulator runs on the scenario's own clock: an approval ends by a decision, or at its deadline
 * when the scenario gives none, never because a timer fired on a slow machine. The old design
 * compressed the wait to 2 seconds of real time, and a loaded machine turned decided cases into
 * expired ones.
 */
describe('a simulation on its own clock', () => {
  const demo = () => loadScenario(path.join(__dirname, '..', '..', 'examples', 'demo-account.json'));

  it('gives the same outcomes, records and text with every Lambda handler 2.1 s slower than usual', async () => {
    const fast = await runScenario(demo());
    // Every handler waits longer than the old 2-second approval window before it runs.
    const slow = await runScenario(demo(), { slowHandlersMs: 2_100 });
    expect(slow.report).toEqual(fast.report);
    const text = (detail: typeof fast) =>
      detail.cases.map(({ record, issue, thread }) => ({
        record: { ...record, executionArn: undefined },
        comments: issue?.comments,
        thread: thread.map((post) => post.text),
      }));
    expect(text(slow)).toEqual(text(fast));
    // Decided cases were decided, and the undecided one expired at its deadline in scenario time.
    const erin = fast.cases.find((entry) => entry.run.userName === 'erin')!;
    expect(erin.record?.outcome).toBe('expired');
    const hours = 168; // approvalTimeoutHours' default
    expect(new Date(erin.record!.closedAt!).getTime() - new Date(erin.record!.openedAt).getTime()).toBe(
      hours * 3_600_000,
    );
  }, 240_000);

  it('prints no wall-clock time: two runs write the same disabled-at tag and the same records', async () => {
    const first = await runScenario(demo());
    const second = await runScenario(demo());
    expect(second.cases.map((entry) => entry.record)).toEqual(first.cases.map((entry) => entry.record));
    expect(JSON.stringify(first.changes)).toContain('iam-janitor:disabled-at=2026-11-22T09:00:00.000Z');
  });
});
