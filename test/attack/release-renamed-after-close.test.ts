import type { CaseRecord } from '../../lambdas/commons/case/record';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { renameUser } from '../../lib/sim/account-changes';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * ATTACK (issue 34a): after the tripped case closed, an admin renames the user (UpdateUser keeps
 * its id). `release` finds it by id and frees it under its new name, and says so on the terminal
 * ("now named ..."). Do the ticket comment and the trip message name the user IAM now holds?
 */
it('release of a user renamed after its case closed: which name the ticket is given', async () => {
  let run: { code: number; text: string } | undefined;
  let record: CaseRecord | undefined;
  let comment = '';
  let trip = '';
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        renameUser(sim.aws.account, sim.aws.account.users.get('idle')!, 'idle-renamed');
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        run = await onCase('release', caseId, '--by', 'alice', '--yes');
        record = await sim.caseRecord(caseId);
        comment = adfToText(sim.jira.issues.get(record!.jiraKey!)!.comments.at(-1)!);
        trip = sim.slack.shown.get(closed.quarantine!.tripMessageTs!)?.text ?? '';
      },
    },
  );
  console.log(`exit ${run!.code}\n${run!.text}\nTICKET COMMENT:\n${comment}\nTRIP MESSAGE TEXT: ${trip}`);
  expect(run!.text).toContain('now named idle-renamed');
  expect(comment).toContain('idle-renamed');
});
