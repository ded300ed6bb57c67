import { ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { useClock } from '../../lambdas/commons/runtime/clock';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';
import { SimClock } from '../../lib/sim/clock';
import { adfToText } from '../../lib/sim/render';
import { runScenario } from '../../lib/sim/run-scenario';
import { onCase, onlyCase, oneUser } from '../helpers/quarantine';

/**
 * ATTACK (issue 34a): the quarantine tripped because someone tried the user's access key. The
 * obvious response of a security admin is to deactivate that key (an "other admin" of
 * THREATS.md). Later an operator releases the closed case. The new Jira comment states what was
 * taken off and "every credential works again", from the record alone: IAM says otherwise.
 */
it('release after an admin deactivated the tried key: what the ticket says of the credentials', async () => {
  let run: { code: number; text: string } | undefined;
  let record: CaseRecord | undefined;
  let comment = '';
  let keys: string[] = [];
  await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
    }),
    {
      afterRun: async (sim) => {
        const caseId = await onlyCase();
        const closed = (await sim.caseRecord(caseId))!;
        // The admin's answer to the trip: the tried key is turned off.
        await iamClient().send(
          new UpdateAccessKeyCommand({
            UserName: 'idle',
            AccessKeyId: 'AKIAIDLE000000000001',
            Status: 'Inactive',
          }),
        );
        useClock(new SimClock(new Date(Date.parse(closed.closedAt!) + HOUR_MS)));
        run = await onCase('release', caseId, '--by', 'alice', '--yes');
        record = await sim.caseRecord(caseId);
        comment = adfToText(sim.jira.issues.get(record!.jiraKey!)!.comments.at(-1)!);
        const listed = await iamClient().send(new ListAccessKeysCommand({ UserName: 'idle' }));
        keys = (listed.AccessKeyMetadata ?? []).map((key) => `${key.AccessKeyId}=${key.Status}`);
      },
    },
  );
  console.log(
    `exit ${run!.code}\n${run!.text}\nTICKET COMMENT:\n${comment}\nIAM access keys now: ${keys.join(', ')}`,
  );
  if (keys.some((key) => key.endsWith('=Inactive')))
    expect(comment).not.toContain('every credential works again');
});
