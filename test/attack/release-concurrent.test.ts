import type { CaseRecord } from '../../lambdas/commons/case/record';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * ATTACK (issue 34a): two operators release the same tripped, closed case at the same moment (or
 * one presses Enter twice in two terminals). Both pass refuse() (no releasedAt yet), both release,
 * the second recordRelease is silently a no-op, and both reach commentOnTicket before either wrote
 * releaseCommentedAt. "rerun finishes the comment exactly once" should hold for concurrent runs too.
 */
it('two releases at once: how many release comments the ticket gets', async () => {
  let runs: { code: number; text: string }[] = [];
  let record: CaseRecord | undefined;
  let comments: string[] = [];
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        runs = await Promise.all([
          onCase('release', caseId, '--by', 'alice', '--yes'),
          onCase('release', caseId, '--by', 'bob', '--yes'),
        ]);
        record = await sim.caseRecord(caseId);
        comments = sim.jira.issues.get(record!.jiraKey!)!.comments.map((comment) => adfToText(comment));
      },
    },
  );
  for (const run of runs) console.log(`exit ${run.code}\n${run.text}`);
  const released = comments.filter((comment) =>
    comment.includes('Released from quarantine after this case closed'),
  );
  console.log(
    `record: releasedBy=${record!.quarantine!.releasedBy}; release comments: ${released.length}\n${released.join('\n---\n')}`,
  );
  expect(released).toHaveLength(1);
});
