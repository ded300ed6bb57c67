/**
 * The AWS clients, each made once per container on first use with the settings in force, and
 * nothing else: the case table's stores are in case/stores.ts, CloudTrail's pacing in
 * cloudtrail/access.ts.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientSettings, type ClientService } from './client-settings';
import { organizationsSdk, secretsSdk, stsSdk } from './lazy';
import { memberCredentials, type MemberTarget } from './member-role';
import { once, onReset } from './per-container';
import { PatientRetryStrategy } from './retry';

/** A client's endpoint, credentials and region from the settings (the CLI's own clients use it too). */
export function serviceClientConfig(service: ClientService, member?: MemberTarget) {
  const settings = clientSettings();
  const endpoint = settings.endpoints?.[service];
  const credentials = member === undefined ? settings.credentials : memberCredentials(member);
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(settings.region ? { region: settings.region } : {}),
  };
}

// Each made on first use (marked pure so that each Lambda's bundle keeps only the
// clients it calls), so that tests and the simulator can set the standard
// AWS_ENDPOINT_URL_* variables before the first call.
export const iamClient = /* @__PURE__ */ once(() => newIamClient());

/** IAM with this function's credentials, or through a member role. */
function newIamClient(member?: MemberTarget): IAMClient {
  return new IAMClient({
    // IAM is global; any region reaches it, so a missing region setting should not stop a read-only report.
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    retryStrategy: new PatientRetryStrategy(),
    ...serviceClientConfig('iam', member),
  });
}
const iamByAccount = new Map<string, IAMClient>();
onReset(() => iamByAccount.clear());
/**
 * IAM in one member account (organization mode), through that account's member role; without an
 * account, IAM with this function's own credentials (account mode).
 */
export function iamClientFor(member: MemberTarget | undefined): IAMClient {
  if (member === undefined) return iamClient();
  const key = `${member.roleName}/${member.accountId}`;
  let client = iamByAccount.get(key);
  if (!client) {
    client = newIamClient(member);
    iamByAccount.set(key, client);
  }
  return client;
}

const cloudTrailByRegion = new Map<string, CloudTrailClient>();
onReset(() => cloudTrailByRegion.clear());
/**
 * One CloudTrail client per region (LookupEvents only sees the events of its own region), and per
 * member account in organization mode.
 */
export function cloudTrailClient(region: string, member?: MemberTarget): CloudTrailClient {
  const key = member ? `${member.roleName}/${member.accountId}/${region}` : region;
  let client = cloudTrailByRegion.get(key);
  if (!client) {
    // Throttling is retried through the lookup limiter instead (see lookupUserEvents), never by the SDK.
    client = new CloudTrailClient({
      retryStrategy: new PatientRetryStrategy(1),
      ...serviceClientConfig('cloudtrail', member),
      // LookupEvents sees only its own region's events: the region is the lookup's, whatever else is set.
      region,
    });
    cloudTrailByRegion.set(key, client);
  }
  return client;
}
/** Loaded on first use: only organization mode asks Organizations (the listing, and every scope check). */
export const organizationsClient = /* @__PURE__ */ once((): OrganizationsClient => {
  const { OrganizationsClient: Client } = organizationsSdk();
  return new Client({
    region: process.env.AWS_REGION ?? 'us-east-1',
    retryStrategy: new PatientRetryStrategy(6),
    ...serviceClientConfig('organizations'),
  });
});
export const sfnClient = /* @__PURE__ */ once(
  () => new SFNClient({ retryStrategy: new PatientRetryStrategy(5), ...serviceClientConfig('sfn') }),
);
export const documentClient = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ retryStrategy: new PatientRetryStrategy(6), ...serviceClientConfig('dynamodb') }),
    { marshallOptions: { removeUndefinedValues: true } },
  ),
);
/**
 * Powertools' provider (it caches values) over a client that follows the settings above. Loaded on
 * first use: the functions that never read a secret should not pay for its SDK at cold start.
 */
export const secretsProvider = /* @__PURE__ */ once((): SecretsProvider => {
  const { SecretsProvider: Provider, SecretsManagerClient } = secretsSdk();
  return new Provider({
    awsSdkV3Client: new SecretsManagerClient({
      retryStrategy: new PatientRetryStrategy(4),
      ...serviceClientConfig('secretsmanager'),
    }),
  });
});

/** STS for the CLI's own identity (which account it runs in); loaded on first use. */
export const stsClient = /* @__PURE__ */ once((): STSClient => {
  const { STSClient: Client } = stsSdk();
  return new Client({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    retryStrategy: new PatientRetryStrategy(4),
    ...serviceClientConfig('sts'),
  });
});
