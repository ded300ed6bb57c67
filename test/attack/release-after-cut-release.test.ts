import { caseHistory, iamClient } from '../../lambdas/commons/runtime/clients';
import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { clock, useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { liveUser, onCase, oneUser } from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/**
 * ATTACK (issue 34a): a Release after a trip is cut short after DetachUserPolicy (an SCP refuses
 * UntagUser). The case closes `failed`, quarantineHeld is false, and its closing comment rightly
 * does NOT say the user stays quarantined. Once the SCP is lifted, the operator runs `release` to
 * take the leftover tags off. `refuse()` in lib/cli/release.ts lets any closed case through, and
 * the new ticket comment then claims "The closing comment above said the user stays quarantined".
 */
it('release after a cut-short release: what the ticket is told', async () => {
  let out: { code: number; text: string } | undefined;
  let before: CaseRecord | undefined;
  let after: CaseRecord | undefined;
  let comments: string[] = [];
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
      decisions: { idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'release', by: APPROVER } } },
    }),
    {
      beforeSweep: async (sim) => {
        sim.aws.options.beforeIamAction = (action) =>
          action === 'UntagUser'
            ? { code: 'AccessDenied', message: 'refused by an SCP (test)', status: 403 }
            : undefined;
      },
      afterRun: async (sim) => {
        const caseId = (await caseHistory().listCases())[0]!.caseId;
        before = await sim.caseRecord(caseId);
        sim.aws.options.beforeIamAction = undefined; // the SCP is lifted
        useClock(new SimClock(new Date(Date.parse(before!.closedAt!) + HOUR_MS)));
        void clock;
        out = await onCase('release', caseId, '--by', 'alice', '--yes');
        after = await sim.caseRecord(caseId);
        comments = sim.jira.issues.get(after!.jiraKey!)!.comments.map((comment) => adfToText(comment));
        console.log('IAM after:', JSON.stringify(await liveUser(iamClient(), 'idle')));
      },
    },
  );
  console.log('outcome', before!.outcome, 'quarantineHeld(before)', quarantineHeld(before!));
  console.log('interruptedSteps', JSON.stringify(before!.interruptedSteps));
  console.log('COMMENTS:\n---\n' + comments.join('\n---\n'));
  console.log('CLI exit', out!.code, '\n' + out!.text);
  // The closing comment is the one with the outcome (the trip comment before it is not "closing").
  const closing = comments.find((comment) => comment.trim().startsWith('Outcome:'))!;
  const last = comments.at(-1)!;
  // The claim the new comment makes about the closing comment must be true of the ticket.
  if (/said the user stays quarantined/.test(last))
    expect(closing).toMatch(/stays quarantined|still quarantined|left in quarantine/);
});
