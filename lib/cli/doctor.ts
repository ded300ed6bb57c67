import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCredentialReportCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  clientSettings,
  cloudTrailClient,
  iamClient,
  iamClientFor,
  memberTarget,
  PatientRetryStrategy,
} from '../../lambdas/commons/clients';
import { HOME_REGION } from '../../lambdas/commons/cloudtrail';
import { mapWithConcurrency } from '../../lambdas/commons/concurrency';
import type { JanitorConfig } from '../../lambdas/commons/config';
import { errorMessage, errorName } from '../../lambdas/commons/errors';
import { jiraClient, type JiraSettings } from '../../lambdas/commons/jira/tracker';
import { parseSecret } from '../../lambdas/commons/secrets';
import { slackClient } from '../../lambdas/commons/slack';
import { count } from '../../lambdas/commons/text';
import { loadConfig, stackName } from './config-file';
import type { CommandIo } from './io';
import { explainAwsError, organizationAccounts } from './report';

/**
 * `iam-janitor doctor`: checks a deployed installation, read-only, and says for each item what to do
 * when it fails. Each check reads only; none posts to Slack, writes to Jira or changes AWS.
 */

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
} as const;
type CheckId = keyof typeof DOCTOR_CHECKS;
const TITLES = Object.fromEntries(
  Object.entries(DOCTOR_CHECKS).map(([id, text]) => [id, text.slice(0, text.indexOf(':'))]),
) as Record<CheckId, string>;

/** The outputs the CLI and these checks read (IamJanitorStack's CfnOutputs). */
const REQUIRED_OUTPUTS = [
  'CaseTableName',
  'SweepStateMachineArn',
  'CaseStateMachineArn',
  'SlackSecretName',
  'JiraSecretName',
  'InventoryRoleArn',
  'ContextRoleArn',
] as const;
type StackOutputs = Record<(typeof REQUIRED_OUTPUTS)[number], string>;

export interface DoctorFlags {
  readonly stack?: unknown;
  readonly json?: unknown;
}

export async function runDoctor(flags: DoctorFlags, io: CommandIo): Promise<number> {
  const config = loadConfig();
  const stack = typeof flags.stack === 'string' ? flags.stack : stackName();
  const results = await diagnose(config, stack);
  if (flags.json) {
    io.stdout(JSON.stringify(results, null, 2));
  } else {
    io.stdout(`iam-janitor doctor: stack ${stack}, ${config.deploymentMode} mode. Every check only reads.\n`);
    for (const result of results) io.stdout(`${MARKS[result.verdict]} ${result.check}: ${result.detail}`);
    const tally = (verdict: Verdict) => results.filter((result) => result.verdict === verdict).length;
    io.stdout(`\n${tally('ok')} passed, ${tally('failed')} failed, ${tally('not checked')} not checked.`);
  }
  return results.some((result) => result.verdict === 'failed') ? 1 : 0;
}

const MARKS: Record<Verdict, string> = { ok: '✓', failed: '✗', 'not checked': '–' };

/** What a check found: a value for the checks after it, and what to print. */
interface Finding<T> {
  readonly value: T;
  readonly detail: string;
  /**
   * Set when the check could not be made, and the detail says why and how to check by hand: no
   * ticket exists yet, or the Slack app lacks a scope it needs only for this check.
   */
  readonly notChecked?: true;
}

/** The results so far; a check whose inputs failed is reported as not checked, never left out. */
class Checkup {
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

/** Runs every check in order. */
export async function diagnose(config: JanitorConfig, stack: string): Promise<CheckResult[]> {
  const checkup = new Checkup();
  const outputs = await checkup.run('stack', () => readOutputs(stack));
  if (!outputs) {
    checkup.skip(
      (Object.keys(DOCTOR_CHECKS) as CheckId[]).filter((id) => id !== 'stack'),
      'the stack outputs',
    );
    return checkup.results;
  }
  const slack = await checkup.run('slackSecret', () => readSecret('slack', outputs.SlackSecretName));
  const jira = await checkup.run('jiraSecret', () => readSecret('jira', outputs.JiraSecretName));
  if (slack) await checkSlack(slack.slackBotToken, config, checkup);
  else checkup.skip(['slackToken', 'slackChannel', 'slackApprovers'], 'a well-formed Slack secret');
  if (jira)
    await checkJira(
      { ...jiraSettingsOf(config), email: jira.jiraEmail, apiToken: jira.jiraApiToken },
      checkup,
    );
  else checkup.skip(['jiraCredentials', 'jiraProject', 'jiraTransition'], 'a well-formed Jira secret');
  await checkup.run('reads', () =>
    config.deploymentMode === 'organization' ? checkMemberReads(config) : checkHubReads(outputs),
  );
  return checkup.results;
}

async function readOutputs(stack: string): Promise<{ value: StackOutputs; detail: string }> {
  const endpoint = clientSettings().endpoints?.cloudformation;
  const client = new CloudFormationClient({
    region: clientSettings().region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    retryStrategy: new PatientRetryStrategy(3),
    ...(endpoint ? { endpoint } : {}),
    ...(clientSettings().credentials ? { credentials: clientSettings().credentials } : {}),
  });
  const region = await client.config.region().catch(() => 'your default region');
  let found;
  try {
    found = await client.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    if (errorName(error) === 'ValidationError' && /does not exist/.test(errorMessage(error)))
      throw new Error(
        `no stack ${stack} in ${region}. Deploy it (npx cdk deploy), or name yours with --stack or -c stackName=…, and check AWS_REGION.`,
        { cause: error },
      );
    throw new Error(explainAwsError(error), { cause: error });
  }
  const outputs = Object.fromEntries(
    (found.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
  );
  const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
  if (missing.length > 0)
    throw new Error(
      `stack ${stack} lacks the outputs ${missing.join(', ')}: it was deployed by an older iam-janitor. Deploy this version (npx cdk deploy).`,
    );
  return {
    value: outputs as StackOutputs,
    detail: `${stack} in ${region}, case table ${outputs.CaseTableName}`,
  };
}

async function readSecret<K extends 'slack' | 'jira'>(kind: K, secretId: string) {
  const endpoint = clientSettings().endpoints?.secretsmanager;
  const client = new SecretsManagerClient({
    retryStrategy: new PatientRetryStrategy(3),
    ...(endpoint ? { endpoint } : {}),
    ...(clientSettings().credentials ? { credentials: clientSettings().credentials } : {}),
    ...(clientSettings().region ? { region: clientSettings().region } : {}),
  });
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new Error(`cannot read ${secretId}: ${explainAwsError(error)}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    raw = {};
  }
  // Names each missing or malformed key and how to fill it, never a value.
  const value = parseSecret(kind, secretId, raw);
  return { value, detail: `${secretId} is filled` };
}

const slackError = (error: unknown) =>
  (error as { data?: { error?: string } }).data?.error ?? errorMessage(error);

async function checkSlack(token: string, config: JanitorConfig, checkup: Checkup): Promise<void> {
  const client = await slackClient(token);
  const signedIn = await checkup.run('slackToken', async () => {
    try {
      const identity = await client.auth.test();
      return { value: true, detail: `the bot ${identity.user ?? ''} of ${identity.team ?? 'the workspace'}` };
    } catch (error) {
      throw new Error(
        `Slack refused the bot token (${slackError(error)}). Copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into the Slack secret.`,
        { cause: error },
      );
    }
  });
  if (!signedIn) return checkup.skip(['slackChannel', 'slackApprovers'], 'a bot token Slack accepts');
  await checkup.run('slackChannel', () => checkChannel(client, config.slackChannelId));
  await checkup.run('slackApprovers', () => checkApprovers(client, config.approverSlackUserIds));
}

type Slack = Awaited<ReturnType<typeof slackClient>>;

async function checkChannel(client: Slack, channelId: string): Promise<Finding<boolean>> {
  let channel;
  try {
    channel = (await client.conversations.info({ channel: channelId })).channel;
  } catch (error) {
    const code = slackError(error);
    // The manifest asks for no read scope on channels (iam-janitor only posts): say so, not ✗.
    if (code === 'missing_scope')
      return {
        value: false,
        notChecked: true,
        detail: `the app may not read channels (no channels:read or groups:read scope, which iam-janitor itself never needs): check by hand that the bot is in ${channelId} (/invite @your-app there).`,
      };
    throw new Error(
      code === 'channel_not_found'
        ? `the bot cannot see ${channelId} (channel_not_found): check slackChannelId, and for a private channel invite the app (/invite @your-app) first.`
        : `Slack refused conversations.info for ${channelId} (${code}).`,
      { cause: error },
    );
  }
  if (!channel?.is_member)
    throw new Error(
      `the bot is not a member of #${channel?.name ?? channelId}: type /invite @your-app in that channel, or it cannot post a request.`,
    );
  return { value: true, detail: `the bot is in #${channel.name ?? channelId}` };
}

async function checkApprovers(client: Slack, approverIds: readonly string[]) {
  const problems: string[] = [];
  for (const id of approverIds) {
    try {
      const { user } = await client.users.info({ user: id });
      if (user?.deleted) problems.push(`${id} is deactivated`);
      else if (user?.is_bot) problems.push(`${id} is a bot, not a person`);
    } catch (error) {
      problems.push(
        `${id} ${slackError(error) === 'user_not_found' ? 'does not exist' : `(${slackError(error)})`}`,
      );
    }
  }
  if (problems.length > 0)
    throw new Error(
      `${problems.join('; ')}. Fix approverSlackUserIds in cdk.json (a member's id is under their profile, "Copy member ID") and deploy again.`,
    );
  return { value: true, detail: `${count(approverIds.length, 'approver')}, each an active person` };
}

function jiraSettingsOf(config: JanitorConfig): Omit<JiraSettings, 'email' | 'apiToken'> {
  return {
    baseUrl: config.jiraBaseUrl,
    projectKey: config.jiraProjectKey,
    issueType: config.jiraIssueType,
    doneTransition: config.jiraDoneTransition,
  };
}

/** Jira's HTTP status and own words, never the request (it holds the credentials). */
function jiraProblem(error: unknown): string {
  const status = (error as { status?: number }).status;
  const data = (error as { response?: { data?: { errorMessages?: string[] } } }).response?.data;
  return `HTTP ${status ?? 'no answer'}${data?.errorMessages?.length ? `: ${data.errorMessages.join('; ')}` : ''}`;
}

async function checkJira(settings: JiraSettings, checkup: Checkup): Promise<void> {
  const client = await jiraClient(settings);
  const signedIn = await checkup.run('jiraCredentials', async () => {
    try {
      await client.myself.getCurrentUser();
      return { value: true, detail: `${settings.email} at ${settings.baseUrl}` };
    } catch (error) {
      throw new Error(
        `Jira at ${settings.baseUrl} refused ${settings.email} (${jiraProblem(error)}). Check jiraBaseUrl, and put a current API token (id.atlassian.com, Security, API tokens) in the Jira secret.`,
        { cause: error },
      );
    }
  });
  if (!signedIn) return checkup.skip(['jiraProject', 'jiraTransition'], 'Jira credentials that work');
  await checkup.run('jiraProject', async () => {
    let types;
    try {
      types = await client.projects.getAllStatuses({ projectIdOrKey: settings.projectKey });
    } catch (error) {
      throw new Error(
        `no project ${settings.projectKey} that ${settings.email} can browse (${jiraProblem(error)}). Check jiraProjectKey, and give the account Browse and Create permissions there.`,
        { cause: error },
      );
    }
    const names = types.map((type) => type.name);
    if (!names.includes(settings.issueType))
      throw new Error(
        `project ${settings.projectKey} has no issue type "${settings.issueType}" (it has ${names.join(', ')}). Set jiraIssueType to one of them.`,
      );
    return { value: true, detail: `${settings.projectKey} offers "${settings.issueType}"` };
  });
  await checkup.run('jiraTransition', () => checkTransition(client, settings));
}

/**
 * Jira lists transitions per issue, from its status: the newest open iam-janitor ticket is read, and
 * before the first one exists the check says so rather than guessing.
 */
async function checkTransition(
  client: Awaited<ReturnType<typeof jiraClient>>,
  settings: JiraSettings,
): Promise<Finding<boolean>> {
  const found = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
    jql: `project = "${settings.projectKey}" AND labels = "iam-janitor" AND statusCategory != Done ORDER BY created DESC`,
    fields: ['key'],
    maxResults: 1,
  });
  const key = found.issues?.[0]?.key;
  if (!key)
    return {
      value: false,
      notChecked: true,
      detail:
        'no open iam-janitor ticket yet to read its transitions: run doctor again after the first sweep opens one',
    };
  const { transitions = [] } = await client.issues.getTransitions({ issueIdOrKey: key });
  const names = transitions.map((transition) => transition.name ?? '');
  if (!names.some((name) => name.toLowerCase() === settings.doneTransition.toLowerCase()))
    throw new Error(
      `${key} offers no transition "${settings.doneTransition}" (it offers ${names.join(', ') || 'none'}). Set jiraDoneTransition to the one that closes a ticket.`,
    );
  return { value: true, detail: `${key} offers "${settings.doneTransition}"` };
}

/** Account mode: IAM's policy simulator on the two roles, SCPs included. */
async function checkHubReads(outputs: StackOutputs) {
  const checks = [
    { role: outputs.InventoryRoleArn, actions: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] },
    { role: outputs.ContextRoleArn, actions: ['cloudtrail:LookupEvents'] },
  ];
  const refused: string[] = [];
  for (const { role, actions } of checks) {
    let results;
    try {
      results = (
        await iamClient().send(
          new SimulatePrincipalPolicyCommand({ PolicySourceArn: role, ActionNames: actions }),
        )
      ).EvaluationResults;
    } catch (error) {
      throw new Error(
        `cannot simulate ${role}: ${explainAwsError(error)} (doctor needs iam:SimulatePrincipalPolicy)`,
        { cause: error },
      );
    }
    for (const result of results ?? [])
      if (result.EvalDecision !== 'allowed')
        refused.push(
          `${role.split('/').pop()} may not ${result.EvalActionName}${result.OrganizationsDecisionDetail?.AllowedByOrganizations === false ? ' (an SCP of your organization denies it: ask its administrator for an exception)' : ` (${result.EvalDecision}: deploy this version again)`}`,
        );
  }
  if (refused.length > 0) throw new Error(refused.join('; '));
  return { value: true, detail: 'the credential report and CloudTrail lookups are allowed' };
}

/** Organization mode: each member account through its reader role, as the sweep reaches it. */
async function checkMemberReads(config: JanitorConfig) {
  const listing = await organizationAccounts(config);
  const failures = (
    await mapWithConcurrency(listing.accounts, 4, async (account) => {
      const member = memberTarget(account.accountId, 'reader', config);
      try {
        await iamClientFor(member)
          .send(new GetCredentialReportCommand({}))
          .catch((error: unknown) => {
            // Not generated yet: the read is allowed, which is all this asks.
            if (!/^CredentialReport(NotPresent|Expired|NotReady)Exception$/.test(errorName(error)))
              throw error;
          });
        await cloudTrailClient(HOME_REGION, member).send(new LookupEventsCommand({ MaxResults: 1 }));
        return undefined;
      } catch (error) {
        return `${account.accountId} (${account.name}): ${explainAwsError(error)}`;
      }
    })
  ).filter((failure): failure is string => failure !== undefined);
  if (failures.length > 0)
    throw new Error(
      `${count(failures.length, 'member account')} of ${listing.accounts.length} failed: ${failures.join(' | ')}`,
    );
  return {
    value: true,
    detail: `${count(listing.accounts.length, 'member account')}: reader role assumed, credential report and CloudTrail readable`,
  };
}
