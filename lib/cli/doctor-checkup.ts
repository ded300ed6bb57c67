import { errorMessage } from '../../lambdas/commons/runtime/errors';

/** What `iam-janitor doctor` checks, and how each check's result is kept. */

export type Verdict = 'ok' | 'failed' | 'not checked';

export interface CheckResult {
  readonly check: string;
  readonly verdict: Verdict;
  /** What was found; for a failure, what is wrong and what to do. */
  readonly detail: string;
}

/** Every check, in the order it runs, as `doctor --help` describes it. */
export const DOCTOR_CHECKS = {
  stack: 'Stack outputs: the stack is deployed in this region with every output (DescribeStacks).',
  slackSecret: 'Slack secret: filled, and well-formed (a bot token xoxb-…, a signing secret).',
  jiraSecret: 'Jira secret: filled, and well-formed (the e-mail of the Jira account, an API token).',
  slackToken: 'Slack token: Slack accepts the bot token (auth.test).',
  slackChannel: 'Slack channel: the bot is a member of slackChannelId (conversations.info).',
  slackApprovers: 'Slack approvers: every approverSlackUserIds entry is an active person (users.info).',
  jiraCredentials: 'Jira credentials: Jira accepts the e-mail and API token (GET /myself).',
  jiraProject: 'Jira project: jiraProjectKey exists and offers jiraIssueType (GET /project/{key}/statuses).',
  jiraTransition:
    'Jira transition: jiraDoneTransition is offered on the newest open iam-janitor ticket (checked once a ticket exists).',
  reads:
    "AWS reads: account mode, the inventory role may read the credential report and the context role may look up CloudTrail (IAM's policy simulator, SCPs included); organization mode, each member account's reader role can be assumed and may make both reads.",
  alarms:
    'Alarms: alarmEmail is set and its SNS subscription is confirmed (ListSubscriptionsByTopic), so that a halted or failed sweep and a failed case reach someone.',
} as const;
export type CheckId = keyof typeof DOCTOR_CHECKS;
export const TITLES = Object.fromEntries(
  Object.entries(DOCTOR_CHECKS).map(([id, text]) => [id, text.slice(0, text.indexOf(':'))]),
) as Record<CheckId, string>;

/** What a check found: a value for the checks after it, and what to print. */
export interface Finding<T> {
  readonly value: T;
  readonly detail: string;
  /**
   * Set when the check could not be made, and the detail says why and how to check by hand: no
   * ticket exists yet, or the Slack app lacks a scope it needs only for this check.
   */
  readonly notChecked?: true;
}

/** The results so far; a check whose inputs failed is reported as not checked, never left out. */
export class Checkup {
  readonly results: CheckResult[] = [];

  async run<T>(id: CheckId, check: () => Promise<Finding<T>>): Promise<T | undefined> {
    try {
      const found = await check();
      this.results.push({
        check: TITLES[id],
        verdict: found.notChecked ? 'not checked' : 'ok',
        detail: found.detail,
      });
      return found.notChecked ? undefined : found.value;
    } catch (error) {
      this.results.push({ check: TITLES[id], verdict: 'failed', detail: errorMessage(error) });
      return undefined;
    }
  }

  skip(ids: readonly CheckId[], needs: string): void {
    for (const id of ids)
      this.results.push({ check: TITLES[id], verdict: 'not checked', detail: `needs ${needs}` });
  }
}
