import { caseHistory, caseStore } from '../../lambdas/commons/case/stores';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { main } from '../../lib/cli/main';
import { renameUser } from '../../lib/sim/account-changes';
import type { Simulation } from '../../lib/sim/engine';
import { runScenario } from '../../lib/sim/run-scenario';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { AWS_DENY_ALL, liveUser, oneUser } from '../helpers/quarantine';
import { APPROVER } from '../helpers/sim';

/**
 * Attack: an admin renames the quarantined user (UpdateUser keeps its id, its keys, its tags and
 * the deny) just before the remover deletes it: during the after-trip wait before Delete now, or as
 * the watch hands a silent quarantine to CompleteDeletion. The remover reads the user by the case's
 * name, finds none, and since the case holds the quarantine's snapshot, takes the NoSuchEntity for
 * "a retry that already finished the deletion" (act/handler.ts carryOut's UnknownUserError catch):
 * the record says `deleted`, the thread says "idle was deleted", the open marker is freed, and
 * `release --case` refuses ("was deleted ... restore") while the renamed user still exists with
 * AWSDenyAll, both quarantine tags and every credential.
 */

async function release(caseId: string, by = 'oncall') {
  const out: string[] = [];
  const code = await main(['release', '--case', caseId, '--table', CASE_TABLE, '--by', by, '--yes'], {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
  });
  return { code, text: out.join('\n') };
}

const rename = (sim: Simulation) =>
  renameUser(sim.aws.account, sim.aws.account.users.get('idle')!, 'idle-renamed');

async function afterwards(sim: Simulation) {
  const caseId = (await caseHistory().listCases())[0]!.caseId;
  const record = await sim.caseRecord(caseId);
  return {
    renamed: await liveUser(iamClient(), 'idle-renamed'),
    openMarkers: (await caseStore().openCases()).map((open) => open.userName),
    recordOutcome: record?.outcome,
    releaseCli: await release(caseId),
  };
}

it('Delete now after an admin renamed the user during the after-trip wait is not recorded as a deletion', async () => {
  let after!: Awaited<ReturnType<typeof afterwards>>;
  const detail = await runScenario(
    oneUser({
      quarantineAttempts: { idle: [{ at: '2026-11-23T02:00:00Z', credential: 'AKIAIDLE000000000001' }] },
      decisions: { idle: { action: 'delete', by: APPROVER, afterTrip: { action: 'delete', by: APPROVER } } },
    }),
    {
      beforeSweep: async (sim) => {
        const click = sim.click.bind(sim);
        sim.click = async (caseId, decision, userId, overrides) => {
          // Hours into the after-trip wait, an admin renames the user; then Delete now is clicked.
          if (decision === 'delete' && (await sim.caseRecord(caseId))?.status === 'quarantine-tripped')
            rename(sim);
          return click(caseId, decision, userId, overrides);
        };
      },
      afterRun: async (sim) => void (after = await afterwards(sim)),
    },
  );
  // The user exists, renamed, still denied everything ...
  expect(after.renamed?.policies).toContain(AWS_DENY_ALL);
  // ... so the case must not say it was deleted, and release --case must be a way out.
  expect(detail.report.cases[0]!.outcome).not.toBe('deleted');
  expect(detail.cases[0]!.thread.at(-1)!.text).not.toContain('idle was deleted');
  expect(after.releaseCli.code).toBe(0);
});

it('a rename as the silent watch hands the case to CompleteDeletion is not recorded as a deletion', async () => {
  let after!: Awaited<ReturnType<typeof afterwards>>;
  const detail = await runScenario(oneUser({}), {
    beforeSweep: async (sim) => {
      const answer = sim.tokens.answer.bind(sim.tokens);
      sim.tokens.answer = ((call: { taskToken: string; output?: string }) => {
        // The watcher wrote its silent verdict; the admin's rename lands before the remover reads.
        if (call.output?.includes('"silent"')) rename(sim);
        return answer(call);
      }) as typeof sim.tokens.answer;
    },
    afterRun: async (sim) => void (after = await afterwards(sim)),
  });
  expect(after.renamed?.policies).toContain(AWS_DENY_ALL);
  expect(detail.report.cases[0]!.outcome).not.toBe('deleted');
  expect(after.releaseCli.code).toBe(0);
});
