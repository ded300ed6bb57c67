import {
  GetUserCommand,
  ListAttachedUserPoliciesCommand,
  ListUserTagsCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { caseHistory } from '../../lambdas/commons/case/stores';
import { main } from '../../lib/cli/main';
import type { Simulation } from '../../lib/sim/engine';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { parseScenario, type Scenario } from '../../lib/sim/scenario';

/** A quarantine's scenarios and what IAM says of their users (test/workflow/quarantine*.test.ts). */

/** AWS's deny-all managed policy, as its reference page names it. */
export const AWS_DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

/** What IAM says of a user now: whether it exists, its attached policies and its tags. */
export async function liveUser(iam: IAMClient, userName: string) {
  try {
    await iam.send(new GetUserCommand({ UserName: userName }));
  } catch {
    return undefined;
  }
  const policies = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  const tags = await iam.send(new ListUserTagsCommand({ UserName: userName }));
  return {
    policies: (policies.AttachedPolicies ?? []).map((policy) => policy.PolicyArn),
    tagKeys: (tags.Tags ?? []).map((tag) => tag.Key),
  };
}

/** One idle user whose Delete is approved, with what the test adds. */
export function oneUser(extra: Partial<Scenario> & { user?: Record<string, unknown> }, days = 14): Scenario {
  const { user, ...rest } = extra;
  return parseScenario(
    {
      now: '2026-11-22T09:00:00Z',
      config: { quarantineDays: days, maxCandidateFraction: 1, cloudTrailRegions: ['eu-west-1'] },
      users: [
        {
          userName: 'idle',
          createDate: '2024-01-10T09:00:00Z',
          accessKeys: [
            {
              id: 'AKIAIDLE000000000001',
              createDate: '2024-01-10T09:00:00Z',
              lastUsedDate: '2026-06-01T09:00:00Z',
            },
          ],
          sshPublicKeys: [{ id: 'APKAIDLE000000000001', status: 'Active' }],
          ...user,
        },
      ],
      decisions: { idle: { action: 'delete', by: 'U0123ABCDEF' } },
      ...rest,
    },
    'test scenario',
  );
}

/** Runs `change` right before the watcher's second daily run: a change made between two watches. */
export function onDay2(sim: Simulation, change: (sim: Simulation) => void): void {
  const watch = sim.runWatcher.bind(sim);
  let day = 0;
  sim.runWatcher = async () => {
    if (++day === 2) change(sim);
    return watch();
  };
}

/** `iam-janitor <command> --case ID --table <the case table> …`, as an operator runs it: its exit code and all it printed. */
export async function onCase(command: string, caseId: string, ...flags: string[]) {
  const out: string[] = [];
  const code = await main([command, '--case', caseId, '--table', CASE_TABLE, ...flags], {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
  });
  return { code, text: out.join('\n') };
}

/** The one case of a scenario with one user. */
export const onlyCase = async () => (await caseHistory().listCases())[0]!.caseId;

/** The Step Functions stand-in's answer to SendTaskSuccess, wrapped: `around` runs first. */
export function aroundTaskCallbacks(
  sim: Simulation,
  around: (call: { taskToken: string; output?: string }, answer: () => unknown) => unknown,
) {
  const answer = sim.tokens.answer.bind(sim.tokens);
  sim.tokens.answer = ((call: { taskToken: string; output?: string }) =>
    around(call, () => answer(call))) as typeof sim.tokens.answer;
}
