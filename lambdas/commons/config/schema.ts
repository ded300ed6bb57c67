import * as v from 'valibot';

/** The keys of iam-janitor's config, each with its default and rule, and the rules across keys. */

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
export const SLACK_USER_ID = /^[UW][A-Z0-9]{8,}$/;
const SLACK_TEAM_ID = /^T[A-Z0-9]{8,}$/;
const SLACK_APP_ID = /^A[A-Z0-9]{8,}$/;
const SLACK_ENTERPRISE_ID = /^E[A-Z0-9]{8,}$/;
const JIRA_PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;
const IAM_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const AWS_ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ORGANIZATIONAL_UNIT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,56}$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/;
const SCHEDULE = /^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

/** A whole number with its rule in every message, and its bounds: `wholeNumber('hours', v.minValue(1, '…'))`. */
const wholeNumber = (rule: string, ...bounds: v.PipeAction<number, number, v.BaseIssue<unknown>>[]) =>
  v.pipe(v.number(`must be a number (${rule})`), v.integer(`must be a whole number (${rule})`), ...bounds);

/** A string matching `pattern`, with the rule said in the words of the message. */
const matching = (pattern: RegExp, message: string) => v.pipe(v.string(message), v.regex(pattern, message));

const TAG_KEY_RULE = 'must be a valid IAM tag key (1-128 letters, digits, spaces and _.:/=+-@)';
const SLACK_CHANNEL_RULE = 'must be a Slack channel id such as "C0123ABCDEF"';
const SLACK_USER_RULE = 'must be a Slack user id such as "U0123ABCDEF"';
const ACCOUNT_ID_RULE = 'must be a 12-digit AWS account id';
const BOOLEAN_RULE = 'must be true or false';

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const configObject = v.strictObject({
  thresholdDays: v.optional(
    wholeNumber(
      'days of inactivity, above 0',
      v.minValue(1, 'must be above 0: a user idle for this many days becomes a candidate'),
      v.maxValue(3650, 'must be at most 3650 days'),
    ),
    45,
  ),
  schedule: v.optional(
    matching(
      SCHEDULE,
      'must be an EventBridge Scheduler expression such as "cron(0 8 ? * MON-FRI *)" or "rate(1 day)"',
    ),
    'cron(0 8 ? * MON-FRI *)',
  ),
  summarySchedule: v.optional(
    matching(
      SCHEDULE,
      'must be an EventBridge Scheduler expression such as "cron(0 9 ? * MON *)" or "rate(7 days)"',
    ),
    'cron(0 9 ? * MON *)',
  ),
  scheduleTimezone: v.optional(
    v.pipe(v.string(), v.check(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"')),
    'UTC',
  ),
  slackChannelId: matching(SLACK_CHANNEL_ID, SLACK_CHANNEL_RULE),
  approverSlackUserIds: v.pipe(
    v.array(matching(SLACK_USER_ID, SLACK_USER_RULE)),
    v.minLength(1, 'must list at least one approver: nobody could decide a case otherwise'),
  ),
  slackTeamId: v.optional(
    matching(SLACK_TEAM_ID, 'must be a Slack team (workspace) id such as "T0123ABCDEF"'),
  ),
  slackEnterpriseId: v.optional(
    matching(SLACK_ENTERPRISE_ID, 'must be a Slack Enterprise Grid organization id such as "E0123ABCDEF"'),
  ),
  slackAppId: v.optional(matching(SLACK_APP_ID, 'must be a Slack app id such as "A0123ABCDEF"')),
  jiraBaseUrl: v.pipe(
    v.string('must be a URL such as "https://example.atlassian.net"'),
    v.url('must be a URL such as "https://example.atlassian.net"'),
    v.check(
      (value) =>
        value.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(value),
      'must use https://, the API token travels with every call (plain http only for a local stand-in)',
    ),
    v.transform((value) => value.replace(/\/+$/, '')),
  ),
  jiraProjectKey: matching(
    JIRA_PROJECT_KEY,
    'must be a Jira project key: 2 to 10 capital letters, digits or _, starting with a letter',
  ),
  jiraIssueType: v.optional(
    v.pipe(v.string(), v.minLength(1, 'must name an issue type of the project, such as "Task"')),
    'Task',
  ),
  jiraDoneTransition: v.optional(
    v.pipe(v.string(), v.minLength(1, 'must name a workflow transition, such as "Done"')),
    'Done',
  ),
  approvalTimeoutHours: v.optional(
    wholeNumber(
      'hours',
      v.minValue(1, 'must be at least 1 hour'),
      v.maxValue(8760, 'must be at most 8760 hours, the longest a Step Functions task may wait'),
    ),
    168,
  ),
  reminderHours: v.optional(wholeNumber('hours', v.minValue(1, 'must be at least 1 hour')), 24),
  protectedTagKey: v.optional(matching(IAM_TAG_KEY, TAG_KEY_RULE), 'iam-janitor:protected'),
  keepUntilTagKey: v.optional(matching(IAM_TAG_KEY, TAG_KEY_RULE), 'iam-janitor:keep-until'),
  twoPersonDelete: v.optional(v.boolean(BOOLEAN_RULE), false),
  approverIdentityTagKey: v.optional(matching(IAM_TAG_KEY, TAG_KEY_RULE), 'iam-janitor:slack-user-id'),
  keepDays: v.optional(
    wholeNumber(
      'days',
      v.minValue(1, 'must be at least 1 day'),
      v.maxValue(3650, 'must be at most 3650 days'),
    ),
    90,
  ),
  // A keep-until no Keep decision wrote (set by hand, or by the user itself) counts this long at most.
  maxKeepDays: v.optional(
    wholeNumber(
      'days',
      v.minValue(1, 'must be at least 1 day'),
      v.maxValue(3650, 'must be at most 3650 days'),
    ),
    365,
  ),
  quarantineDays: v.optional(
    wholeNumber(
      'days, 0 to delete at once',
      v.minValue(0, 'must be 0 (delete at once) or more days'),
      v.maxValue(180, 'must be at most 180 days: a Step Functions execution lasts at most a year'),
    ),
    14,
  ),
  exemptUserNames: v.optional(
    v.array(matching(IAM_USER_NAME, 'must be an IAM user name (1-64 of letters, digits and +=,.@_-)')),
    [],
  ),
  exemptPathPrefixes: v.optional(
    v.array(matching(/^\/([\x21-\x7e]*\/)?$/, 'must be an IAM path prefix that starts and ends with "/"')),
    [],
  ),
  maxCasesPerRun: v.optional(
    wholeNumber(
      'cases',
      v.minValue(1, 'must be at least 1'),
      v.maxValue(250, 'must be at most 250, so the sweep state stays far below the 256 KB payload limit'),
    ),
    25,
  ),
  maxCandidateFraction: v.optional(
    v.pipe(
      v.number('must be a number in (0, 1]'),
      v.gtValue(0, 'must be in (0, 1]: above 0'),
      v.maxValue(1, 'must be in (0, 1]: at most 1'),
    ),
    0.2,
  ),
  credentialCases: v.optional(v.boolean(BOOLEAN_RULE), true),
  credentialThresholdDays: v.optional(
    wholeNumber(
      'days unused, above 0',
      v.minValue(1, 'must be above 0: a credential unused for this many days is stale'),
      v.maxValue(3650, 'must be at most 3650 days'),
    ),
  ),
  cloudTrailRegions: v.optional(
    v.array(matching(AWS_REGION, 'must be an AWS region name such as "eu-west-1"')),
    [],
  ),
  cloudTrailMaxEvents: v.optional(
    wholeNumber('events', v.minValue(1, 'must be at least 1'), v.maxValue(5000, 'must be at most 5000')),
    200,
  ),
  dryRun: v.optional(v.boolean(BOOLEAN_RULE), false),
  deploymentMode: v.optional(
    v.picklist(
      ['account', 'organization'],
      'must be "account" (one deployment per account) or "organization" (one hub for every account)',
    ),
    'account',
  ),
  organizationId: v.optional(
    matching(ORGANIZATION_ID, 'must be an AWS Organizations id such as "o-a1b2c3d4e5"'),
  ),
  memberOrganizationalUnitIds: v.optional(
    v.array(
      matching(ORGANIZATIONAL_UNIT_ID, 'must be a root id ("r-ab12") or an OU id ("ou-ab12-cd34ef56")'),
    ),
    [],
  ),
  memberRoleName: v.optional(
    matching(
      IAM_ROLE_NAME,
      'must be an IAM role name of at most 56 characters (letters, digits and +=,.@_-)',
    ),
    'iam-janitor-member',
  ),
  memberExternalId: v.optional(
    matching(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 letters, digits and +=,.@:/-_'),
    'iam-janitor',
  ),
  memberStackSetCallAs: v.optional(
    v.picklist(
      ['DELEGATED_ADMIN', 'SELF'],
      'must be "DELEGATED_ADMIN" (the hub is a delegated administrator account) or "SELF" (it is the management account)',
    ),
    'DELEGATED_ADMIN',
  ),
  excludeAccountIds: v.optional(v.array(matching(AWS_ACCOUNT_ID, ACCOUNT_ID_RULE)), []),
  excludeOrganizationalUnitIds: v.optional(
    v.array(matching(ORGANIZATIONAL_UNIT_ID, 'must be an OU id such as "ou-ab12-cd34ef56"')),
    [],
  ),
  accountConcurrency: v.optional(
    wholeNumber(
      'accounts at once',
      v.minValue(1, 'must be at least 1'),
      v.maxValue(
        100,
        "must be at most 100: it is also the context step's reserved concurrency, taken from the account's 1,000",
      ),
    ),
    10,
  ),
  reportPrincipalArns: v.optional(
    v.array(
      matching(
        IAM_ROLE_ARN,
        'must be an IAM role ARN such as "arn:aws:iam::111122223333:role/SecurityAudit"',
      ),
    ),
    [],
  ),
  accountOverrides: v.optional(
    v.record(
      matching(AWS_ACCOUNT_ID, ACCOUNT_ID_RULE),
      v.strictObject({
        thresholdDays: v.optional(
          wholeNumber(
            'days of inactivity, above 0',
            v.minValue(1, 'must be above 0'),
            v.maxValue(3650, 'must be at most 3650 days'),
          ),
        ),
        slackChannelId: v.optional(matching(SLACK_CHANNEL_ID, SLACK_CHANNEL_RULE)),
        approverSlackUserIds: v.optional(
          v.pipe(
            v.array(matching(SLACK_USER_ID, SLACK_USER_RULE)),
            v.minLength(1, 'must list at least one approver'),
          ),
        ),
      }),
    ),
    {},
  ),
  alarmEmail: v.optional(v.pipe(v.string('must be an e-mail address'), v.email('must be an e-mail address'))),
});

type ParsedObject = v.InferOutput<typeof configObject>;

/** A rule across keys, reported on `key` when `holds` is false. */
const across = (
  key: keyof ParsedObject,
  holds: (config: ParsedObject) => boolean,
  message: string | ((config: ParsedObject) => string),
) =>
  v.forward<ParsedObject, v.CheckIssue<ParsedObject>, [keyof ParsedObject]>(
    v.check(holds, typeof message === 'string' ? message : (issue) => message(issue.input)),
    [key],
  );

const organizationMode = (config: ParsedObject) => config.deploymentMode === 'organization';
const inBoth = (config: ParsedObject) =>
  config.memberOrganizationalUnitIds.filter((ou) => config.excludeOrganizationalUnitIds.includes(ou));

export const configSchema = v.pipe(
  configObject,
  across(
    'slackTeamId',
    (config) => Boolean(config.slackTeamId || config.slackEnterpriseId),
    'is required (or slackEnterpriseId for an organization-wide Enterprise Grid install): requests from any other workspace are refused',
  ),
  // Keep on a credential case tags `<keepUntilTagKey>:<AccessKeyId>` (20 characters more).
  across(
    'keepUntilTagKey',
    (config) => config.keepUntilTagKey.length <= 107,
    'must be at most 107 characters, so that the key plus ":" and an access key id fits the 128 allowed',
  ),
  across(
    'organizationId',
    (config) => !organizationMode(config) || Boolean(config.organizationId),
    'is required in organization mode: the member roles trust the hub only from inside this organization (aws:PrincipalOrgID)',
  ),
  across(
    'memberOrganizationalUnitIds',
    (config) => !organizationMode(config) || config.memberOrganizationalUnitIds.length > 0,
    'must list at least one OU (or the root id) in organization mode: the StackSet deploys the member roles there',
  ),
  across(
    'excludeOrganizationalUnitIds',
    (config) => !organizationMode(config) || inBoth(config).length === 0,
    (config) =>
      `${inBoth(config).join(', ')} is also in memberOrganizationalUnitIds: the StackSet would place the member roles in an OU excluded from the sweep; remove it from one of the two`,
  ),
  across(
    'accountOverrides',
    (config) => organizationMode(config) || Object.keys(config.accountOverrides).length === 0,
    'applies in organization mode only (deploymentMode "organization"); remove it or switch modes',
  ),
  across(
    'reminderHours',
    (config) => config.reminderHours < config.approvalTimeoutHours,
    (config) =>
      `must be below approvalTimeoutHours (${config.approvalTimeoutHours}), or no reminder is ever sent`,
  ),
);
