import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * ATTACK (issue 34a): Jira took the release comment, then writing releaseCommentedAt to the case
 * table failed once (a DynamoDB throttle, a network cut, the operator's Ctrl-C). What does the
 * first run say, and does the rerun the command asks for comment a second time?
 */
it('the comment is posted, its recording fails, the operator reruns', async () => {
  const runs: { code: number; text: string }[] = [];
  let record: CaseRecord | undefined;
  let comments: string[] = [];
  const spy = jest
    .spyOn(QuarantineStore.prototype, 'recordReleaseCommented')
    .mockRejectedValueOnce(
      Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }),
    );
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        runs.push(await onCase('release', caseId, '--by', 'alice', '--yes'));
        runs.push(await onCase('release', caseId, '--by', 'alice', '--yes'));
        record = await sim.caseRecord(caseId);
        comments = sim.jira.issues.get(record!.jiraKey!)!.comments.map((comment) => adfToText(comment));
      },
    },
  );
  spy.mockRestore();
  runs.forEach((run, index) => console.log(`run ${index + 1}: exit ${run.code}\n${run.text}`));
  const released = comments.filter((comment) =>
    comment.includes('Released from quarantine after this case closed'),
  );
  console.log(`release comments on the ticket: ${released.length}`);
  expect(released).toHaveLength(1);
});
