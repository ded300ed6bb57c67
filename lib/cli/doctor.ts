import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCredentialReportCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  cloudTrailClient,
  iamClient,
  iamClientFor,
  serviceClientConfig,
} from '../../lambdas/commons/runtime/clients';
import { memberTarget } from '../../lambdas/commons/runtime/member-role';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { HOME_REGION } from '../../lambdas/commons/cloudtrail/lookup';
import { mapWithConcurrency } from '../../lambdas/commons/runtime/concurrency';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import { errorMessage, errorName } from '../../lambdas/commons/runtime/errors';
import { count } from '../../lambdas/commons/runtime/text';
import { loadConfig, stackName } from './config-file';
import type { CommandIo } from './io';
import { explainAwsError } from './aws-errors';
import { organizationAccounts } from './report';
import { checkJira, checkSlack, jiraSettingsOf } from './doctor-apps';
import { readStoredSecret } from './secret';
import { Checkup, DOCTOR_CHECKS, type CheckId, type CheckResult, type Verdict } from './doctor-checkup';

/**
 * `iam-janitor doctor`: checks a deployed installation, read-only, and says for each item what to do
 * when it fails. Each check reads only; none posts to Slack, writes to Jira or changes AWS.
 */

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
type StackOutputs = Record<(typeof REQUIRED_OUTPUTS)[number], string> & {
  /** Only with alarmEmail. */
  readonly AlarmTopicArn?: string;
};

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
  await checkup.run('alarms', () => checkAlarms(config, outputs));
  return checkup.results;
}

async function readOutputs(stack: string): Promise<{ value: StackOutputs; detail: string }> {
  const client = new CloudFormationClient({
    retryStrategy: new PatientRetryStrategy(3),
    ...serviceClientConfig('cloudformation'),
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
  const value = await readStoredSecret(kind, secretId);
  return { value, detail: `${secretId} is filled` };
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

/** The alarms reach a person only through a confirmed subscription: SNS sends a link that must be clicked. */
async function checkAlarms(config: JanitorConfig, outputs: StackOutputs) {
  const email = config.alarmEmail;
  if (!email)
    throw new Error(
      'no alarmEmail in the config: the alarms (a halted or failed sweep, a failed case) notify nobody. Set alarmEmail in cdk.json, deploy again, and confirm the e-mail AWS sends.',
    );
  if (!outputs.AlarmTopicArn)
    throw new Error(
      `alarmEmail is ${email}, but the deployed stack has no alarm topic: deploy again (npx cdk deploy).`,
    );
  const sns = new SNSClient({ retryStrategy: new PatientRetryStrategy(3), ...serviceClientConfig('sns') });
  let subscriptions;
  try {
    subscriptions = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs.AlarmTopicArn })))
      .Subscriptions;
  } catch (error) {
    throw new Error(
      `cannot list the subscriptions of ${outputs.AlarmTopicArn}: ${explainAwsError(error)} (doctor needs sns:ListSubscriptionsByTopic)`,
      { cause: error },
    );
  }
  const mine = (subscriptions ?? []).find(
    (subscription) =>
      subscription.Protocol === 'email' && subscription.Endpoint?.toLowerCase() === email.toLowerCase(),
  );
  if (!mine)
    throw new Error(`${email} is not subscribed to ${outputs.AlarmTopicArn}: deploy again (npx cdk deploy).`);
  if (mine.SubscriptionArn === 'PendingConfirmation')
    throw new Error(
      `${email} has not confirmed its subscription, so no alarm reaches it: open the "AWS Notification - Subscription Confirmation" e-mail sent there and click Confirm subscription. The link is valid for three days; for a new one: aws sns subscribe --topic-arn ${outputs.AlarmTopicArn} --protocol email --notification-endpoint ${email}`,
    );
  return { value: true, detail: `${email} is subscribed and confirmed` };
}
