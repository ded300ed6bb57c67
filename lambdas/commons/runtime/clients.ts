import { setTimeout as sleep } from 'node:timers/promises';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { CaseStore } from '../case/case-store';
import { SweepStore } from '../case/sweep-store';
import { CaseHistory } from '../case/history';
import { QuarantineStore } from '../case/quarantine-store';
import { ReplayStore } from '../case/replay-store';
import { requireEnv } from '../config/env';
import { memberCredentialsSdk, organizationsSdk, secretsSdk, stsSdk } from './lazy';
import type { LookupDeps } from '../cloudtrail/lookup';
import { SHARED_LOOKUP_GAP_MS, TableSlotLimiter, type LookupLimiter } from '../cloudtrail/rate-limiter';

/**
 * IAM throttling is account-wide and cannot be raised, so a sweep shares it with every other tool
 * in the account. The SDK's default of 3 attempts gives up during an ordinary burst; this strategy
 * retries throttling and transient errors with capped exponential backoff and full jitter.
 */
export class PatientRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly maxAttempts = 10,
    private readonly baseDelayMs = Number(process.env.IAM_JANITOR_RETRY_BASE_MS ?? 250),
    private readonly maxDelayMs = 20_000,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new RetryToken(0);
  }

  async refreshRetryTokenForRetry(
    token: RetryToken,
    errorInfo: { errorType: string; error?: Error },
  ): Promise<RetryToken> {
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    const unreachable = UNREACHABLE.has((errorInfo.error as { code?: string } | undefined)?.code ?? '');
    const attempts = unreachable ? (settings.unreachableAttempts ?? this.maxAttempts) : this.maxAttempts;
    if (!retryable || token.getRetryCount() + 1 >= attempts) {
      throw new Error('No retry token available');
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** token.getRetryCount());
    await sleep(Math.random() * ceiling);
    return new RetryToken(token.getRetryCount() + 1);
  }

  recordSuccess(): void {}
}

/**
 * Errors that say nothing answers at the address (refused, no such host): worth the full patience
 * inside AWS, where they pass, but not at a terminal, where they mean a wrong endpoint or no network.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

class RetryToken {
  constructor(private readonly retryCount: number) {}
  getRetryCount(): number {
    return this.retryCount;
  }
  getRetryDelay(): number {
    return 0;
  }
}

export type ClientService =
  | 'iam'
  | 'account'
  | 'cloudtrail'
  | 'sfn'
  | 'dynamodb'
  | 'secretsmanager'
  | 'sts'
  | 'organizations'
  | 'cloudformation'
  | 'sns';

/**
 * Settings given to every client explicitly. The simulator uses them rather than the
 * AWS_ENDPOINT_URL_* variables: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the same setting in
 * ~/.aws/config) turns those off, and an offline run would then reach real AWS with the caller's
 * credentials. An endpoint passed to a client's constructor is never ignored.
 */
export interface ClientSettings {
  readonly endpoints?: Partial<Record<ClientService, string>>;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region?: string;
  /**
   * Attempts at an address that refuses connections or does not resolve; the CLI sets 2, so that
   * a wrong endpoint is explained in a second rather than after a minute of silent retries.
   * @default the client's own maximum
   */
  readonly unreachableAttempts?: number;
}

let settings: ClientSettings = {};

/** The settings in force, so that a caller can add to them and put them back. */
export function clientSettings(): ClientSettings {
  return settings;
}

/** Points every client at the given endpoints and credentials; `{}` returns to the default chain. */
export function configureClients(next: ClientSettings): void {
  settings = next;
  resetClients();
}

/**
 * Which member role a function assumes in organization mode: the reader (inventory, context,
 * report) or the remover (act), each trusted only by the hub functions that need it.
 */
export type MemberAccess = 'reader' | 'remover';

/** A member account, and the role to reach it as. */
export interface MemberTarget {
  readonly accountId: string;
  /** `<memberRoleName>-reader` or `-remover`. */
  readonly roleName: string;
  readonly externalId: string;
}

/** The member role of an account for an access, as the config names it. */
export function memberTarget(
  accountId: string,
  access: MemberAccess,
  config: { readonly memberRoleName: string; readonly memberExternalId: string },
): MemberTarget {
  return { accountId, roleName: `${config.memberRoleName}-${access}`, externalId: config.memberExternalId };
}

/** A client's endpoint, credentials and region from the settings (the CLI's own clients use it too). */
export function serviceClientConfig(service: ClientService, member?: MemberTarget) {
  const endpoint = settings.endpoints?.[service];
  const credentials = member === undefined ? settings.credentials : memberCredentials(member);
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(settings.region ? { region: settings.region } : {}),
  };
}

/**
 * Organization mode: a member role of one account, assumed from this function's own role
 * (`<memberRoleName>-reader` or `-remover`); the external id and the hub's role ARN are what the
 * member role's trust policy checks. The provider refreshes the session before it expires, and
 * each account and role gets its own.
 */
function memberCredentials({ accountId, roleName, externalId }: MemberTarget): MemberCredentials {
  const key = `${roleName}/${accountId}`;
  let provider = memberCredentialsByAccount.get(key);
  if (!provider) {
    const stsEndpoint = settings.endpoints?.sts;
    // Loaded on first use: account mode, and the functions that never assume a role, skip it at cold start.
    provider = memberCredentialsSdk().fromTemporaryCredentials({
      params: {
        RoleArn: memberRoleArn(accountId, roleName),
        RoleSessionName: 'iam-janitor',
        ExternalId: externalId,
        DurationSeconds: 3600,
      },
      ...(settings.credentials ? { masterCredentials: settings.credentials } : {}),
      clientConfig: {
        region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      },
    });
    memberCredentialsByAccount.set(key, provider);
  }
  return provider;
}
type MemberCredentials = ReturnType<typeof fromTemporaryCredentials>;
const memberCredentialsByAccount = new Map<string, MemberCredentials>();

/**
 * The member role of an account, as the StackSet names it in every account, in the partition the
 * stack runs in (the stack sets JANITOR_PARTITION; the CLI runs where its credentials are: `aws`
 * unless told otherwise).
 */
export function memberRoleArn(accountId: string, roleName: string): string {
  const partition = process.env.JANITOR_PARTITION ?? 'aws';
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

const resets: (() => void)[] = [];
/** A cache kept in another module, dropped with the clients here (account-client.ts). */
export const onReset = (reset: () => void): number => resets.push(reset);
function once<T>(create: () => T): () => T {
  let instance: T | undefined;
  resets.push(() => (instance = undefined));
  return () => (instance ??= create());
}

/** Drops every cached client, so that the next call reads the endpoint variables again (tests, simulator). */
export function resetClients(): void {
  for (const reset of resets) reset();
  cloudTrailByRegion.clear();
  iamByAccount.clear();
  memberCredentialsByAccount.clear();
}

// Created once per container, on first use (marked pure so that each Lambda's bundle keeps only the
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

/** The member role of a candidate's account, or nothing in account mode. */
export function memberOf(
  candidate: { readonly accountId?: string },
  access: MemberAccess,
  config: { readonly memberRoleName: string; readonly memberExternalId: string },
): MemberTarget | undefined {
  return candidate.accountId === undefined ? undefined : memberTarget(candidate.accountId, access, config);
}

const cloudTrailByRegion = new Map<string, CloudTrailClient>();
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

/** Organization mode's CloudTrail pacing, shared through the case table by every container. */
export const sharedLookupLimiter = /* @__PURE__ */ once(
  () => new TableSlotLimiter(documentClient(), requireEnv('CASE_TABLE_NAME'), SHARED_LOOKUP_GAP_MS),
);

/**
 * Where a function's CloudTrail lookups go, and how they are paced: in account mode its own
 * clients and its in-process limiter; in organization mode the member account's clients, paced per
 * account and region through the case table, so that accounts never wait for each other.
 */
export function trailAccess(
  member: MemberTarget | undefined,
  localLimiter: LookupLimiter,
): Pick<LookupDeps, 'clientFor' | 'limiter'> {
  return member === undefined
    ? { clientFor: (region) => cloudTrailClient(region), limiter: localLimiter }
    : memberTrailAccess(member);
}

/** A member account's CloudTrail: its clients, paced per account and region through the case table. */
export function memberTrailAccess(member: MemberTarget): Pick<LookupDeps, 'clientFor' | 'limiter'> {
  const shared = sharedLookupLimiter();
  return {
    clientFor: (region) => cloudTrailClient(region, member),
    limiter: { run: (region, call) => shared.run(`${member.accountId}/${region}`, call) },
  };
}

/** The case table named by CASE_TABLE_NAME, on the shared document client, as each store reads it. */
export const tableStore = <T>(Store: new (db: ReturnType<typeof documentClient>, table: string) => T) =>
  once(() => new Store(documentClient(), requireEnv('CASE_TABLE_NAME')));
/** Its cases' lives. */
export const caseStore = /* @__PURE__ */ tableStore(CaseStore);
/** What the sweeps keep. */
export const sweepStore = /* @__PURE__ */ tableStore(SweepStore);
/** A Delete's quarantine. */
export const quarantineStore = /* @__PURE__ */ tableStore(QuarantineStore);
/** The Slack requests already taken, for the replay check. */
export const replayStore = /* @__PURE__ */ tableStore(ReplayStore);
/** The cases as the weekly summary reads them. */
export const caseHistory = /* @__PURE__ */ tableStore(CaseHistory);
