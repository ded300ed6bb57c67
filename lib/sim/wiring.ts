import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import type { ClientSettings } from '../../lambdas/commons/runtime/client-settings';
import {
  JIRA_SECRET_ARN,
  REMOVER_CREDENTIALS,
  SIM_CREDENTIALS,
  SIM_SECRETS,
  SLACK_SECRET_ARN,
} from './engine-options';
import type { AwsStandinOptions } from './standins/standin-types';
import { CASE_TABLE } from './standins/dynamo';
import { named, REGION } from './machines';

/** How the simulation points the real handlers at its stand-ins, as the stack points them at AWS. */

/** The two secrets as stored: filled, or the text a scenario gives (`{}` is a secret never filled). */
export function storedSecrets(values?: { readonly slack?: string; readonly jira?: string }) {
  return {
    [SLACK_SECRET_ARN]:
      values?.slack ??
      JSON.stringify({
        slackBotToken: SIM_SECRETS.slackBotToken,
        slackSigningSecret: SIM_SECRETS.slackSigningSecret,
      }),
    [JIRA_SECRET_ARN]:
      values?.jira ??
      JSON.stringify({ jiraEmail: SIM_SECRETS.jiraEmail, jiraApiToken: SIM_SECRETS.jiraApiToken }),
  };
}

/**
 * The environment every function has in the stack, with Slack and Jira at their stand-ins, and
 * CloudTrail's pacing on the simulation's scale (1, real time, unless it runs faster).
 */
export function handlerEnvironment(
  config: JanitorConfig,
  urls: { readonly slack: string; readonly jira: string },
  lookupPace = 1,
) {
  return {
    AWS_REGION: REGION,
    JANITOR_CONFIG: JSON.stringify(config),
    CASE_TABLE_NAME: CASE_TABLE,
    SLACK_SECRET_ARN,
    JIRA_SECRET_ARN,
    SLACK_API_URL: `${urls.slack}/api/`,
    JIRA_API_URL: urls.jira,
    SLACK_RETRIES: '0',
    IAM_JANITOR_RETRY_BASE_MS: process.env.IAM_JANITOR_RETRY_BASE_MS ?? '5',
    IAM_JANITOR_LOOKUP_PACE: String(lookupPace),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  };
}

/**
 * What a stopped simulation takes back: the next Jira client of this process (a test's own
 * stand-in) talks to its configured site, and the next CloudTrail lookups are paced in real time.
 */
export function leaveEnvironment(): void {
  delete process.env.JIRA_API_URL;
  delete process.env.IAM_JANITOR_LOOKUP_PACE;
}

/**
 * Endpoints and credentials go to each client explicitly, never through AWS_ENDPOINT_URL_*:
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would turn those off and send the run to real AWS.
 */
export function clientsAt(awsUrl: string, dynamoUrl: string): ClientSettings {
  return {
    endpoints: {
      iam: awsUrl,
      account: awsUrl,
      cloudtrail: awsUrl,
      sfn: awsUrl,
      secretsmanager: awsUrl,
      sts: awsUrl,
      organizations: awsUrl,
      dynamodb: dynamoUrl,
    },
    credentials: SIM_CREDENTIALS,
    region: REGION,
  };
}

/**
 * The DynamoDB integrations of the sweep machines (arn:aws:states:::dynamodb:getItem and
 * :putItem), as Step Functions calls them: the state's Parameters are the API's request, in
 * DynamoDB's typed JSON, and its answer is the state's result. A GetItem that finds nothing fails
 * with States.Runtime, as the state's ResultSelector does in AWS on an answer with no Item.
 */
export function dynamoIntegration(endpoint: string) {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: SIM_CREDENTIALS });
  // Step Functions names a service's error after the service: DynamoDB.ConditionalCheckFailedException.
  const asIntegration = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw named(`DynamoDB.${(error as Error).name}`, (error as Error).message);
    }
  };
  const getItem = async (input: unknown) => {
    const item = await asIntegration(() => client.send(new GetItemCommand(input as never)));
    if (!item.Item)
      throw named(
        'States.Runtime',
        `No item ${JSON.stringify((input as { Key: unknown }).Key)} in the case table`,
      );
    return { Item: item.Item };
  };
  const putItem = async (input: unknown) => {
    await asIntegration(() => client.send(new PutItemCommand(input as never)));
    return {};
  };
  return { getItem, putItem, destroy: () => client.destroy() };
}

/**
 * The remover role's Deny on protected users (`DenyChangesToProtectedUsers`), as IAM applies it:
 * to the remover's calls alone, the Act Lambda's own (removerIdentity) and those through a member
 * account's `-remover` role. The scenario runner switches it on, so that `simulate` reports only
 * what AWS would let happen.
 */
export function removerDeny(
  protectedTagKey: string,
): Pick<AwsStandinOptions, 'denyMutationsOnTag' | 'denyOnlyFor'> {
  return {
    denyMutationsOnTag: protectedTagKey,
    denyOnlyFor: { accessKeyIds: [REMOVER_CREDENTIALS.accessKeyId], memberRoleSuffix: '-remover' },
  };
}
