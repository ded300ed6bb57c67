import { count } from '../../lambdas/commons/runtime/text';
import type { CallRecord } from './standins/standin-types';
import type { JiraStandin } from './standins/jira-standin';
import { mrkdwn } from './render';
import type { Scenario } from './scenario';
import type { SlackStandin } from './standins/slack-standin';
import type { ClickTrace } from './click-trace';

/**
 * What went wrong in a simulation on purpose, and what was refused: each one a record counted from
 * the stand-ins' own records, with the sentence the timeline prints. `simulate --json` carries the
 * same records, so that a script checks what a person reads. What a fault did to a case (retried
 * through, or failed) is that case's outcome, printed with it.
 */
export interface Incidents {
  /** The faults the scenario injected, and how many calls each one hit. */
  readonly injected: InjectedFault[];
  /** Every refusal: IAM and STS calls denied, clicks refused, offboardings refused, second cases, the remover's. */
  readonly refusals: Refusal[];
}

/** One fault the scenario injected into one service, as the stand-in counted it. */
export interface InjectedFault {
  readonly service: 'iam' | 'jira' | 'slack';
  /** The scenario's `faults` settings that injected it, by name. */
  readonly settings: Partial<Scenario['faults']>;
  /** What the stand-in answered instead: IAM's error code, or the HTTP status. */
  readonly answer: 'Throttling' | 503 | 500;
  /** How many calls (Jira: requests) it hit. */
  readonly hit: number;
  /** IAM only: of how many IAM calls, since the rate is a share of them. */
  readonly calls?: number;
  /** The sentence the timeline prints. */
  readonly text: string;
}

/** One refusal, with the case it belongs to when it belongs to one. */
export interface Refusal {
  /**
   * Who refused: `aws` (an IAM or STS call denied), `slack` (a click, answered to its clicker only),
   * `offboard` (a request refused before any case started), `sweep` (a second case for a user with
   * one open), `remover` (a decided change the case's last checks stopped).
   */
  readonly by: 'aws' | 'slack' | 'offboard' | 'sweep' | 'remover';
  readonly caseId: string | null;
  /** The user it was about (organization: `<accountId>/<userName>`), when one is known. */
  readonly userName: string | null;
  /** `aws`: how many calls were denied alike. */
  readonly times?: number;
  /** The sentence the timeline prints. */
  readonly text: string;
}

/** A case as the remover's refusals read it. */
export interface RefusedCase {
  readonly caseId: string;
  readonly userName: string;
  readonly decision: string | null;
  /** The error the execution ended on, by name, if any. */
  readonly error: string | null;
  readonly outcome: string;
  readonly outcomeDetail: string | null;
  readonly duplicate: boolean;
}

export function incidentsOf(run: {
  faults: Scenario['faults'];
  /** Every AWS call of the hub and of each member account. */
  calls: readonly CallRecord[];
  jira: JiraStandin;
  slack: SlackStandin;
  /** Every click the scenario made, with Slack's answers to its clicker. */
  clicks: readonly ClickTrace[];
  offboardRefused: readonly { userName: string; reason: string }[];
  cases: readonly RefusedCase[];
}): Incidents {
  return { injected: injectedFaults(run), refusals: refusals(run) };
}

function injectedFaults({ faults, calls, jira, slack }: Parameters<typeof incidentsOf>[0]): InjectedFault[] {
  const injected: InjectedFault[] = [];
  const iam = calls.filter((call) => call.service === 'iam');
  if (faults.iamThrottleRate > 0) {
    const throttled = iam.filter((call) => call.error === 'Throttling').length;
    injected.push({
      service: 'iam',
      settings: { iamThrottleRate: faults.iamThrottleRate },
      answer: 'Throttling',
      hit: throttled,
      calls: iam.length,
      text: `IAM answered Throttling to ${throttled} of ${count(iam.length, 'IAM call')} (faults.iamThrottleRate: ${Math.round(faults.iamThrottleRate * 100)}% of calls, at random).`,
    });
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
    injected.push({
      service: 'jira',
      settings: {
        ...(faults.jiraFailures > 0 ? { jiraFailures: faults.jiraFailures } : {}),
        ...(faults.jiraDownFor.length > 0 ? { jiraDownFor: faults.jiraDownFor } : {}),
      },
      answer: 503,
      hit: jira.failedRequests,
      text: `Jira answered 503 to ${causes.join(' and to ')}: ${count(jira.failedRequests, 'request')} failed.`,
    });
  }
  if (faults.slackFailures > 0)
    injected.push({
      service: 'slack',
      settings: { slackFailures: faults.slackFailures },
      answer: 500,
      hit: slack.failedCalls,
      text: `Slack answered 500 to ${firstCalls(faults.slackFailures)} (faults.slackFailures): ${count(slack.failedCalls, 'call')} failed.`,
    });
  return injected;
}

const firstCalls = (calls: number) => (calls === 1 ? 'its first call' : `its first ${calls} calls`);

function refusals(run: Parameters<typeof incidentsOf>[0]): Refusal[] {
  return [
    ...awsDenials(run.calls),
    ...clickRefusals(run.slack, run.clicks),
    ...run.offboardRefused.map(({ userName, reason }): Refusal => ({
      by: 'offboard',
      caseId: null,
      userName,
      text: `offboard ${userName} refused: ${reason}`,
    })),
    ...run.cases
      .filter((entry) => entry.duplicate)
      .map((entry): Refusal => ({
        by: 'sweep',
        caseId: entry.caseId,
        userName: entry.userName,
        text: `${entry.userName}: a second case was refused while one is open.`,
      })),
    ...run.cases.filter(refusedByRemover).map((entry): Refusal => ({
      by: 'remover',
      caseId: entry.caseId,
      userName: entry.userName,
      text: `${entry.userName}: the ${entry.decision} decided in case ${entry.caseId} was refused${entry.outcomeDetail ? `: ${entry.outcomeDetail}` : ''}.`,
    })),
  ];
}

/** IAM and STS denials, one per action and target, with how often. */
function awsDenials(calls: readonly CallRecord[]): Refusal[] {
  const denials = new Map<string, { userName: string | null; times: number }>();
  for (const call of calls) {
    if (call.error !== 'AccessDenied') continue;
    const target =
      call.service === 'sts'
        ? `sts:${call.action} into ${call.params.RoleArn}`
        : `${call.service}:${call.action}${call.params.UserName ? ` on ${call.params.UserName}` : ''}`;
    const seen = denials.get(target) ?? { userName: call.params.UserName ?? null, times: 0 };
    denials.set(target, { ...seen, times: seen.times + 1 });
  }
  return [...denials].map(([target, { userName, times }]) => ({
    by: 'aws',
    caseId: null,
    userName,
    times,
    text: `AWS denied ${target}${times > 1 ? ` (${times} times)` : ''}.`,
  }));
}

/** Every answer Slack showed a clicker only: a refused click, with the case it was a click on. */
function clickRefusals(slack: SlackStandin, clicks: readonly ClickTrace[]): Refusal[] {
  const caseOf = new Map(clicks.flatMap((click) => click.replies.map((ts) => [ts, click] as const)));
  return slack.posts
    .filter((post) => post.method === 'chat.postEphemeral')
    .map((post) => {
      const click = caseOf.get(post.ts);
      const about = click ? `, on the case of ${click.userName} (${click.caseId})` : '';
      return {
        by: 'slack',
        caseId: click?.caseId ?? null,
        userName: click?.userName ?? null,
        text: `Slack told @${post.user ?? '?'} only${about}: "${mrkdwn(post.text)}"`,
      };
    });
}

/** The errors by which the case's last checks refuse a decided change: the user is left as it was. */
const REMOVER_REFUSALS = new Set([
  'UserBecameActiveError',
  'UserChangedError',
  'QuarantineChangedError',
  'ProtectedUserError',
  'SelfDecisionError',
  'TwoPersonRuleError',
  'AccountOutOfScopeError',
]);

/** An approver chose a change, and the remover's checks refused to make it. */
function refusedByRemover(entry: RefusedCase): boolean {
  // A refusal ends `refused` (protected, self-decision, two-person rule, out of scope) or aborted.
  if (entry.outcome === 'refused') return true;
  return (
    entry.decision !== null &&
    entry.decision !== 'keep' &&
    entry.error !== null &&
    REMOVER_REFUSALS.has(entry.error)
  );
}
