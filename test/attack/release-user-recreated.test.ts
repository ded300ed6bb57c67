import type { CaseRecord } from '../../lambdas/commons/case/record';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { addUser } from '../../lib/sim/account';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * ATTACK (issue 34a): after the tripped case closed (user left quarantined), an admin deletes the
 * user and creates a new one under the same name. `release` rightly leaves the new user alone and
 * records the case's user as gone, with exit 0. But the ticket's closing comment and the Slack
 * trip message still say the user stays quarantined (with its Release button): neither is told.
 */
it('release of a case whose user was deleted and recreated under the name', async () => {
  let run: { code: number; text: string } | undefined;
  let record: CaseRecord | undefined;
  let comments: string[] = [];
  let trip = '';
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        const account = sim.aws.account;
        account.users.delete('idle');
        const fresh = addUser(account, { userName: 'idle', createDate: new Date() } as never);
        console.log(`old id ${closed.userId}, new id ${fresh.userId}`);
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        run = await onCase('release', caseId, '--by', 'alice', '--yes');
        record = await sim.caseRecord(caseId);
        comments = sim.jira.issues.get(record!.jiraKey!)!.comments.map((comment) => adfToText(comment));
        const shown = sim.slack.shown.get(closed.quarantine!.tripMessageTs!);
        trip = `${shown?.text}\n${JSON.stringify(shown?.blocks ?? [])}`;
      },
    },
  );
  console.log(`exit ${run!.code}\n${run!.text}\nuserGoneAt=${record!.quarantine!.userGoneAt}`);
  console.log(`LAST COMMENT:\n${comments.at(-1)}\nTRIP MESSAGE NOW:\n${trip.slice(0, 1500)}`);
  expect(comments.at(-1)).not.toMatch(/still quarantined|stays quarantined/);
  expect(trip).not.toMatch(/is left quarantined/);
});
