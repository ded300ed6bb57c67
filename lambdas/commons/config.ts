import * as z from 'zod';

/**
 * The one definition of iam-janitor's settings. The CDK stack validates cdk.json context with it at
 * synth, the Lambdas re-read it from their environment at cold start, and the CLI reads cdk.json
 * through it, so a setting means the same thing everywhere.
 */

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{8,}$/;
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

const wholeNumber = (rule: string) =>
  z.number({ error: `must be a number (${rule})` }).int(`must be a whole number (${rule})`);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const configObject = z
  .object({
    thresholdDays: wholeNumber('days of inactivity, above 0')
      .min(1, 'must be above 0: a user idle for this many days becomes a candidate')
      .max(3650, 'must be at most 3650 days')
      .default(45),
    schedule: z
      .string()
      .regex(
        SCHEDULE,
        'must be an EventBridge Scheduler expression such as "cron(0 8 ? * MON-FRI *)" or "rate(1 day)"',
      )
      .default('cron(0 8 ? * MON-FRI *)'),
    summarySchedule: z
      .string()
      .regex(
        SCHEDULE,
        'must be an EventBridge Scheduler expression such as "cron(0 9 ? * MON *)" or "rate(7 days)"',
      )
      .default('cron(0 9 ? * MON *)'),
    scheduleTimezone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"')
      .default('UTC'),
    slackChannelId: z.string().regex(SLACK_CHANNEL_ID, 'must be a Slack channel id such as "C0123ABCDEF"'),
    approverSlackUserIds: z
      .array(z.string().regex(SLACK_USER_ID, 'must be a Slack user id such as "U0123ABCDEF"'))
      .min(1, 'must list at least one approver: nobody could decide a case otherwise'),
    slackTeamId: z
      .string()
      .regex(SLACK_TEAM_ID, 'must be a Slack team (workspace) id such as "T0123ABCDEF"')
      .optional(),
    slackEnterpriseId: z
      .string()
      .regex(SLACK_ENTERPRISE_ID, 'must be a Slack Enterprise Grid organization id such as "E0123ABCDEF"')
      .optional(),
    slackAppId: z.string().regex(SLACK_APP_ID, 'must be a Slack app id such as "A0123ABCDEF"').optional(),
    jiraBaseUrl: z
      .string()
      .url('must be a URL such as "https://example.atlassian.net"')
      .refine(
        (value) =>
          value.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(value),
        'must use https://, the API token travels with every call (plain http only for a local stand-in)',
      )
      .transform((value) => value.replace(/\/+$/, '')),
    jiraProjectKey: z
      .string()
      .regex(
        JIRA_PROJECT_KEY,
        'must be a Jira project key: 2 to 10 capital letters, digits or _, starting with a letter',
      ),
    jiraIssueType: z
      .string()
      .min(1, 'must name an issue type of the project, such as "Task"')
      .default('Task'),
    jiraDoneTransition: z.string().min(1, 'must name a workflow transition, such as "Done"').default('Done'),
    approvalTimeoutHours: wholeNumber('hours')
      .min(1, 'must be at least 1 hour')
      .max(8760, 'must be at most 8760 hours, the longest a Step Functions task may wait')
      .default(168),
    reminderHours: wholeNumber('hours').min(1, 'must be at least 1 hour').default(24),
    protectedTagKey: z
      .string()
      .regex(IAM_TAG_KEY, 'must be a valid IAM tag key (1-128 letters, digits, spaces and _.:/=+-@)')
      .default('iam-janitor:protected'),
    keepUntilTagKey: z
      .string()
      .regex(IAM_TAG_KEY, 'must be a valid IAM tag key (1-128 letters, digits, spaces and _.:/=+-@)')
      .default('iam-janitor:keep-until'),
    twoPersonDelete: z.boolean({ error: 'must be true or false' }).default(false),
    approverIdentityTagKey: z
      .string()
      .regex(IAM_TAG_KEY, 'must be a valid IAM tag key (1-128 letters, digits, spaces and _.:/=+-@)')
      .default('iam-janitor:slack-user-id'),
    keepDays: wholeNumber('days')
      .min(1, 'must be at least 1 day')
      .max(3650, 'must be at most 3650 days')
      .default(90),
    exemptUserNames: z
      .array(
        z.string().regex(IAM_USER_NAME, 'must be an IAM user name (1-64 of letters, digits and +=,.@_-)'),
      )
      .default([]),
    exemptPathPrefixes: z
      .array(
        z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'must be an IAM path prefix that starts and ends with "/"'),
      )
      .default([]),
    maxCasesPerRun: wholeNumber('cases')
      .min(1, 'must be at least 1')
      .max(250, 'must be at most 250, so the sweep state stays far below the 256 KB payload limit')
      .default(25),
    maxCandidateFraction: z
      .number({ error: 'must be a number in (0, 1]' })
      .gt(0, 'must be in (0, 1]: above 0')
      .lte(1, 'must be in (0, 1]: at most 1')
      .default(0.2),
    credentialCases: z.boolean({ error: 'must be true or false' }).default(true),
    credentialThresholdDays: wholeNumber('days unused, above 0')
      .min(1, 'must be above 0: a credential unused for this many days is stale')
      .max(3650, 'must be at most 3650 days')
      .optional(),
    cloudTrailRegions: z
      .array(z.string().regex(AWS_REGION, 'must be an AWS region name such as "eu-west-1"'))
      .default([]),
    cloudTrailMaxEvents: wholeNumber('events')
      .min(1, 'must be at least 1')
      .max(5000, 'must be at most 5000')
      .default(200),
    dryRun: z.boolean({ error: 'must be true or false' }).default(false),
    deploymentMode: z
      .enum(['account', 'organization'], {
        error: 'must be "account" (one deployment per account) or "organization" (one hub for every account)',
      })
      .default('account'),
    organizationId: z
      .string()
      .regex(ORGANIZATION_ID, 'must be an AWS Organizations id such as "o-a1b2c3d4e5"')
      .optional(),
    memberOrganizationalUnitIds: z
      .array(
        z
          .string()
          .regex(ORGANIZATIONAL_UNIT_ID, 'must be a root id ("r-ab12") or an OU id ("ou-ab12-cd34ef56")'),
      )
      .default([]),
    memberRoleName: z
      .string()
      .regex(IAM_ROLE_NAME, 'must be an IAM role name of at most 56 characters (letters, digits and +=,.@_-)')
      .default('iam-janitor-member'),
    memberExternalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 letters, digits and +=,.@:/-_')
      .default('iam-janitor'),
    memberStackSetCallAs: z
      .enum(['DELEGATED_ADMIN', 'SELF'], {
        error:
          'must be "DELEGATED_ADMIN" (the hub is a delegated administrator account) or "SELF" (it is the management account)',
      })
      .default('DELEGATED_ADMIN'),
    excludeAccountIds: z
      .array(z.string().regex(AWS_ACCOUNT_ID, 'must be a 12-digit AWS account id'))
      .default([]),
    excludeOrganizationalUnitIds: z
      .array(z.string().regex(ORGANIZATIONAL_UNIT_ID, 'must be an OU id such as "ou-ab12-cd34ef56"'))
      .default([]),
    accountConcurrency: wholeNumber('accounts at once')
      .min(1, 'must be at least 1')
      .max(
        100,
        "must be at most 100: it is also the context step's reserved concurrency, taken from the account's 1,000",
      )
      .default(10),
    reportPrincipalArns: z
      .array(
        z
          .string()
          .regex(
            IAM_ROLE_ARN,
            'must be an IAM role ARN such as "arn:aws:iam::111122223333:role/SecurityAudit"',
          ),
      )
      .default([]),
    accountOverrides: z
      .record(
        z.string().regex(AWS_ACCOUNT_ID, 'must be a 12-digit AWS account id'),
        z
          .object({
            thresholdDays: wholeNumber('days of inactivity, above 0')
              .min(1, 'must be above 0')
              .max(3650, 'must be at most 3650 days')
              .optional(),
            slackChannelId: z
              .string()
              .regex(SLACK_CHANNEL_ID, 'must be a Slack channel id such as "C0123ABCDEF"')
              .optional(),
            approverSlackUserIds: z
              .array(z.string().regex(SLACK_USER_ID, 'must be a Slack user id such as "U0123ABCDEF"'))
              .min(1, 'must list at least one approver')
              .optional(),
          })
          .strict(),
      )
      .default({}),
    alarmEmail: z.email('must be an e-mail address').optional(),
  })
  .strict();

export const configSchema = configObject.superRefine((config, ctx) => {
  if (!config.slackTeamId && !config.slackEnterpriseId) {
    ctx.addIssue({
      code: 'custom',
      path: ['slackTeamId'],
      message:
        'is required (or slackEnterpriseId for an organization-wide Enterprise Grid install): requests from any other workspace are refused',
    });
  }
  // Keep on a credential case tags `<keepUntilTagKey>:<AccessKeyId>` (20 characters more).
  if (config.keepUntilTagKey.length > 107) {
    ctx.addIssue({
      code: 'custom',
      path: ['keepUntilTagKey'],
      message:
        'must be at most 107 characters, so that the key plus ":" and an access key id fits the 128 allowed',
    });
  }
  if (config.deploymentMode === 'organization') {
    if (!config.organizationId) {
      ctx.addIssue({
        code: 'custom',
        path: ['organizationId'],
        message:
          'is required in organization mode: the member roles trust the hub only from inside this organization (aws:PrincipalOrgID)',
      });
    }
    if (config.memberOrganizationalUnitIds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['memberOrganizationalUnitIds'],
        message:
          'must list at least one OU (or the root id) in organization mode: the StackSet deploys the member roles there',
      });
    }
    const both = config.memberOrganizationalUnitIds.filter((ou) =>
      config.excludeOrganizationalUnitIds.includes(ou),
    );
    if (both.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['excludeOrganizationalUnitIds'],
        message: `${both.join(', ')} is also in memberOrganizationalUnitIds: the StackSet would place the member roles in an OU excluded from the sweep; remove it from one of the two`,
      });
    }
  } else if (Object.keys(config.accountOverrides).length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['accountOverrides'],
      message: 'applies in organization mode only (deploymentMode "organization"); remove it or switch modes',
    });
  }
  if (config.reminderHours >= config.approvalTimeoutHours) {
    ctx.addIssue({
      code: 'custom',
      path: ['reminderHours'],
      message: `must be below approvalTimeoutHours (${config.approvalTimeoutHours}), or no reminder is ever sent`,
    });
  }
});

export type JanitorConfig = z.infer<typeof configSchema>;
export type JanitorConfigInput = z.input<typeof configSchema>;

/** Every key the config accepts, in the schema's order (the README's config reference follows it). */
export const CONFIG_KEYS = Object.keys(configObject.shape) as (keyof JanitorConfig)[];

export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError';
}

/** Validates raw settings and names every bad key with its rule, so a typo fails synth at once. */
export function parseConfig(raw: unknown, source = 'config'): JanitorConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    // One line per unknown top-level key, named as the user wrote it.
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0)
      return issue.keys.map((key) => `  ${key}: ${unknownKeyMessage(key)}`);
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.join(', ')}`
        : issue.code === 'invalid_key'
          ? // A record's key (accountOverrides' account id): the key's own rule, not "Invalid key".
            (issue.issues[0]?.message ?? issue.message)
          : issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined
            ? 'is required'
            : issue.message;
    return `  ${key}: ${message}`;
  });
  throw new InvalidConfigError(`Invalid iam-janitor ${source}:\n${problems.join('\n')}`);
}

/** `unknown key dryrun: did you mean dryRun?` A typo must never fall back to a default silently. */
function unknownKeyMessage(key: string): string {
  const nearest = nearestKey(key);
  return nearest
    ? `unknown key; did you mean ${nearest}?`
    : `unknown key; the keys are: ${CONFIG_KEYS.join(', ')}`;
}

/** The config key closest to `key` (letter case ignored), if it is close enough to be a typo of it. */
export function nearestKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of CONFIG_KEYS) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (!best || distance < best.distance) best = { key: known, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

/** Levenshtein distance, by the classic two-row dynamic programme. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The CDK context keys that are iam-janitor's config: every key but CDK's own (feature flags such
 * as `@aws-cdk/...`, `aws:cdk:...` settings, lookups cached under `name:…` keys, and a few plain
 * ones), so that a misspelt key reaches the schema and is refused, rather than being dropped.
 */
export function configFromContext(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(context)
      .filter(([key]) => !key.startsWith('@') && !key.includes(':') && !CDK_CONTEXT_KEYS.has(key))
      .map(([key, value]) => [key, contextValue(value)]),
  );
}

/** `-c thresholdDays=30` passes the text "30"; cdk.json passes JSON values. Text is read as JSON where it parses. */
function contextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Plain context keys that belong to CDK or to the app itself, not to the config. */
const CDK_CONTEXT_KEYS = new Set(['stackName', 'acknowledged-issue-numbers', 'cli-telemetry']);

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The settings one account's cases run under: the config with that account's `accountOverrides`
 * (organization mode). Without an account, or without overrides for it, the config itself.
 */
export function configForAccount(config: JanitorConfig, accountId?: string): JanitorConfig {
  const overrides = accountId === undefined ? undefined : config.accountOverrides[accountId];
  return overrides ? { ...config, ...overrides } : config;
}
