import { CONFIG_KEYS, type JanitorConfig } from '../../lambdas/commons/config/config';

/**
 * What each config key means, for people: the README's config reference is generated from this
 * table and the schema's defaults (`npm run docs`), and a test fails when the two disagree. The
 * type makes a key added to the schema without a line here a compile error.
 */
export const CONFIG_DOCS: Record<
  keyof JanitorConfig,
  {
    readonly rule: string;
    readonly effect: string;
    /** For keys without a schema default: how they are required, or "none". */
    readonly default?: string;
  }
> = {
  thresholdDays: {
    rule: 'whole days, 1–3650',
    effect:
      'idle days before a user is a candidate (45 follows the CIS AWS Foundations unused-credentials control, v3.0.0 1.12, and Security Hub IAM.22); also the grace period of new users',
  },
  schedule: {
    rule: 'an EventBridge Scheduler `cron(…)` or `rate(…)`',
    effect: 'when the sweep runs',
  },
  summarySchedule: {
    rule: 'an EventBridge Scheduler `cron(…)` or `rate(…)`',
    effect:
      'when the summary (cases opened, decided, waiting, backlog, stale credentials) is posted in the channel',
  },
  scheduleTimezone: {
    rule: 'an IANA time zone',
    effect: 'the time zone of `schedule` and of `summarySchedule`',
  },
  slackChannelId: {
    rule: '`C…` or `G…`',
    effect: 'where approval requests are posted',
    default: 'required',
  },
  approverSlackUserIds: {
    rule: 'at least one `U…`/`W…`',
    effect: 'who may decide; anyone else is told no',
    default: 'required',
  },
  slackTeamId: {
    rule: '`T…`',
    effect: 'requests from any other workspace are refused',
    default: 'required, unless `slackEnterpriseId` is set',
  },
  slackEnterpriseId: {
    rule: '`E…`',
    effect:
      'an organization-wide (Enterprise Grid) install: requests from any workspace of this organization are accepted (Slack sends them with `"team": null`)',
    default: 'none',
  },
  slackAppId: {
    rule: '`A…`',
    effect: 'when set, requests from any other app are refused',
    default: 'none',
  },
  jiraBaseUrl: {
    rule: '`https://…`',
    effect: 'the Jira Cloud site',
    default: 'required',
  },
  jiraProjectKey: {
    rule: '2–10 of `A-Z0-9_`, starting with a letter',
    effect: 'the project of the tickets',
    default: 'required',
  },
  jiraIssueType: {
    rule: 'non-empty',
    effect: 'the issue type of the tickets',
  },
  jiraDoneTransition: {
    rule: 'non-empty',
    effect: 'the transition applied when a case ends',
  },
  approvalTimeoutHours: {
    rule: '1–8760',
    effect: 'how long a request waits; then the case ends `expired` and the user is kept',
  },
  reminderHours: {
    rule: 'at least 1, below `approvalTimeoutHours`',
    effect: 'how often a waiting request is reminded in its thread',
  },
  protectedTagKey: {
    rule: 'an IAM tag key',
    effect:
      'users with this tag (the key in any case, as IAM matches it) are never touched, in code and by an IAM Deny',
  },
  keepUntilTagKey: {
    rule: 'an IAM tag key',
    effect: 'the snooze tag that _Keep_ writes and the sweep reads',
  },
  keepDays: {
    rule: '1–3650',
    effect: 'how long _Keep_ snoozes a user',
  },
  maxKeepDays: {
    rule: '1–3650',
    effect:
      'how long a keep-until tag no _Keep_ decision wrote (set by hand) counts, from the sweep that first saw it; after that the user is judged again',
  },
  quarantineDays: {
    rule: '0–180',
    effect:
      'an approved _Delete_ first denies the user everything (AWSDenyAll) for this many days, watched daily: any attempt stops the deletion; 0 deletes at once',
  },
  twoPersonDelete: {
    rule: 'boolean',
    effect:
      'every decision that cannot be fully undone (_Delete_, _Disable_, _Deactivate_ of a password) needs two different approvers of the same decision: the first click is recorded, the second delivers it',
  },
  approverIdentityTagKey: {
    rule: 'an IAM tag key',
    effect:
      "the tag holding a user's own Slack user id or e-mail: that person can never decide their own case",
  },
  exemptUserNames: {
    rule: 'IAM user names',
    effect: 'never candidates, never touched',
  },
  exemptPathPrefixes: {
    rule: 'paths such as `/service-accounts/`',
    effect: 'users under these paths are never candidates, never touched',
  },
  maxCasesPerRun: {
    rule: '1–250',
    effect:
      'the batch: each sweep opens at most this many cases, the longest-idle first; the rest wait for the next sweep',
  },
  maxCandidateFraction: {
    rule: 'in (0, 1]',
    effect:
      'the guard: a larger share of users (or of active credentials) as candidates halts the sweep, until `iam-janitor acknowledge-guard`',
  },
  credentialCases: {
    rule: 'boolean',
    effect:
      'judge each credential of active users (CIS AWS Foundations v5.0.0 1.11) and open a case for each stale one: _Deactivate_ or _Keep_',
  },
  credentialThresholdDays: {
    rule: '1–3650',
    effect: 'days unused after which a credential of an active user is stale',
    default: 'thresholdDays',
  },
  cloudTrailRegions: {
    rule: 'region names',
    effect: 'regions searched for CloudTrail events besides us-east-1 (where IAM and sign-in events land)',
  },
  cloudTrailMaxEvents: {
    rule: '1–5000',
    effect: 'events read per region per case, over the last 90 days',
  },
  dryRun: {
    rule: 'boolean',
    effect: 'run everything, snapshot included, but make no change to IAM; the outcome is `dry-run`',
  },
  deploymentMode: {
    rule: '`account` or `organization`',
    effect:
      '`account`: one deployment per account. `organization`: one hub for every account of the organization, with member roles deployed by a StackSet',
  },
  organizationId: {
    rule: '`o-…`',
    effect: 'the organization; the member roles trust the hub only from inside it (`aws:PrincipalOrgID`)',
    default: 'required in organization mode',
  },
  memberOrganizationalUnitIds: {
    rule: 'root `r-…` or OU `ou-…` ids',
    effect: 'where the StackSet deploys the member roles, including accounts that join these OUs later',
    default: 'required in organization mode',
  },
  memberRoleName: {
    rule: 'an IAM role name, at most 56 characters',
    effect: 'the member roles are `<name>-reader` (inventory, context, report) and `<name>-remover` (act)',
  },
  memberExternalId: {
    rule: '2–1224 characters',
    effect: 'the external id the hub gives when it assumes a member role, and the member roles require',
  },
  memberStackSetCallAs: {
    rule: '`DELEGATED_ADMIN` or `SELF`',
    effect:
      'how the hub deploys the member-role StackSet: as a delegated administrator for CloudFormation StackSets, or from the management account',
  },
  excludeAccountIds: {
    rule: '12-digit account ids',
    effect:
      'accounts iam-janitor never acts in: the sweep skips them, offboard, the context step and the remover refuse them, and an IAM Deny keeps the hub out of their member roles',
  },
  excludeOrganizationalUnitIds: {
    rule: '`ou-…` ids',
    effect:
      'OUs (and the OUs under them) whose accounts iam-janitor never acts in, enforced like excludeAccountIds; must not also be in memberOrganizationalUnitIds',
  },
  accountConcurrency: {
    rule: 'whole number, 1–100',
    effect:
      "accounts inventoried at once (the Distributed Map), and cases gathering evidence at once (the context step's reserved concurrency), each account paced on its own",
  },
  reportPrincipalArns: {
    rule: 'IAM role ARNs',
    effect:
      'roles besides the hub functions that may assume the reader role, for `report --organization` (for example a security-audit role in the hub account)',
  },
  accountOverrides: {
    rule: '`{"<accountId>": {thresholdDays?, slackChannelId?, approverSlackUserIds?}}`',
    effect: 'per-account threshold, channel and approvers (organization mode)',
  },
  alarmEmail: {
    rule: 'an e-mail address',
    effect: 'subscribes the address to the alarms',
    default: 'none',
  },
};

export { CONFIG_KEYS };
