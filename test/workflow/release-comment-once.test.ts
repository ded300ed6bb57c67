import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { ReleaseCommentStore } from '../../lambdas/commons/case/release-comment-store';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { clock, useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import type { Simulation } from '../../lib/sim/engine';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * Found by the attacker helper (issue 34): the ticket of a closed case gets one comment on its
 * release, whatever happens around it: two operators releasing at the same moment, or a comment
 * Jira took whose recording in the case table failed, then the rerun the command asks for.
 */

type Run = { code: number; text: string };

/** A tripped, closed case; `releases` run an hour after it closed, then its record and comments. */
async function afterClose(releases: (caseId: string, sim: Simulation) => Promise<Run[]>) {
  let runs: Run[] = [];
  let record: CaseRecord | undefined;
  let comments: string[] = [];
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim: Simulation) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        runs = await releases(caseId, sim);
        record = await sim.caseRecord(caseId);
        comments = sim.jira.issues.get(record!.jiraKey!)!.comments.map((comment) => adfToText(comment));
      },
    },
  );
  const released = comments.filter((comment) => comment.includes('Released by'));
  return { runs, record: record!, released };
}

describe('the release comment on a closed case ticket', () => {
  it('is posted once when two operators release at the same moment, and the second is told who did', async () => {
    const { runs, record, released } = await afterClose((caseId) =>
      Promise.all([
        onCase('release', caseId, '--by', 'alice', '--yes'),
        onCase('release', caseId, '--by', 'bob', '--yes'),
      ]),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(released).toHaveLength(1);
    const first = record.quarantine!.releasedBy!;
    expect(released[0]).toContain(`Released by ${first}`);
    // The run whose release was not recorded says whose was; one run only says it commented.
    const other = runs[first === 'alice' ? 1 : 0]!;
    expect(other.text).toContain(`another release run that finished first: ${first}'s`);
    expect(runs.filter((run) => run.text.includes('now has a comment'))).toHaveLength(1);
  });

  it('is posted once when its recording failed, and the rerun records the one on the ticket', async () => {
    // DynamoDB's answer to a throttled write (its error reference).
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const spy = jest
      .spyOn(QuarantineStore.prototype, 'recordReleaseCommented')
      .mockRejectedValueOnce(throttled);
    const { runs, record, released } = await afterClose(async (caseId) => [
      await onCase('release', caseId, '--by', 'alice', '--yes'),
      await onCase('release', caseId, '--by', 'alice', '--yes'),
    ]);
    spy.mockRestore();
    const [first, second] = runs;
    expect(first!.code).toBe(1);
    expect(first!.text).toContain(`Ticket ${record.jiraKey} now has a comment`);
    expect(first!.text).toContain('ProvisionedThroughputExceededException');
    expect(second!.code).toBe(0);
    expect(released).toHaveLength(1);
    expect(record.quarantine!.releaseCommentedAt).toEqual(expect.any(String));
  });

  it('takes over a claim left by a run that never finished, and leaves a fresh one to its run', async () => {
    const claimed = (minutesAgo: number) => ({
      by: 'carol',
      at: new Date(clock.now().getTime() - minutesAgo * 60_000).toISOString(),
      token: `left-${minutesAgo}`,
    });
    for (const [minutesAgo, comments] of [
      [20, 1],
      [2, 0],
    ] as const) {
      const { runs, released } = await afterClose(async (caseId, sim) => {
        sim.jira.failuresLeft = 100; // the release is done and recorded, its comment not posted
        const first = await onCase('release', caseId, '--by', 'alice', '--yes');
        sim.jira.failuresLeft = 0;
        // A run that took the claim and died before it asked Jira (Ctrl-C).
        await new ReleaseCommentStore(documentClient(), CASE_TABLE).claim(caseId, claimed(minutesAgo));
        return [first, await onCase('release', caseId, '--by', 'alice', '--yes')];
      });
      expect(released).toHaveLength(comments);
      if (comments === 0) expect(runs[1]!.text).toContain("carol's");
    }
  });
});
