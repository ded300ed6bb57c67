import type { CaseRecord } from '../../lambdas/commons/case/record';
import { tripChoiceWord } from '../../lambdas/commons/case/quarantine-text';
import type { Outcome } from '../../lambdas/commons/contracts';
import { count } from '../../lambdas/commons/runtime/text';
import { caseAnswered } from './click-cases';
import type { CallRecord } from './standins/standin-types';
import type { JiraStandin } from './standins/jira-standin';
import { mrkdwn } from './render';
import type { Scenario } from './scenario';
import type { SlackStandin } from './standins/slack-standin';

/**
 * What went wrong in a simulation on purpose, and what was refused: each sentence counted from the
 * stand-ins' own records, so that the printed run says exactly what was injected and refused. What
 * a fault did to a case (retried through, or failed) is that case's outcome, printed with it.
 */
export interface Incidents {
  /** The faults the scenario injected, and how many calls each one hit. */
  readonly injected: string[];
  /**
   * Every refusal, each with its case: IAM and STS calls denied, clicks refused in Slack, decisions
   * the remover refused, offboardings refused, duplicate cases.
   */
  readonly refusals: string[];
}

export function incidentsOf(run: {
  faults: Scenario['faults'];
  /** Every AWS call of the hub and of each member account. */
  calls: readonly CallRecord[];
  jira: JiraStandin;
  slack: SlackStandin;
  offboardRefused: readonly { userName: string; reason: string }[];
  duplicateCases: readonly string[];
  /** Every case of the run, with its record: a decision the remover refused is a refusal. */
  cases: readonly { readonly caseId: string; readonly userName: string; readonly record?: CaseRecord }[];
}): Incidents {
  return { injected: injectedFaults(run), refusals: refusals(run) };
}

function injectedFaults({ faults, calls, jira, slack }: Parameters<typeof incidentsOf>[0]): string[] {
  const injected: string[] = [];
  const iam = calls.filter((call) => call.service === 'iam');
  if (faults.iamThrottleRate > 0) {
    const throttled = iam.filter((call) => call.error === 'Throttling').length;
    injected.push(
      `IAM answered Throttling to ${throttled} of ${count(iam.length, 'IAM call')} (faults.iamThrottleRate: ${Math.round(faults.iamThrottleRate * 100)}% of calls, at random).`,
    );
  }
  if (faults.jiraFailures > 0 || faults.jiraDownFor.length > 0) {
    const causes = [
      ...(faults.jiraFailures > 0
        ? [`its first ${count(faults.jiraFailures, 'call')} (faults.jiraFailures)`]
        : []),
      ...(faults.jiraDownFor.length > 0
        ? [`every call about ${faults.jiraDownFor.join(', ')} (faults.jiraDownFor)`]
        : []),
    ];
    injected.push(
      `Jira answered 503 to ${causes.join(' and to ')}: ${count(jira.failedRequests, 'request')} failed.`,
    );
  }
  if (faults.slackFailures > 0)
    injected.push(
      `Slack answered 500 to ${firstCalls(faults.slackFailures)} (faults.slackFailures): ${count(slack.failedCalls, 'call')} failed.`,
    );
  return injected;
}

const firstCalls = (calls: number) => (calls === 1 ? 'its first call' : `its first ${calls} calls`);

/** The outcomes of a decision the remover refused to carry out: nothing it was asked was done. */
export const REMOVER_REFUSALS: readonly Outcome[] = ['refused', 'aborted-active', 'aborted-changed'];

function refusals({
  calls,
  slack,
  offboardRefused,
  duplicateCases,
  cases,
}: Parameters<typeof incidentsOf>[0]): string[] {
  const named = new Map(cases.map((entry) => [entry.caseId, entry.userName]));
  const caseOf = (caseId: string | undefined) =>
    caseId ? `${named.get(caseId) ?? 'a case'}'s case (${caseId})` : 'no case the simulation clicked';
  const refused: string[] = [];
  // IAM and STS denials, one line per action and target, with how often.
  const denials = new Map<string, number>();
  for (const call of calls) {
    if (call.error !== 'AccessDenied') continue;
    const target =
      call.service === 'sts'
        ? `sts:${call.action} into ${call.params.RoleArn}`
        : `${call.service}:${call.action}${call.params.UserName ? ` on ${call.params.UserName}` : ''}`;
    denials.set(target, (denials.get(target) ?? 0) + 1);
  }
  for (const [target, times] of denials)
    refused.push(`AWS denied ${target}${times > 1 ? ` (${times} times)` : ''}.`);
  for (const post of slack.posts.filter((candidate) => candidate.method === 'chat.postEphemeral'))
    refused.push(
      `Slack refused a click on ${caseOf(caseAnswered(post))}, telling @${post.user ?? '?'} only: "${mrkdwn(post.text)}"`,
    );
  for (const { caseId, userName, record } of cases) {
    const refusal = removerRefusal(record);
    if (refusal) refused.push(`${userName}'s case (${caseId}): ${refusal}`);
  }
  for (const { userName, reason } of offboardRefused) refused.push(`offboard ${userName} refused: ${reason}`);
  for (const userName of duplicateCases)
    refused.push(`${userName}: a second case was refused while one is open.`);
  return refused;
}

/** A decision the remover refused, in words: which decision, and why (the outcome's detail). */
function removerRefusal(record: CaseRecord | undefined): string | undefined {
  if (!record?.outcome || !REMOVER_REFUSALS.includes(record.outcome)) return undefined;
  const afterTrip = record.quarantine?.decision;
  const decision = afterTrip ? tripChoiceWord(afterTrip.decision) : record.decision?.decision;
  if (!decision) return undefined;
  const why = record.outcomeDetail ? `: ${record.outcomeDetail}` : '';
  return `the remover refused ${afterTrip ? decision : `the ${decision}`} (${record.outcome})${why}.`;
}
