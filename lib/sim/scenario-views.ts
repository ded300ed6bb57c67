import { changesByUser } from './account-changes';
import type { CaseRun } from './engine-options';
import type { Simulation } from './engine';
import type { RefusedCase } from './incidents';
import type { ScenarioAccountRun } from './scenario-accounts';
import type { SimulationDetail, SimulationReport } from './scenario-report';

/*
 * What people saw of a simulated run, read from the stand-ins once every case has ended: each
 * case's messages, the account's changes, and the cases as the refusals read them.
 */

/** Each case with what people saw of it: its record, ticket, request, message, thread and ephemeral replies. */
export async function caseViews(
  sim: Simulation,
  runs: readonly CaseRun[],
): Promise<SimulationDetail['cases']> {
  const cases = [];
  for (const run of runs) {
    const record = await sim.caseRecord(run.caseId);
    cases.push({
      run,
      record,
      issue: record?.jiraKey ? sim.jira.issues.get(record.jiraKey) : undefined,
      request: sim.slack.posts.find(
        (post) => post.method === 'chat.postMessage' && post.ts === record?.slackTs,
      ),
      message: record?.slackTs ? sim.slack.messages.get(record.slackTs) : undefined,
      // Without an approval message, the outcome is posted in the channel, naming the case.
      // The replies in order; an update of a message in the thread (the trip message losing its
      // buttons) edits that message and is no reply.
      thread: record?.slackTs
        ? sim.slack.threadOf(record.slackTs).filter((post) => post.method !== 'chat.update')
        : sim.slack.posts.filter((post) => !post.threadTs && post.text.includes(run.caseId)),
      ephemeral: sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral'),
    });
  }
  return cases;
}

/** A case as the refusals read it: its decision, and the error its execution ended on. */
export function refusedCase(run: CaseRun, report: SimulationReport['cases'][number]): RefusedCase {
  return {
    caseId: run.caseId,
    userName: report.accountId ? `${report.accountId}/${report.userName}` : report.userName,
    decision: report.decision,
    error: run.caughtError ?? null,
    outcome: report.outcome,
    outcomeDetail: report.outcomeDetail,
    duplicate: report.outcome === 'duplicate',
  };
}

/** What changed in each account, user by user, as the stand-ins saw it succeed. */
export function accountChanges(
  sim: Simulation,
  runs: readonly ScenarioAccountRun[],
  virtualMfaOwners: Map<string, string | null>,
) {
  return runs.flatMap((run) =>
    changesByUser(
      (run.accountId ? sim.aws.member(run.accountId) : sim.aws).mutatingCalls(),
      virtualMfaOwners,
    ).map((entry) => ({
      ...entry,
      userName: run.accountId ? `${run.accountId}/${entry.userName}` : entry.userName,
    })),
  );
}
